"""python manage.py deliver_notices [--seconds N]: drain the notices outbox in the foreground."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from notices.services import drain_outbox


class Command(BaseCommand):
    help = "Send pending email and group-robot notices (the Celery task does this every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=50.0, help="stop starting new batches after this long")

    def handle(self, *args, seconds=50.0, **options):
        report = drain_outbox(seconds=seconds)
        self.stdout.write(f"claimed {report.claimed}, sent {report.sent}, retrying {report.retrying}, "
                          f"gave up {report.gave_up}")
        for error in report.errors[:10]:
            self.stdout.write(self.style.WARNING(f"  {error}"))
