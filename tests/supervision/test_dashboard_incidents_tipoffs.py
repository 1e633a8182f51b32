"""The supervision dashboard's 生产安全事故 and 举报 sections (issues 11 and 7): the figures of the
dashboard's region and period, computed by hand from fixed rows; 同比 and 双下降; every number
links to exactly the rows behind it; a county sees only its own; enterprises see nothing; the
sections cost two aggregate queries whatever the data; the exports and the API carry them."""
from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.choices import Role
from incidents import selectors as incident_selectors
from incidents import statistics as incident_stats
from tests.factories import (
    EnterpriseFactory,
    HazardFactory,
    IncidentFactory,
    TipOffFactory,
    UserFactory,
    enterprise_contact,
    region,
    sector,
    supervisor,
)
from tipoffs import selectors as tipoff_selectors
from tipoffs.choices import RewardStatus, TipOffStatus
from tipoffs.models import Reward

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# The dashboard's custom period: the first half of 2026; the same days of 2025 are 同比.
PERIOD = {"period": "custom", "start": "2026-01-01", "end": "2026-06-30"}
DECIDED_WITH_HAZARD = (TipOffStatus.ACCEPTED, TipOffStatus.DUPLICATE)
XINSHAO, SHAOYANG, SHIGU = "430522100", "430523100", "430407"  # 新邵县, 邵阳县 (both 邵阳市), 石鼓区 (衡阳市)


def at(y, m, d, hh=10, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def places():
    for code, name in (("43", "湖南省"), ("4305", "邵阳市"), ("430522", "新邵县"), (XINSHAO, "酿溪镇"),
                       ("430523", "邵阳县"), (SHAOYANG, "塘渡口镇"), (SHIGU, "石鼓区")):
        region(code, name)


@pytest.fixture
def incidents(places):
    """Incidents either side of the period's local-midnight boundaries, last year's same days,
    and one in another city."""
    rows = [
        # 2026-01-01 .. 2026-06-30
        dict(occurred_at=at(2026, 1, 1, 0, 5), region=XINSHAO, deaths=1, serious_injuries=2, minor_injuries=1),
        dict(occurred_at=at(2026, 3, 5), region=XINSHAO, deaths=3, type="collapse", direct_loss=Decimal("2500000")),
        dict(occurred_at=at(2026, 6, 30, 23, 30), region=SHAOYANG, deaths=0, serious_injuries=1, type="fire",
             sector=sector("fire")),
        # just outside
        dict(occurred_at=at(2026, 7, 1, 0, 10), region=XINSHAO, deaths=5),
        dict(occurred_at=at(2025, 12, 31, 23, 59), region=XINSHAO, deaths=7),
        # 2025-01-01 .. 2025-06-30 (同比)
        dict(occurred_at=at(2025, 2, 1), region=XINSHAO, deaths=2),
        dict(occurred_at=at(2025, 4, 1), region=SHAOYANG, deaths=4, minor_injuries=3),
        dict(occurred_at=at(2025, 5, 1), region=SHAOYANG, deaths=0, direct_loss=Decimal("100000")),
        dict(occurred_at=at(2025, 6, 30, 23, 59), region=XINSHAO, deaths=1),
        # another city
        dict(occurred_at=at(2026, 2, 2), region=SHIGU, deaths=9),
    ]
    return [IncidentFactory(**{**row, "region": region(row["region"])}) for row in rows]


@pytest.fixture
def tipoffs(places):
    """Tip-offs in the period in both counties (one with an approved reward, one paid, one
    refused), either side of the boundaries, and one in another city."""
    proposer = supervisor("430522", username="reward-proposer")

    def tip(code, when, status=TipOffStatus.RECEIVED, reward=None):
        # An accepted or duplicate tip-off points at its hazard (a database constraint).
        hazard = HazardFactory(enterprise=None, region=region(code)) if status in DECIDED_WITH_HAZARD else None
        row = TipOffFactory(region=region(code), submitted_at=when, status=status, hazard=hazard)
        if reward:
            amount, reward_status = reward
            Reward.objects.create(tipoff=row, amount=Decimal(amount), basis="测试", status=reward_status,
                                  proposed_by=proposer)
        return row

    tip(XINSHAO, at(2026, 1, 1, 0, 5))
    tip(XINSHAO, at(2026, 3, 5), TipOffStatus.ACCEPTED, ("800", RewardStatus.APPROVED))
    tip(XINSHAO, at(2026, 6, 30, 23, 30), TipOffStatus.REJECTED)
    tip(XINSHAO, at(2026, 5, 1), TipOffStatus.ACCEPTED, ("300", RewardStatus.REFUSED))
    tip(XINSHAO, at(2026, 5, 2), TipOffStatus.DUPLICATE)
    tip(SHAOYANG, at(2026, 4, 1), TipOffStatus.ACCEPTED, ("500", RewardStatus.PAID))
    tip(XINSHAO, at(2025, 12, 31, 23, 59), TipOffStatus.ACCEPTED)
    tip(XINSHAO, at(2026, 7, 1, 0, 10), TipOffStatus.REJECTED)
    tip(SHIGU, at(2026, 2, 2), TipOffStatus.ACCEPTED, ("900", RewardStatus.PAID))


def _board(client, user, **params):
    client.force_login(user)
    response = client.get("/supervision/", {**PERIOD, **params})
    assert response.status_code == 200
    return response, response.context["board"]


def _figures(board) -> dict:
    return {t.name: (t.value, t.previous, t.change_percent) for t in board.incidents.tiles}


# --- the figures, by hand ----------------------------------------------------------------------

def test_city_dashboard_shows_incidents_deaths_injuries_and_loss_with_year_on_year(client, incidents):
    response, board = _board(client, supervisor("4305"))
    assert _figures(board) == {
        "incidents": (3, 4, Decimal("-25.0")),
        "deaths": (4, 7, Decimal("-42.9")),
        "injuries": (4, 3, Decimal("33.3")),  # serious + minor
        "direct_loss": (Decimal("2500000"), Decimal("100000"), Decimal("2400.0")),
    }
    assert board.incidents.double_decline is True  # 事故起数 3 < 4 and 死亡人数 4 < 7
    assert board.incidents.period == incident_stats.Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    html = response.content.decode()
    assert "事故起数、死亡人数双下降" in html
    assert 'data-testid="incident-incidents">3</a>' in html and 'data-testid="incident-prev-deaths">7</a>' in html
    assert 'data-testid="incident-direct_loss">2500000.00</a>' in html  # as on /incidents/figures/
    assert "−25.0%" in html and "+33.3%" in html
    # The breakdowns are one click away, for the same region and days.
    assert "/incidents/figures/?start=2026-01-01&amp;end=2026-06-30&amp;region=4305" in html


def test_county_sees_its_own_incidents_and_no_double_decline(client, incidents):
    response, board = _board(client, supervisor("430522"))
    assert board.region.code == "430522"
    assert _figures(board) == {
        "incidents": (2, 2, Decimal("0.0")),
        "deaths": (4, 3, Decimal("33.3")),
        "injuries": (3, 0, None),  # nothing last year: no percentage
        "direct_loss": (Decimal("2500000"), Decimal("0"), None),
    }
    assert board.incidents.double_decline is False
    assert "未实现双下降" in response.content.decode()


def test_a_city_supervisor_narrowed_to_a_county_counts_that_county_only(client, incidents):
    _response, board = _board(client, supervisor("4305"), region="430523")
    assert _figures(board)["incidents"] == (1, 2, Decimal("-50.0"))
    assert _figures(board)["deaths"] == (0, 4, Decimal("-100.0"))
    assert board.incidents.double_decline is True


def test_tipoff_figures_for_the_city_and_for_a_county(client, tipoffs):
    _response, city = _board(client, supervisor("4305"))
    values = {t.name: t.value for t in city.tipoffs.tiles}
    # Six submitted in the period (the 2025-12-31 23:59 and 2026-07-01 00:10 ones are not; 石鼓区
    # is another city); accepted 3; rejected 1; rewards approved or paid: 800 + 500 (300 refused).
    assert values == {"received": 6, "accepted": 3, "rejected": 1, "rewarded": 2, "amount": Decimal("1300.00")}
    _response, county = _board(client, supervisor("430522"))
    values = {t.name: t.value for t in county.tipoffs.tiles}
    assert values == {"received": 5, "accepted": 2, "rejected": 1, "rewarded": 1, "amount": Decimal("800.00")}


# --- jurisdiction ------------------------------------------------------------------------------

def test_another_countys_incidents_and_tipoffs_are_not_counted_for_a_county_supervisor(client, incidents, tipoffs):
    _response, board = _board(client, supervisor("430523"))
    assert _figures(board)["incidents"] == (1, 2, Decimal("-50.0"))  # 邵阳县's own, not 新邵县's
    assert {t.name: t.value for t in board.tipoffs.tiles}["received"] == 1
    # Asking for the neighbour or the city by URL is refused, as for the hazard figures.
    for code in ("430522", "4305", XINSHAO):
        assert client.get("/supervision/", {**PERIOD, "region": code}).status_code == 404
        assert client.get("/api/statistics/", {**PERIOD, "region": code}).status_code == 404


@pytest.mark.parametrize("make_user", [
    lambda: enterprise_contact(EnterpriseFactory()),
    lambda: UserFactory(role=Role.GRID, region=region(XINSHAO)),
])
def test_enterprise_users_and_grid_workers_still_cannot_see_the_dashboard(client, incidents, tipoffs, make_user):
    client.force_login(make_user())
    for url in ("/supervision/", "/supervision/export.xlsx", "/supervision/export.pdf", "/api/statistics/"):
        response = client.get(url, PERIOD)
        assert response.status_code in (403, 404), url
        assert "事故起数" not in response.content.decode()


# --- drill-down --------------------------------------------------------------------------------

def _incident_list(user, link: str) -> tuple[int, dict]:
    parts = urlsplit(link)
    assert parts.path == "/incidents/"
    rows, filterset = incident_selectors.incident_list(user=user, params=QueryDict(parts.query))
    assert filterset.is_valid(), filterset.errors
    return rows.count(), incident_stats.totals(rows)


@pytest.mark.parametrize("code", ["4305", "430522"])
def test_every_incident_figure_links_to_exactly_the_incidents_behind_it(client, incidents, code):
    user = supervisor(code)
    _response, board = _board(client, user)
    for tile in board.incidents.tiles:
        for value, link in ((tile.value, tile.link), (tile.previous, tile.previous_link)):
            count, totals = _incident_list(user, link)
            assert totals[tile.name] == value, (tile.name, link)
            if tile.name == "incidents":
                assert count == value, link
    # The deaths figure opens the fatal incidents only; the page shows them and their sum.
    deaths = board.incidents.tile("deaths")
    assert "fatal=1" in deaths.link
    page = client.get(deaths.link)
    assert page.status_code == 200 and page.context["totals"]["deaths"] == deaths.value
    count = client.get(board.incidents.tile("incidents").link)
    assert count.context["page"].paginator.count == board.incidents.tile("incidents").value


def test_tipoff_figures_link_to_the_queue_rows_or_the_figures_page(client, tipoffs):
    user = supervisor("4305")
    _response, board = _board(client, user)
    for name in ("received", "accepted", "rejected"):
        tile = board.tipoffs.tile(name)
        parts = urlsplit(tile.link)
        assert parts.path == "/tipoffs/"
        rows, _filterset = tipoff_selectors.tipoff_list(user=user, params=QueryDict(parts.query))
        assert rows.count() == tile.value, (name, tile.link)
        page = client.get(tile.link)
        assert f"共 {tile.value} 条" in page.content.decode(), tile.link
    # The queue has no reward filter: the reward figures open the tip-off figures page for the
    # same region and days, which shows the same numbers.
    for name in ("rewarded", "amount"):
        tile = board.tipoffs.tile(name)
        assert tile.link == "/tipoffs/figures/?start=2026-01-01&end=2026-06-30&region=4305"
        page = client.get(tile.link)
        assert page.status_code == 200 and page.context["totals"][name] == tile.value


# --- cost --------------------------------------------------------------------------------------

def _statements(client, reading: str) -> tuple[int, int]:
    """All statements of one dashboard request, and those that read `reading`."""
    with CaptureQueriesContext(connection) as context:
        assert client.get("/supervision/", PERIOD).status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    return len(sql), sum(f'FROM "{reading}"' in s for s in sql)


def test_the_sections_cost_one_aggregate_query_each_whatever_the_data(client, places):
    client.force_login(supervisor("43"))
    before = {table: _statements(client, table) for table in ("incidents_incident", "tipoffs_tipoff")}
    for n in range(1, 15):
        for county in ("21", "22", "23"):
            code = f"43{n:02d}{county}100"
            IncidentFactory(region=region(code), occurred_at=at(2026, n % 6 + 1, 3), deaths=n % 3)
            IncidentFactory(region=region(code), occurred_at=at(2025, n % 6 + 1, 3), deaths=1)
            TipOffFactory(region=region(code), submitted_at=at(2026, n % 6 + 1, 3))
    after = {table: _statements(client, table) for table in ("incidents_incident", "tipoffs_tipoff")}
    # The whole request costs the same with none and with 84 incidents and 42 tip-offs in 42
    # counties, and the sections add exactly two statements to it: one aggregate over incidents
    # (this period and last year's, every figure) and one over tip-offs. (The rest of the request
    # — session, user, region, the hazard statistics, names, breadcrumbs, the bell — is held by
    # test_dashboard.py's query test.)
    assert before == after
    assert after["incidents_incident"][1] == 1 and after["tipoffs_tipoff"][1] == 1


# --- exports and API ---------------------------------------------------------------------------

def test_excel_export_has_incident_and_tipoff_sheets(client, incidents, tipoffs):
    client.force_login(supervisor("4305"))
    response = client.get("/supervision/export.xlsx", PERIOD)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["概况", "按区划"] and book.sheetnames[-2:] == ["生产安全事故", "群众举报"]
    cells = {row[0].value: row for row in book["生产安全事故"].iter_rows()}
    rows = {label: [c.value for c in row] for label, row in cells.items()}
    assert rows["区划"][1] == "邵阳市"
    assert rows["事故起数"][1:] == [3, 4, pytest.approx(-0.25)]
    assert rows["死亡人数"][1:] == [4, 7, pytest.approx(-0.429)]
    assert rows["受伤人数（重伤＋轻伤）"][1:3] == [4, 3]
    assert rows["直接经济损失（元）"][1:3] == [2500000, 100000]
    assert cells["直接经济损失（元）"][1].number_format == "#,##0.00"
    assert cells["死亡人数"][3].number_format == "0.0%"
    assert rows["双下降"][1] == "是"
    tips = {row[0].value: row[1].value for row in book["群众举报"].iter_rows()}
    assert tips["收到举报"] == 6 and tips["受理立案"] == 3 and tips["奖励金额（元）"] == 1300


def test_pdf_export_has_the_incident_and_tipoff_sections(client, incidents, tipoffs):
    client.force_login(supervisor("4305"))
    response = client.get("/supervision/export.pdf", PERIOD)
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "隐患排查治理统计" in text
    assert "生产安全事故" in text and "事故起数、死亡人数双下降" in text and "群众举报" in text


def test_statistics_api_carries_the_incident_and_tipoff_figures(client, incidents, tipoffs):
    client.force_login(supervisor("4305"))
    data = client.get("/api/statistics/", PERIOD).json()
    assert data["incidents"]["double_decline"] is True
    assert data["incidents"]["figures"]["deaths"]["current"] == 4
    assert data["incidents"]["figures"]["deaths"]["change"] == pytest.approx(-42.9)
    assert data["incidents"]["figures"]["direct_loss"]["current"] == 2500000.0
    assert data["tipoffs"]["received"]["value"] == 6 and data["tipoffs"]["amount"]["value"] == 1300.0
