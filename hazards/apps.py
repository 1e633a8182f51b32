from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患台账")

    def ready(self):
        from workdays.signals import calendar_changed

        from .ladder import note_calendar_change

        calendar_changed.connect(note_calendar_change, dispatch_uid="hazards.calendar_note")
