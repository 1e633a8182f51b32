#!/usr/bin/env python3
"""Soak of the nightly job: run the escalation for one day N times in a row (default 3) and
check that the results are identical — the first run does the night, every later run finds
nothing left to do and the database state is exactly the same afterwards.

One command (repository root, dev venv):

    .venv/bin/python bench/load/soak_nightly.py --database-url postgres://postgres@127.0.0.1:5432/hazardtrack_dev

--as-of picks the business day (default: today in Asia/Shanghai). --dry-run runs every
statement and rolls back each time (nothing is changed; then the counts of all runs must be
equal). The state compared is a digest computed inside PostgreSQL over every notice, every
delivery of the outbox and every hazard's overdue flags, so it works on the provincial data
set (1,000,000 hazards) without reading the tables into Python. Exit status 1 on any difference.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DIGESTS = {
    "notices": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', hazard_id, kind, level, deadline, as_of,"
               " overdue_days), ',' ORDER BY hazard_id, kind, level, deadline), '')) FROM notices_notice",
    "deliveries": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', d.notice_id, d.channel, d.recipient_id,"
                  " d.endpoint_id), ',' ORDER BY d.notice_id, d.channel, d.recipient_id, d.endpoint_id), ''))"
                  " FROM notices_delivery d",
    "overdue_flags": "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', id, overdue_since, circular_queued_on),"
                     " ',' ORDER BY id), '')) FROM hazards_hazard WHERE overdue_since IS NOT NULL"
                     " OR circular_queued_on IS NOT NULL",
}


def state() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for name, sql in DIGESTS.items():
            cursor.execute(sql)
            count, digest = cursor.fetchone()
            out[name] = {"rows": count, "md5": digest}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardtrack.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from hazards.escalation import run_escalation
    from hazardtrack.dates import local_today
    from notices.choices import RunStatus, RunTrigger

    as_of = args.as_of or local_today()
    runs = []
    for n in range(1, args.runs + 1):
        started = time.monotonic()
        run = run_escalation(as_of=as_of, dry_run=args.dry_run, trigger=RunTrigger.COMMAND)
        seconds = time.monotonic() - started
        runs.append({"run": n, "id": run.pk, "status": run.status, "seconds": round(seconds, 2),
                     "counts": run.counts(), "state": state()})
        print(f"run {n}: {run.status} in {seconds:.2f} s  {run.counts()}")

    problems = []
    if any(r["status"] != RunStatus.SUCCEEDED for r in runs):
        problems.append("a run did not succeed: " + ", ".join(f"{r['run']}={r['status']}" for r in runs))
    first = runs[0]
    for r in runs[1:]:
        if r["state"] != first["state"]:
            problems.append(f"run {r['run']} left a different state than run 1: {r['state']} != {first['state']}")
        if args.dry_run and r["counts"] != first["counts"]:
            problems.append(f"dry run {r['run']} counted differently: {r['counts']} != {first['counts']}")
        if not args.dry_run:
            created = {k: v for k, v in r["counts"].items() if v}
            if created:
                problems.append(f"run {r['run']} of the same night still changed something: {created}")
    print(json.dumps({"as_of": as_of.isoformat(), "dry_run": args.dry_run, "final_state": runs[-1]["state"]},
                     ensure_ascii=False, indent=2))
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps({"as_of": as_of.isoformat(), "runs": runs, "problems": problems}, ensure_ascii=False, indent=2))
    for problem in problems:
        print("DIFFERENCE:", problem)
    print("identical results in all runs" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
