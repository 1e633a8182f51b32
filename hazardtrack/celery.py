"""The Celery app. Tasks are thin wrappers around services (see each app's tasks.py)."""
import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardtrack.settings")

app = Celery("hazardtrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _catch_up_missed_night(sender=None, **kwargs) -> None:
    """Beat only fires schedules it sees pass while running: a night missed while it was down
    would be skipped silently. Claim it (once, by a unique row) and run it now."""
    import django

    django.setup()  # beat alone has not necessarily loaded the apps yet
    from notices.catchup import claim_missed_night
    from notices.choices import RunTrigger

    day = claim_missed_night()
    if day is not None:
        app.send_task("hazards.escalate_overdue", kwargs={"as_of": day.isoformat(), "trigger": RunTrigger.CATCH_UP})
