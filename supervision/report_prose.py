"""The opening paragraph of a report, written from the dashboard's own figures (the same
Dashboard object, so the prose can never disagree with the tables or the page):

    本月全市共排查隐患 62 条，同比上升 5.1%，已整改 13 条，整改率 21.0%，同比下降 3.2 个百分点；
    逾期 4 条，其中重大隐患 1 条；销号 10 条，销号率 16.1%。

同比 is the dashboard tile's change: relative for a count, percentage points for a rate; it is
left out when the same days last year had nothing found."""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.models import Region

from .selectors import Dashboard
from .statistics import PeriodKind
from .templatetags.supervision import figure


def _when(kind: str) -> str:
    return {PeriodKind.DAY: _("本日"), PeriodKind.WEEK: _("本周"), PeriodKind.MONTH: _("本月")}.get(kind, _("本期"))


def _where(region: Region | None) -> str:
    """全省 / 全市 / 全县 …: by level, and by the name's own suffix where it says more (a 区, a
    自治州, a county-level 市, a 街道)."""
    if region is None:
        return _("全辖区")
    name = region.name
    if region.level == RegionLevel.PROVINCE:
        return _("全省")
    if region.level == RegionLevel.CITY:
        return _("全州") if name.endswith("州") else _("全市")
    if region.level == RegionLevel.COUNTY:
        if name.endswith("区"):
            return _("全区")
        return _("全市") if name.endswith("市") else _("全县")
    if region.level == RegionLevel.TOWNSHIP:
        if name.endswith("街道"):
            return _("全街道")
        return _("全乡") if name.endswith("乡") else _("全镇")
    return _("全社区") if name.endswith("社区") else _("全村")


def _year_on_year(change: float | None, kind: str) -> str:
    """"，同比上升 5.1%" / "，同比下降 3.2 个百分点" / "，与去年同期持平"; "" without last year's."""
    if change is None:
        return ""
    points = round(abs(change) * 100, 1)
    if points == 0:
        return _("，与去年同期持平")
    amount = _("%(n).1f 个百分点") % {"n": points} if kind == "rate" else f"{points:.1f}%"
    if change > 0:
        return _("，同比上升 %(amount)s") % {"amount": amount}
    return _("，同比下降 %(amount)s") % {"amount": amount}


def report_prose(board: Dashboard) -> str:
    """The paragraph for `board`'s region and period, in the active language."""
    figures, previous = board.headline, board.previous
    subject = {"when": _when(board.period.kind), "where": _where(board.region)}
    if not figures.found:
        return _("%(when)s%(where)s未排查出隐患。") % subject
    tiles = {tile.name: tile for tile in board.tiles}
    # No hazard found in the same days last year: no 同比 at all (a rate's would be "—" anyway).
    with_last_year = previous.found > 0

    def yoy(name: str) -> str:
        return _year_on_year(tiles[name].change, tiles[name].kind) if with_last_year else ""

    return "".join((
        _("%(when)s%(where)s共排查隐患 %(found)d 条") % {**subject, "found": figures.found},
        yoy("found"),
        _("，已整改 %(rectified)d 条，整改率 %(rate)s") % {
            "rectified": figures.rectified, "rate": figure(figures.rectification_rate, "rate")},
        yoy("rectification_rate"),
        _("；逾期 %(overdue)d 条，其中重大隐患 %(major)d 条") % {
            "overdue": figures.overdue, "major": figures.major_overdue},
        _("；销号 %(signed_off)d 条，销号率 %(rate)s。") % {
            "signed_off": figures.signed_off, "rate": figure(figures.sign_off_rate, "rate")},
    ))
