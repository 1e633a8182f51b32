"""The incident figures: every definition in one module (事故起数、死亡人数、受伤人数、直接经济损失,
同比, 双下降), shared by the figures page, the API and the incidents list's filters.

A figure is an aggregate over the incidents that *occurred* in the period (local calendar days,
Asia/Shanghai) in a region's subtree, within what the user may see. The same period last year
is the same calendar days one year earlier (29 February → 28 February): `Period` is
hazardtrack/dates.py's, with the occurred_* filter of this app. Each figure comes with
the query string of the incidents list that selects exactly the rows behind it, so the list's
count (and its totals line) equals the figure — the drill-down rule the tests hold us to.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import REGION_CODE_LENGTH
from accounts.models import Region, User
from hazardtrack import dates

from .choices import IncidentGrade, IncidentType
from .models import Incident

# --- the figures ---------------------------------------------------------------------------

ZERO_MONEY = Value(Decimal("0.00"))


@dataclass(frozen=True)
class Figure:
    name: str
    label: object
    # Extra list filter that narrows the rows behind this figure (deaths: the fatal incidents).
    drill: tuple[tuple[str, str], ...] = ()

    def aggregate(self, condition: Q | None = None):
        expressions = {
            "incidents": lambda: Count("id", filter=condition),
            "deaths": lambda: Coalesce(Sum("deaths", filter=condition), 0),
            "missing": lambda: Coalesce(Sum("missing", filter=condition), 0),
            "serious_injuries": lambda: Coalesce(Sum("serious_injuries", filter=condition), 0),
            "injuries": lambda: Coalesce(Sum(F("serious_injuries") + F("minor_injuries"), filter=condition), 0),
            "direct_loss": lambda: Coalesce(Sum("direct_loss", filter=condition), ZERO_MONEY),
        }
        return expressions[self.name]()


FIGURES = (
    Figure("incidents", _("事故起数")),
    Figure("deaths", _("死亡人数"), drill=(("fatal", "1"),)),
    Figure("missing", _("失踪人数"), drill=(("with_missing", "1"),)),
    Figure("serious_injuries", _("重伤人数"), drill=(("injured", "1"),)),
    Figure("injuries", _("受伤人数（重伤＋轻伤）"), drill=(("injured", "1"),)),
    Figure("direct_loss", _("直接经济损失（元）")),
)
FIGURE_BY_NAME = {f.name: f for f in FIGURES}
# The columns of the breakdown tables (all figures are in the totals).
TABLE_FIGURES = tuple(FIGURE_BY_NAME[n] for n in ("incidents", "deaths", "injuries", "direct_loss"))


def totals(queryset: QuerySet[Incident]) -> dict:
    """Every figure over a queryset, one query (the list page's totals line)."""
    # Aliases must not be field names ("deaths" is both): aggregate as sum_<name>, return by name.
    values = queryset.order_by().aggregate(**{f"sum_{f.name}": f.aggregate() for f in FIGURES})
    return {f.name: values[f"sum_{f.name}"] for f in FIGURES}


# --- periods -------------------------------------------------------------------------------

class Period(dates.Period):
    """A period of the incident statistics; it filters on occurred_at."""

    def q(self) -> Q:
        return occurred_from_q(self.start) & occurred_to_q(self.end)

    def params(self) -> dict[str, str]:
        return {"occurred_after": self.start.isoformat(), "occurred_before": self.end.isoformat()}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def occurred_from_q(day: datetime.date) -> Q:
    """Occurred on `day` or later (local calendar day; an index range on occurred_at)."""
    return Q(occurred_at__gte=_local_midnight(day))


def occurred_to_q(day: datetime.date) -> Q:
    """Occurred on `day` or earlier."""
    return Q(occurred_at__lt=_local_midnight(day + datetime.timedelta(days=1)))


# --- regions -------------------------------------------------------------------------------

def child_length(code: str) -> int | None:
    """Code length of the next level below `code` ("" → provinces)."""
    lengths = sorted(REGION_CODE_LENGTH.values())
    return next((n for n in lengths if n > len(code)), None)


def region_q(code: str) -> Q:
    return Q(region__code__startswith=code) if code else Q()


# --- the report ----------------------------------------------------------------------------

DIMENSIONS = (
    ("region", _("按区划")),
    ("sector", _("按行业领域")),
    ("type", _("按事故类别")),
    ("grade", _("按事故等级")),
)


@dataclass
class Pair:
    """One figure for the period and the same period last year, with their drill-down links."""

    current: int | Decimal
    previous: int | Decimal
    current_query: str
    previous_query: str

    @property
    def change(self) -> Decimal | None:
        """同比 in percent, one decimal; None when last year was zero."""
        if not self.previous:
            return None
        return (Decimal(self.current - self.previous) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))

    @property
    def down(self) -> bool:
        return self.current < self.previous


@dataclass
class Row:
    key: str
    label: str
    figures: dict[str, Pair] = field(default_factory=dict)

    @property
    def double_decline(self) -> bool:
        """双下降: both the number of incidents and the number of deaths fell year on year."""
        return self.figures["incidents"].down and self.figures["deaths"].down


@dataclass
class Report:
    period: Period
    previous: Period
    region_code: str
    region_name: str
    total: Row
    breakdowns: dict[str, list[Row]]


def _query(base: dict[str, str], figure: Figure) -> str:
    return urlencode({**base, **dict(figure.drill)})


def _row(key: str, label: str, values: dict, cell: dict[str, str], report_period: Period, previous: Period) -> Row:
    row = Row(key, label)
    for figure in FIGURES:
        row.figures[figure.name] = Pair(
            current=values[f"{figure.name}_cur"], previous=values[f"{figure.name}_prev"],
            current_query=_query({**cell, **report_period.params()}, figure),
            previous_query=_query({**cell, **previous.params()}, figure),
        )
    return row


def _aggregates(current: Q, previous: Q) -> dict:
    out = {}
    for figure in FIGURES:
        out[f"{figure.name}_cur"] = figure.aggregate(current)
        out[f"{figure.name}_prev"] = figure.aggregate(previous)
    return out


def _scope(*, user: User, region_code: str, period: Period):
    """The incidents of `region_code`'s subtree the user may see, in `period` or the same days
    last year, and the aggregates that split them into the two."""
    previous = period.year_before()
    cur_q, prev_q = period.q(), previous.q()
    base = Incident.objects.visible_to(user).filter(region_q(region_code)).filter(cur_q | prev_q)
    return base, _aggregates(cur_q, prev_q), previous


def incident_total(*, user: User, region_code: str, period: Period) -> Row:
    """The total row alone (the supervision dashboard's section): one aggregate query."""
    base, aggregates, previous = _scope(user=user, region_code=region_code, period=period)
    region_cell = {"region": region_code} if region_code else {}
    return _row("total", str(_("合计")), base.aggregate(**aggregates), region_cell, period, previous)


def incident_figures(*, user: User, region_code: str, period: Period) -> Report:
    """The figures for `region_code`'s subtree (within the user's jurisdiction) in `period`
    and the same period last year: totals and breakdowns by child region, sector, type, grade."""
    base, aggregates, previous = _scope(user=user, region_code=region_code, period=period)
    region_cell = {"region": region_code} if region_code else {}

    total = incident_total(user=user, region_code=region_code, period=period)

    breakdowns: dict[str, list[Row]] = {}
    # By child region: the child's code prefix; incidents recorded at this region itself (no
    # finer place) form their own "本级" row.
    length = child_length(region_code)
    if length is not None:
        groups = list(base.values(key=Substr("region_id", 1, length)).annotate(**aggregates).order_by("key"))
        names = dict(Region.objects.filter(code__in=[g["key"] for g in groups]).values_list("code", "name"))
        rows = []
        for g in groups:
            if g["key"] == region_code:
                rows.append(_row(g["key"], str(_("本级（未细分到下级区划）")), g, {"region_exact": region_code},
                                 period, previous))
            else:
                rows.append(_row(g["key"], names.get(g["key"], g["key"]), g, {"region": g["key"]}, period, previous))
        breakdowns["region"] = rows
    groups = base.values("sector_id", "sector__name", "sector__sort_order").annotate(**aggregates).order_by(
        "sector__sort_order", "sector_id")
    # The standard sector names are in the catalog (accounts/sectors.py), as in Sector.__str__.
    breakdowns["sector"] = [_row(g["sector_id"], gettext(g["sector__name"]) if g["sector__name"] else "", g,
                                 {**region_cell, "sector": g["sector_id"]}, period, previous) for g in groups]
    for name, choices in (("type", IncidentType), ("grade", IncidentGrade)):
        found = {g[name]: g for g in base.values(name).annotate(**aggregates).order_by()}
        breakdowns[name] = [_row(value, str(label), found[value], {**region_cell, name: value}, period, previous)
                            for value, label in choices.choices if value in found]
    region_name = Region.objects.filter(code=region_code).values_list("name", flat=True).first() if region_code else ""
    return Report(period, previous, region_code, region_name or str(_("全部")), total, breakdowns)
