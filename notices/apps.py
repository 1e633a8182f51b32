from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("提醒与督办通知")

    def ready(self) -> None:
        # Notices when work arrives: every hazard and tip-off event, and every finished run.
        from celery.signals import beat_init
        from django.db.models.signals import post_save

        from hazardtrack.events import listen
        from hazardtrack.outbox import Channel, register_sender

        from . import catchup, channels, event_notices
        from .models import EscalationRun

        # How every outbox table's email and robot rows leave (hazardtrack.outbox.drain).
        register_sender(Channel.EMAIL, channels.EmailSender)
        register_sender(Channel.WEBHOOK, channels.WebhookSender)

        listen("notices", event_notices.on_event)
        post_save.connect(event_notices.on_run_saved, sender=EscalationRun, dispatch_uid="notices.run_alarm")
        # A night missed while beat was down runs once when beat starts (catchup.py).
        beat_init.connect(catchup.on_beat_start, weak=False, dispatch_uid="notices.catch_up")
