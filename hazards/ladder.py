"""The deadline clock and the escalation ladder, in one place: the Python rule and its SQL.

- The clock: how many days a hazard is past its current deadline on a day (negative: days left),
  counted as the hazard's region counts its rectification deadline (workdays.RegionDayRule of
  DeadlineType.RECTIFICATION, nearest region up the tree): calendar days, or working days — the
  difference of the two days' workday ordinals in the day table (workdays.CalendarDay).
  `deadline_days` is what every page and the API show (ledger, detail, 待办, `overdue_days`).
- The ladder: which rung is due on that day under the region's EscalationPolicy (notices) —
  3, 2, 1 (overdue), 0 (reminder: due soon) or nothing. `level_due` in Python, `rungs_sql` for
  the nightly job (hazards/escalation.py) and the ledger's due-soon filter (`due_soon_sql`).

Both read the same SQL fragments, so a page, the filter and the job cannot disagree. Everything
is set-based: the region's rule and ladder are equality joins per region-code length, the
working days a join on the deadline's day-table row.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.jurisdiction import nearest_to_region_sql
from notices.policy import DEFAULT_LADDER, LADDER_FIELDS, Ladder
from workdays.choices import DEFAULT_RULES, CountRule, DeadlineType

from .choices import DEADLINE_RUNNING_STATUSES, HazardLevel

DEADLINE_TYPE = DeadlineType.RECTIFICATION


# --- the rule in Python -------------------------------------------------------------------

def level_due(ladder: Ladder, *, hazard_level: str, days_overdue: int, overdue: bool | None = None) -> int | None:
    """The highest rung due `days_overdue` days after the deadline (negative: before it); None
    when nothing is due yet. Catch-up after missed nights sends only this rung. Level 1 is the
    first day past the deadline (`overdue`; in working days a Saturday after a Friday deadline
    is 0 working days late but overdue all the same)."""
    major = hazard_level == HazardLevel.MAJOR
    overdue = days_overdue >= 1 if overdue is None else overdue
    if days_overdue >= (ladder.level3_days_major if major else ladder.level3_days_general):
        return 3
    if days_overdue >= (ladder.level2_days_major if major else ladder.level2_days_general):
        return 2
    if overdue:
        return 1
    if days_overdue >= -(ladder.remind_days_major if major else ladder.remind_days_general):
        return 0
    return None


@dataclass(frozen=True)
class DeadlineDays:
    """A hazard's clock on a day: `days_overdue` in the region's days (negative: days left)."""

    rule: str
    days_overdue: int
    overdue: bool
    due_today: bool = False

    @property
    def working(self) -> bool:
        return self.rule == CountRule.WORKING

    @property
    def days_left(self) -> int:
        return max(-self.days_overdue, 0)

    @property
    def text(self) -> str:
        """逾期 3 天 / 逾期 2 个工作日 / 剩余 5 天 / 剩余 4 个工作日 / 今日到期."""
        if self.overdue:
            n = self.days_overdue
            if self.working:
                return ngettext("逾期 %(n)s 个工作日", "逾期 %(n)s 个工作日", n) % {"n": n}
            return ngettext("逾期 %(n)s 天", "逾期 %(n)s 天", n) % {"n": n}
        n = self.days_left
        if self.due_today:
            return gettext("今日到期")
        if self.working:
            return ngettext("剩余 %(n)s 个工作日", "剩余 %(n)s 个工作日", n) % {"n": n}
        return ngettext("剩余 %(n)s 天", "剩余 %(n)s 天", n) % {"n": n}


def deadline_days(hazards: Iterable, *, as_of: datetime.date | None = None) -> dict[int, DeadlineDays]:
    """The clock of each hazard with a running deadline among `hazards` (objects or ids), one
    query whatever their number; the others are absent. The one function behind every days
    left / overdue days shown."""
    ids = [getattr(h, "pk", h) for h in hazards]
    if not ids:
        return {}
    params = clock_params(as_of or timezone.localdate())  # hazards.models.local_today
    sql = (f"SELECT h.id, {_RULE} AS rule, {_days_overdue()} AS days_overdue,"
           f" h.current_deadline < %(as_of)s, h.current_deadline = %(as_of)s"
           f" FROM hazards_hazard h {_RULE_JOINS} {_DAY_JOIN}"
           f" WHERE h.status IN (%(assigned)s, %(rectifying)s) AND h.current_deadline IS NOT NULL"
           f" AND h.id IN ({', '.join(['%s'] * len(ids))})")
    sql, args = _positional(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, args + ids)
        return {pk: DeadlineDays(rule, days, bool(overdue), bool(today))
                for pk, rule, days, overdue, today in cursor.fetchall()}


def attach_deadline_days(hazards: list, *, as_of: datetime.date | None = None) -> list:
    """Give each hazard of a page its clock (`hazard.deadline_clock`), one query for the page."""
    clocks = deadline_days(hazards, as_of=as_of)
    for hazard in hazards:
        hazard.deadline_clock = clocks.get(hazard.pk)
    return hazards


def rectification_deadline(*, region_code: str, start: datetime.date, date: datetime.date | None = None,
                           days: int | None = None, field: str = "deadline") -> datetime.date:
    """A rectification deadline (交办, 延期) as the region counts it: `days` after `start`
    (natural or working days; a natural period ending on a day off rolls to the next working day
    where the region says so), or `date` checked against the rule — a region counting in working
    days or rolling refuses a deadline on a day off, naming the working day to use instead."""
    from hazardtrack.errors import DomainError
    from workdays.rules import add_days, is_workday, next_workday, rule_for

    if days is not None and date is not None:
        raise DomainError("deadline_date_or_days", gettext("已填写日期时请不要再填写天数（二者选一）。"), status=400,
                          field=field)
    rule = rule_for(region_code=region_code, deadline_type=DEADLINE_TYPE)
    if days is not None:
        if days < 1:
            raise DomainError("deadline_days_invalid", gettext("整改天数至少为1天。"), status=400, field=field)
        return add_days(start, days, rule=rule)
    if date is not None and rule != CountRule.NATURAL and not is_workday(date):
        raise DomainError(
            "deadline_not_workday",
            gettext("%(d)s 是休息日或法定节假日，本地区整改期限按“%(rule)s”计算，期限须落在工作日：请改为 %(next)s。")
            % {"d": date.isoformat(), "rule": CountRule(rule).label, "next": next_workday(date).isoformat()},
            status=400, field=field)
    return date


# --- the same rule in SQL -----------------------------------------------------------------

_RULE_JOINS, _rule = nearest_to_region_sql(
    table="workdays_regiondayrule", alias="r", region_column="h.region_id", columns=("rule",),
    on="{a}.deadline_type = %(deadline_type)s")
_RULE = f"COALESCE({_rule['rule']}, %(default_rule)s)"
_DAY_JOIN = "LEFT JOIN workdays_calendarday dd ON dd.day = h.current_deadline"


def _days_overdue() -> str:
    """Days from h's deadline to %(as_of)s. Working days: the difference of the two days'
    workday ordinals (a day off counts with the working day before it; the ordinal of %(as_of)s
    is an uncorrelated subquery, evaluated once); outside the day table's span, and under the
    other rules, calendar days."""
    if connection.vendor == "postgresql":
        calendar_days = "(%(as_of)s::date - h.current_deadline)"
    else:
        calendar_days = "CAST(julianday(%(as_of)s) - julianday(h.current_deadline) AS INTEGER)"
    return (f"CASE WHEN {_RULE} = %(working)s THEN COALESCE({_AS_OF_ORDINAL} - dd.workday_ordinal, {calendar_days})"
            f" ELSE {calendar_days} END")


_AS_OF_ORDINAL = "(SELECT workday_ordinal FROM workdays_calendarday WHERE day = %(as_of)s)"


def clock_params(as_of: datetime.date) -> dict:
    """The parameters of the clock: the day, the rule's defaults, the running statuses."""
    return {
        "as_of": connection.ops.adapt_datefield_value(as_of),
        "working": CountRule.WORKING.value,
        "deadline_type": DEADLINE_TYPE.value,
        "default_rule": DEFAULT_RULES[DEADLINE_TYPE].value,
        "assigned": DEADLINE_RUNNING_STATUSES[0].value,
        "rectifying": DEADLINE_RUNNING_STATUSES[1].value,
    }


def ladder_params(as_of: datetime.date) -> dict:
    """The parameters of the ladder (rungs_sql): the clock's, the horizon, the defaults."""
    params = clock_params(as_of)
    params.update({f"default_{f}": getattr(DEFAULT_LADDER, f) for f in LADDER_FIELDS})
    params.update({"horizon": connection.ops.adapt_datefield_value(_horizon(as_of, params)),
                   "major": HazardLevel.MAJOR.value})
    return params


def _horizon(as_of: datetime.date, params: dict) -> datetime.date:
    """The latest deadline that can be due for anything on `as_of`: the longest reminder window
    of any ladder, in working days (N working days reach at least as far as N calendar days).
    One query."""
    with connection.cursor() as cursor:
        cursor.execute(*_positional(_HORIZON_SQL, params))
        longest, horizon = cursor.fetchone()
    if horizon is None:  # outside the day table's span: weekends only, so at most 7/5 as long
        return as_of + datetime.timedelta(days=longest * 7 // 5 + 3)
    return horizon if isinstance(horizon, datetime.date) else datetime.date.fromisoformat(horizon)


_HORIZON_SQL = f"""
SELECT longest, (SELECT MIN(d.day) FROM workdays_calendarday d WHERE d.workday_ordinal = {_AS_OF_ORDINAL} + longest)
FROM (SELECT MAX(days) AS longest FROM (
    SELECT remind_days_general AS days FROM notices_escalationpolicy
    UNION ALL SELECT remind_days_major FROM notices_escalationpolicy
    UNION ALL SELECT %(default_remind_days_general)s UNION ALL SELECT %(default_remind_days_major)s) windows
) ladder
"""


_POLICY_JOINS, _policy_values = nearest_to_region_sql(
    table="notices_escalationpolicy", alias="p", region_column="h.region_id", columns=LADDER_FIELDS)


def _by_level(kind: str) -> str:
    """A ladder value for hazard `h`: its nearest region ancestor's policy, else the default."""
    def value(field: str) -> str:
        return f"COALESCE({_policy_values[field]}, %(default_{field})s)"

    return f"CASE WHEN h.level = %(major)s THEN {value(kind + '_major')} ELSE {value(kind + '_general')} END"


def rungs_sql() -> str:
    """The ladder, in one place (the job's notices and the ledger's due-soon filter): for every
    hazard with a running deadline at most %(horizon)s, the highest rung due on %(as_of)s under
    its region's ladder, counted in its region's days — 3, 2, 1 (overdue), 0 (reminder: due
    soon) or NULL (nothing yet). Columns: hazard_id, deadline, days_overdue, level."""
    return f"""
SELECT hazard_id, deadline, days_overdue,
       -- Only the highest rung due today: a night after days of downtime does not send the rungs it missed.
       CASE WHEN days_overdue >= level3_days THEN 3
            WHEN days_overdue >= level2_days THEN 2
            WHEN deadline < %(as_of)s THEN 1
            WHEN days_overdue >= -remind_days THEN 0
       END AS level
FROM (
    SELECT h.id AS hazard_id, h.current_deadline AS deadline,
           {_days_overdue()} AS days_overdue,
           {_by_level('remind_days')} AS remind_days,
           {_by_level('level2_days')} AS level2_days,
           {_by_level('level3_days')} AS level3_days
    FROM hazards_hazard h
    {_POLICY_JOINS}
    {_RULE_JOINS}
    {_DAY_JOIN}
    WHERE h.status IN (%(assigned)s, %(rectifying)s) AND h.current_deadline <= %(horizon)s
) candidates
"""


def due_soon_sql(*, as_of: datetime.date) -> RawSQL:
    """Ids of the hazards due soon (临期) on `as_of`: those whose reminder rung is due that day —
    deadline running, today or later, within the reminder window of the hazard's level under
    its region's ladder. For `pk__in=` (the ledger filter); positional parameters, as the ORM
    query around it uses."""
    # `deadline >= as_of` says nothing rung 0 does not; it is there for the planner, which
    # pushes it into the subquery and so reads only the index range of the coming days.
    sql = f"SELECT hazard_id FROM ({rungs_sql()}) rungs WHERE level = 0 AND deadline >= %(as_of)s"
    if connection.vendor == "postgresql":
        # A fence: planned inside the ledger's page query, the subquery (estimated at one row)
        # became the inner side of a nested-loop semi join and ran once per candidate hazard —
        # 450 ms for a county's page at 1,000,000 hazards; fenced, it runs once (11 ms).
        sql += " OFFSET 0"
    return RawSQL(*_positional(sql, ladder_params(as_of)))


_NAMED_PARAM = re.compile(r"%\((\w+)\)s")


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """`%(name)s` placeholders as `%s` with their values in order (the ORM's style)."""
    return _NAMED_PARAM.sub("%s", sql), [params[name] for name in _NAMED_PARAM.findall(sql)]


# --- a calendar change (workdays.signals.calendar_changed) --------------------------------

def note_calendar_change(sender, *, calendar, days, actor, summary, **kwargs) -> int:
    """The timeline note on every open hazard whose days left (or overdue) the changed days
    alter: a running deadline, a region counting working days, a changed day between today and
    the deadline. One INSERT … SELECT, whatever their number; the deadlines themselves stay.
    Runs in the edit's transaction, so the note and the calendar commit together."""
    import json

    from .choices import EventAction

    today = timezone.localdate()
    params = clock_params(today)
    params.update({
        "action": EventAction.CALENDAR_CHANGED.value, "actor": getattr(actor, "pk", None),
        "now": connection.ops.adapt_datetimefield_value(timezone.now()), "comment": summary,
        "changes": json.dumps({"calendar": {"year": calendar.year, "version": calendar.version,
                                            "days": [d.isoformat() for d in days]}}, ensure_ascii=False),
    })
    # A changed day d alters the count from today to the deadline when today < d <= deadline
    # (days left) or deadline < d <= today (days overdue).
    spans = []
    for n, day in enumerate(days):
        params[f"day{n}"] = connection.ops.adapt_datefield_value(day)
        spans.append(f"(%(as_of)s < %(day{n})s AND %(day{n})s <= h.current_deadline)"
                     f" OR (h.current_deadline < %(day{n})s AND %(day{n})s <= %(as_of)s)")
    changes = "CAST(%(changes)s AS jsonb)" if connection.vendor == "postgresql" else "%(changes)s"
    sql = f"""
INSERT INTO hazards_hazardevent (hazard_id, action, actor_id, at, from_status, to_status, comment, changes)
SELECT h.id, %(action)s, %(actor)s, %(now)s, h.status, h.status, %(comment)s, {changes}
FROM hazards_hazard h
{_RULE_JOINS}
WHERE h.status IN (%(assigned)s, %(rectifying)s) AND h.current_deadline IS NOT NULL
  AND {_RULE} = %(working)s AND ({' OR '.join(spans)})
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
