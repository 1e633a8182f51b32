"""A night is never skipped silently: when beat starts after the nightly run's scheduled time
passed with no successful run since, the missed night is claimed once (EscalationCatchUp's
unique key) and sent to the worker at once. run_escalation's own rules then create only the
highest rung now due for each hazard, as the command does after downtime.

`on_beat_start` is connected to Celery's beat_init by NoticesConfig.ready(): Celery loads the
Django apps (its Django fixup) before beat starts, standalone or embedded in a worker (-B)."""
from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .choices import RunStatus, RunTrigger
from .models import EscalationCatchUp, EscalationRun


def last_scheduled_time(now: datetime.datetime | None = None) -> datetime.datetime:
    """The most recent NOTICES_ESCALATION_HOUR:00 (local time) at or before `now`."""
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=settings.NOTICES_ESCALATION_HOUR, minute=0, second=0, microsecond=0)
    return at if at <= local else at - datetime.timedelta(days=1)


def claim_missed_night(now: datetime.datetime | None = None) -> datetime.date | None:
    """The business day of the missed night if this caller claimed it, else None (the night
    ran, or another beat start claimed it first)."""
    scheduled = last_scheduled_time(now)
    ran = EscalationRun.objects.filter(status=RunStatus.SUCCEEDED, dry_run=False, finished_at__gte=scheduled)
    if ran.exists():
        return None
    try:
        with transaction.atomic():
            EscalationCatchUp.objects.create(scheduled_at=scheduled, worker=f"{socket.gethostname()}:{os.getpid()}")
    except IntegrityError:
        return None  # another start claimed this night
    return timezone.localdate(scheduled)


def on_beat_start(sender=None, **kwargs) -> None:
    """Beat only fires schedules it sees pass while running: a night missed while it was down
    would be skipped silently. Claim it (once, by a unique row) and send it to the worker now."""
    from hazardtrack.celery import app

    day = claim_missed_night()
    if day is not None:
        app.send_task("hazards.escalate_overdue", kwargs={"as_of": day.isoformat(), "trigger": RunTrigger.CATCH_UP})
