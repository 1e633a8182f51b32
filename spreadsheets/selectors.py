"""Reads of import jobs. Every query starts from `ImportJob.objects.visible_to(user)`."""
from __future__ import annotations

from django.db.models import QuerySet

from accounts.jurisdiction import get_visible_or_404
from accounts.models import User

from .choices import IssueKind
from .models import ImportIssue, ImportJob

PREVIEW_ISSUES = 20


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user).select_related("uploaded_by")


def import_job_detail(*, user: User, pk: int) -> ImportJob:
    return get_visible_or_404(import_job_list(user=user), user, pk=pk)


def first_issues(job: ImportJob, limit: int = PREVIEW_ISSUES) -> list[ImportIssue]:
    """The first problems, errors before skipped rows, as the preview shows them."""
    errors = list(job.issues.filter(kind=IssueKind.ERROR).order_by("row", "id")[:limit])
    if len(errors) < limit:
        errors += list(job.issues.filter(kind=IssueKind.SKIPPED).order_by("row", "id")[: limit - len(errors)])
    return errors


def duplicate_issues(job: ImportJob, limit: int = PREVIEW_ISSUES) -> list[ImportIssue]:
    """Rows that may repeat an open hazard (imported all the same), with the hazards they name."""
    return list(job.issues.filter(kind=IssueKind.DUPLICATE).order_by("row", "id")[:limit])


def suggestion_issues(job: ImportJob, limit: int = 100) -> list[ImportIssue]:
    """Rows whose enterprise name is near a registered one: the user accepts them in the preview."""
    return list(job.issues.filter(kind=IssueKind.SUGGESTION).order_by("row", "id")[:limit])


def job_status(job: ImportJob) -> dict:
    """What the progress bar polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "running": job.is_running,
        "processed": job.processed_rows,
        "total": job.total_rows,
        "percent": job.percent,
        "valid": job.valid_rows,
        "errors": job.error_rows,
        "skipped": job.skipped_rows,
        "imported": job.imported_rows,
        "failure": job.failure,
        "stopped_at_row": job.stopped_at_row,
    }
