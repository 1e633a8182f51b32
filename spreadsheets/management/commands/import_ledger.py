"""python manage.py import_ledger FILE --user USERNAME [--kind hazards|enterprises] [--all-or-nothing]

Imports a ledger in the foreground with the same services the Celery tasks call: validate,
print the preview (counts and the first problems), then import the valid rows (or, with
--all-or-nothing, nothing unless every row is valid). --dry-run stops after the preview.
"""
from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from hazardtrack.errors import DomainError
from spreadsheets import services
from spreadsheets.choices import ImportKind, ImportMode, ImportStatus


class Command(BaseCommand):
    help = "Import a hazard ledger or an enterprise list from an .xlsx file (Excel导入)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username the import is done as (its jurisdiction applies)")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.HAZARDS)
        parser.add_argument("--all-or-nothing", action="store_true", help="import nothing unless every row is valid")
        parser.add_argument("--dry-run", action="store_true", help="validate and print the preview only")

    def handle(self, *args, file: Path, user: str, kind: str, all_or_nothing: bool, dry_run: bool, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        if not file.is_file():
            raise CommandError(f"no file {file}")
        try:
            with file.open("rb") as handle:
                upload = File(handle, name=file.name)
                upload.size = file.stat().st_size
                job = services.import_job_create(actor=actor, kind=kind, upload=upload)
            job = services.import_validate(job_id=job.pk)
            self._report(job)
            if job.status != ImportStatus.VALIDATED or dry_run:
                return
            mode = ImportMode.ALL_OR_NOTHING if all_or_nothing else ImportMode.VALID_ROWS
            services.import_start(job_id=job.pk, actor=actor, mode=mode)
            job = services.import_run(job_id=job.pk)
        except DomainError as error:
            raise CommandError(str(error.message))
        self._report(job)

    def _report(self, job):
        self.stdout.write(f"job #{job.pk} {job.status}: rows {job.total_rows}, valid {job.valid_rows}, "
                          f"errors {job.error_rows}, skipped {job.skipped_rows}, imported {job.imported_rows}")
        if job.failure:
            self.stdout.write(self.style.ERROR(job.failure))
        for issue in job.issues.all()[:20]:
            self.stdout.write(f"  row {issue.row} [{issue.column}] {issue.value!r}: {issue.message}")
