"""Run the benchmark suite against a loaded database.

    python bench/run.py --database ht_scale_1m [--cases ledger_api,escalation] [--retries 2]

--database is a database name on $BENCH_PG_SERVER (default postgres://postgres@127.0.0.1:5432/)
or a full postgres:// URL; load it first with `manage.py seed_scale`. The project runs with its
production settings (DEBUG off). Results go to bench/results/<database>.json and .md; running
some cases only updates those cases' rows.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def configure(database: str) -> str:
    url = database if "://" in database else os.environ.get(
        "BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432/") + database
    os.environ.update({
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),  # one JSON line per request would flood the console
        "DJANGO_SETTINGS_MODULE": "hazardtrack.settings",
    })
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    return url.rsplit("/", 1)[-1]


def environment() -> dict:
    from django.db import connection

    from hazards.models import Hazard

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'hazards_hazard'")
        approx = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    import django

    return {
        "when": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit.strip(), "cpus": os.cpu_count(), "python": platform.python_version(),
        "django": django.get_version(), "postgresql": pg,
        "hazards": approx if approx > 100_000 else Hazard.objects.count(),
    }


def markdown(database: str, env: dict, results: list[dict]) -> str:
    lines = [
        f"# Benchmarks: `{database}`",
        "",
        f"{env['hazards']:,} hazards · {env['when']} · commit {env['commit']} · {env['cpus']} cores · "
        f"PostgreSQL {env['postgresql']} · Django {env['django']} · Python {env['python']}",
        "",
        "Times in ms. *code* is the project's code path (test client with a real session, or the job), "
        "*SQL* the bare SQL returning the same data; ratio = code median / SQL median; queries = SQL "
        "statements the code path issued; *db* = time of those statements inside the code path (median).",
        "",
        "| case | code p50 / p95 | SQL p50 / p95 | ratio | queries | db | target | met | load 1 min (before → after) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        code = f"{r['code']['median_ms']} / {r['code']['p95_ms']}" if r.get("code") else "—"
        sql = f"{r['sql']['median_ms']} / {r['sql']['p95_ms']}" if r.get("sql") else "—"
        target = ", ".join(f"{k} {'<' if k == 'p95_ms' else '≤' if k == 'ratio' else '≥' if k == 'req_per_s' else '='} {v}"
                           for k, v in r.get("target", {}).items()) or "—"
        met = ", ".join(f"{k} {'✔' if v else '✘'}" for k, v in r.get("met", {}).items()) or "—"
        load = r.get("load") or {}
        load_text = f"{load['before'][0]} → {load['after'][0]}" if load else "—"
        if load.get("busy"):
            load_text += " (busy)"
        lines.append(f"| `{r['case']}` | {code} | {sql} | {r.get('ratio_median') or '—'} | {r.get('queries') or '—'} | "
                     f"{r.get('code_db_median_ms') or '—'} | {target} | {met} | {load_text} |")
    lines += ["", "## Cases", ""]
    for r in results:
        lines.append(f"- `{r['case']}` — {r['title']}")
        for note in r.get("notes", []):
            lines.append(f"  - {note}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="database name (or postgres:// URL) loaded by seed_scale")
    parser.add_argument("--cases", default="", help="comma-separated case names (default: all)")
    parser.add_argument("--retries", type=int, default=2, help="measure again this many times while the machine is busy")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)
    database = configure(args.database)

    from django.core.management import call_command

    from bench.cases import all_cases
    from bench.harness import run_case

    cases = all_cases()
    if args.list:
        for case in cases:
            print(f"{case.name:24} {case.title}")
        return 0
    wanted = [c for c in args.cases.split(",") if c]
    unknown = set(wanted) - {c.name for c in cases}
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    cases = [c for c in cases if not wanted or c.name in wanted]
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves hashed static names

    env = environment()
    print(f"bench on {database}: {env['hazards']:,} hazards, {env['cpus']} cores, load {os.getloadavg()[0]:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS / f"{database}.json"
    previous = json.loads(json_path.read_text()) if json_path.exists() else {"results": []}
    merged = {r["case"]: r for r in previous.get("results", [])}
    order = [c.name for c in all_cases()]
    failed = False
    for case in cases:
        print(f"  {case.name}: {case.title}")
        try:
            result = run_case(case, retries=args.retries).as_dict()
        except Exception as exc:  # report and go on with the other cases
            failed = True
            print(f"    FAILED: {exc!r}")
            continue
        result["measured"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        merged[case.name] = result
        code, sql = result.get("code"), result.get("sql")
        print(f"    code {code and code['median_ms']}/{code and code['p95_ms']} ms, "
              f"SQL {sql and sql['median_ms']}/{sql and sql['p95_ms']} ms, ratio {result.get('ratio_median')}, "
              f"queries {result.get('queries')}, met {result.get('met')} {' '.join(result.get('notes', []))}")
    results = sorted(merged.values(), key=lambda r: order.index(r["case"]) if r["case"] in order else len(order))
    json_path.write_text(json.dumps({"database": database, "environment": env, "results": results},
                                    ensure_ascii=False, indent=2) + "\n")
    (RESULTS / f"{database}.md").write_text(markdown(database, env, results))
    print(f"results: {json_path.relative_to(ROOT)} and {database}.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
