"""python manage.py escalate_overdue [--as-of YYYY-MM-DD] [--dry-run]

Runs the nightly deadline job in the foreground — the same service the Celery task calls — and
prints what it did. Use --as-of to re-run a missed night (catch-up sends only the highest level
now due) and --dry-run to see the counts without changing anything.
"""
from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from hazards.escalation import run_escalation
from hazardtrack.dates import local_today
from notices.choices import RunStatus, RunTrigger


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be YYYY-MM-DD, not {value!r}")


class Command(BaseCommand):
    help = "Flag overdue hazards and create due reminders and escalation notices (逾期督办)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, default=None, help="calendar day in Asia/Shanghai (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="run every statement, then roll back")

    def handle(self, *args, as_of=None, dry_run=False, **options):
        as_of = as_of or local_today()
        run = run_escalation(as_of=as_of, dry_run=dry_run, trigger=RunTrigger.COMMAND)
        if run.status == RunStatus.SKIPPED:
            self.stdout.write(self.style.WARNING(f"as of {as_of}: another run is in progress; nothing done (run #{run.pk})"))
            return
        prefix = "DRY RUN (rolled back): " if dry_run else ""
        seconds = run.duration_seconds or 0.0
        self.stdout.write(f"{prefix}escalation as of {as_of} — run #{run.pk} {run.status} in {seconds:.2f} s")
        self.stdout.write(f"  flagged overdue:      {run.flagged:>8}  (cleared: {run.unflagged})")
        self.stdout.write(f"  reminders (due soon): {run.reminders:>8}")
        self.stdout.write(f"  level 1 (overdue):    {run.level1:>8}")
        self.stdout.write(f"  level 2 (county):     {run.level2:>8}")
        self.stdout.write(f"  level 3 (city):       {run.level3:>8}  (queued for the circular: {run.circular_queued})")
        self.stdout.write(f"  deliveries queued:    {run.deliveries:>8}")
