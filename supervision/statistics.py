"""Every figure of DOMAIN.md "Statistics", defined once. Pages, exports, reports and circulars
all call this module; nothing else counts hazards for supervision.

For the hazards *found* in a period (Asia/Shanghai calendar days) and a region subtree, within
what the user may see:

    found 发现数          every hazard except the rejected ones (不予认定); 立行立改 counts
    rectified 已整改      verified or signed off
    signed_off 已销号     signed off (立行立改 is signed off at once)
    整改率 / 销号率       rectified / found, signed off / found
    overdue 逾期数        currently overdue: HazardQuerySet.overdue() as of `today`
    逾期率                overdue / (found − signed off)
    on-time 按期整改率    signed off on or before the ORIGINAL deadline / signed off
    mean days to close    mean of (signed off at − found at), in days, over the signed off
    major found / listed (挂牌督办) / signed off / overdue

A rate whose denominator is zero is None (shown as "—").

Everything is computed by the database. The main aggregation, `cube()`, is ONE GROUP BY over
the rows in scope by (child region, sector, source, level) — the child region is the code prefix
`SUBSTRING(region_id, 1, n)` — and the headline and the tables by region, sector, source and
level are sums of its groups (counts and total durations add up exactly; rates are computed
from the sums). The number of groups is bounded by the dimensions (≤ children × sectors ×
7 sources × 2 levels), never by the number of hazards. A dashboard adds last year's totals
(`totals()`) and the trend (`trend()`): three aggregate statements in all (`dashboard_figures`).
"""
from __future__ import annotations

import calendar
import datetime
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, fields
from typing import Iterable
from urllib.parse import urlencode

from django.db import connections, transaction
from django.db.models import (BigIntegerField, Case, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet,
                              Sum, Value, When)
from django.db.models.functions import Substr, TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import REGION_CODE_LENGTH
from hazards.choices import DEADLINE_RUNNING_STATUSES, RECTIFIED_STATUSES, HazardLevel, HazardStatus
from hazards.filtersets import ledger_filters_used
from hazards.models import Hazard, overdue_q
from hazardtrack import dates
from hazardtrack.dates import PeriodKind, local_today

# --- the definitions ------------------------------------------------------------------------

SIGNED_OFF = Q(status=HazardStatus.SIGNED_OFF)
MAJOR = Q(level=HazardLevel.MAJOR)


def aggregates(today: datetime.date) -> dict:
    """The additive counts behind every figure, as conditional aggregates.

    A column read here must also be in the index hazard_statistics_found (hazards migration
    0009), or the province's scan stops being index-only and gets ~5× slower."""
    return {
        "found": Count("pk"),
        "rectified": Count("pk", filter=Q(status__in=RECTIFIED_STATUSES)),
        "signed_off": Count("pk", filter=SIGNED_OFF),
        "overdue": Count("pk", filter=overdue_q(today)),
        # Calendar day of the sign-off in Asia/Shanghai against the original deadline.
        "on_time": Count("pk", filter=SIGNED_OFF & Q(signed_off_at__date__lte=F("original_deadline"))),
        "close_time": Sum(
            ExpressionWrapper(F("signed_off_at") - F("found_at"), output_field=DurationField()), filter=SIGNED_OFF
        ),
        "major_found": Count("pk", filter=MAJOR),
        "major_listed": Count("pk", filter=MAJOR & ~Q(listing_level="")),
        "major_signed_off": Count("pk", filter=MAJOR & SIGNED_OFF),
        "major_overdue": Count("pk", filter=MAJOR & overdue_q(today)),
    }


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Figures:
    """The counts of one cell (a region, sector, source, level, bucket or the whole view) and
    the figures derived from them."""

    found: int = 0
    rectified: int = 0
    signed_off: int = 0
    overdue: int = 0
    on_time: int = 0
    close_time: datetime.timedelta = datetime.timedelta(0)
    major_found: int = 0
    major_listed: int = 0
    major_signed_off: int = 0
    major_overdue: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        # An aggregate over no rows is NULL (Sum) — the zero of its field here.
        return cls(**{f.name: row[f.name] if row.get(f.name) is not None else f.default for f in fields(cls)})

    def add(self, other: "Figures") -> None:
        # The cube's sums call this ~7,000 times per province view: the field names once.
        mine, theirs = self.__dict__, other.__dict__
        for name in _FIGURE_FIELDS:
            mine[name] += theirs[name]

    @property
    def rectification_rate(self) -> float | None:  # 整改率
        return _ratio(self.rectified, self.found)

    @property
    def sign_off_rate(self) -> float | None:  # 销号率
        return _ratio(self.signed_off, self.found)

    @property
    def overdue_rate(self) -> float | None:  # 逾期率
        return _ratio(self.overdue, self.found - self.signed_off)

    @property
    def on_time_rate(self) -> float | None:  # 按期整改率
        return _ratio(self.on_time, self.signed_off)

    @property
    def mean_days_to_close(self) -> float | None:
        return _ratio(self.close_time.total_seconds() / 86400, self.signed_off)

    def value(self, name: str):
        return getattr(self, name)


_FIGURE_FIELDS = tuple(f.name for f in fields(Figures))

# The figures a table shows, in order: (name, Chinese header, kind). Kind "count" is an
# integer, "rate" a fraction shown as a percentage, "days" a decimal number of days.
FIGURE_COLUMNS = (
    ("found", _("发现数"), "count"),
    ("rectified", _("已整改"), "count"),
    ("signed_off", _("已销号"), "count"),
    ("rectification_rate", _("整改率"), "rate"),
    ("sign_off_rate", _("销号率"), "rate"),
    ("overdue", _("逾期数"), "count"),
    ("overdue_rate", _("逾期率"), "rate"),
    ("on_time_rate", _("按期整改率"), "rate"),
    ("mean_days_to_close", _("平均整改天数"), "days"),
    ("major_found", _("重大隐患"), "count"),
    ("major_listed", _("挂牌督办"), "count"),
    ("major_signed_off", _("重大已销号"), "count"),
)
MAJOR_COLUMNS = ("major_found", "major_listed", "major_signed_off")

# The ledger rows behind each figure: HazardFilterSet parameters added to the cell's own
# (region, sector, source, level, found dates). A rate links to its numerator's rows.
DRILL_DOWN = {
    "found": {"counted": "1"},
    "rectified": {"rectified": "1"},
    "signed_off": {"status": HazardStatus.SIGNED_OFF},
    "overdue": {"overdue": "1"},
    "on_time": {"closed_on_time": "1"},
    "major_found": {"level": HazardLevel.MAJOR, "counted": "1"},
    "major_listed": {"level": HazardLevel.MAJOR, "listed": "1", "counted": "1"},
    "major_signed_off": {"level": HazardLevel.MAJOR, "status": HazardStatus.SIGNED_OFF},
}
DRILL_DOWN.update({
    "rectification_rate": DRILL_DOWN["rectified"],
    "sign_off_rate": DRILL_DOWN["signed_off"],
    "overdue_rate": DRILL_DOWN["overdue"],
    "on_time_rate": DRILL_DOWN["on_time"],
    "mean_days_to_close": DRILL_DOWN["signed_off"],
})


# --- periods ---------------------------------------------------------------------------------

class Period(dates.Period):
    """A period of the hazard statistics; its ledger link filters on found_at."""

    def ledger_params(self) -> dict:
        return {"found_after": self.start.isoformat(), "found_before": self.end.isoformat()}


def current_period(kind: str, today: datetime.date | None = None) -> Period:
    """This month / quarter / year to date, up to and including today."""
    today = today or local_today()
    if kind == PeriodKind.MONTH:
        return Period(today.replace(day=1), today, kind)
    if kind == PeriodKind.QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return Period(today.replace(month=first_month, day=1), today, kind)
    if kind == PeriodKind.YEAR_TO_DATE:
        return Period(today.replace(month=1, day=1), today, kind)
    raise ValueError(kind)


def previous_period(kind: str, today: datetime.date | None = None) -> Period:
    """The last complete day / week (Mon–Sun) / month before today: what a report covers."""
    today = today or local_today()
    if kind == PeriodKind.DAY:
        day = today - datetime.timedelta(days=1)
        return Period(day, day, kind)
    if kind == PeriodKind.WEEK:
        monday = today - datetime.timedelta(days=today.weekday() + 7)
        return Period(monday, monday + datetime.timedelta(days=6), kind)
    if kind == PeriodKind.MONTH:
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return Period(last.replace(day=1), last, kind)
    raise ValueError(kind)


def month_period(year: int, month: int) -> Period:
    return Period(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]),
                  PeriodKind.MONTH)


# --- regions ---------------------------------------------------------------------------------

_LENGTHS = sorted(REGION_CODE_LENGTH.values())


def child_code_length(code: str) -> int | None:
    """The code length of the next level down (None below villages)."""
    return next((n for n in _LENGTHS if n > len(code)), None)


# --- the queries -----------------------------------------------------------------------------

def hazards_in_scope(queryset: QuerySet[Hazard], *, region_code: str, period: Period) -> QuerySet[Hazard]:
    """`queryset` (already `visible_to(user)`) narrowed to the counted hazards found in the
    period in the region's subtree."""
    begin, stop = period.bounds()
    rows = queryset.filter(found_at__gte=begin, found_at__lt=stop).exclude(status=HazardStatus.REJECTED)
    if region_code:
        rows = rows.filter(region__code__startswith=region_code)  # region_id LIKE '4305%'
    return rows


def totals(queryset: QuerySet[Hazard], *, today: datetime.date | None = None) -> Figures:
    """The figures of a whole scoped queryset: one aggregate query."""
    return Figures.from_row(queryset.aggregate(**aggregates(today or local_today())))


CUBE_DIMENSIONS = ("child", "sector_id", "source", "level")


def cube_queryset(queryset: QuerySet[Hazard], *, child_length: int | None, today: datetime.date):
    """The main aggregation: one GROUP BY (child-region prefix, sector, source, level)."""
    child = Substr("region_id", 1, child_length) if child_length else Substr("region_id", 1, 0)
    return (queryset.order_by().annotate(child=child)
            .values(*CUBE_DIMENSIONS).annotate(**aggregates(today)))


@dataclass
class Cube:
    """The groups of `cube_queryset`, and their sums along each dimension; or only the sums, when
    the database summed them (Cube.summed: the rollup's GROUPING SETS), and `rows` is None."""

    rows: list[tuple[dict, Figures]] | None
    # The sums, computed once (a cached cube serves many pages); read-only for the callers.
    _sums: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def summed(cls, *, total: Figures, by: dict[str, dict[str, Figures]]) -> "Cube":
        return cls(rows=None, _sums={"": total, **by})

    def total(self) -> Figures:
        if "" not in self._sums:
            result = Figures()
            for _key, figures in self.rows:
                result.add(figures)
            self._sums[""] = result
        return self._sums[""]

    def by(self, dimension: str) -> dict[str, Figures]:
        if dimension not in self._sums:
            result: dict[str, Figures] = defaultdict(Figures)
            for key, figures in self.rows:
                result[key[dimension]].add(figures)
            self._sums[dimension] = dict(result)
        return self._sums[dimension]


def cube(queryset: QuerySet[Hazard], *, child_length: int | None, today: datetime.date | None = None) -> Cube:
    today = today or local_today()
    rows = []
    for row in cube_queryset(queryset, child_length=child_length, today=today):
        rows.append(({d: row[d] for d in CUBE_DIMENSIONS}, Figures.from_row(row)))
    return Cube(rows)


TREND_GRANULARITY = {"week": TruncWeek, "month": TruncMonth}


def trend(queryset: QuerySet[Hazard], *, granularity: str, today: datetime.date | None = None) -> list[tuple[datetime.date, Figures]]:
    """Figures per week (Monday) or month of the found date, oldest first: one query."""
    trunc = TREND_GRANULARITY[granularity]("found_at")  # local (Asia/Shanghai) week or month
    rows = (queryset.order_by().annotate(bucket=trunc).values("bucket")
            .annotate(**aggregates(today or local_today())).order_by("bucket"))
    return [(timezone.localtime(row["bucket"]).date(), Figures.from_row(row)) for row in rows]


@dataclass
class DashboardFigures:
    cube: Cube
    previous: Figures  # the same days a year earlier (同比)
    trend: list[tuple[datetime.date, Figures]]


# Session settings for the statistics statements, PostgreSQL only, for their transaction alone:
# enough memory for the GROUP BY to hash its few thousand groups instead of sorting ~10^5-10^6
# rows on disk; no JIT (its compile time is a large share of a sub-second query); and parallel
# workers made cheap enough that the planner splits the scan and the partial aggregates of a
# province's year (~260,000 rows, measured 1.06 s alone → 0.53 s with 2 workers; docs/scaling.md).
# One statement (set_config(..., true) is SET LOCAL), so the settings cost one round trip.
_SESSION_MEMORY = {"work_mem": "64MB", "jit": "off"}
_SESSION_PARALLEL = {"parallel_setup_cost": "100", "parallel_tuple_cost": "0.01"}


def _set_local(settings: dict[str, str]) -> str:
    return "SELECT " + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in settings.items())


STATISTICS_SESSION = (_set_local({**_SESSION_MEMORY, **_SESSION_PARALLEL}),)
# The rollup's statement reads ~30,000 small rows of the rollup and an index: no parallel workers
# (measured 100 ms with the cheap ones against 60 ms without, load 10; bench/results/i18_dash2.md).
ROLLUP_SESSION = (_set_local(_SESSION_MEMORY),)


def _statistics_session(connection, session: tuple[str, ...] = STATISTICS_SESSION) -> None:
    with connection.cursor() as cursor:
        for statement in session:
            cursor.execute(statement)


def dashboard_figures(visible: QuerySet[Hazard], *, region_code: str, period: Period, granularity: str,
                      today: datetime.date | None = None, user=None) -> DashboardFigures:
    """The cube, last year's totals and the trend of `visible` (already visible_to(user)):
    three aggregate statements, whatever the number of regions.

    On PostgreSQL, given the `user` whose jurisdiction `visible` is, the figures are read from
    the rollup (supervision.HazardRollup) with overdue counted live: the rollup's version, the
    session settings and ONE statement (_dashboard_statement) that sums the cube by dimension,
    whatever the number of hazards; and when no transaction of the caller's is open, kept per
    process under the rollup's version (rollup_version: no cached figure outlives a committed
    change of the hazards it counts). SQLite (the embedded default) reads the live aggregate."""
    today = today or local_today()
    scope = hazards_in_scope(visible, region_code=region_code, period=period)
    last_year = hazards_in_scope(visible, region_code=region_code, period=period.year_before())
    connection = connections[visible.db]
    prefix = rollup_scope(user, region_code) if connection.vendor == "postgresql" else None
    # Only a transaction of its own sees committed rollup rows alone: inside a caller's, a
    # version may be the caller's uncommitted (and later rolled back) change. No cache there.
    cacheable = prefix is not None and not connection.in_atomic_block
    with transaction.atomic(using=visible.db):
        if prefix is not None:
            key = None
            if cacheable:
                database = tuple(connection.settings_dict.get(k) for k in ("HOST", "PORT", "NAME"))
                key = (database, prefix, region_code, period.start, period.end, granularity,
                       today, rollup_version(prefix, using=visible.db))
                if (cached := FIGURES_CACHE.get(key)) is not None:
                    return cached
            _statistics_session(connection, ROLLUP_SESSION)
            result = _rollup_dashboard(scope, last_year, prefix=prefix, region_code=region_code, period=period,
                                       granularity=granularity, today=today, using=visible.db)
            if key is not None:
                FIGURES_CACHE.put(key, result)
            return result
        if connection.vendor == "postgresql":
            _statistics_session(connection)
        return DashboardFigures(
            cube=cube(scope, child_length=child_code_length(region_code), today=today),
            previous=totals(last_year, today=today),
            trend=trend(scope, granularity=granularity, today=today),
        )


def trend_buckets(period: Period, granularity: str) -> list[Period]:
    """Every bucket of the period (also the empty ones), clipped to the period."""
    buckets = []
    if granularity == "week":
        start = period.start - datetime.timedelta(days=period.start.weekday())
        while start <= period.end:
            end = start + datetime.timedelta(days=6)
            buckets.append(Period(max(start, period.start), min(end, period.end)))
            start = end + datetime.timedelta(days=1)
    else:
        start = period.start.replace(day=1)
        while start <= period.end:
            end = month_period(start.year, start.month).end
            buckets.append(Period(max(start, period.start), min(end, period.end)))
            start = end + datetime.timedelta(days=1)
    return buckets


def default_granularity(period: Period) -> str:
    return "week" if period.days <= 92 else "month"


# --- ranking and drill-down ----------------------------------------------------------------

def rank(rows: Iterable, *, figures=lambda row: row.figures) -> list:
    """Order rows by 销号率 (highest first; fewer overdue breaks ties) and number them;
    equal rates share a rank. Rows with nothing found are not ranked (rank None, last)."""
    rows = list(rows)
    ranked = [r for r in rows if figures(r).found]
    ranked.sort(key=lambda r: (-figures(r).sign_off_rate, figures(r).overdue, getattr(r, "code", "")))
    previous, position = None, 0
    for index, row in enumerate(ranked, 1):
        rate = figures(row).sign_off_rate
        if rate != previous:
            position, previous = index, rate
        row.rank = position
    unranked = [r for r in rows if not figures(r).found]
    for row in unranked:
        row.rank = None
    return ranked + unranked


def _encoded(params: dict) -> dict[str, str]:
    """{name: "name=value" as urlencode writes it} of the parameters with a value."""
    return {k: urlencode({k: v}) for k, v in params.items() if v not in (None, "")}


def _query(*encoded: dict[str, str]) -> str:
    """The query string of encoded parameters merged (later ones win), sorted by name."""
    merged = {}
    for part in encoded:
        merged.update(part)
    return "&".join(merged[k] for k in sorted(merged))


def ledger_url(*params: dict, path: str | None = None) -> str:
    """The hazard ledger (at `path` when the caller has reversed it already) filtered by the
    merged parameters (later ones win)."""
    return (path or reverse("hazards:ledger")) + "?" + _query(*(_encoded(part) for part in params))


# Each figure's own parameters, encoded once per process.
_DRILL_DOWN_ENCODED = {name: _encoded(params) for name, params in DRILL_DOWN.items()}


def drill_down_links(*base: dict, skip: Iterable[str] = ()) -> dict[str, str]:
    """The ledger link of every figure of a cell whose own parameters are `base`: ledger_url()'s
    links (merged, later ones win, sorted by name), the cell's parameters encoded once and the
    figures' once per process (a province's page has ~600 links)."""
    prefix = reverse("hazards:ledger") + "?"
    cell = {}
    for part in base:
        cell.update(_encoded(part))
    return {name: prefix + _query(cell, own) for name, own in _DRILL_DOWN_ENCODED.items() if name not in skip}



# --- the rollup (supervision.HazardRollup, kept by the triggers of supervision/rollup.py) -----
#
# What one hazard adds to its rollup row, as SQL over a hazards_hazard row `r`: a count per
# status, and the parts of `aggregates()` that are not a count by status or level. Overdue
# depends on today, so the rollup counts the hazards whose deadline runs and the few of them not
# yet overdue (deadline today or later) are counted live from the partial index
# hazard_overdue_statistics (supervision migration 0005): overdue = running − not yet due.

ROLLUP_STATUS_COLUMNS = {status.value: f"n_{status.value}" for status in HazardStatus}
# Months are rolled up per city (the first 4 digits of the region code), and so is all time
# ("t" rows, `day` = ROLLUP_ALL_TIME): what a ledger without found dates counts.
ROLLUP_MONTH_REGION_LENGTH = 4
ROLLUP_ALL_TIME = datetime.date(1, 1, 1)
LEDGER_NO_END = datetime.date(9999, 1, 1)


def rollup_row_measures(time_zone: str) -> dict[str, str]:
    """{rollup column: SQL of one hazard row r's contribution} (see aggregates())."""
    measures = {column: f"(r.status = '{status}')::int" for status, column in ROLLUP_STATUS_COLUMNS.items()}
    signed_off = f"r.status = '{HazardStatus.SIGNED_OFF.value}'"
    measures.update({
        "on_time": f"coalesce({signed_off} AND (r.signed_off_at AT TIME ZONE '{time_zone}')::date"
                   f" <= r.original_deadline, false)::int",
        "close_us": f"CASE WHEN {signed_off} THEN coalesce((extract(epoch FROM r.signed_off_at - r.found_at)"
                    f" * 1000000)::bigint, 0) ELSE 0 END",
        "listed": f"(r.status <> '{HazardStatus.REJECTED.value}' AND r.listing_level <> '')::int",
    })
    return measures


def _columns(statuses):
    expression = None
    for status in statuses:
        term = F(ROLLUP_STATUS_COLUMNS[status])
        expression = term if expression is None else expression + term
    return expression


def _column_sum(statuses) -> Sum:
    return Sum(_columns(statuses))


def rollup_measures() -> dict[str, tuple]:
    """The counts of `aggregates()` on one rollup row (without overdue, counted live), each as
    (expression, the rows it counts on: None for all)."""
    counted = [s for s in HazardStatus if s != HazardStatus.REJECTED]
    return {
        "found": (_columns(counted), None),
        "rectified": (_columns(RECTIFIED_STATUSES), None),
        "signed_off": (_columns([HazardStatus.SIGNED_OFF]), None),
        "on_time": (F("on_time"), None),
        "close_us": (F("close_us"), None),
        "major_found": (_columns(counted), MAJOR),
        "major_listed": (F("listed"), MAJOR),
        "major_signed_off": (_columns([HazardStatus.SIGNED_OFF]), MAJOR),
        "running": (_columns(DEADLINE_RUNNING_STATUSES), None),
        "major_running": (_columns(DEADLINE_RUNNING_STATUSES), MAJOR),
    }


ADDS = "adds_"  # rollup_row_measures_of(): some counts are named like the rollup's columns


def rollup_row_measures_of(rows: QuerySet) -> QuerySet:
    """The rollup rows annotated with what each adds to every count of rollup_measures(), as
    ADDS + the count's name."""
    return rows.annotate(**{
        ADDS + name: expression if where is None
        else Case(When(where, then=expression), default=Value(0), output_field=BigIntegerField())
        for name, (expression, where) in rollup_measures().items()})


def not_yet_due_branches(today: datetime.date) -> tuple[Q, Q]:
    """The hazards whose deadline runs and that are not overdue (with overdue_q(), all of them),
    as two disjoint conditions: a deadline today or later, or none. Each alone reads the partial
    index hazard_overdue_statistics index-only; their OR would make the planner scan it whole
    and fetch the rows (measured 97 ms against 9 ms at 1,000,000, bench/results/i18_dash2.md)."""
    running = Q(status__in=DEADLINE_RUNNING_STATUSES)
    return running & Q(current_deadline__gte=today), running & Q(current_deadline__isnull=True)


# Not count(id): the id is not in the index hazard_overdue_statistics, and reading it would fetch
# every row from the table (level is in it, and never NULL).
NOT_YET_DUE = {"not_due": Count("*"), "major_not_due": Count("level", filter=MAJOR)}


def _rollup_figures(row: dict) -> Figures:
    """Figures of summed rollup columns and the live NOT_YET_DUE counts of the same cell."""
    row = {name: int(value or 0) for name, value in row.items()}
    row["close_time"] = datetime.timedelta(microseconds=row.pop("close_us"))
    row["overdue"] = row.pop("running") - row.pop("not_due")
    row["major_overdue"] = row.pop("major_running") - row.pop("major_not_due")
    return Figures.from_row(row)


def rollup_scope(user, region_code: str) -> str | None:
    """The region prefix whose rollup rows are exactly what `user` sees of `region_code`'s
    subtree, or None when the rollup cannot answer (not PostgreSQL is decided by the caller)."""
    from accounts.jurisdiction import region_prefix

    prefix = region_prefix(user) if user is not None else None
    if prefix is None:
        return None
    if region_code.startswith(prefix):
        return region_code
    if prefix.startswith(region_code):
        return prefix
    return None


def rollup_version(prefix: str, *, using: str = "default") -> tuple:
    """The version of the rollup's figures of the prefix's subtree: the "t" rows of its cities
    (the whole city of a county or township prefix) — the sum of their `changes`, their number
    and highest id. Every statement on hazards_hazard adds the rows it touched to `changes` of
    their "t" rows, old and new keys (supervision/rollup.py), in its own transaction; a rebuild
    refills the table with new ids. So two committed states with one version are the same
    figures, overdue included (today is in the cache key too). One index lookup of ≤ ~2,000 rows."""
    from .models import HazardRollup

    rows = HazardRollup.objects.using(using).filter(grain="t", day=ROLLUP_ALL_TIME)
    if prefix:
        rows = rows.filter(region__startswith=prefix[:ROLLUP_MONTH_REGION_LENGTH])
    version = rows.aggregate(changes=Sum("changes"), n=Count("pk"), last=Max("pk"))
    return version["changes"], version["n"], version["last"]


class FiguresCache:
    """The last few dashboards' figures of this process, by (database, scope, period, today,
    rollup version). Exact by its key alone: nothing expires it but newer entries."""

    def __init__(self, size: int = 64):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


FIGURES_CACHE = FiguresCache()


def _month_span(period: Period) -> tuple[datetime.date, datetime.date] | None:
    """[first, stop) of the whole calendar months inside the period, or None."""
    first = period.start if period.start.day == 1 else (
        period.start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    after = period.end + datetime.timedelta(days=1)
    stop = after.replace(day=1)
    return (first, stop) if first < stop else None


def _rollup_months(prefix: str, months: bool) -> bool:
    """Whether rollup_rows() reads "m" (and "t") rows: months are rolled up per city and wider."""
    return months and len(prefix) <= ROLLUP_MONTH_REGION_LENGTH


def rollup_rows(prefix: str, period: Period, *, months: bool, using: str = "default"):
    """The rollup rows covering exactly the hazards found in the period in the prefix's subtree:
    whole months from "m" rows (when `months` and the prefix is a city or wider; all time from
    "t" rows), the other days from "d" rows."""
    from .models import HazardRollup

    rows = HazardRollup.objects.using(using).order_by()
    if prefix:
        rows = rows.filter(region__startswith=prefix)
    coarse = _rollup_months(prefix, months)
    if coarse and period.start <= ROLLUP_ALL_TIME and period.end >= LEDGER_NO_END:
        return rows.filter(grain="t")
    span = _month_span(period) if coarse else None
    if span is None:
        return rows.filter(grain="d", day__gte=period.start, day__lte=period.end)
    first, stop = span
    return rows.filter(Q(grain="m", day__gte=first, day__lt=stop)
                       | Q(grain="d", day__gte=period.start, day__lt=first)
                       | Q(grain="d", day__gte=stop, day__lte=period.end))


# The groupings of the dashboard's statement (GROUPING SETS), each within one part: the part's
# whole and each of these alone — the cube's sums by dimension (Cube.by) and the trend's buckets.
DASHBOARD_GROUPINGS = (*CUBE_DIMENSIONS, "bucket")
_WHOLE = (1 << len(DASHBOARD_GROUPINGS)) - 1  # GROUPING(...) of the part's whole: every bit set
_GROUPED_BY = {_WHOLE: "", **{_WHOLE ^ (1 << (len(DASHBOARD_GROUPINGS) - 1 - i)): name
                              for i, name in enumerate(DASHBOARD_GROUPINGS)}}


def _dashboard_statement(parts: list[tuple[str, QuerySet, QuerySet, bool]], *, child_length: int,
                         granularity: str, today: datetime.date) -> tuple[str, list]:
    """ONE statement of every figure of the parts (name, rollup rows, hazards in scope, whether
    its whole alone is read): what each rollup row adds (rollup_row_measures_of) and the live
    counts of the not yet due hazards (not_yet_due_branches, one UNION ALL branch each, grouped
    like the rollup's rows; a whole part's branches summed first), summed per part over
    DASHBOARD_GROUPINGS. Groups with nothing found are left out, as a cube's groups are (a cell
    of rejected hazards only, or emptied by changes)."""
    trunc = TREND_GRANULARITY[granularity]
    rollup_sums, live_sums = list(rollup_measures()), list(NOT_YET_DUE)
    branches, params = [], []

    def add(part: str, queryset: QuerySet, columns: dict[str, str], *, whole: bool) -> None:
        sql, branch_params = queryset.query.sql_with_params()
        dims = ", ".join(f"NULL AS {name}" if whole else name for name in CUBE_DIMENSIONS)
        # One type per column for every branch (a numeric one would make every row's sum numeric,
        # measured 2x slower): counts are bigint, the total duration numeric (a province's
        # microseconds may pass bigint's range).
        measured = ", ".join(f"{columns.get(name, 0)}::{'numeric' if name == 'close_us' else 'bigint'} AS {name}"
                             for name in (*rollup_sums, *live_sums))
        branches.append(f"SELECT %s AS part, {dims}, {'NULL' if whole else 'bucket'}::date AS bucket, {measured} "
                        f"FROM ({sql}) AS b")
        params.extend([part, *branch_params])

    for part, rows, scope, whole in parts:
        rows = rollup_row_measures_of(rows)
        if whole:
            rows = rows.values(whole=Value(1)).annotate(**{name: Sum(f"{ADDS}{name}") for name in rollup_sums})
            add(part, rows, {name: name for name in rollup_sums}, whole=True)
        else:
            add(part, rows.annotate(child=Substr("region", 1, child_length), sector_id=F("sector"), bucket=trunc("day"))
                .values(*CUBE_DIMENSIONS, "bucket", *(f"{ADDS}{name}" for name in rollup_sums)),
                {name: f"{ADDS}{name}" for name in rollup_sums}, whole=False)
        for branch in not_yet_due_branches(today):
            live = scope.order_by().filter(branch)
            if whole:
                live = live.values(whole=Value(1))
            else:
                live = (live.annotate(child=Substr("region_id", 1, child_length), bucket=trunc("found_at"))
                        .values(*CUBE_DIMENSIONS, "bucket"))
            add(part, live.annotate(**NOT_YET_DUE), {name: name for name in live_sums}, whole=whole)
    groupings = ", ".join(["(part)", *(f"(part, {name})" for name in DASHBOARD_GROUPINGS)])
    sums = ", ".join(f"sum({name}) AS {name}" for name in (*rollup_sums, *live_sums))
    union = " UNION ALL ".join(branches)
    return (f"SELECT part, GROUPING({', '.join(DASHBOARD_GROUPINGS)}) AS grouping, "
            f"{', '.join(DASHBOARD_GROUPINGS)}, {sums} FROM ({union}) AS u "
            f"GROUP BY GROUPING SETS ({groupings}) HAVING sum(found) <> 0"), params


def _rollup_dashboard(scope: QuerySet[Hazard], last_year: QuerySet[Hazard], *, prefix: str, region_code: str,
                      period: Period, granularity: str, today: datetime.date, using: str) -> DashboardFigures:
    """dashboard_figures() from the rollup, in one statement (_dashboard_statement): the cube's
    sums by dimension, last year's totals and the trend, overdue = running − not yet due (live).
    The cube and the trend share their part when they read the same rollup rows."""
    child_length = child_code_length(region_code) or 0
    cube_months, trend_months = child_length <= ROLLUP_MONTH_REGION_LENGTH, granularity == "month"
    cube_part, trend_part = "now", "now"
    parts = [("now", rollup_rows(prefix, period, months=cube_months, using=using), scope, False)]
    if _rollup_months(prefix, cube_months) != _rollup_months(prefix, trend_months):
        trend_part = "trend"
        parts.append((trend_part, rollup_rows(prefix, period, months=trend_months, using=using), scope, False))
    parts.append(("before", rollup_rows(prefix, period.year_before(), months=True, using=using), last_year, True))
    sql, params = _dashboard_statement(parts, child_length=child_length, granularity=granularity, today=today)
    sums: dict[tuple[str, str], dict] = defaultdict(dict)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            part, grouped_by = row.pop("part"), _GROUPED_BY[row.pop("grouping")]
            key = row[grouped_by] if grouped_by else ""
            for name in DASHBOARD_GROUPINGS:
                del row[name]
            sums[part, grouped_by][key] = _rollup_figures(row)
    cube = Cube.summed(total=sums[cube_part, ""].get("", Figures()),
                       by={name: sums[cube_part, name] for name in CUBE_DIMENSIONS})
    previous = sums["before", ""].get("", Figures())
    return DashboardFigures(cube=cube, previous=previous, trend=sorted(sums[trend_part, "bucket"].items()))


# --- exact ledger counts from the rollup ---------------------------------------------------

# The ledger filters (hazards/filtersets.py) that are rollup dimensions; any other filter with a
# value makes the ledger count its rows itself (hazardtrack/pagination.py, bounded).
LEDGER_ROLLUP_PARAMS = {"region", "region_exact", "sector", "level", "status", "source", "found_after",
                        "found_before", "counted", "rectified"}


def _statuses(params) -> set[str] | None:
    statuses = {s.value for s in HazardStatus}
    chosen = [v for v in params.getlist("status") if v]
    if chosen:
        if not set(chosen) <= statuses:
            return None
        statuses = set(chosen)
    flags = {"counted": ({s for s in statuses if s != HazardStatus.REJECTED}, {HazardStatus.REJECTED.value}),
             "rectified": ({s.value for s in RECTIFIED_STATUSES}, statuses - {s.value for s in RECTIFIED_STATUSES})}
    for name, (yes, no) in flags.items():
        value = params.get(name) or ""
        if value not in ("", "1", "0"):
            return None
        if value:
            statuses &= yes if value == "1" else no
    return statuses


def rollup_ledger_count(user, params, *, using: str = "default") -> int | None:
    """The exact number of ledger rows `user` sees under the filters `params` (a QueryDict),
    summed from the rollup, or None when a filter is not a rollup dimension (or not PostgreSQL,
    or the user is not staff: enterprise contacts see their own unit's rows)."""
    if connections[using].vendor != "postgresql":
        return None
    if not ledger_filters_used(params) <= LEDGER_ROLLUP_PARAMS:
        return None
    region_code = (params.get("region") or "").strip()
    if region_code and not region_code.isdigit():
        return None
    prefix = rollup_scope(user, region_code)
    if prefix is None:
        from accounts.jurisdiction import region_prefix

        return 0 if region_prefix(user) is not None else None  # the region lies outside the jurisdiction
    try:
        start, end = (datetime.date.fromisoformat(params[name]) if params.get(name) else default
                      for name, default in (("found_after", ROLLUP_ALL_TIME), ("found_before", LEDGER_NO_END)))
    except ValueError:
        return None
    statuses = _statuses(params)
    levels = {v.value for v in HazardLevel}
    if statuses is None or (params.get("level") and params["level"] not in levels):
        return None
    exact = (params.get("region_exact") or "").strip()
    rows = rollup_rows(prefix, Period(start, end), months=not exact, using=using) if start <= end else None
    if rows is None or not statuses:
        return 0
    if exact:
        rows = rows.filter(region=exact) if exact.startswith(prefix) else rows.none()
    if params.get("level"):
        rows = rows.filter(level=params["level"])
    if params.get("source"):
        rows = rows.filter(source=params["source"])
    sectors = [v for v in params.getlist("sector") if v]
    if sectors:
        rows = rows.filter(sector__in=sectors)
    return rows.aggregate(n=_column_sum(sorted(statuses)))["n"] or 0
