"""Celery tasks of the platform: thin wrappers around functions a test can call directly."""
from __future__ import annotations

from celery import shared_task

from .uploads import purge_expired_uploads


@shared_task(name="hazardtrack.purge_pending_uploads", ignore_result=True)
def purge_pending_uploads() -> int:
    """Hourly (beat): the files kept from refused forms are removed a day after they were chosen."""
    return purge_expired_uploads()
