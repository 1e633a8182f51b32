"""Celery tasks of the supervision app: thin wrappers around services (beat entries in
settings.CELERY_BEAT_SCHEDULE; `manage.py supervision_reports` runs the same without a broker)."""
from __future__ import annotations

import datetime

from celery import shared_task

from . import services


@shared_task(name="supervision.generate_reports", ignore_result=True)
def generate_reports(kind: str, today: str | None = None) -> dict:
    """日报/周报/月报 for every subscribed region, then send what is due."""
    day = datetime.date.fromisoformat(today) if today else None
    reports = services.reports_generate_due(kind=kind, today=day)
    sent = services.report_deliveries_send()
    return {"reports": [r.pk for r in reports], "sent": sent.sent, "retrying": sent.retrying}


@shared_task(name="supervision.deliver_reports", ignore_result=True)
def deliver_reports() -> dict:
    """Retries of report emails that failed earlier."""
    result = services.report_deliveries_send()
    return {"claimed": result.claimed, "sent": result.sent, "retrying": result.retrying, "gave_up": result.gave_up}
