"""事故等级 by 《生产安全事故报告和调查处理条例》 art. 3: the highest grade any one figure reaches,
"以上" including the number and "以下" excluding it — tested on both sides of every boundary."""
from __future__ import annotations

from decimal import Decimal

import pytest

from incidents.choices import IncidentGrade as G
from incidents.choices import IncidentEventAction, ReportLevel
from incidents.models import IncidentEvent
from incidents.rules import grade_for

from .conftest import record, update

M = Decimal(1_000_000)


@pytest.mark.parametrize("deaths, grade", [
    (0, G.GENERAL), (2, G.GENERAL), (3, G.LARGER), (9, G.LARGER), (10, G.MAJOR), (29, G.MAJOR),
    (30, G.EXTRAORDINARY), (100, G.EXTRAORDINARY),
])
def test_deaths_decide_the_grade_at_3_10_and_30(deaths, grade):
    assert grade_for(deaths, 0, 0) == grade


@pytest.mark.parametrize("serious, grade", [
    (9, G.GENERAL), (10, G.LARGER), (49, G.LARGER), (50, G.MAJOR), (99, G.MAJOR), (100, G.EXTRAORDINARY),
])
def test_serious_injuries_decide_the_grade_at_10_50_and_100(serious, grade):
    assert grade_for(0, serious, 0) == grade


@pytest.mark.parametrize("loss, grade", [
    (10 * M - Decimal("0.01"), G.GENERAL), (10 * M, G.LARGER),
    (50 * M - Decimal("0.01"), G.LARGER), (50 * M, G.MAJOR),
    (100 * M - Decimal("0.01"), G.MAJOR), (100 * M, G.EXTRAORDINARY),
])
def test_direct_loss_decides_the_grade_at_10_50_and_100_million_yuan(loss, grade):
    assert grade_for(0, 0, loss) == grade


def test_the_highest_criterion_reached_wins():
    assert grade_for(2, 50, 0) == G.MAJOR           # deaths say 一般, serious injuries say 重大
    assert grade_for(3, 0, 100 * M) == G.EXTRAORDINARY
    assert grade_for(10, 10, 10 * M) == G.MAJOR


@pytest.mark.django_db
def test_an_incident_is_graded_when_recorded_and_regraded_when_its_figures_change(people):
    incident = record(people, deaths=2)
    assert incident.grade == G.GENERAL

    incident = update(people, incident, deaths=3)
    assert incident.grade == G.LARGER
    incident = update(people, incident, deaths=3, serious_injuries=50)
    assert incident.grade == G.MAJOR
    incident = update(people, incident, serious_injuries=0, direct_loss=Decimal("120000000"))
    assert incident.grade == G.EXTRAORDINARY

    events = list(IncidentEvent.objects.filter(incident=incident, action=IncidentEventAction.FIGURES_UPDATED))
    assert [e.changes["grade"] for e in events] == [
        ["general", "larger"], ["larger", "major"], ["major", "extraordinary"]]
    assert events[0].changes["deaths"] == [2, 3]  # each update records before and after
    assert events[2].changes["direct_loss"] == ["0.00", "120000000.00"]


@pytest.mark.django_db
def test_a_rise_in_grade_adds_the_higher_report_steps_and_a_fall_drops_unreported_ones(people):
    incident = record(people, deaths=2)
    assert [s.to_level for s in incident.report_steps.order_by("sequence")] == [ReportLevel.COUNTY, ReportLevel.CITY]

    incident = update(people, incident, deaths=10)  # 重大: up to the ministry
    assert [s.to_level for s in incident.report_steps.order_by("sequence")] == [
        ReportLevel.COUNTY, ReportLevel.CITY, ReportLevel.PROVINCE, ReportLevel.MINISTRY]

    incident = update(people, incident, deaths=1)  # a miscount: back to 一般, nothing above the city reported
    assert [s.to_level for s in incident.report_steps.order_by("sequence")] == [ReportLevel.COUNTY, ReportLevel.CITY]
