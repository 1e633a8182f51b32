"""Celery tasks of the notices app: thin wrappers around services."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notices.deliver_pending", ignore_result=True)
def deliver_pending(seconds: float = 50.0) -> dict:
    """Drain the outbox (scheduled every minute by beat)."""
    report = services.drain_outbox(seconds=seconds)
    return {"claimed": report.claimed, "sent": report.sent, "retrying": report.retrying, "gave_up": report.gave_up}
