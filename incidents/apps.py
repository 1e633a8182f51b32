from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("生产安全事故")

    def ready(self) -> None:
        # The bell counts, and the inbox shows, the incident report notices too.
        from notices.sources import InboxSource, register

        from . import selectors, services

        register(InboxSource(
            name="incidents",
            unread=lambda *, user: selectors.unread_notices(user=user),
            mark_all_read=lambda *, user: services.notices_mark_all_read(user=user),
            template="incidents/_inbox.html",
        ))
