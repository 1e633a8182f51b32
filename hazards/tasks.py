"""Celery tasks of the hazards app: thin wrappers around services."""
from __future__ import annotations

import datetime

from celery import shared_task

from hazardtrack.dates import local_today
from notices.choices import RunTrigger

from .escalation import run_escalation


@shared_task(name="hazards.escalate_overdue", ignore_result=True)
def escalate_overdue(as_of: str | None = None, dry_run: bool = False, trigger: str = RunTrigger.BEAT) -> dict:
    """The nightly job (beat, 01:00 Asia/Shanghai): for today unless `as_of` (YYYY-MM-DD) is given.
    Safe to run twice: a concurrent run is skipped, a repeated one creates nothing new."""
    day = datetime.date.fromisoformat(as_of) if as_of else local_today()
    run = run_escalation(as_of=day, dry_run=dry_run, trigger=trigger)
    return {"run": run.pk, "status": run.status, **run.counts()}
