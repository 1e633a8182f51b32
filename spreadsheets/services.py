"""Services of the Excel import: upload, validate (preview), start, run.

The Celery tasks and `manage.py import_ledger` call these same functions. A job is a row, so a
refresh or a closed tab loses nothing; the page polls its progress.

- `import_job_create` keeps the file after the cheap checks on its bytes.
- `import_validate` reads every row once (openpyxl, read-only), records the issues and stages
  the clean rows (gzip JSON lines) for the import: the workbook is parsed only once.
- `import_start` records the user's choice: every valid row, or nothing unless all are valid.
- `import_run` re-checks the staged rows against the database as it is now and inserts them in
  bulk in ONE transaction: a failure midway rolls everything back and the job says at which
  rows it stopped. Hazards get normal codes (reserved a county and year at a time) and an
  "imported from <file> row N" event; their old codes are kept in Hazard.original_code, which
  makes a second import of the same file skip every row.

County ledgers (issue 16): the words they use for a status are imported as the state that
claims no more than the ledger says. 未整改 → 整改中 (the unit is rectifying against its
deadline); 已整改 / 已完成 / 整改完成 → 申请复查 (the unit reports it done; the on-site
复查 and the 销号 still happen in the system: 隐患不消除不销号, an import never stands in for a
verification); 已销号 → 已销号, a closed historical hazard, which only a role that may sign off
(hazards/transitions.py, "sign_off") may bring in. Every imported hazard gets one IMPORTED event
(from "" to its status, naming the file and row): the timeline says the state came from the
ledger, not from a transition taken here. A unit named nearly as registered is never used
unless the user accepts the "您是否指" suggestion in the preview (`import_accept_suggestions`).
"""
from __future__ import annotations

import datetime
import gzip
import io
import json
import logging
from collections import Counter
from typing import Iterator

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import REGULATOR_ROLES, SUPERVISOR_ROLES
from accounts.jurisdiction import get_visible_or_404, has_role, region_prefix
from accounts.models import Enterprise, User
from hazards.choices import EventAction, HazardStatus
from hazards.models import Hazard, HazardEvent
from hazards.services import reserve_hazard_codes
from hazardtrack.errors import DomainError

from . import reading
from .cells import local_datetime
from .columns import is_summary
from .choices import ImportKind, ImportMode, ImportStatus, IssueKind
from .models import ImportIssue, ImportJob
from .validation import CHECKERS, HAZARD_DEFAULTS, Issue, revive

logger = logging.getLogger(__name__)

CHUNK = 1000  # rows checked, inserted and reported on at a time
STALE_AFTER = datetime.timedelta(minutes=10)  # a running job silent this long lost its worker
MAX_ISSUES = 100_000  # issues kept per job; the counts stay exact beyond it
IMPORT_LOCK_KEY = 0x5EED_1A7  # pg_advisory_xact_lock: one hazard/enterprise import at a time
IMPORTER_ROLES = {
    ImportKind.HAZARDS: REGULATOR_ROLES,
    ImportKind.ENTERPRISES: SUPERVISOR_ROLES,
}
S = HazardStatus
ASSIGNED_OR_LATER = (S.ASSIGNED, S.RECTIFYING, S.RECTIFICATION_REPORTED, S.VERIFIED, S.SIGNED_OFF)


def max_upload_bytes() -> int:
    return settings.SPREADSHEETS_UPLOAD_MAX_BYTES


def can_import(actor: User, kind: str) -> bool:
    return has_role(actor, IMPORTER_ROLES[kind]) and region_prefix(actor) is not None


def check_importer(actor: User, kind: str) -> None:
    if not can_import(actor, kind):
        raise DomainError("role_not_allowed", _("您的角色（%(role)s）不能导入%(kind)s。") % {
            "role": actor.get_role_display(), "kind": ImportKind(kind).label}, status=403)


# --- upload ----------------------------------------------------------------------------------

def import_job_create(*, actor: User, kind: str, upload) -> ImportJob:
    """Keep an uploaded workbook as a new job, after the checks that need only its bytes."""
    if kind not in ImportKind.values:
        raise DomainError("bad_kind", _("请选择导入内容。"), status=400, field="kind")
    check_importer(actor, kind)
    if upload is None:
        raise DomainError("file_required", _("请选择要上传的 Excel 文件。"), status=400, field="file")
    if upload.size > max_upload_bytes():
        raise DomainError("too_large", _("文件过大（%(size).1f MB），单个文件不能超过 %(max)s MB，请拆分后分批导入。") % {
            "size": upload.size / 1024 / 1024, "max": max_upload_bytes() // (1024 * 1024)}, status=400, field="file")
    if upload.size == 0:
        raise DomainError("empty_file", _("上传的文件是空的。"), status=400, field="file")
    reading.sniff(upload)
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(kind=kind, uploaded_by=actor, region_id=actor.region_id,
                        original_name=(upload.name or "ledger.xlsx")[-200:], size=upload.size)
        job.file.save("upload.xlsx", File(upload), save=False)
        job.save()
    return job


# --- claiming, progress --------------------------------------------------------------------

def _claim(job_id: int, *, status: str, to_status: str | None = None) -> ImportJob | None:
    """Take the job for this task run with a conditional UPDATE; None if it is not in `status`
    or another run has it. A job still marked running whose worker fell silent (no heartbeat
    for STALE_AFTER: it died) may be taken over; so may one not yet started (no heartbeat)."""
    now = timezone.now()
    jobs = ImportJob.objects.filter(pk=job_id, status=status)
    if to_status is None:
        jobs = jobs.filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALE_AFTER))
    if jobs.update(status=to_status or status, heartbeat_at=now, started_at=now, finished_at=None) != 1:
        return None
    return ImportJob.objects.select_related("uploaded_by", "started_by").get(pk=job_id)


class _Progress:
    """Writes the job's progress where the polling page can see it at once. Inside the import's
    long transaction that needs a connection of its own (PostgreSQL); when the caller already
    holds a transaction (tests, an outer atomic block) or on SQLite, the job's own connection."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.own = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS) if self.own else connection

    def update(self, **fields) -> None:
        fields["heartbeat_at"] = timezone.now()
        for name, value in fields.items():
            setattr(self.job, name, value)
        if not self.own:
            ImportJob.objects.filter(pk=self.job.pk).update(**fields)
            return
        columns = ", ".join(f"{ImportJob._meta.get_field(n).column} = %s" for n in fields)
        with self.conn.cursor() as cursor:
            cursor.execute(f"UPDATE {ImportJob._meta.db_table} SET {columns} WHERE id = %s",
                           [*fields.values(), self.job.pk])

    def close(self) -> None:
        if self.own:
            self.conn.close()


def fail_job(job: ImportJob, message: str, *, stopped_at_row: int | None = None, **counts) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, failure=message, stopped_at_row=stopped_at_row, finished_at=timezone.now(),
        heartbeat_at=None, **counts)
    job.refresh_from_db()
    return job


def _save_issues(job: ImportJob, issues: list[Issue], already: int, *, at_import: bool = False) -> int:
    room = max(0, MAX_ISSUES - already)
    ImportIssue.objects.bulk_create(
        [ImportIssue(job=job, row=i.row, column=i.column[:64], value=i.value[:200], message=i.message[:300],
                     kind=i.kind, at_import=at_import, suggestion=i.suggestion)
         for i in issues[:room]],
        batch_size=CHUNK,
    )
    return already + min(room, len(issues))


def _count(issues: list[Issue]) -> tuple[int, int]:
    """(rows with errors, rows skipped) among these issues."""
    errors = {i.row for i in issues if i.kind == IssueKind.ERROR}
    skipped = {i.row for i in issues if i.kind == IssueKind.SKIPPED} - errors
    return len(errors), len(skipped)


# --- validation (the preview) ----------------------------------------------------------------

def import_validate(*, job_id: int) -> ImportJob | None:
    """Check every row, record the issues, stage the clean rows. None if another run has the job."""
    job = _claim(job_id, status=ImportStatus.UPLOADED, to_status=ImportStatus.VALIDATING) or \
        _claim(job_id, status=ImportStatus.VALIDATING)
    if job is None:
        return None
    ImportIssue.objects.filter(job=job).delete()
    progress = _Progress(job)
    try:
        with job.file.open("rb") as handle:
            info = reading.inspect(handle, job.kind)
            workbook, sheet = reading.open_sheet(handle, info)
            try:
                return _validate_rows(job, sheet, info, progress)
            finally:
                workbook.close()
    except DomainError as error:
        return fail_job(job, str(error.message))
    except Exception:
        logger.exception("import validation failed", extra={"job": job.pk})
        return fail_job(job, _("校验时发生系统错误，请稍后重试或联系系统管理员。"))
    finally:
        progress.close()


def _data_rows(rows, layout: reading.Layout, counts: Counter):
    """The rows to check: 合计/小计 rows, rows with nothing in an imported column (a lone 序号)
    and empty rows between the data are counted in counts["blank"] and left out."""
    last = layout.header_row
    for number, values in rows:
        if number <= layout.header_row:
            continue
        gap = number - last - 1  # empty rows the reader passed over (only those before more data count)
        last = number
        if not layout.imported(values) or any(isinstance(v, str) and is_summary(v) for v in values):
            counts["blank"] += 1 + gap
            continue
        counts["blank"] += gap
        yield number, values


def _validate_rows(job: ImportJob, sheet, info: reading.SheetInfo, progress: _Progress) -> ImportJob:
    rows = reading.iter_rows(sheet)
    top = [row for _, row in zip(range(reading.HEADER_SEARCH_ROWS), rows)]
    layout = reading.find_layout(top, job.kind)
    total = max(0, info.counted_rows - layout.header_row)
    progress.update(total_rows=total, processed_rows=0)
    checker = CHECKERS[job.kind](user=job.uploaded_by, layout=layout)
    counts = Counter()
    code_counts: Counter = Counter()
    stored = 0
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=3) as staged:
        for chunk in _chunks(_data_rows(_chain(top, rows), layout, counts), CHUNK):
            valid, issues = checker.check_rows(chunk)
            pending = 0
            for row in valid:
                staged.write(checker.stage(row))
                pending += bool(row.get("suggested"))
                if job.kind == ImportKind.HAZARDS:
                    code_counts[f"{row['region'][:6]}:{_found_year(row['found_at'])}"] += 1
            errors, skipped = _count(issues)
            counts.update(rows=len(chunk), valid=len(valid) - pending, pending=pending, errors=errors, skipped=skipped)
            stored = _save_issues(job, issues, stored)
            progress.update(processed_rows=counts["rows"] + counts["blank"], total_rows=max(total, counts["rows"]))
    if counts["rows"] == 0:
        return fail_job(job, _("工作表“%(sheet)s”在表头（第 %(row)s 行）下面没有数据行。") % {
            "sheet": info.title, "row": layout.header_row})
    job.staged.save("staged.jsonl.gz", ContentFile(buffer.getvalue()), save=False)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATED, staged=job.staged.name, total_rows=counts["rows"], processed_rows=counts["rows"],
        valid_rows=counts["valid"], error_rows=counts["errors"], skipped_rows=counts["skipped"],
        suggested_rows=counts["pending"], blank_rows=counts["blank"], ignored_columns=layout.ignored,
        code_counts=dict(code_counts), finished_at=timezone.now(), heartbeat_at=None, failure="")
    job.refresh_from_db()
    return job


def _found_year(value) -> int:
    return local_datetime(value).year if not isinstance(value, str) else int(value[:4])


def _chain(first, rest):
    yield from first
    yield from rest


def _chunks(iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the user's choice -------------------------------------------------------------------------

def import_start(*, job_id: int, actor: User, mode: str) -> ImportJob:
    """Start importing a validated job (or retry a failed import) in the chosen mode."""
    if mode not in ImportMode.values:
        raise DomainError("mode_required", _("请选择导入方式。"), status=400, field="mode")
    with transaction.atomic():
        job = get_visible_or_404(ImportJob.objects.select_for_update(), actor, pk=job_id)
        check_importer(actor, job.kind)
        if job.status not in (ImportStatus.VALIDATED, ImportStatus.FAILED) or not job.staged:
            raise DomainError("invalid_state", _("该导入任务当前为“%(status)s”，不能开始导入。") % {
                "status": job.get_status_display()})
        if mode == ImportMode.ALL_OR_NOTHING and job.error_rows:
            raise DomainError("rows_invalid", _("有 %(n)s 行存在错误，按“全部有效才导入”不会导入任何数据。请下载错误报告，修改后重新上传；或选择“导入所有有效行”。") % {
                "n": job.error_rows}, status=400, field="mode")
        if mode == ImportMode.ALL_OR_NOTHING and job.suggested_rows:
            raise DomainError("suggestions_pending", _("有 %(n)s 行的单位名称待确认，按“全部有效才导入”不会导入任何数据。请先在上方接受“您是否指”的建议，或修改文件后重新上传。") % {
                "n": job.suggested_rows}, status=400, field="mode")
        if not job.valid_rows:
            raise DomainError("nothing_to_import", _("没有可导入的有效行。"), status=400, field="mode")
        job.mode, job.status, job.started_by = mode, ImportStatus.IMPORTING, actor
        job.processed_rows, job.failure, job.stopped_at_row, job.heartbeat_at = 0, "", None, None
        job.save()
    return job


# --- the import --------------------------------------------------------------------------------

class _Stop(Exception):
    def __init__(self, message: str, row: int | None):
        self.message, self.row = message, row


def import_run(*, job_id: int) -> ImportJob | None:
    """Insert the staged rows. None if the job is not waiting to be imported (or another run has it)."""
    job = _claim(job_id, status=ImportStatus.IMPORTING)
    if job is None:
        return None
    actor = job.started_by or job.uploaded_by
    if not actor.is_active:
        return fail_job(job, _("导入人账号已停用，导入取消。"))
    codes = _reserve_codes(job) if job.kind == ImportKind.HAZARDS else {}
    progress = _Progress(job)
    rows_seen = first_row = 0
    try:
        with transaction.atomic():
            _lock_imports()
            # The preview's row problems stay; what the re-check finds is added to them.
            ImportIssue.objects.filter(job=job, at_import=True).delete()
            checker = CHECKERS[job.kind](user=actor)
            imported = late_errors = late_skipped = 0
            new_issues: list[Issue] = []
            accepted = _accepted_suggestions(job)
            for chunk in _chunks(_staged_rows(job), CHUNK):
                first_row = chunk[0]["row"]
                chunk, unaccepted = _apply_suggestions(chunk, accepted)
                valid, issues = checker.check_against_database(chunk, first_pass=False)
                issues += unaccepted
                errors, skipped = _count(issues)
                if errors and job.mode == ImportMode.ALL_OR_NOTHING:
                    raise _Stop(_("第 %(row)s 行在导入时已不再有效：%(message)s") % {
                        "row": issues[0].row, "message": issues[0].message}, issues[0].row)
                late_errors, late_skipped = late_errors + errors, late_skipped + skipped
                new_issues += issues
                try:
                    if job.kind == ImportKind.HAZARDS:
                        _insert_hazards(job, actor, valid, codes)
                    else:
                        _insert_enterprises(valid)
                except DatabaseError as error:
                    raise _Stop(_("导入第 %(first)s—%(last)s 行时数据库拒绝写入：%(error)s") % {
                        "first": chunk[0]["row"], "last": chunk[-1]["row"],
                        "error": str(error).strip().splitlines()[0][:200]}, chunk[0]["row"])
                imported += len(valid)
                rows_seen += len(chunk)
                progress.update(processed_rows=rows_seen)
            _save_issues(job, new_issues, ImportIssue.objects.filter(job=job).count(), at_import=True)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE, imported_rows=imported, processed_rows=rows_seen,
                valid_rows=imported, error_rows=job.error_rows + late_errors,
                skipped_rows=job.skipped_rows + late_skipped, finished_at=timezone.now(), heartbeat_at=None)
    except _Stop as stop:
        return fail_job(job, _("导入已中止，已全部撤销，没有导入任何数据。") + stop.message, stopped_at_row=stop.row,
                     imported_rows=0, processed_rows=rows_seen)
    except Exception:
        logger.exception("import failed", extra={"job": job.pk})
        return fail_job(job, _("导入第 %(row)s 行附近时发生系统错误，已全部撤销，没有导入任何数据。请稍后重试或联系系统管理员。") % {
            "row": first_row}, stopped_at_row=first_row or None, imported_rows=0, processed_rows=rows_seen)
    finally:
        progress.close()
    # The staged rows served their purpose; the uploaded workbook stays as the record.
    job.staged.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(staged="")
    job.refresh_from_db()
    return job


def _accepted_suggestions(job: ImportJob) -> dict[int, int]:
    """Row → the enterprise the user accepted for it in the preview."""
    return {row: suggestion["enterprise"] for row, suggestion in job.issues.filter(
        kind=IssueKind.SUGGESTION, accepted=True).values_list("row", "suggestion")}


def _apply_suggestions(rows: list[dict], accepted: dict[int, int]) -> tuple[list[dict], list[Issue]]:
    """Staged rows waiting for a near enterprise name: with the accepted unit, or left out
    (an error of the import) when the user did not accept it."""
    ready, left_out = [], []
    for row in rows:
        if row.get("suggested"):
            if row["row"] not in accepted:
                left_out.append(Issue(row["row"], "", row.get("enterprise_name") or "",
                                      _("单位名称的建议未被接受，本行未导入。")))
                continue
            row["enterprise"] = accepted[row["row"]]
        ready.append(row)
    return ready, left_out


def import_accept_suggestions(*, job_id: int, actor: User, issue_ids: list[int] | None) -> int:
    """The user accepts "您是否指" suggestions of a validated job (those listed, or all when
    None): those rows become valid and are imported with the registered unit. Returns how many."""
    with transaction.atomic():
        job = get_visible_or_404(ImportJob.objects.select_for_update(), actor, pk=job_id)
        check_importer(actor, job.kind)
        if job.status not in (ImportStatus.VALIDATED, ImportStatus.FAILED) or not job.staged:
            raise DomainError("invalid_state", _("该导入任务当前为“%(status)s”，不能再接受建议。") % {
                "status": job.get_status_display()})
        # Only suggestions of rows that are otherwise valid were staged (kind=suggestion).
        pending = job.issues.filter(kind=IssueKind.SUGGESTION, accepted=False)
        if issue_ids is not None:
            pending = pending.filter(pk__in=issue_ids)
        if issue_ids is not None and not issue_ids:
            raise DomainError("nothing_chosen", _("请勾选要接受的建议。"), status=400, field="accept")
        count = pending.update(accepted=True)
        job.valid_rows += count
        job.suggested_rows = max(0, job.suggested_rows - count)
        job.save(update_fields=["valid_rows", "suggested_rows"])
    return count


def _lock_imports() -> None:
    """Imports run one at a time (a transaction-scoped advisory lock), so the re-check of
    existing codes sees every import committed before this one: the same file imported twice
    at once still goes in once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _reserve_codes(job: ImportJob) -> dict[str, Iterator[str]]:
    """Hazard codes for every county and year the rows need, taken before the long import
    transaction in a short one of their own: the county's counter row is then locked for
    milliseconds, not for the whole import (which would hold up every report filed there).
    A failed import leaves a gap in the numbering; codes are unique, not gap-free."""
    with transaction.atomic():
        return {
            key: iter(reserve_hazard_codes(region_code=key.split(":")[0], year=int(key.split(":")[1]), count=n))
            for key, n in sorted(job.code_counts.items())
        }


def _staged_rows(job: ImportJob) -> Iterator[dict]:
    with job.staged.open("rb") as raw, gzip.GzipFile(fileobj=raw) as lines:
        for line in lines:
            yield revive(job.kind, json.loads(line))


def _insert_enterprises(rows: list[dict]) -> None:
    Enterprise.objects.bulk_create([
        Enterprise(name=r["name"], credit_code=r["credit_code"], region_id=r["region"], sector_id=r["sector"],
                   risk_colour=r["risk_colour"], address=r["address"] or "", contact_name=r["contact_name"] or "",
                   contact_phone=r["contact_phone"] or "", latitude=r["latitude"], longitude=r["longitude"])
        for r in rows
    ], batch_size=CHUNK)


def _insert_hazards(job: ImportJob, actor: User, rows: list[dict], codes: dict[str, Iterator[str]]) -> None:
    if not rows:
        return
    now = timezone.now()
    hazards = []
    for row in rows:
        values = hazard_values(row)
        key = f"{row['region'][:6]}:{timezone.localtime(values['found_at']).year}"
        values["code"] = next(codes[key])
        hazards.append(values)
    comment = _("从“%(file)s”第 %(row)s 行导入")
    comments = [comment % {"file": job.original_name, "row": row["row"]} for row in rows]
    if connection.vendor != "postgresql":
        objects = Hazard.objects.bulk_create([Hazard(**values) for values in hazards], batch_size=CHUNK)
        HazardEvent.objects.bulk_create([
            HazardEvent(hazard=hazard, action=EventAction.IMPORTED, actor=actor, at=now, from_status="",
                        to_status=hazard.status, comment=text, changes={"original_code": [None, hazard.original_code]})
            for hazard, text in zip(objects, comments)
        ], batch_size=CHUNK)
        return
    ids = _insert_rows(Hazard, hazards, now)
    # The audit events in one statement from four arrays: a third of the import's time went
    # into bulk_create preparing 100,000 event objects field by field.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {HazardEvent._meta.db_table} (hazard_id, action, actor_id, at, from_status, to_status, comment, changes) "
            "SELECT u.id, %s, %s, %s, '', u.status, u.comment, jsonb_build_object('original_code', jsonb_build_array(NULL, u.code)) "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS u(id, status, comment, code)",
            [EventAction.IMPORTED.value, actor.pk, now, ids, [h["status"] for h in hazards],
             comments, [h["original_code"] for h in hazards]],
        )


def _insert_rows(model, rows: list[dict], now: datetime.datetime) -> list[int]:
    """INSERT … SELECT FROM unnest(one array per column) RETURNING id, for rows given as
    {attname: value}: what bulk_create does, without building a model instance and preparing
    each of its ~50 fields per row (two thirds of the import's Python time). Columns the rows
    do not set get the field's default once; auto_now(_add) columns get `now`. The ids come
    back in the rows' order (matched by the unique code)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    varying = [f for f in fields if f.attname in rows[0]]
    constant = [f for f in fields if f.attname not in rows[0]]
    constants = [now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                 else f.get_db_prep_save(f.get_default(), connection) for f in constant]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in varying + constant)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in varying)
    names = ", ".join(f"c{i}" for i in range(len(varying)))
    select = ", ".join([f"u.c{i}" for i in range(len(varying))] + ["%s"] * len(constant))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {select} FROM unnest({arrays}) AS u({names}) "
            "RETURNING id, code",
            # SELECT's constants come before unnest's arrays in the statement
            [*constants, *([row[f.attname] for row in rows] for f in varying)],
        )
        ids = dict((code, pk) for pk, code in cursor.fetchall())
    return [ids[row["code"]] for row in rows]


def _with_note(row: dict) -> str:
    """备注 has no field of its own: it follows the description."""
    description, note = row["description"] or "", row.get("note") or ""
    if not note:
        return description
    return (description + "\n" if description else "") + _("备注：%(note)s") % {"note": note}


def hazard_from_row(row: dict) -> Hazard:
    return Hazard(**hazard_values(row))


def hazard_values(row: dict) -> dict:
    """A historical hazard in any status, with the fields of that status filled consistently:
    confirmation and assignment dated at discovery (the old ledger does not say when), the
    deadline pair, and each completion date no earlier than the step before it. The same
    fields for every status (empty where the status has none): the import inserts them as
    columns."""
    status = row["status"]
    found_at = local_datetime(row["found_at"])
    hazard = dict(
        original_code=row["original_code"], title=row["title"], description=_with_note(row),
        enterprise_id=row["enterprise"], region_id=row["region"], sector_id=row["sector"], level=row["level"],
        category=row["category"] or HAZARD_DEFAULTS["category"], source=row["source"] or HAZARD_DEFAULTS["source"],
        address=row["address"] or "", found_at=found_at, status=status,
        confirmed_at=None, rejection_reason="", assigned_at=None, responsible_unit="", responsible_person="",
        responsible_phone="", measures="", funds_planned=None, original_deadline=None, current_deadline=None,
        rectification_report="", funds_spent=None, rectification_reported_at=None, verified_at=None, signed_off_at=None,
    )
    if status != S.REPORTED:
        hazard["confirmed_at"] = found_at
    if status == S.REJECTED:
        hazard["rejection_reason"] = row["rejection_reason"]
    if status in ASSIGNED_OR_LATER:
        deadline = row["current_deadline"] or row["original_deadline"]
        hazard.update(
            assigned_at=found_at, responsible_unit=row["responsible_unit"] or row.get("enterprise_label") or "",
            responsible_person=row["responsible_person"] or "", responsible_phone=row["responsible_phone"] or "",
            measures=row["measures"] or "", funds_planned=row["funds_planned"],
            original_deadline=row["original_deadline"] or deadline, current_deadline=deadline)
    step = found_at
    if status in (S.RECTIFICATION_REPORTED, S.VERIFIED, S.SIGNED_OFF):
        hazard["rectification_report"] = row["rectification_report"] or ""
        hazard["funds_spent"] = row["funds_spent"]
        day = row["rectified_at"] or row["verified_at"] or row["signed_off_at"]
        step = hazard["rectification_reported_at"] = max(local_datetime(day), step)
    if status in (S.VERIFIED, S.SIGNED_OFF):
        step = hazard["verified_at"] = max(local_datetime(row["verified_at"] or row["signed_off_at"]), step)
    if status == S.SIGNED_OFF:
        hazard["signed_off_at"] = max(local_datetime(row["signed_off_at"]), step)
    return hazard
