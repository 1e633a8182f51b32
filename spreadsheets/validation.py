"""Checking every row of an uploaded ledger, a chunk of rows at a time.

A checker turns raw rows into clean, JSON-able dicts (what gets staged and later imported) and
`Issue`s (row, column, value, Chinese message). Each row is first read on its own (required
fields, formats, allowed values, dates in order); then one query per chunk looks up regions,
enterprises and codes already in the system. The same checker re-checks staged rows when the
import runs, because the database may have changed since the preview.
"""
from __future__ import annotations

import datetime
import difflib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import RiskColour
from accounts.jurisdiction import has_role, region_in_jurisdiction, region_prefix
from accounts.models import Enterprise, Region, Sector, User
from accounts.validators import validate_credit_code
from hazards.choices import HazardCategory, HazardSource, HazardStatus
from hazards.duplicates import duplicates_by_row
from hazards.models import Hazard
from hazards.transitions import TRANSITIONS
from hazardtrack.dates import local_today
from hazardtrack.events import plain as _json
from hazardtrack.input_guard import visible

from . import cells
from .cells import CellError
from .choices import ImportKind, IssueKind
from .columns import COLUMNS, Column, choice_lookup
from .reading import Layout

S = HazardStatus
NOT_YET_ASSIGNED = (S.REPORTED, S.CONFIRMED, S.REJECTED)
DEADLINE_REQUIRED = (S.ASSIGNED, S.RECTIFYING, S.RECTIFICATION_REPORTED)
# The first status at which each completion date belongs to the story.
STAGE_DATES = (
    ("rectified_at", (S.RECTIFICATION_REPORTED, S.VERIFIED, S.SIGNED_OFF)),
    ("verified_at", (S.VERIFIED, S.SIGNED_OFF)),
    ("signed_off_at", (S.SIGNED_OFF,)),
)
COUNTY_LENGTH = 6
NOT_IN_FUTURE = ("found_at", "rectified_at", "verified_at", "signed_off_at")  # deadlines may be ahead


@dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str
    kind: str = IssueKind.ERROR
    # A near enterprise name the user may accept in the preview: {"enterprise": id, "name": …}.
    suggestion: dict | None = None


# What parse_cell makes of an empty cell, by column kind.
EMPTY = {"text": "", "date": None, "datetime": None, "decimal": None, "choice": None, "sector": None,
         "credit_code": "", "region": ""}
NEAR_NAME_CUTOFF = 0.8  # difflib ratio above which a registered name counts as a close spelling


class Checker:
    """Shared machinery: column lookup, per-row parsing with collected errors."""

    kind: str

    def __init__(self, *, user: User, layout: Layout | None = None):
        self.user = user
        self.layout = layout
        self.columns: dict[str, Column] = {c.key: c for c in COLUMNS[self.kind]}
        self.today = local_today()
        sectors = list(Sector.objects.all())
        self.sectors = {s.code: s.code for s in sectors} | {s.name: s.code for s in sectors}
        self.sector_names = [s.name for s in sectors]
        # Accepted spellings of each choice column, worked out once (labels are lazy translations).
        self.choices = {
            c.key: (choice_lookup(c.choices, c.aliases, c.words), [str(label) for _v, label in c.choices.choices])
            for c in self.columns.values() if c.kind == "choice"
        }
        self.regions: dict[str, Region | None] = {}
        self.seen: dict[tuple, int] = {}  # duplicate key -> first row with it, across chunks
        # (key, column, index in the row tuple) worked out once: parse runs for every row.
        positions = layout.positions if layout else {}
        self.plan = [(key, column, positions.get(key)) for key, column in self.columns.items()]

    def header(self, key: str) -> str:
        if self.layout and key in self.layout.headers:
            return self.layout.headers[key]
        return str(self.columns[key].header)

    def raw(self, values: tuple, key: str):
        index = self.layout.positions.get(key) if self.layout else None
        return values[index] if index is not None and index < len(values) else None

    def parse(self, number: int, values: tuple) -> tuple[dict, list[Issue]]:
        """Every column of one row, each through its parser; all errors of the row together.
        A cell that cannot be read is None in the row and its key is in row["_failed"], so the
        rules that need it are left out (one problem is reported once, where it is)."""
        data, issues, failed = {"row": number}, [], set()
        size = len(values)
        for key, column, index in self.plan:
            raw = values[index] if index is not None and index < size else None
            if raw is None and not column.required:  # the quick way through the many empty cells
                data[key] = EMPTY[column.kind]
                continue
            try:
                value = self.parse_cell(column, raw)
                if column.required and value in (None, ""):
                    raise CellError(_("必填，不能为空。"))
            except CellError as error:
                issues.append(Issue(number, self.header(key), visible(cells.cell_text(raw))[:200], str(error)))
                value = None
                failed.add(key)
            data[key] = value
        if "region" in data and data["region"] and not data["region"].isdigit():
            data["region_name"], data["region"] = data["region"], None  # a name: looked up per chunk
        data["_failed"] = failed
        return data, issues

    def parse_cell(self, column: Column, raw):
        if column.kind == "text":
            return cells.text(raw, max_length=column.max_length)
        if column.kind in ("date", "datetime"):
            value = cells.date_or_datetime(raw) if column.kind == "datetime" else cells.date(raw)
            if column.key in NOT_IN_FUTURE and value is not None and _day(value) > self.today:
                raise CellError(_("日期不能晚于今天。"))
            return value
        if column.kind == "decimal":
            if column.key in ("latitude", "longitude"):
                bound = Decimal(90 if column.key == "latitude" else 180)
                return cells.decimal(raw, minimum=-bound, maximum=bound, places=6)
            return cells.decimal(raw)
        if column.kind == "choice":
            return cells.choice(raw, *self.choices[column.key])
        if column.kind == "sector":
            name = cells.text(raw)
            if name and name not in self.sectors:
                raise CellError(_("行业领域“%(value)s”不存在。可选：%(choices)s。") % {
                    "value": name[:40], "choices": pgettext("list separator", "、").join(self.sector_names)})
            return self.sectors.get(name) if name else None
        if column.kind == "credit_code":
            code = cells.text(raw).upper()
            if code:
                try:
                    validate_credit_code(code)
                except ValidationError as error:
                    raise CellError(" ".join(error.messages))
            return code
        if column.kind == "region":
            code = cells.text(raw, max_length=64)
            if code.isdigit() and len(code) not in (6, 9, 12):
                raise CellError(_("区划代码应为6位（区县）、9位（乡镇街道）或12位（村社区）数字。"))
            return code  # digits: a code; anything else: a region's name (see resolve_region_names)
        raise AssertionError(column.kind)

    # --- chunk lookups -----------------------------------------------------------------

    def load_regions(self, codes) -> None:
        missing = {c for c in codes if c and c not in self.regions}
        if missing:
            found = {r.code: r for r in Region.objects.filter(code__in=missing)}
            for code in missing:
                self.regions[code] = found.get(code)

    def resolve_region_names(self, rows: list[dict]) -> list[Issue]:
        """Regions written by name (所在乡镇: 酿溪镇) → their codes, inside the user's jurisdiction
        only, in one query per chunk. A name that is not there, or is there twice, is an issue."""
        names = {r["region_name"] for r in rows if r.get("region_name")}
        prefix = region_prefix(self.user)
        if not names or prefix is None:
            found: dict[str, list[str]] = {}
        else:
            found = defaultdict(list)
            for code, name in Region.objects.filter(name__in=names, code__startswith=prefix).order_by("code").values_list("code", "name"):
                found[name].append(code)
        issues = []
        for row in rows:
            name = row.get("region_name")
            if not name:
                continue
            codes = found.get(name, [])
            if len(codes) == 1:
                row["region"] = codes[0]
                continue
            message = (_("辖区内有 %(n)s 个名为“%(name)s”的区划（%(codes)s），请改填区划代码。") % {
                "n": len(codes), "name": name, "codes": "、".join(codes[:5])} if codes else
                _("在您的辖区内找不到名为“%(name)s”的乡镇（街道）或区划，请核对名称或改填区划代码。") % {"name": name})
            issues.append(Issue(row["row"], self.header("region"), name[:200], message))
            row["_failed"].add("region")
        return issues

    def region_issue(self, row: dict, code: str) -> Issue | None:
        region = self.regions.get(code)
        header = self.header("region")
        if region is None:
            return Issue(row["row"], header, code, _("区划代码 %(code)s 不存在。") % {"code": code})
        if not region_in_jurisdiction(self.user, code):
            return Issue(row["row"], header, code, _("区划 %(code)s 不在您的辖区内。") % {"code": code})
        return None

    def duplicate_in_file(self, row: dict, key: tuple, column: str, value: str) -> Issue | None:
        first = self.seen.setdefault(key, row["row"])
        if first != row["row"]:
            return Issue(row["row"], self.header(column), value,
                         _("与第 %(first)s 行重复，同一文件中不能出现两次。") % {"first": first})
        return None

    def check_rows(self, rows: list[tuple[int, tuple]]) -> tuple[list[dict], list[Issue]]:
        """Raw rows from the sheet → clean rows and issues. Every check runs on every row, so a
        row's problems are all named in one preview (never one round of corrections each)."""
        parsed, issues, broken = [], [], set()
        for number, values in rows:
            row, problems = self.parse(number, values)
            problems += self.check_row(row)
            if problems:
                broken.add(number)
                issues.extend(problems)
            parsed.append(row)
        issues += self.resolve_region_names(parsed)
        broken |= {i.row for i in issues}
        valid, more = self.check_against_database(parsed, first_pass=True, broken=broken)
        return valid, sorted(issues + more, key=lambda i: i.row)

    def check_row(self, row: dict) -> list[Issue]:
        """Rules within one row (no database)."""
        return []

    def check_against_database(self, rows: list[dict], *, first_pass: bool,
                               broken: set[int] = frozenset()) -> tuple[list[dict], list[Issue]]:
        """The rows checked against the database; `broken` rows (problems found already) are
        checked too, for their other problems, but never returned as valid."""
        raise NotImplementedError

    def stage(self, row: dict) -> bytes:
        """The row as a line of JSON."""
        row.pop("_failed", None)
        return json.dumps(row, ensure_ascii=False, default=_json).encode() + b"\n"


LEGAL_FORMS = re.compile(r"(有限责任公司|股份有限公司|有限公司|分公司|公司)$")


def _name_core(name: str) -> str:
    """A unit's name without spaces, brackets' width and its legal form, for comparing."""
    text = name.replace(" ", "").replace("\u3000", "").replace("(", "（").replace(")", "）")
    return LEGAL_FORMS.sub("", text)


def _column_key(checker: Checker, header: str) -> str | None:
    return next((key for key in checker.columns if checker.header(key) == header), None)


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


class HazardChecker(Checker):
    kind = ImportKind.HAZARDS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pool: dict[str, list[Enterprise]] | None = None
        self._near_cache: dict[str, list[Enterprise]] = {}

    def parse(self, number: int, values: tuple) -> dict:
        position = self.layout.system_code_position if self.layout else None
        if position is not None and position < len(values) and not cells.cell_text(self.raw(values, "original_code")):
            # An exported ledger's hazard without an old code: our 隐患编号 becomes it.
            index = self.layout.positions["original_code"]
            values = list(values) + [None] * max(0, index + 1 - len(values))
            values[index] = values[position]
        return super().parse(number, values)

    def check_row(self, row: dict) -> list[Issue]:
        """The rules between the cells of one row. A rule whose cells could not be read is
        left out: that cell's own problem is already named."""
        issues = []
        failed = row.get("_failed", set())

        def problem(key: str, message: str):
            issues.append(Issue(row["row"], self.header(key), cells.cell_text(row.get(key))[:200], message))

        if not (row["enterprise_name"] or row["credit_code"] or row["region"] or row.get("region_name")) \
                and not failed & {"enterprise_name", "credit_code", "region"}:
            problem("region", _("请填写所属区划代码，或填写生产经营单位/统一社会信用代码。"))
        status = row["status"]
        found = row["found_at"]
        # A status or a found date that could not be read leaves out only the rules that need it.
        found_day = _day(found) if found else None
        if status == S.SIGNED_OFF and not has_role(self.user, TRANSITIONS["sign_off"].roles):
            # An imported 已销号 is a closed hazard: only someone who may sign off brings it in.
            problem("status", _("您的角色（%(role)s）不能销号，不能导入“已销号”的隐患；请由监管人员导入，或按实际状态填写。") % {
                "role": self.user.get_role_display()})
        original, current = row["original_deadline"], row["current_deadline"]
        if status and status in NOT_YET_ASSIGNED and (original or current):
            problem("current_deadline", _("状态为“%(status)s”的隐患尚未交办，不应填写整改期限。") % {"status": S(status).label})
        if status and status in DEADLINE_REQUIRED and not (original or current):
            problem("current_deadline", _("状态为“%(status)s”时须填写整改期限。") % {"status": S(status).label})
        if original and found_day and original < found_day:
            problem("original_deadline", _("整改期限（%(d)s）早于发现日期（%(f)s）。") % {"d": original, "f": found_day})
        if current and found_day and current < found_day:
            problem("current_deadline", _("整改期限（%(d)s）早于发现日期（%(f)s）。") % {"d": current, "f": found_day})
        if original and current and current < original:
            problem("current_deadline", _("整改期限不能早于原整改期限（%(d)s）。") % {"d": original})
        previous, previous_key = found_day, "found_at"
        for key, statuses in STAGE_DATES:
            day = row[key]
            if day and status and status not in statuses:
                problem(key, _("状态为“%(status)s”时不应填写“%(column)s”。") % {
                    "status": S(status).label, "column": self.header(key)})
            elif day and previous and day < previous:
                problem(key, _("“%(column)s”（%(d)s）早于“%(before)s”（%(p)s）。") % {
                    "column": self.header(key), "d": day, "before": self.header(previous_key), "p": previous})
            if day:
                previous, previous_key = day, key
        required_date = {S.RECTIFICATION_REPORTED: "rectified_at", S.VERIFIED: "verified_at", S.SIGNED_OFF: "signed_off_at"}
        if status in required_date and not row[required_date[status]]:
            key = required_date[status]
            problem(key, _("状态为“%(status)s”时须填写“%(column)s”。") % {"status": S(status).label, "column": self.header(key)})
        if status == S.REJECTED and not row["rejection_reason"]:
            problem("rejection_reason", _("状态为“不予认定”时须填写不予认定理由。"))
        return [i for i in issues if not (failed and _column_key(self, i.column) in failed)]

    def check_against_database(self, rows, *, first_pass, broken=frozenset()):
        issues: list[Issue] = []
        self.load_regions(r["region"] for r in rows)
        enterprises = self._enterprises(rows, first_pass=first_pass)
        existing = self._existing_codes(rows)
        valid = []
        for row in rows:
            problems = []
            enterprise = None
            suggestion = None
            failed = row.get("_failed", set())
            if first_pass:
                row["suggested"] = None
                enterprise, problem = self._match_enterprise(row, enterprises)
                if problem and problem.suggestion:
                    suggestion = problem  # checked as if accepted; imported only once accepted
                    row["suggested"] = problem.suggestion["enterprise"]
                elif problem:
                    problems.append(problem)
            elif row["enterprise"]:
                enterprise = enterprises.get(row["enterprise"])
                if enterprise is None:
                    problems.append(Issue(row["row"], self.header("enterprise_name"), row.get("enterprise_name") or "",
                                          _("该单位已不存在或已不在您的辖区内。")))
            if enterprise is not None:
                row["enterprise"] = None if suggestion else enterprise.pk
                row["enterprise_label"] = enterprise.name
                row["region"] = row["region"] or enterprise.region_id
                row["sector"] = row["sector"] or enterprise.sector_id
                if row["region"] and not row["region"].startswith(enterprise.region_id[:COUNTY_LENGTH]):
                    problems.append(Issue(row["row"], self.header("region"), row["region"],
                                          _("所属区划与该单位所在区县（%(code)s）不一致。") % {"code": enterprise.region_id[:6]}))
            elif first_pass:
                row["enterprise"] = None
            if row["region"]:
                self.load_regions([row["region"]])
                problem = self.region_issue(row, row["region"])
                if problem:
                    problems.append(problem)
            if not row["sector"] and not problems and not failed & {"sector", "region", "enterprise_name", "credit_code"}:
                problems.append(Issue(row["row"], self.header("sector"), "", _("请填写行业领域（无单位时必填）。")))
            county = (row["region"] or "")[:COUNTY_LENGTH]
            code = row["original_code"]
            if county and code:
                duplicate = self.duplicate_in_file(row, (county, code), "original_code", code)
                if duplicate:
                    problems.append(duplicate)
            if problems or row["row"] in broken:
                if suggestion:  # named with the row's other problems; nothing to accept yet
                    problems.append(Issue(suggestion.row, suggestion.column, suggestion.value, suggestion.message))
                issues.extend(problems)
                continue
            match = existing.get((county, code)) or existing.get(("", code))
            if match:
                issues.append(Issue(row["row"], self.header("original_code"), code,
                                    _("已导入过（隐患编号 %(code)s），本行跳过。") % {"code": match},
                                    kind=IssueKind.SKIPPED))
                continue
            if suggestion:
                issues.append(suggestion)
            valid.append(row)
        if first_pass:
            issues.extend(self._possible_duplicates([r for r in valid if not r["suggested"]]))
        return valid, issues

    def _possible_duplicates(self, rows: list[dict]) -> list[Issue]:
        """The preview names the open hazards each row may repeat (the row is still imported)."""
        found = duplicates_by_row(user=self.user, rows=rows)
        titles = {r["row"]: r["title"] for r in rows}
        return [Issue(number, self.header("title"), titles[number],
                      _("疑似重复：该单位已有相似的未办结隐患 %(list)s。请核对是否为同一隐患。") % {
                          "list": "；".join(f"{c.hazard.code}“{c.hazard.title}”（{c.percent}%）" for c in candidates)},
                      kind=IssueKind.DUPLICATE)
                for number, candidates in sorted(found.items())]

    def _enterprises(self, rows, *, first_pass: bool) -> dict:
        """The visible enterprises the rows name: by credit code, by name, or (re-check) by id."""
        visible = Enterprise.objects.visible_to(self.user).order_by().only("id", "name", "credit_code", "region_id", "sector_id")
        if not first_pass:
            ids = {r["enterprise"] for r in rows if r["enterprise"]}
            return {e.pk: e for e in visible.filter(pk__in=ids)} if ids else {}
        codes = {r["credit_code"] for r in rows if r["credit_code"]}
        names = {r["enterprise_name"] for r in rows if r["enterprise_name"] and not r["credit_code"]}
        found: dict = {"codes": {}, "names": defaultdict(list)}
        if codes or names:
            for enterprise in visible.filter(Q(credit_code__in=codes) | Q(name__in=names)):
                found["codes"][enterprise.credit_code] = enterprise
                found["names"][enterprise.name].append(enterprise)
        return found

    def _match_enterprise(self, row, found) -> tuple[Enterprise | None, Issue | None]:
        code, name = row["credit_code"], row["enterprise_name"]
        if code:
            enterprise = found["codes"].get(code)
            if enterprise is None:
                return None, Issue(row["row"], self.header("credit_code"), code,
                                   _("在您的辖区内找不到统一社会信用代码为 %(code)s 的单位（可先导入单位名录）。") % {"code": code})
            return enterprise, None
        if name:
            matches = found["names"].get(name, [])
            if not matches:
                return self._near_enterprise(row, name)
            if len(matches) > 1:
                return None, Issue(row["row"], self.header("enterprise_name"), name,
                                   _("辖区内有 %(n)s 个名为“%(name)s”的单位，请填写统一社会信用代码以区分。") % {"n": len(matches), "name": name})
            return matches[0], None
        return None, None

    def _near_enterprise(self, row, name: str) -> tuple[Enterprise | None, Issue]:
        """No unit has exactly this name: one registered name containing it (or contained in
        it), else one close spelling, is offered as "您是否指" — never used unless accepted."""
        near = self._near_names(name)
        header = self.header("enterprise_name")
        if len(near) == 1:
            enterprise = near[0]
            return enterprise, Issue(row["row"], header, name, _("在您的辖区内找不到名为“%(name)s”的单位。您是否指：%(suggestion)s？请在预览中确认。") % {
                "name": name, "suggestion": enterprise.name}, kind=IssueKind.SUGGESTION,
                suggestion={"enterprise": enterprise.pk, "name": enterprise.name})
        if near:
            return None, Issue(row["row"], header, name, _("在您的辖区内找不到名为“%(name)s”的单位；相近的有：%(names)s。请填写全称或统一社会信用代码。") % {
                "name": name, "names": "、".join(e.name for e in near[:5])})
        return None, Issue(row["row"], header, name,
                           _("在您的辖区内找不到名为“%(name)s”的单位，请核对全称或填写统一社会信用代码。") % {"name": name})

    def _near_names(self, name: str) -> list[Enterprise]:
        """The visible units whose name contains `name` or is contained in it, else those
        spelled closely. The visible units are read once per import, and only if a name misses."""
        if name in self._near_cache:
            return self._near_cache[name]
        if self._pool is None:
            self._pool = defaultdict(list)
            for enterprise in Enterprise.objects.visible_to(self.user).order_by().only(
                    "id", "name", "credit_code", "region_id", "sector_id").iterator(chunk_size=5000):
                self._pool[enterprise.name].append(enterprise)
        key = _name_core(name)
        contained = [e for registered, units in self._pool.items() if len(key) >= 2
                     and (key in _name_core(registered) or (len(_name_core(registered)) >= 4 and _name_core(registered) in key))
                     for e in units]
        if not contained:
            close = difflib.get_close_matches(name, list(self._pool), n=5, cutoff=NEAR_NAME_CUTOFF)
            contained = [e for registered in close for e in self._pool[registered]]
        self._near_cache[name] = contained
        return contained

    def _existing_codes(self, rows) -> dict[tuple[str, str], str]:
        """(county, old code) → our code, for codes already in the user's jurisdiction. An old
        code is unique within its county; a hazardtrack code (隐患编号) is unique everywhere.
        Only visible hazards are looked at: "already imported" about a hazard of another
        jurisdiction would tell the importer that it exists (its rows are their own anyway)."""
        codes = {r["original_code"] for r in rows}
        if not codes:
            return {}
        result = {}
        # Found by the two code indexes, then kept to the user's jurisdiction here: with the
        # region in the WHERE clause PostgreSQL walks the county's region index instead, and
        # inside the import's transaction that visits every row inserted so far, chunk after
        # chunk (quadratic; half a minute at 100,000 rows).
        matches = Hazard.objects.filter(Q(original_code__in=codes) | Q(code__in=codes)).order_by().values_list(
            "original_code", "code", "region_id")
        for original, code, region in matches:
            if not region_in_jurisdiction(self.user, region):
                continue
            if original in codes:
                result[(region[:COUNTY_LENGTH], original)] = code
            if code in codes:
                result[("", code)] = code
        return result


class EnterpriseChecker(Checker):
    kind = ImportKind.ENTERPRISES

    def check_against_database(self, rows, *, first_pass, broken=frozenset()):
        issues: list[Issue] = []
        self.load_regions(r["region"] for r in rows)
        codes = {r["credit_code"] for r in rows if r["credit_code"]}
        existing = dict(Enterprise.objects.filter(credit_code__in=codes).order_by().values_list("credit_code", "region_id"))
        prefix = region_prefix(self.user)
        valid = []
        for row in rows:
            problems = []
            if row["region"]:
                problem = self.region_issue(row, row["region"])
                if problem:
                    problems.append(problem)
            code = row["credit_code"]
            if code:
                duplicate = self.duplicate_in_file(row, (code,), "credit_code", code)
                if duplicate:
                    problems.append(duplicate)
            if problems or row["row"] in broken:
                issues.extend(problems)
                continue
            if code in existing:
                if prefix is not None and existing[code].startswith(prefix):
                    issues.append(Issue(row["row"], self.header("credit_code"), code, _("该单位已登记，本行跳过。"),
                                        kind=IssueKind.SKIPPED))
                else:
                    # Credit codes are unique province-wide, so the row cannot be imported; the
                    # message says so without saying where the unit is registered.
                    issues.append(Issue(row["row"], self.header("credit_code"), code,
                                        _("该统一社会信用代码不能由您登记，请核对代码，或联系上级管理员处理。")))
                continue
            row["risk_colour"] = row["risk_colour"] or RiskColour.BLUE
            valid.append(row)
        return valid, issues


CHECKERS = {ImportKind.HAZARDS: HazardChecker, ImportKind.ENTERPRISES: EnterpriseChecker}


def revive(kind: str, data: dict) -> dict:
    """A staged JSON row back into Python values."""
    row = dict(data)
    for key, column in {c.key: c for c in COLUMNS[kind]}.items():
        value = row.get(key)
        if value in (None, ""):
            continue
        if column.kind == "date":
            row[key] = datetime.date.fromisoformat(value)
        elif column.kind == "datetime":
            row[key] = (datetime.datetime.fromisoformat(value) if "T" in value
                        else datetime.date.fromisoformat(value))
        elif column.kind == "decimal":
            row[key] = Decimal(value)
    return row


HAZARD_DEFAULTS = {"category": HazardCategory.UNSAFE_CONDITION, "source": HazardSource.INSPECTION}
