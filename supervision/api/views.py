"""The statistics API: the dashboard's figures as JSON, same parameters as the page
(region, period, start, end, trend) and the same jurisdiction (404 outside it)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision import selectors
from supervision import statistics as stats
from supervision.forms import DashboardForm

FIGURES = [name for name, _label, _kind in stats.FIGURE_COLUMNS]


def _figures(figures: stats.Figures) -> dict:
    return {name: figures.value(name) for name in FIGURES}


def _number(value):
    """A count stays an integer; an amount of yuan is a JSON number (as /api/incidents/figures/)."""
    return value if value is None or isinstance(value, int) else float(value)


def _incidents(section: selectors.IncidentSection | None) -> dict | None:
    if section is None:
        return None
    return {
        "double_decline": section.double_decline,
        "figures": {t.name: {"current": _number(t.value), "previous": _number(t.previous),
                             "change": _number(t.change_percent), "list": t.link, "previous_list": t.previous_link}
                    for t in section.tiles},
    }


def _tipoffs(section: selectors.TipoffSection | None) -> dict | None:
    if section is None:
        return None
    return {t.name: {"value": _number(t.value), "list": t.link} for t in section.tiles}


def _row(row: selectors.Row) -> dict:
    return {"key": row.key, "name": row.label, "rank": row.rank, "figures": _figures(row.figures),
            "ledger": row.links.get("found")}


class StatisticsView(APIView):
    @extend_schema(
        summary="统计指标",
        description="统计看板的指标（发现数、整改率、销号率、逾期数等，定义见 supervision/statistics.py）；"
                    "比率为 0–1 的小数，分母为 0 时为 null。incidents：生产安全事故（事故起数、死亡人数、"
                    "受伤人数、直接经济损失，本期、上年同期、同比（%）、双下降，定义见 incidents/statistics.py）；"
                    "tipoffs：举报（收到、受理、不予受理、获得奖励、奖励金额）。list 为对应明细的页面地址。",
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, description="区划代码（默认本人辖区）"),
            OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter", "ytd", "custom"]),
            OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("trend", OpenApiTypes.STR, enum=["week", "month"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params.copy()
        params.setdefault("period", "ytd")
        region = selectors.statistics_region(user=request.user, code=params.get("region"))
        form = DashboardForm(params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        board = selectors.dashboard(user=request.user, region=region, period=form.period_value(),
                                    granularity=form.cleaned_data.get("trend") or None)
        return Response({
            "region": board.code, "region_name": board.region_name,
            "period": {"start": board.period.start, "end": board.period.end},
            "previous_period": {"start": board.period.year_before().start, "end": board.period.year_before().end},
            "overdue_as_of": board.today,
            "headline": _figures(board.headline), "previous": _figures(board.previous),
            "children": [_row(r) for r in board.children], "sectors": [_row(r) for r in board.sectors],
            "sources": [_row(r) for r in board.sources], "levels": [_row(r) for r in board.levels],
            "trend": [{"start": r.key, **_row(r)} for r in board.trend],
            "incidents": _incidents(board.incidents), "tipoffs": _tipoffs(board.tipoffs),
        })
