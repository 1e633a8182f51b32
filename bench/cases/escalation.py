"""The nightly escalation job (hazards/escalation.py) over the province: ~150,000 open hazards,
of which exactly the seeded number (50,000 at 1,000,000 hazards) become overdue tonight.

The code path is `run_escalation(as_of=tonight, dry_run=True)`: every statement runs and the
transaction is rolled back (the job's own dry-run mode), so each attempt sees the same night.
The bare SQL is the data statements that run issued, captured with their parameters and
replayed on a plain psycopg2 connection inside a transaction that is rolled back too.
"""
from __future__ import annotations

import datetime
import time

import psycopg2
from django.db import connection

from bench.harness import Case, Result, Stats
from hazards.escalation import run_escalation
from notices.choices import RunStatus
from notices.models import EscalationRun

BOOKKEEPING = ("notices_escalationrun", "pg_try_advisory_xact_lock", "SAVEPOINT", "RELEASE SAVEPOINT")


class NightlyEscalation(Case):
    name = "escalation"
    title = "每晚逾期督办任务：全省（约15万条未销号，其中5万条当晚新逾期），任务 vs 其SQL语句"
    target_ms, target_ratio = 60_000, 2
    iterations = 3

    def setup(self):
        last = EscalationRun.objects.filter(dry_run=False, status=RunStatus.SUCCEEDED).order_by("-as_of").first()
        if last is None:
            raise RuntimeError("no nightly run recorded: load the data set with manage.py seed_scale")
        self.as_of = last.as_of + datetime.timedelta(days=1)

    def teardown(self):
        # The rolled-back UPDATEs left dead rows and cleared visibility bits (index-only scans
        # of the ledger would fetch heap pages again): tidy up as autovacuum would.
        with connection.cursor() as cursor:
            for table in ("hazards_hazard", "notices_notice", "notices_delivery"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")

    def measure(self) -> Result:
        result = Result(case=self.name, title=self.title)
        code_times, sql_times = [], []
        dsn = connection.get_connection_params()
        for _ in range(self.iterations):
            statements: list[tuple[str, object]] = []

            def capture(execute, sql, params, many, context):
                statements.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(capture):
                t0 = time.perf_counter()
                run = run_escalation(as_of=self.as_of, dry_run=True)
                code_times.append(time.perf_counter() - t0)
            if run.status != RunStatus.SUCCEEDED:
                raise RuntimeError(f"escalation run {run.pk}: {run.status} {run.error}")
            data = [(s, p) for s, p in statements if not any(word in s for word in BOOKKEEPING)]
            replay = psycopg2.connect(**dsn)
            try:
                with replay.cursor() as cursor:
                    t0 = time.perf_counter()
                    for sql, params in data:
                        cursor.execute(sql, params)
                    sql_times.append(time.perf_counter() - t0)
                replay.rollback()
            finally:
                replay.close()
        result.code, result.sql = Stats.of(code_times), Stats.of(sql_times)
        result.queries = len(statements)
        result.extra = {"as_of": self.as_of.isoformat(), "data_statements": len(data), **run.counts()}
        result.notes.append(f"{run.flagged} hazards newly overdue (flagged), {run.level1} level-1, {run.level2} level-2, "
                            f"{run.level3} level-3 notices, {run.reminders} reminders, {run.deliveries} deliveries")
        return result


CASES = [NightlyEscalation()]
