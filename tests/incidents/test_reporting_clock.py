"""The reporting clock: the unit reports within 1 hour, each regulator level passes it up within
2 hours, the next level is notified at once, and late reports are listed."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hazardtrack.errors import DomainError
from incidents import selectors, services
from incidents.choices import IncidentGrade, ReportLevel
from incidents.models import IncidentNotice, IncidentReport
from notices.selectors import unread_count

from .conftest import hours_ago, record, update

pytestmark = pytest.mark.django_db


def steps(incident) -> dict[str, IncidentReport]:
    return {s.to_level: s for s in IncidentReport.objects.filter(incident=incident)}


def test_a_general_incident_goes_up_to_the_city_with_the_county_clock_running(people):
    incident = record(people, occurred_at=hours_ago(0.5), unit_reported_at=hours_ago(0.25))
    county, city = steps(incident)[ReportLevel.COUNTY], steps(incident)[ReportLevel.CITY]
    assert set(steps(incident)) == {ReportLevel.COUNTY, ReportLevel.CITY}
    assert county.due_at == incident.occurred_at + datetime.timedelta(hours=1)
    assert county.met is True and county.reported_by == people.inspector
    assert city.due_at == county.reported_at + datetime.timedelta(hours=2)
    assert city.met is None  # still running


@pytest.mark.parametrize("deaths, top", [(2, ReportLevel.CITY), (3, ReportLevel.PROVINCE), (10, ReportLevel.MINISTRY),
                                         (30, ReportLevel.MINISTRY)])
def test_how_high_an_incident_is_reported_depends_on_its_grade(people, deaths, top):
    incident = record(people, deaths=deaths)
    chain = list(IncidentReport.objects.filter(incident=incident).order_by("sequence").values_list("to_level", flat=True))
    assert chain[-1] == top


def test_a_unit_reporting_after_an_hour_is_late(people):
    incident = record(people, occurred_at=hours_ago(1.5), unit_reported_at=hours_ago(0.4))
    county = steps(incident)[ReportLevel.COUNTY]
    assert county.met is False
    assert abs(county.late_by - datetime.timedelta(minutes=6)) < datetime.timedelta(seconds=5)
    assert list(selectors.late_reports(user=people.supervisor)) == [county]


def test_each_level_reporting_within_two_hours_meets_its_deadline(people):
    incident = record(people, deaths=3, occurred_at=hours_ago(0.5))
    services.incident_report_step(incident_id=incident.pk, actor=people.supervisor, note="已电话报市应急局")
    services.incident_report_step(incident_id=incident.pk, actor=people.city)
    s = steps(incident)
    assert s[ReportLevel.CITY].met is True and s[ReportLevel.CITY].reported_by == people.supervisor
    assert s[ReportLevel.PROVINCE].met is True and s[ReportLevel.PROVINCE].reported_by == people.city
    assert not selectors.late_reports(user=people.province).exists()


def test_a_level_that_has_not_reported_after_two_hours_is_late_and_listed(people):
    incident = record(people, occurred_at=hours_ago(4), unit_reported_at=hours_ago(3.5))
    city = steps(incident)[ReportLevel.CITY]
    assert city.reported_at is None and city.met is False  # due 1.5 hours ago
    assert list(selectors.late_reports(user=people.city)) == [city]

    services.incident_report_step(incident_id=incident.pk, actor=people.inspector)
    city.refresh_from_db()
    assert city.met is False  # reported, but late: still on the list
    assert list(selectors.late_reports(user=people.city)) == [city]


def test_reporting_up_notifies_the_next_level_at_once_and_the_bell_counts_it(people):
    incident = record(people)
    assert unread_count(user=people.city) == 0
    services.incident_report_step(incident_id=incident.pk, actor=people.inspector)
    notices = IncidentNotice.objects.filter(incident=incident, level=ReportLevel.CITY)
    assert {n.recipient for n in notices} == {people.city, people.city_inspector}
    assert "县级上报事故" in notices[0].message
    assert unread_count(user=people.city) == 1
    services.notice_mark_read(user=people.city, notice_id=notices.get(recipient=people.city).pk)
    assert unread_count(user=people.city) == 0


def test_recording_an_incident_notifies_the_rest_of_the_county(people):
    incident = record(people, actor=people.inspector)
    recipients = set(IncidentNotice.objects.filter(incident=incident).values_list("recipient__username", flat=True))
    assert recipients == {people.supervisor.username}  # not the recorder, not the city yet


def test_only_the_level_whose_turn_it_is_may_report_up(people):
    incident = record(people, deaths=3)
    with pytest.raises(DomainError) as refused:
        services.incident_report_step(incident_id=incident.pk, actor=people.city)  # the county has not reported yet
    assert refused.value.code == "not_your_level"
    services.incident_report_step(incident_id=incident.pk, actor=people.supervisor)
    with pytest.raises(DomainError):
        services.incident_report_step(incident_id=incident.pk, actor=people.supervisor)  # now it is the city's turn
    services.incident_report_step(incident_id=incident.pk, actor=people.city)
    with pytest.raises(DomainError) as done:
        services.incident_report_step(incident_id=incident.pk, actor=people.province)
    assert done.value.code == "all_reported"  # 较大 stops at the province


def test_the_ministry_step_is_recorded_by_the_province(people):
    incident = record(people, deaths=12)
    for actor in (people.supervisor, people.city, people.province):
        services.incident_report_step(incident_id=incident.pk, actor=actor)
    ministry = steps(incident)[ReportLevel.MINISTRY]
    assert ministry.reported_by == people.province and ministry.met is True


def test_regrading_upwards_tells_the_levels_already_reached_and_starts_the_higher_clock(people):
    incident = record(people, deaths=2)
    services.incident_report_step(incident_id=incident.pk, actor=people.inspector)  # the city has it
    before = timezone.now()
    incident = update(people, incident, deaths=3)
    assert incident.grade == IncidentGrade.LARGER
    province = steps(incident)[ReportLevel.PROVINCE]
    # The city learns of the new grade only now: its two hours start now.
    assert before + datetime.timedelta(hours=2) <= province.due_at <= timezone.now() + datetime.timedelta(hours=2)
    update_notices = IncidentNotice.objects.filter(incident=incident, event__action="figures_updated")
    assert {(n.recipient, n.level) for n in update_notices} == {
        (people.supervisor, ReportLevel.COUNTY), (people.city, ReportLevel.CITY),
        (people.city_inspector, ReportLevel.CITY)}
    message = update_notices.get(recipient=people.city).message
    assert "死亡人数 2→3" in message and "较大事故" in message and "省级" in message


def test_casualty_figures_may_change_within_30_days_of_the_accident_but_not_after(people):
    on_day_30 = record(people, occurred_at=timezone.now() - datetime.timedelta(days=30))
    assert update(people, on_day_30, deaths=1).deaths == 1

    on_day_31 = record(people, occurred_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(DomainError) as refused:
        update(people, on_day_31, deaths=1)
    assert refused.value.code == "casualty_window_closed" and refused.value.field == "deaths"
    assert "30日内" in str(refused.value)
    # The loss is assessed later: it may still be updated (and regrades).
    assert update(people, on_day_31, direct_loss=12_000_000).grade == IncidentGrade.LARGER


@pytest.mark.parametrize("data", [{"sector": "road_traffic"}, {"sector": "fire"}, {"type": "fire"}])
def test_road_traffic_and_fire_casualties_may_change_only_within_7_days(people, data):
    from accounts.models import Sector

    if "sector" in data:
        data = {"sector": Sector.objects.get(code=data["sector"]), "enterprise": None, "region": people.enterprise.region}
    on_day_7 = record(people, occurred_at=timezone.now() - datetime.timedelta(days=7), **data)
    assert update(people, on_day_7, serious_injuries=2).serious_injuries == 2
    on_day_8 = record(people, occurred_at=timezone.now() - datetime.timedelta(days=8), **data)
    with pytest.raises(DomainError) as refused:
        update(people, on_day_8, serious_injuries=2)
    assert "7日" in str(refused.value)


def test_the_list_filter_for_late_reports_selects_the_incidents_on_the_late_list(people):
    from django.http import QueryDict

    late = record(people, title="迟报", occurred_at=hours_ago(5), unit_reported_at=hours_ago(3))
    on_time = record(people, title="按时")
    rows, _ = selectors.incident_list(user=people.city, params=QueryDict("late=1"))
    assert list(rows) == [late]
    rows, _ = selectors.incident_list(user=people.city, params=QueryDict("late=0"))
    assert list(rows) == [on_time]
