"""Celery tasks of the spreadsheets app: thin wrappers around services."""
from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from . import services
from .models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(name="spreadsheets.validate_import", ignore_result=True)
def validate_import(job_id: int) -> str | None:
    job = services.import_validate(job_id=job_id)
    return job.status if job else None


@shared_task(name="spreadsheets.run_import", ignore_result=True)
def run_import(job_id: int) -> str | None:
    job = services.import_run(job_id=job_id)
    return job.status if job else None


def enqueue(task, job: ImportJob) -> bool:
    """Hand the job to a worker. If the broker cannot be reached the job fails with a message
    saying so (never a 500): the user can upload again once it is back."""
    try:
        task.delay(job.pk)
    except Exception as error:  # kombu raises OperationalError and friends when the broker is down
        logger.error("could not queue import job", extra={"job": job.pk, "error": str(error)})
        services.fail_job(job, _("后台任务服务暂不可用，任务未能开始。请稍后重新上传或重试。"))
        return False
    return True
