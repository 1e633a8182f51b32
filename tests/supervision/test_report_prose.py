"""Reports that read like reports (issue #17): the opening paragraph is written from the
dashboard's figures, the PDF carries it, the ranking as a bar chart, the issuing body and date."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from hazards.choices import HazardLevel
from supervision import exports, services
from supervision.report_prose import report_prose
from supervision.selectors import dashboard
from supervision.statistics import PeriodKind, month_period, previous_period
from tests.factories import region, supervisor

from .conftest import S, d, hazard, local

pytestmark = pytest.mark.django_db
TODAY = d("2026-03-11")  # the monthly report covers February 2026
MAJOR = HazardLevel.MAJOR

PROSE = re.compile(
    r"本月全市共排查隐患 (?P<found>\d+) 条(?:，同比(?:上升|下降) [\d.]+%|，与去年同期持平)?"
    r"，已整改 (?P<rectified>\d+) 条，整改率 (?P<rectification_rate>[\d.]+)%"
    r"(?:，同比(?:上升|下降) [\d.]+ 个百分点|，与去年同期持平)?"
    r"；逾期 (?P<overdue>\d+) 条，其中重大隐患 (?P<major_overdue>\d+) 条"
    r"；销号 (?P<signed_off>\d+) 条，销号率 (?P<sign_off_rate>[\d.]+)%。")


@pytest.fixture
def shaoyang():
    """邵阳市 with three counties; February 2026 and February 2025 (同比)."""
    region("4305", "邵阳市")
    region("430522", "新邵县")
    region("430523", "邵阳县")
    region("430511", "北塔区")  # nothing found: in the ranking, unranked
    for day in ("2026-02-03", "2026-02-10", "2026-02-20"):
        hazard("430522100", found=local(day))
    hazard("430522100", found=local("2026-02-05"), status=S.SIGNED_OFF, deadline="2026-02-10",
           signed_off=local("2026-02-09"))
    hazard("430522100", found=local("2026-02-06"), status=S.VERIFIED, deadline="2026-02-20")
    hazard("430523100", found=local("2026-02-07"), status=S.RECTIFYING, deadline="2026-02-28")  # overdue
    hazard("430523100", found=local("2026-02-08"), level=MAJOR, status=S.RECTIFYING, deadline="2026-03-01")
    hazard("430523100", found=local("2026-02-09"), status=S.SIGNED_OFF, deadline="2026-02-12",
           signed_off=local("2026-02-11"))
    hazard("430523100", found=local("2026-02-12"), status=S.REJECTED)  # 不予认定: not counted
    hazard("430522100", found=local("2025-02-10"), status=S.SIGNED_OFF, deadline="2025-02-12",
           signed_off=local("2025-02-11"))
    hazard("430523100", found=local("2025-02-11"))
    return supervisor("4305")


def pdf_text(pdf: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def test_the_prose_in_the_pdf_states_the_dashboards_figures(shaoyang):
    report = services.report_generate(kind="month", region=shaoyang.region, today=TODAY)
    text = pdf_text(report.pdf.read())
    match = PROSE.search(text)
    assert match, text[:400]
    board = dashboard(user=shaoyang, region=shaoyang.region, period=month_period(2026, 2), today=TODAY)
    headline = board.headline
    assert (headline.found, headline.signed_off, headline.overdue, headline.major_overdue) == (8, 2, 2, 1)
    for name in ("found", "rectified", "overdue", "major_overdue", "signed_off"):
        assert int(match[name]) == getattr(headline, name), name
    for name in ("rectification_rate", "sign_off_rate"):
        assert match[name] == f"{getattr(headline, name) * 100:.1f}", name
    # 同比: 8 found against 2 → +300 %; 整改率 3/8 against 1/2 → −12.5 points.
    assert "共排查隐患 8 条，同比上升 300.0%，" in text
    assert "整改率 37.5%，同比下降 12.5 个百分点；" in text


def test_the_pdf_ends_with_the_issuing_body_and_the_date(shaoyang):
    text = pdf_text(services.report_generate(kind="month", region=shaoyang.region, today=TODAY).pdf.read())
    assert text.index("本月全市共排查隐患") < text.index("主要指标")  # the paragraph opens the report
    assert re.search(r"邵阳市安全生产委员会办公室2026年3月11日\d+ / \d+$", text), text[-200:]  # then the page number



def test_a_configured_issuing_body_signs_the_report_as_it_signs_the_circulars(shaoyang):
    from supervision.models import IssuingBody

    IssuingBody.objects.create(region=shaoyang.region, full_name="邵阳市安全生产委员会办公室（市应急管理局代章）",
                               short_name="邵阳市安委办", main_to="各县市区安委会办公室", copy_to="")
    text = pdf_text(services.report_generate(kind="month", region=shaoyang.region, today=TODAY).pdf.read())
    assert re.search(r"邵阳市安全生产委员会办公室（市应急管理局代章）2026年3月11日\d+ / \d+$", text), text[-200:]

class Bars(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.bars = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.svgs += tag == "svg"
        if tag == "rect" and attrs.get("class") == "bar":
            self.bars.append((attrs["data-code"], attrs["data-rate"]))


def test_the_ranking_chart_has_one_bar_per_county_with_the_rankings_rate(shaoyang):
    board = dashboard(user=shaoyang, region=shaoyang.region, period=month_period(2026, 2), today=TODAY)
    html = render_to_string("supervision/pdf/report.html", exports.report_context(
        board, title="月报", prose=report_prose(board), issuer=services.report_issuer(shaoyang.region),
        issued_on=TODAY))
    parser = Bars()
    parser.feed(html)
    assert parser.svgs == 1
    expected = [(row.code, "" if row.figures.sign_off_rate is None else f"{row.figures.sign_off_rate:.6f}")
                for row in board.ranking]
    assert parser.bars == expected
    # 邵阳县 1 of 3 signed off (33.3 %) before 新邵县 1 of 5 (20 %); 北塔区 last.
    assert [code for code, _rate in expected] == ["430523", "430522", "430511"]
    assert expected[2][1] == ""  # 北塔区 found nothing: an empty bar, unranked


def prose_for(user, kind=PeriodKind.MONTH, code=None):
    period = month_period(2026, 2) if kind == PeriodKind.MONTH else previous_period(kind, TODAY)
    area = region(code) if code else user.region
    return report_prose(dashboard(user=user, region=area, period=period, today=TODAY))


@pytest.mark.parametrize("last_year, this_year, wording", [
    # (last February, this February) as (found, signed off)
    ((1, 0), (2, 1), "共排查隐患 2 条，同比上升 100.0%，已整改 1 条，整改率 50.0%，同比上升 50.0 个百分点；"),
    ((2, 2), (1, 0), "共排查隐患 1 条，同比下降 50.0%，已整改 0 条，整改率 0.0%，同比下降 100.0 个百分点；"),
    ((2, 1), (2, 1), "共排查隐患 2 条，与去年同期持平，已整改 1 条，整改率 50.0%，与去年同期持平；"),
    ((0, 0), (2, 1), "共排查隐患 2 条，已整改 1 条，整改率 50.0%；"),  # no last year: no 同比
])
def test_year_on_year_wording(last_year, this_year, wording):
    for year, (found, signed) in (("2025", last_year), ("2026", this_year)):
        for n in range(found):
            if n < signed:
                hazard("430522100", found=local(f"{year}-02-0{n + 1}"), status=S.SIGNED_OFF,
                       deadline=f"{year}-02-20", signed_off=local(f"{year}-02-0{n + 2}"))
            else:
                hazard("430522100", found=local(f"{year}-02-0{n + 1}"))
    region("430522", "新邵县")
    prose = prose_for(supervisor("430522"))
    assert prose.startswith("本月全县")
    assert wording in prose
    if last_year[0] == 0:
        assert "同比" not in prose and "持平" not in prose


def test_period_and_area_words():
    region("4305", "邵阳市")
    region("430511", "北塔区")
    region("430522", "新邵县")
    hazard("430511100", found=local("2026-03-10"))
    city = supervisor("4305")
    assert prose_for(city, PeriodKind.DAY).startswith("本日全市共排查隐患 1 条")
    assert prose_for(city, PeriodKind.WEEK) == "本周全市未排查出隐患。"  # 2–8 March
    assert prose_for(city, PeriodKind.DAY, code="430511").startswith("本日全区")
    assert prose_for(city, PeriodKind.DAY, code="430522") == "本日全县未排查出隐患。"
    province = supervisor("43")
    assert prose_for(province, PeriodKind.DAY).startswith("本日全省共排查隐患 1 条")


def test_the_report_is_written_in_the_office_language_whatever_is_active(shaoyang):
    with translation.override("en"):
        report = services.report_generate(kind="month", region=shaoyang.region, today=TODAY)
    assert report.title == "邵阳市隐患排查治理月报（2026-02-01 — 2026-02-28）"
    text = pdf_text(report.pdf.read())
    assert "本月全市共排查隐患 8 条" in text and "主要指标" in text
