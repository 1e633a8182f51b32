"""The figures (事故起数、死亡、受伤、直接经济损失, 同比, 双下降) on fixed fixtures, and the drill-down
rule: every figure links to the incidents list filtered to exactly the rows behind it."""
from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from incidents import selectors, statistics
from incidents.statistics import Period
from tests import factories
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))


def at(y, m, d, hh=10, mm=0):
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


@pytest.fixture
def ledger(people):
    """邵阳市: 新邵县 (430522) and 邵阳县 (430523); this half-year and the same half last year."""
    xinshao, shaoyang = factories.region("430522100", "酿溪镇"), factories.region("430523", "邵阳县")
    fire, road = factories.sector("fire"), factories.sector("road_traffic")
    rows = [
        # this year, in the period
        dict(occurred_at=at(2026, 1, 1, 0, 5), region=xinshao, deaths=1, serious_injuries=2, minor_injuries=1),
        dict(occurred_at=at(2026, 3, 5), region=xinshao, deaths=3, type="collapse", direct_loss=Decimal("2500000")),
        dict(occurred_at=at(2026, 6, 30, 23, 30), region=shaoyang, sector=fire, type="fire", deaths=0,
             serious_injuries=1),
        # this year, outside the period (boundaries)
        dict(occurred_at=at(2026, 7, 1, 0, 10), region=xinshao, deaths=5),
        dict(occurred_at=at(2025, 12, 31, 23, 59), region=xinshao, deaths=7),
        # last year, same period
        dict(occurred_at=at(2025, 2, 1), region=xinshao, deaths=2),
        dict(occurred_at=at(2025, 4, 1), region=shaoyang, sector=road, type="vehicle", deaths=4, minor_injuries=3),
        dict(occurred_at=at(2025, 5, 1), region=shaoyang, deaths=0, direct_loss=Decimal("100000")),
        dict(occurred_at=at(2025, 6, 30, 23, 59), region=xinshao, deaths=1),
        # another city: outside 邵阳市, invisible to its staff
        dict(occurred_at=at(2026, 2, 2), region=factories.region("430407"), deaths=9),
    ]
    return [IncidentFactory(**r) for r in rows]


def test_figures_this_period_and_the_same_period_last_year(people, ledger):
    report = statistics.incident_figures(user=people.city, region_code="4305", period=PERIOD)
    t = report.total.figures
    assert (t["incidents"].current, t["incidents"].previous) == (3, 4)
    assert (t["deaths"].current, t["deaths"].previous) == (4, 7)
    assert (t["injuries"].current, t["injuries"].previous) == (4, 3)
    assert (t["serious_injuries"].current, t["serious_injuries"].previous) == (3, 0)
    assert (t["direct_loss"].current, t["direct_loss"].previous) == (Decimal("2500000"), Decimal("100000"))
    assert t["incidents"].change == Decimal("-25.0")
    assert t["deaths"].change == Decimal("-42.9")
    assert t["serious_injuries"].change is None  # nothing last year: no percentage
    assert report.total.double_decline is True  # 双下降: both incidents and deaths fell

    by_region = {r.key: r for r in report.breakdowns["region"]}
    assert by_region["430522"].label == "新邵县"
    assert (by_region["430522"].figures["incidents"].current, by_region["430522"].figures["incidents"].previous) == (2, 2)
    assert by_region["430522"].double_decline is False  # incidents level: not a double decline
    assert (by_region["430523"].figures["deaths"].current, by_region["430523"].figures["deaths"].previous) == (0, 4)
    by_grade = {r.key: r.figures["incidents"].current for r in report.breakdowns["grade"]}
    assert by_grade == {"general": 2, "larger": 1}
    by_type = {r.key: (r.figures["incidents"].current, r.figures["incidents"].previous) for r in report.breakdowns["type"]}
    assert by_type == {"fall": (1, 3), "collapse": (1, 0), "fire": (1, 0), "vehicle": (0, 1)}
    by_sector = {r.key: r.figures["deaths"].current for r in report.breakdowns["sector"]}
    assert by_sector == {"industry_trade": 4, "fire": 0, "road_traffic": 0}


def test_a_county_sees_only_its_own_figures(people, ledger):
    report = statistics.incident_figures(user=people.supervisor, region_code="430522", period=PERIOD)
    assert report.total.figures["incidents"].current == 2
    assert [r.key for r in report.breakdowns["region"]] == ["430522100"]
    # A county user asking for the city gets nothing beyond the county.
    wider = statistics.incident_figures(user=people.supervisor, region_code="4305", period=PERIOD)
    assert wider.total.figures["incidents"].current == 2


def _list_totals(user, query: str) -> tuple[int, dict]:
    """What the incidents list (page and API) shows for a query string: its rows and totals line."""
    rows, filterset = selectors.incident_list(user=user, params=QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return rows.count(), statistics.totals(rows)


def test_every_figure_drills_down_to_exactly_the_rows_behind_it(people, ledger):
    report = statistics.incident_figures(user=people.city, region_code="4305", period=PERIOD)
    rows = [report.total] + [row for rows in report.breakdowns.values() for row in rows]
    checked = 0
    for row in rows:
        for name, pair in row.figures.items():
            for value, query in ((pair.current, pair.current_query), (pair.previous, pair.previous_query)):
                count, totals = _list_totals(people.city, query)
                assert totals[name] == value, (row.label, name, query)
                if name == "incidents":
                    assert count == value, (row.label, query)
                checked += 1
    assert checked > 100
    deaths_query = parse_qs(report.total.figures["deaths"].current_query)
    assert deaths_query["fatal"] == ["1"]  # the deaths link lists the fatal incidents only
    assert _list_totals(people.city, report.total.figures["deaths"].current_query)[0] == 2

    # And through the page itself, for a few of them.
    client = Client()
    client.force_login(people.city)
    for pair in (report.total.figures["incidents"], report.breakdowns["region"][0].figures["deaths"]):
        page = client.get("/incidents/?" + pair.current_query)
        assert page.context["totals"]["incidents"] == page.context["page"].paginator.count
        assert page.context["totals"][("incidents" if pair is report.total.figures["incidents"] else "deaths")] \
            == pair.current


def test_the_figures_page_links_each_number_to_the_list(people, ledger):
    client = Client()
    client.force_login(people.city)
    response = client.get("/incidents/figures/", {"region": "4305", "start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "事故起数、死亡人数双下降" in html
    assert 'data-testid="total-incidents">3</a>' in html
    assert "/incidents/?region=4305&amp;occurred_after=2026-01-01&amp;occurred_before=2026-06-30" in html


def test_the_same_period_last_year_of_a_leap_day_is_the_28th():
    assert Period(datetime.date(2028, 2, 1), datetime.date(2028, 2, 29)).year_before() == Period(
        datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
