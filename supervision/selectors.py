"""Reads of the supervision app. Every hazard figure comes from supervision.statistics over
`Hazard.objects.visible_to(user)`; the dashboard's incident figures from incidents.statistics and
its tip-off figures from tipoffs.selectors (one definition each). A region outside the user's
jurisdiction is a 404."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.jurisdiction import get_visible_or_404, region_prefix
from accounts.models import Region, Sector, User
from hazards.choices import HazardLevel, HazardSource
from hazards.models import Hazard
from hazardtrack.dates import local_today
from incidents import statistics as incident_stats
from tipoffs import selectors as tipoff_selectors
from tipoffs.choices import TipOffStatus

from . import statistics as stats
from .permissions import may_view_statistics
from .models import Circular, Report, ReportDelivery, Subscription

def statistics_region(*, user: User, code: str | None) -> Region | None:
    """The region a statistics view is about: `code`, or the user's own region when empty.
    None means "everything" (an administrator without a region). 404 unless inside the user's
    jurisdiction — also for a code typed into the URL."""
    if not may_view_statistics(user):
        raise Http404
    prefix = region_prefix(user)
    code = (code or "").strip() or prefix
    if not code:
        return None
    if not code.isdigit():
        raise Http404
    return get_visible_or_404(Region.objects.all(), user, code=code)


@dataclass
class Row:
    """One line of a statistics table."""

    key: str
    label: str
    figures: stats.Figures
    links: dict = field(default_factory=dict)
    url: str = ""  # the dashboard of this child region (drill down)
    rank: int | None = None
    code: str = ""
    own_level: bool = False  # hazards recorded at the region itself, not at a child


@dataclass
class Tile:
    name: str
    label: str
    kind: str
    value: object
    previous: object
    change: float | None
    link: str


@dataclass
class IncidentTile:
    """One incident figure for the period and the same days last year (同比), each linked to
    the incidents list filtered to exactly the rows behind it."""

    name: str
    label: str
    kind: str  # "count" or "money"
    value: int | Decimal
    previous: int | Decimal
    change_percent: Decimal | None  # 同比 in percent (incidents.statistics.Pair.change)
    down: bool
    link: str
    previous_link: str

    @property
    def change(self) -> Decimal | None:
        """同比 as a fraction, like the hazard tiles' (None when last year was zero)."""
        return None if self.change_percent is None else self.change_percent / 100


@dataclass
class IncidentSection:
    """生产安全事故 on the dashboard: the figures page's total row for the same region and days."""

    period: incident_stats.Period
    previous: incident_stats.Period
    tiles: list[IncidentTile]
    double_decline: bool  # 双下降: incidents and deaths both fell year on year
    figures_link: str  # the breakdowns (by region, sector, type, grade) on /incidents/figures/

    def tile(self, name: str) -> IncidentTile:
        return next(t for t in self.tiles if t.name == name)


@dataclass
class TipoffTile:
    name: str
    label: str
    kind: str  # "count" or "money"
    value: int | Decimal
    link: str


@dataclass
class TipoffSection:
    """举报 on the dashboard: tipoffs.selectors.tipoff_figures for the same region and days."""

    tiles: list[TipoffTile]
    figures_link: str

    def tile(self, name: str) -> TipoffTile:
        return next(t for t in self.tiles if t.name == name)


@dataclass
class Dashboard:
    user: User
    region: Region | None
    period: stats.Period
    granularity: str
    today: datetime.date
    breadcrumbs: list[tuple[str, str]]  # (name, dashboard URL) from the user's region down
    headline: stats.Figures
    previous: stats.Figures
    tiles: list[Tile]
    children: list[Row]
    ranking: list[Row]
    sectors: list[Row]
    sources: list[Row]
    levels: list[Row]
    trend: list[Row]
    headline_links: dict
    child_level_label: str
    incidents: IncidentSection | None = None
    tipoffs: TipoffSection | None = None

    @property
    def code(self) -> str:
        return self.region.code if self.region else ""

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else _("全部辖区")

    def chart_data(self) -> dict:
        """The trend chart's data for static/js/supervision.js (passed with json_script)."""
        return {
            "labels": [row.label for row in self.trend],
            "found": [row.figures.found for row in self.trend],
            "signed_off": [row.figures.signed_off for row in self.trend],
            "rate": [None if row.figures.sign_off_rate is None else round(row.figures.sign_off_rate * 100, 1)
                     for row in self.trend],
            "links": [row.links["found"] for row in self.trend],
            "names": {"found": _("发现数"), "signed_off": _("已销号"), "rate": _("销号率（%）")},
        }


CHILD_LEVEL_LABELS = {2: gettext_lazy("省"), 4: gettext_lazy("市"), 6: gettext_lazy("县（区）"), 9: gettext_lazy("乡镇（街道）"),
                      12: gettext_lazy("村（社区）")}


def _change(kind: str, current, previous) -> float | None:
    """同比: relative change of a count or mean; difference (percentage points) of a rate."""
    if current is None or previous is None:
        return None
    if kind == "rate":
        return current - previous
    return (current - previous) / previous if previous else None


def _dashboard_url(params: dict, region_code: str) -> str:
    query = {k: v for k, v in params.items() if v}
    query["region"] = region_code
    return reverse("supervision:dashboard") + "?" + urlencode(query)


def dashboard(*, user: User, region: Region | None, period: stats.Period, granularity: str | None = None,
              today: datetime.date | None = None, view_params: dict | None = None) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries whatever the number of
    regions: the cube (one GROUP BY), last year's totals, the trend, and the names."""
    today = today or local_today()
    granularity = granularity or stats.default_granularity(period)
    code = region.code if region else ""
    child_length = stats.child_code_length(code)
    visible = Hazard.objects.visible_to(user)
    result = stats.dashboard_figures(visible, region_code=code, period=period, granularity=granularity, today=today,
                                    user=user)
    cube, previous = result.cube, result.previous
    headline = cube.total()
    base = {"region": code, **period.ledger_params()}
    headline_links = stats.drill_down_links(base)

    tiles = [
        Tile(name, str(label), kind, headline.value(name), previous.value(name),
             _change(kind, headline.value(name), previous.value(name)), headline_links[name])
        for name, label, kind in stats.FIGURE_COLUMNS
    ]

    # Child regions: every child (also those with nothing found), then what was recorded at
    # this region itself ("本级") when there is any.
    children: list[Row] = []
    by_child = cube.by("child")
    if child_length:
        child_regions = Region.objects.filter(parent_id=code) if code else Region.objects.filter(parent__isnull=True)
        names = dict(child_regions.values_list("code", "name"))
        for key in sorted(set(names) | set(by_child)):
            figures = by_child.get(key, stats.Figures())
            if key == code or len(key) < child_length:
                # Recorded at this level, not at any child: only the exact region selects them.
                links = stats.drill_down_links(base, {"region_exact": key})
                children.append(Row(key, _("本级（未落到下级区划）"), figures, links, code=key, own_level=True))
                continue
            links = stats.drill_down_links(base, {"region": key})
            url = _dashboard_url(view_params or {}, key) if len(key) < 12 else ""
            children.append(Row(key, names.get(key, key), figures, links, url=url, code=key))
    ranking = stats.rank([r for r in children if not r.own_level])

    # The standard sector names are in the catalog (accounts/sectors.py), as in Sector.__str__.
    sector_names = {code: _(name) if name else name for code, name in Sector.objects.values_list("code", "name")}
    by_sector = cube.by("sector_id")
    sectors = [Row(key, sector_names.get(key, key), by_sector[key], stats.drill_down_links(base, {"sector": key}))
               for key in sorted(by_sector, key=lambda k: (-by_sector[k].found, k))]
    by_source = cube.by("source")
    sources = [Row(value, str(label), by_source.get(value, stats.Figures()),
                   stats.drill_down_links(base, {"source": value}))
               for value, label in HazardSource.choices]
    by_level = cube.by("level")
    levels = [Row(value, str(label), by_level.get(value, stats.Figures()),
                  stats.drill_down_links(base, {"level": value}, skip=stats.MAJOR_COLUMNS))
              for value, label in HazardLevel.choices]

    trend_figures = dict(result.trend)
    trend_rows = []
    for bucket in stats.trend_buckets(period, granularity):
        figures = trend_figures.get(_bucket_key(bucket.start, granularity), stats.Figures())
        label = bucket.start.strftime("%Y-%m") if granularity == "month" else f"{bucket.start:%m-%d}"
        trend_rows.append(Row(bucket.start.isoformat(), label, figures,
                              stats.drill_down_links(base, bucket.ledger_params())))

    breadcrumbs = [(r.name, _dashboard_url(view_params or {}, r.code))
                   for r in Region.objects.filter(code__in=_ancestors_within(user, code)).order_by("code")]
    return Dashboard(
        user=user, region=region, period=period, granularity=granularity, today=today, breadcrumbs=breadcrumbs,
        headline=headline, previous=previous, tiles=tiles, children=children, ranking=ranking, sectors=sectors,
        sources=sources, levels=levels, trend=trend_rows, headline_links=headline_links,
        child_level_label=CHILD_LEVEL_LABELS.get(child_length or 0, ""),
        incidents=incident_section(user=user, region=region, period=period),
        tipoffs=tipoff_section(user=user, region=region, period=period),
    )


def _bucket_key(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _ancestors_within(user: User, code: str) -> list[str]:
    """Codes from the user's own region down to `code` (the breadcrumb trail)."""
    prefix = region_prefix(user) or ""
    lengths = [n for n in (2, 4, 6, 9, 12) if len(prefix) <= n <= len(code)]
    return [code[:n] for n in lengths]


# --- incidents and tip-offs on the dashboard ---------------------------------------------------

# The incident figures the dashboard shows; their definitions are in incidents/statistics.py.
INCIDENT_TILES = ("incidents", "deaths", "injuries", "direct_loss")
# Regions the incidents figures page (incidents.forms.FiguresFilterForm) can be asked about.
INCIDENT_FIGURES_LEVELS = ("province", "city", "county")


def incident_section(*, user: User, region: Region | None, period: stats.Period) -> IncidentSection:
    """The incident figures of `region`'s subtree (within what `user` may see) for the days of
    `period` and the same days last year: one aggregate query.

    This is the figures page's total row (incidents.statistics.incident_figures) without its
    breakdowns: the same scope, the same aggregates, the same drill-down queries and the same 同比
    and 双下降 (Pair.change, Row.double_decline)."""
    code = region.code if region else ""
    current = incident_stats.Period(period.start, period.end)
    previous = current.year_before()
    total = incident_stats.incident_total(user=user, region_code=code, period=current)
    list_url = reverse("incidents:list")
    tiles = []
    for name in INCIDENT_TILES:
        pair = total.figures[name]
        tiles.append(IncidentTile(
            name=name, label=str(incident_stats.FIGURE_BY_NAME[name].label),
            kind="money" if name == "direct_loss" else "count", value=pair.current, previous=pair.previous,
            change_percent=pair.change, down=pair.down,
            link=f"{list_url}?{pair.current_query}", previous_link=f"{list_url}?{pair.previous_query}",
        ))
    figures_link = ""
    if region is None or region.level in INCIDENT_FIGURES_LEVELS:
        query = {"start": current.start.isoformat(), "end": current.end.isoformat()}
        figures_link = reverse("incidents:figures") + "?" + urlencode({**query, **({"region": code} if code else {})})
    return IncidentSection(period=current, previous=previous, tiles=tiles, double_decline=total.double_decline,
                           figures_link=figures_link)


# The tip-off figures the dashboard shows (tipoffs.selectors.tipoff_figures), and the triage
# queue's filters (tipoffs.filtersets.TipOffFilterSet) that list the tip-offs behind each. The
# queue cannot filter by reward: those figures link to the tip-off figures page instead.
TIPOFF_TILES = (
    ("received", gettext_lazy("收到举报"), "count", {}),
    ("accepted", gettext_lazy("受理立案"), "count", {"status": TipOffStatus.ACCEPTED}),
    ("rejected", gettext_lazy("不予受理"), "count", {"status": TipOffStatus.REJECTED}),
    ("rewarded", gettext_lazy("获得奖励"), "count", None),
    ("amount", gettext_lazy("奖励金额（元）"), "money", None),
)


def tipoff_section(*, user: User, region: Region | None, period: stats.Period) -> TipoffSection:
    """The tip-offs submitted in the days of `period` in `region`'s subtree (within what `user`
    may handle): one aggregate query."""
    code = region.code if region else ""
    figures = tipoff_selectors.tipoff_figures(user=user, start=period.start, end=period.end, region_code=code or None)
    where = {"region": code} if code else {}
    queue = reverse("tipoffs:queue") + "?" + urlencode({
        "queue": "all", **where, "submitted_after": period.start.isoformat(),
        "submitted_before": period.end.isoformat()})
    figures_link = reverse("tipoffs:figures") + "?" + urlencode({
        "start": period.start.isoformat(), "end": period.end.isoformat(), **where})
    tiles = [TipoffTile(name, str(label), kind, figures[name],
                        figures_link if extra is None else queue + ("&" + urlencode(extra) if extra else ""))
             for name, label, kind, extra in TIPOFF_TILES]
    return TipoffSection(tiles=tiles, figures_link=figures_link)


# --- reports and circulars -------------------------------------------------------------------

def report_list(*, user: User) -> QuerySet[Report]:
    return Report.objects.visible_to(user).select_related("region").order_by("-period_end", "kind", "region_id")


def report_detail(*, user: User, pk: int) -> Report:
    if not may_view_statistics(user):
        raise Http404
    return get_visible_or_404(Report.objects.select_related("region"), user, pk=pk)


def subscriptions_of(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("region")


def unread_report_ids(*, user: User) -> set[int]:
    return set(ReportDelivery.objects.inbox_of(user).filter(read_at__isnull=True).values_list("report_id", flat=True))


def circular_list(*, user: User) -> QuerySet[Circular]:
    return Circular.objects.visible_to(user).select_related("region", "created_by", "published_by")


def circular_detail(*, user: User, pk: int) -> Circular:
    if not may_view_statistics(user):
        raise Http404
    return get_visible_or_404(Circular.objects.select_related("region", "created_by", "published_by"), user, pk=pk)
