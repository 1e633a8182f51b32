"""The nightly deadline job (逾期督办): flag overdue hazards, create each due reminder and
escalation notice once, and queue their deliveries.

It is a handful of SQL statements over all hazards in ONE transaction, never a loop over rows:

1. flag: hazards past their current deadline get `overdue_since`; the others lose it;
2. notices: for every running hazard, the highest rung of its ladder due on `as_of`, counted in
   its region's days (hazards/ladder.py `rungs_sql`, which the ledger's due-soon filter also
   reads through `due_soon_sql`) is inserted into
   notices_notice, keyed uniquely by (hazard, kind, level, deadline) — re-running a night
   inserts nothing, an approved extension (a new deadline) starts a fresh ladder, and a night
   after days of downtime inserts only the highest rung now due, not the ones it skipped;
3. deliveries: the new notices' recipients, resolved by joins (enterprise contacts and the
   assigned inspector for reminders and level 1, the county's supervisors for level 2, the
   city's for level 3) and the region's group robots, go into the outbox;
4. circular: hazards reaching level 3 are queued for the next 通报.

A second run at the same time does nothing (PostgreSQL advisory lock; on SQLite the IMMEDIATE
transaction serialises writers and the unique keys do the rest). A process killed mid-run
commits nothing, and the next run does the whole night. Every run is an EscalationRun row.
"""
from __future__ import annotations

import datetime
import logging
import os
import socket
import sys
import time
import traceback

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import NoticeKind, RunStatus, RunTrigger
from notices.models import EscalationRun, Notice

from .ladder import ladder_params, rungs_sql
from .models import Hazard

logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key of this job (any constant no other job uses).
ADVISORY_LOCK_KEY = 0x48_54_45_53  # "HTES"
# Fault-injection hook for the crash test: sleep this many seconds inside the open transaction,
# after the notices are inserted and before anything is committed.
TEST_PAUSE_ENV = "HAZARDTRACK_TEST_ESCALATION_PAUSE"


def run_escalation(*, as_of: datetime.date, dry_run: bool = False,
                   trigger: str = RunTrigger.OTHER) -> EscalationRun:
    """Run the job for the Asia/Shanghai calendar day `as_of`. With `dry_run` every statement
    runs and is rolled back, so the counts are exactly what a real run would do."""
    run = EscalationRun.objects.create(as_of=as_of, dry_run=dry_run, trigger=trigger, worker=_worker_name())
    started = time.monotonic()
    try:
        # durable: the job owns its transaction — flags, notices and outbox commit together or not at all.
        with transaction.atomic(durable=True):
            if not _try_lock():
                run.status = RunStatus.SKIPPED
            else:
                _mark_interrupted_runs(run)
                _escalate(run)
                run.status = RunStatus.SUCCEEDED
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    _finish(run)  # the run's record commits with its work
    except Exception as exc:
        failed = EscalationRun(pk=run.pk, as_of=run.as_of, dry_run=dry_run, trigger=trigger, worker=run.worker,
                               started_at=run.started_at)  # counts of a rolled-back run mean nothing
        run = failed
        run.status, run.error = RunStatus.FAILED, _describe(exc)
        _finish(run)
        logger.exception("escalation run failed", extra={"as_of": as_of.isoformat(), "run": run.pk})
        raise
    if dry_run or run.status == RunStatus.SKIPPED:
        _finish(run)
    logger.info("escalation run finished", extra={
        "run": run.pk, "as_of": as_of.isoformat(), "status": run.status, "dry_run": dry_run,
        "seconds": round(time.monotonic() - started, 3), **run.counts(),
    })
    return run


# --- the statements ------------------------------------------------------------------------

def _escalate(run: EscalationRun) -> None:
    params = _params(run)
    with connection.cursor() as cursor:
        cursor.execute(_FLAG_SQL.format(**_vendor()), params)
        run.flagged = cursor.rowcount
        cursor.execute(_UNFLAG_SQL, params)
        run.unflagged = cursor.rowcount
        cursor.execute(_notices_sql(), params)
        _test_pause()
        cursor.execute(_USER_DELIVERIES_SQL, params)
        run.deliveries = cursor.rowcount
        cursor.execute(_WEBHOOK_DELIVERIES_SQL, params)
        run.deliveries += cursor.rowcount
    per_level = dict(Notice.objects.filter(run=run).values_list("level").annotate(n=Count("id")).order_by())
    run.reminders, run.level1, run.level2, run.level3 = (per_level.get(level, 0) for level in (0, 1, 2, 3))
    run.circular_queued = Hazard.objects.filter(
        circular_queued_on__isnull=True, id__in=Notice.objects.filter(run=run, level=3).values("hazard_id"),
    ).update(circular_queued_on=run.as_of)


def _params(run: EscalationRun) -> dict:
    params = ladder_params(run.as_of)
    params.update({
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "run_id": run.pk,
        "due_soon": NoticeKind.DUE_SOON.value,
        "overdue": NoticeKind.OVERDUE.value,
        "inapp": Channel.INAPP.value,
        "email": Channel.EMAIL.value,
        "webhook": Channel.WEBHOOK.value,
        "pending": DeliveryStatus.PENDING.value,
        "sent": DeliveryStatus.SENT.value,
        "enterprise_role": "enterprise",
        "supervisor_role": "supervisor",
    })
    return params


def _vendor() -> dict:
    """The date expression SQLite and PostgreSQL spell differently."""
    if connection.vendor == "postgresql":
        return {"first_overdue_day": "(current_deadline + 1)"}
    return {"first_overdue_day": "date(current_deadline, '+1 day')"}


# Overdue (the one definition, HazardQuerySet.overdue): deadline running and past.
_FLAG_SQL = """
UPDATE hazards_hazard SET overdue_since = {first_overdue_day}
WHERE status IN (%(assigned)s, %(rectifying)s) AND current_deadline < %(as_of)s
  AND (overdue_since IS NULL OR overdue_since <> {first_overdue_day})
"""

_UNFLAG_SQL = """
UPDATE hazards_hazard SET overdue_since = NULL
WHERE overdue_since IS NOT NULL
  AND NOT (status IN (%(assigned)s, %(rectifying)s) AND current_deadline IS NOT NULL AND current_deadline < %(as_of)s)
"""


def _notices_sql() -> str:
    # INSERT first, then WITH: SQLite reports the row count only for statements that start with INSERT.
    return f"""
INSERT INTO notices_notice (hazard_id, kind, level, deadline, as_of, overdue_days, run_id, created_at)
WITH due AS ({rungs_sql()})
SELECT d.hazard_id, CASE WHEN d.level = 0 THEN %(due_soon)s ELSE %(overdue)s END, d.level, d.deadline,
       %(as_of)s, d.days_overdue, %(run_id)s, %(now)s
FROM due d
WHERE d.level IS NOT NULL
  -- Never step down the ladder of the same deadline (e.g. after a policy change).
  AND NOT EXISTS (SELECT 1 FROM notices_notice n
                  WHERE n.hazard_id = d.hazard_id AND n.deadline = d.deadline AND n.level >= d.level)
ON CONFLICT DO NOTHING
"""


# Recipients of the notices this run created; each UNION branch is an equality join.
_USER_DELIVERIES_SQL = """
INSERT INTO notices_delivery (notice_id, channel, recipient_id, endpoint_id, status, attempts, last_error,
                              next_attempt_at, sent_at, read_at, created_at)
WITH new_notices AS (
    SELECT n.id AS notice_id, n.level, h.enterprise_id, h.assigned_inspector_id, h.region_id
    FROM notices_notice n JOIN hazards_hazard h ON h.id = n.hazard_id
    WHERE n.run_id = %(run_id)s
), recipients AS (
    SELECT nn.notice_id, u.id AS user_id, u.email FROM new_notices nn
    JOIN accounts_user u ON u.enterprise_id = nn.enterprise_id AND u.role = %(enterprise_role)s
    WHERE nn.level <= 1 AND u.is_active
    UNION
    SELECT nn.notice_id, u.id, u.email FROM new_notices nn
    JOIN accounts_user u ON u.id = nn.assigned_inspector_id
    WHERE nn.level <= 1 AND u.is_active
    UNION
    SELECT nn.notice_id, u.id, u.email FROM new_notices nn
    JOIN accounts_user u ON u.region_id = substr(nn.region_id, 1, 6) AND u.role = %(supervisor_role)s
    WHERE nn.level = 2 AND u.is_active
    UNION
    SELECT nn.notice_id, u.id, u.email FROM new_notices nn
    JOIN accounts_user u ON u.region_id = substr(nn.region_id, 1, 4) AND u.role = %(supervisor_role)s
    WHERE nn.level = 3 AND u.is_active
), channels (channel) AS (
    SELECT %(inapp)s UNION ALL SELECT %(email)s
)
SELECT r.notice_id, c.channel, r.user_id, NULL,
       -- The in-app row is the message itself: delivered by being written.
       CASE WHEN c.channel = %(inapp)s THEN %(sent)s ELSE %(pending)s END, 0, '',
       CASE WHEN c.channel = %(inapp)s THEN NULL ELSE %(now)s END,
       CASE WHEN c.channel = %(inapp)s THEN %(now)s ELSE NULL END,
       NULL, %(now)s
FROM recipients r, channels c
WHERE c.channel = %(inapp)s OR r.email <> ''
ON CONFLICT DO NOTHING
"""

# Group robots of the hazard's region or any ancestor, from their minimum level up.
_WEBHOOK_DELIVERIES_SQL = """
INSERT INTO notices_delivery (notice_id, channel, recipient_id, endpoint_id, status, attempts, last_error,
                              next_attempt_at, sent_at, read_at, created_at)
SELECT n.id, %(webhook)s, NULL, e.id, %(pending)s, 0, '', %(now)s, NULL, NULL, %(now)s
FROM notices_notice n
JOIN hazards_hazard h ON h.id = n.hazard_id
JOIN notices_webhookendpoint e ON e.region_id = substr(h.region_id, 1, length(e.region_id))
WHERE n.run_id = %(run_id)s AND e.enabled AND n.level >= e.min_level
ON CONFLICT DO NOTHING
"""


# --- locking and bookkeeping --------------------------------------------------------------

def _try_lock() -> bool:
    """Take the job's lock for the rest of the transaction; False if another run holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE already made this the only writer
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _mark_interrupted_runs(run: EscalationRun) -> None:
    # We hold the lock, so an older run still "running" lost its process before committing.
    # Saved one by one (rarely more than one): each is an alarm for the administrators (post_save).
    for lost in EscalationRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=run.started_at):
        lost.status, lost.finished_at = RunStatus.INTERRUPTED, timezone.now()
        lost.error = "进程在提交前退出，本次运行未产生任何变更；之后的运行已补做。"
        lost.save(update_fields=["status", "finished_at", "error"])


def _finish(run: EscalationRun) -> None:
    run.finished_at = timezone.now()
    run.save()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]


def _test_pause() -> None:
    seconds = float(os.environ.get(TEST_PAUSE_ENV) or 0)
    if seconds > 0:
        sys.stderr.write("escalation: paused inside the open transaction\n")
        sys.stderr.flush()
        time.sleep(seconds)
