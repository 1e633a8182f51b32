"""Celery tasks of the incidents app: thin wrappers around services."""
from __future__ import annotations

from celery import shared_task

from . import delivery


@shared_task(name="incidents.deliver_notices", ignore_result=True)
def deliver_notices() -> dict:
    """Send the email and group-robot incident notices that are due (queued after each report
    and run every minute by beat for retries)."""
    report = delivery.deliver_pending()
    return {"claimed": report.claimed, "sent": report.sent, "failed": report.failed}
