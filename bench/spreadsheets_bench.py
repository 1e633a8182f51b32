#!/usr/bin/env python3
"""Benchmark of the Excel import and export (issue 8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/spreadsheets_bench.py \
        [--rows 100000] [--repeat 3]

Against the migrated PostgreSQL database in DATABASE_URL it
1. writes a ROWS-row hazard ledger (.xlsx, every status, enterprises named by credit code or
   by name) into a bench county of its own (439901, created if missing);
2. times a bare bulk insert of the same rows (Hazard objects built in memory, bulk_create, no
   reading, checking, codes or events) beside the real import, run in a fresh child process as
   a worker would: validation (read every row of the workbook with openpyxl read-only and check
   it) and the import (re-check, reserve codes, insert hazards and their audit events in one
   transaction), with the child's peak resident memory;
3. exports the ROWS-row ledger as .xlsx and as CSV through the real view, each in a fresh
   child process, and reports the child's peak resident memory.
It prints a markdown table (median and p95 over the repetitions) and removes what it created
(the bench county's hazards and events, its import jobs), unless --keep.

The workbook carries its used range (<dimension>) as Excel and WPS write it; openpyxl's own
write-only mode leaves it out, which costs openpyxl one extra pass over the sheet on opening.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardtrack.settings")
# Production settings: with DEBUG on, Django keeps (and formats) every SQL statement, and the
# bench would measure that instead of the import.
for _key, _value in {"DEBUG": "0", "SECRET_KEY": "bench-only-not-secret", "ALLOWED_HOSTS": "testserver",
                     "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}.items():
    os.environ.setdefault(_key, _value)

COUNTY, TOWN = "439901", "439901100"
USERNAME = "bench_spreadsheets"
ENTERPRISES = 200
STATUSES = ["已上报", "已认定", "已交办", "整改中", "申请复查", "复查通过", "已销号", "不予认定"]


def setup_django():
    import django

    django.setup()
    from django.conf import settings

    if not settings.IS_POSTGRES:
        sys.exit("DATABASE_URL must point at PostgreSQL")


# --- data --------------------------------------------------------------------------------------

def bench_fixture():
    """The bench county, its enterprises and a supervisor (created once, reused)."""
    from accounts.choices import Role
    from accounts.models import Enterprise, Region, User
    from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char

    Region.objects.get_or_create(code="43", defaults={"name": "湖南省", "level": "province"})
    Region.objects.get_or_create(code="4399", defaults={"name": "基准市", "level": "city", "parent_id": "43"})
    Region.objects.get_or_create(code=COUNTY, defaults={"name": "基准县", "level": "county", "parent_id": "4399"})
    Region.objects.get_or_create(code=TOWN, defaults={"name": "基准镇", "level": "township", "parent_id": COUNTY})
    codes = []
    for n in range(ENTERPRISES):
        org, m = "", 90_000 + n
        for _ in range(9):
            org, m = CREDIT_CODE_CHARS[m % 31] + org, m // 31
        first17 = "91" + COUNTY + org
        codes.append(first17 + credit_code_check_char(first17))
    existing = set(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    Enterprise.objects.bulk_create([
        Enterprise(name=f"基准企业{n:03d}有限公司", credit_code=code, region_id=TOWN, sector_id="industry_trade")
        for n, code in enumerate(codes) if code not in existing
    ])
    user = User.objects.filter(username=USERNAME).first() or User.objects.create_user(
        USERNAME, password=None, role=Role.SUPERVISOR, region_id=COUNTY, full_name="基准督办")
    enterprises = list(Enterprise.objects.filter(credit_code__in=codes).order_by("credit_code"))
    return user, enterprises


def ledger_rows(count: int, enterprises) -> list[list]:
    from spreadsheets.columns import HAZARD_COLUMNS
    from spreadsheets.demo import story_fields

    keys = [c.key for c in HAZARD_COLUMNS]
    start = datetime.datetime(2024, 1, 1, 8, 0)
    rows = []
    for n in range(count):
        enterprise = enterprises[n % len(enterprises)]
        status = STATUSES[n % len(STATUSES)]
        found = start + datetime.timedelta(minutes=7 * n)
        day = found.date()
        row = {
            "original_code": f"JZ-{n:07d}", "title": f"隐患{n}：配电箱外壳未接地", "description": "配电箱外壳无接地线，存在触电风险",
            "level": "重大隐患" if n % 50 == 0 else "一般隐患", "category": "物的不安全状态", "source": "日常检查",
            "address": "基准镇工业园", "found_at": found, "status": status,
        }
        if n % 2:
            row["credit_code"] = enterprise.credit_code
        else:
            row["enterprise_name"] = enterprise.name
        row.update(story_fields(status, day))
        rows.append([row.get(k) for k in keys])
    return rows


# --county-style: the ledger as counties keep it (issue 16) — other headers, a 序号 column,
# 是否重大 as 是/否, dates typed as text, and a 合计 row at the end.
COUNTY_HEADERS = {"enterprise_name": "所属单位", "level": "是否重大", "found_at": "发现日期", "status": "整改状态",
                  "responsible_person": "整改责任人", "current_deadline": "整改时限"}


def county_style(rows: list[list]) -> tuple[list[str], list[list]]:
    from spreadsheets.columns import HAZARD_COLUMNS

    keys = [c.key for c in HAZARD_COLUMNS]
    headers = ["序号", *(COUNTY_HEADERS.get(c.key, str(c.header)) for c in HAZARD_COLUMNS)]
    level, found = keys.index("level"), keys.index("found_at")
    result = []
    for number, row in enumerate(rows, start=1):
        row = list(row)
        row[level] = "是" if row[level] == "重大隐患" else "否"
        row[found] = f"{row[found].year}年{row[found].month}月{row[found].day}日"
        result.append([number, *row])
    result.append(["合计", f"共 {len(rows)} 条"])
    return headers, result


def write_workbook(rows: list[list], path: Path, *, inline_strings: bool = False, headers: list[str] | None = None) -> None:
    """openpyxl write-only, then made to look like what Excel and WPS save: the sheet's used range
    (<dimension>) and text in the shared-strings table instead of inline strings (openpyxl's
    reader turns every inline string into a rich-text object: slower than a lookup)."""
    from openpyxl import Workbook

    from spreadsheets.columns import HAZARD_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("隐患台账")
    sheet.append(headers or [str(c.header) for c in HAZARD_COLUMNS])
    for row in rows:
        sheet.append(row)
    raw = io.BytesIO()
    workbook.save(raw)
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(2), len(strings))
        return match.group(1) + b't="s"><v>' + str(index).encode() + b"</v></c>"

    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                ref = f'<dimension ref="A1:Z{len(rows) + 1}"/>'.encode()
                data = re.sub(rb"(<worksheet[^>]*>)", lambda m: m.group(1) + ref, data, count=1)
                if not inline_strings:
                    data = re.sub(rb'(<c [^>]*?)t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, data)
            elif item.filename == "[Content_Types].xml" and not inline_strings:
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels" and not inline_strings:
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(item, data)
        if not inline_strings:
            items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in strings)
            target.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?>'
                            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
                            + str(len(strings)).encode() + b'" uniqueCount="' + str(len(strings)).encode() + b'">'
                            + items + b"</sst>")


# --- measurements ------------------------------------------------------------------------------

def bare_insert(rows: list[list], enterprises) -> float:
    """The floor: the same hazards built in memory and bulk-inserted, nothing else."""
    from django.db import transaction

    from hazards.models import Hazard
    from spreadsheets.columns import HAZARD_COLUMNS
    from spreadsheets.services import hazard_from_row
    by_code = {e.credit_code: e for e in enterprises}
    by_name = {e.name: e for e in enterprises}
    keys = [c.key for c in HAZARD_COLUMNS]
    lookups = {c.key: (c, {str(label): value for value, label in c.choices.choices})
               for c in HAZARD_COLUMNS if c.kind == "choice"}
    prepared = []
    for number, values in enumerate(rows, start=2):
        row = dict(zip(keys, values), row=number)
        for key, (_column, lookup) in lookups.items():
            row[key] = lookup.get(row[key]) if row[key] else None
        enterprise = by_code.get(row["credit_code"]) or by_name[row["enterprise_name"]]
        row.update(enterprise=enterprise.pk, region=enterprise.region_id, sector=enterprise.sector_id,
                   enterprise_label=enterprise.name)
        prepared.append(row)
    started = time.perf_counter()
    with transaction.atomic():
        hazards = []
        for n, row in enumerate(prepared):
            hazard = hazard_from_row(row)
            hazard.code = f"BARE-{n:07d}"
            hazards.append(hazard)
        Hazard.objects.bulk_create(hazards, batch_size=1000)
    return time.perf_counter() - started


CPU_RUNS: list[dict] = []  # CPU seconds of each real import (see import_child)


def real_import(path: Path) -> tuple[float, float, float]:
    """Seconds to validate, seconds to import and the peak RSS (MB) of a fresh process doing
    both as the worker does: the import runs in a child, apart from the bench's own data."""
    result = _child("--import-child", str(path))
    CPU_RUNS.append(result["cpu"])
    return result["validate"], result["import"], result["peak_rss_mb"]


def import_child(path: Path) -> None:
    setup_django()
    from django.core.files import File

    from accounts.models import User
    from spreadsheets import services
    from spreadsheets.choices import ImportMode

    user = User.objects.get(username=USERNAME)
    cpu = [_cpu_seconds()]
    with path.open("rb") as handle:
        upload = File(handle, name="基准台账.xlsx")
        upload.size = path.stat().st_size
        started = time.perf_counter()
        job = services.import_job_create(actor=user, kind="hazards", upload=upload)
    job = services.import_validate(job_id=job.pk)
    validated = time.perf_counter()
    cpu.append(_cpu_seconds())
    assert job.status == "validated" and job.error_rows == 0, (job.status, job.failure, list(job.issues.all()[:5]))
    services.import_start(job_id=job.pk, actor=user, mode=ImportMode.ALL_OR_NOTHING)
    job = services.import_run(job_id=job.pk)
    done = time.perf_counter()
    cpu.append(_cpu_seconds())
    assert job.status == "done", job.failure
    print(json.dumps({"validate": validated - started, "import": done - validated, "imported": job.imported_rows,
                      "rss_before_mb": 0, "peak_rss_mb": _status_mb("VmHWM"),
                      # CPU seconds of this process and of its PostgreSQL backend: on a machine shared
                      # with other work the wall clock says more about the neighbours than the import.
                      "cpu": {step: {"python": b[0] - a[0], "postgres": b[1] - a[1]}
                              for step, a, b in (("validate", cpu[0], cpu[1]), ("import", cpu[1], cpu[2]))}}))


def _cpu_seconds() -> tuple[float, float]:
    """(this process, its PostgreSQL backend) CPU seconds so far; the server runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        postgres = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # a server on another machine
        postgres = float("nan")
    return time.process_time(), postgres


def _child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                            env=os.environ, cwd=ROOT, timeout=3600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise SystemExit(f"{args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def clean(user) -> None:
    from django.db import connection, transaction

    from hazards.models import Hazard, HazardEvent
    from spreadsheets.models import ImportJob

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL hazardtrack.allow_event_rewrite = 'on'")  # events are append-only
        HazardEvent.objects.filter(hazard__region__code__startswith=COUNTY).delete()
        Hazard.objects.filter(region__code__startswith=COUNTY).delete()
    for job in ImportJob.objects.filter(uploaded_by=user):
        job.file.delete(save=False)
        if job.staged:
            job.staged.delete(save=False)
        job.delete()
    # Each repetition starts from tables without the last one's dead rows and with fresh
    # statistics (a server whose autovacuum is off would otherwise slow down run after run).
    with connection.cursor() as cursor:
        for table in ("hazards_hazard", "hazards_hazardevent", "spreadsheets_importissue", "spreadsheets_importjob"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB. VmHWM belongs to the process image, so a
    child started with exec does not inherit its parent's peak (getrusage's ru_maxrss does)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export_child(fmt: str) -> None:
    """In a fresh process: export the bench county's ledger through the view; print JSON."""
    setup_django()
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    response = client.get(f"/spreadsheets/export/ledger.{fmt}")
    size = sum(len(block) for block in response.streaming_content)
    seconds = time.perf_counter() - started
    print(json.dumps({"status": response.status_code, "bytes": size, "seconds": seconds,
                      "rss_before_mb": before, "peak_rss_mb": _status_mb("VmHWM")}))


def export(fmt: str) -> dict:
    return _child("--export-child", fmt)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the last import's hazards in the database")
    parser.add_argument("--inline-strings", action="store_true",
                        help="keep openpyxl's inline strings instead of a shared-strings table (slower to read)")
    parser.add_argument("--county-style", action="store_true",
                        help="write the workbook as counties keep it: 序号, 所属单位, 是否重大 是/否, text dates, a 合计 row")
    parser.add_argument("--json", type=Path, help="also write the measured values to this file (bench/run.py's excel_import case)")
    parser.add_argument("--export-child", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--import-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
    if args.import_child:
        import_child(args.import_child)
        return
    setup_django()
    from django.conf import settings

    # The import runs in child processes: they read these from the environment.
    os.environ["SPREADSHEETS_MAX_ROWS"] = str(max(settings.SPREADSHEETS_MAX_ROWS, args.rows))
    os.environ["SPREADSHEETS_UPLOAD_MAX_BYTES"] = str(max(settings.SPREADSHEETS_UPLOAD_MAX_BYTES, 200 * 1024 * 1024))
    user, enterprises = bench_fixture()
    clean(user)
    rows = ledger_rows(args.rows, enterprises)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        started = time.perf_counter()
        if args.county_style:
            headers, county_rows = county_style(rows)
            write_workbook(county_rows, path, inline_strings=args.inline_strings, headers=headers)
        else:
            write_workbook(rows, path, inline_strings=args.inline_strings)
        print(f"wrote {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        bare, validate, load, total, memory = [], [], [], [], []
        exports = {}
        for n in range(args.repeat):
            bare.append(bare_insert(rows, enterprises))
            clean(user)
            v, i, added = real_import(path)
            validate.append(v), load.append(i), total.append(v + i), memory.append(added)
            print(f"run {n + 1}: bare {bare[-1]:.1f} s, validate {v:.1f} s, import {i:.1f} s", file=sys.stderr)
            if n == args.repeat - 1:
                exports = {fmt: export(fmt) for fmt in ("xlsx", "csv")}
            if not (args.keep and n == args.repeat - 1):
                clean(user)

    if args.json:
        args.json.write_text(json.dumps({
            "rows": args.rows, "bare_s": bare, "validate_s": validate, "import_s": load, "total_s": total,
            "peak_rss_mb": memory, "exports": exports, "cpu": CPU_RUNS,
        }))

    def line(name, values, unit="s"):
        return f"| {name} | {statistics.median(values):.1f} {unit} | {p95(values):.1f} {unit} | {len(values)} |"

    ratio_total = [t / b for t, b in zip(total, bare)]
    ratio_import = [i / b for i, b in zip(load, bare)]
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    strings = "inline strings" if args.inline_strings else "shared strings, as Excel saves"
    print(f"\n### Excel import/export, {args.rows:,} hazards (PostgreSQL, {os.cpu_count()} CPUs, "
          f"load average {load_average}; workbook with {strings})\n")
    print("| measure | median | p95 | runs |\n| --- | --- | --- | --- |")
    print(line("bare bulk insert (rows built in memory, bulk_create)", bare))
    print(line("import: validate (openpyxl read-only, check every row, stage)", validate))
    print(line("import: import (re-check, codes, hazards + events, 1 transaction)", load))
    print(line("import: total, upload to done (target < 60 s)", total))
    print(line("ratio import step / bare insert", ratio_import, "×"))
    print(line("ratio total / bare insert (target ≤ 3×)", ratio_total, "×"))
    print(line("import: peak RSS of the worker process (validate and import)", memory, "MB"))
    for step in ("validate", "import"):
        for side in ("python", "postgres"):
            print(line(f"import: {step}, CPU seconds of the {side} process", [r[step][side] for r in CPU_RUNS]))
    for fmt, result in exports.items():
        print(f"| export {fmt}: time / size | {result['seconds']:.1f} s | {result['bytes'] / 1e6:.1f} MB | 1 |")
        print(f"| export {fmt}: peak RSS of the web process (target < 300 MB) | {result['peak_rss_mb']:.0f} MB "
              f"| before the request {result['rss_before_mb']:.0f} MB | 1 |")


if __name__ == "__main__":
    main()
