from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("统计分析与通报")

    def ready(self) -> None:
        # The bell counts, and the inbox shows, the in-app copies of subscribed reports too.
        from notices.sources import InboxSource, register

        from .models import ReportDelivery
        from .services import report_inbox_mark_all_read

        # The hazard ledger's exact count, summed from the rollup where its filters allow.
        from hazardtrack.pagination import register_exact_count
        from hazards.selectors import LEDGER

        from .statistics import rollup_ledger_count

        register_exact_count(LEDGER, rollup_ledger_count)

        register(InboxSource(
            name="supervision.reports",
            unread=lambda *, user: ReportDelivery.objects.inbox_of(user).unread(),
            mark_all_read=lambda *, user: report_inbox_mark_all_read(user=user),
            template="supervision/_inbox.html",
        ))
