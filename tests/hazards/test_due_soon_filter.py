"""The ledger's "due soon" (临期) filter follows the reminder rules: a hazard is due soon while its
deadline runs, from the day its reminder is due (3 days before for general hazards, 7 for major,
or what its region's escalation rules say) up to the deadline itself — the same rows the nightly
job reminds about. The free `due_within=N` filter stays as it was."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.choices import HazardStatus
from hazards.escalation import run_escalation
from notices.models import EscalationPolicy, Notice
from tests.factories import EnterpriseFactory, HazardFactory, days_from_today, region, supervisor

pytestmark = pytest.mark.django_db

TOWNSHIP = "430522100"  # 太芝庙镇, 新邵县, 邵阳市


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city_supervisor():
    return supervisor("4305")


def hazard(days_left: int, *, level: str = "general", status: str = HazardStatus.RECTIFYING,
           where: str = TOWNSHIP):
    """A hazard whose current deadline is `days_left` days from today (negative: overdue)."""
    deadline = days_from_today(days_left)
    return HazardFactory(status=status, level=level, original_deadline=deadline, current_deadline=deadline,
                         enterprise=EnterpriseFactory(region=region(where)))


def ledger_codes(user, **params) -> set[str]:
    client = Client()
    client.force_login(user)
    response = client.get("/hazards/", {**params, "page_size": 100})
    assert response.status_code == 200
    return {h.code for h in response.context["page"].object_list}


def api_codes(user, **params) -> set[str]:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/hazards/", {**params, "page_size": 100})
    assert response.status_code == 200
    return {row["code"] for row in response.data["results"]}


def test_a_general_hazard_is_due_soon_from_three_days_before_its_deadline(city_supervisor):
    three, four, today = hazard(3), hazard(4), hazard(0)
    due = ledger_codes(city_supervisor, due_soon="1")
    assert three.code in due and today.code in due
    assert four.code not in due


def test_a_major_hazard_is_due_soon_from_seven_days_before_its_deadline(city_supervisor):
    seven, eight = hazard(7, level="major"), hazard(8, level="major")
    general_seven = hazard(7)
    assert ledger_codes(city_supervisor, due_soon="1") == {seven.code}
    assert eight.code not in ledger_codes(city_supervisor, due_soon="1")
    assert general_seven.code not in ledger_codes(city_supervisor, due_soon="1")


def test_a_regions_own_rules_change_what_is_due_soon_there_and_only_there(city_supervisor):
    EscalationPolicy.objects.create(region=region("430522"), remind_days_general=5)
    five, six = hazard(5), hazard(6)
    elsewhere = hazard(5, where="430521100")  # 邵东: no rules of its own, the defaults apply
    due = ledger_codes(city_supervisor, due_soon="1")
    assert five.code in due
    assert six.code not in due and elsewhere.code not in due


def test_the_nearest_regions_rules_win(city_supervisor):
    EscalationPolicy.objects.create(region=region("4305"), remind_days_general=10)
    EscalationPolicy.objects.create(region=region(TOWNSHIP), remind_days_general=1)
    in_township, in_county = hazard(2), hazard(2, where="430522200")
    due = ledger_codes(city_supervisor, due_soon="1")
    assert in_county.code in due  # the city's 10 days
    assert in_township.code not in due  # the township's own 1 day


def test_overdue_and_not_running_hazards_are_not_due_soon(city_supervisor):
    overdue = hazard(-1)
    reported = hazard(2, status=HazardStatus.RECTIFICATION_REPORTED)
    assigned = hazard(2, status=HazardStatus.ASSIGNED)
    assert ledger_codes(city_supervisor, due_soon="1") == {assigned.code}
    assert overdue.code in ledger_codes(city_supervisor, overdue="1")


def test_due_soon_0_selects_the_others_and_the_api_takes_the_same_parameter(city_supervisor):
    soon, later, overdue = hazard(1), hazard(30), hazard(-2)
    assert ledger_codes(city_supervisor, due_soon="0") == {later.code, overdue.code}
    assert api_codes(city_supervisor, due_soon="1") == {soon.code}
    assert api_codes(city_supervisor, due_soon="0") == {later.code, overdue.code}


def test_the_ledger_shows_the_due_soon_choice(city_supervisor):
    client = Client()
    client.force_login(city_supervisor)
    page = client.get("/hazards/", {"due_soon": "1"}).content.decode()
    assert 'name="due_soon"' in page and "临期（提醒期内）" in page
    assert '<option value="1" selected>' in page


def test_the_filter_selects_exactly_what_the_nightly_job_reminds_about(city_supervisor):
    EscalationPolicy.objects.create(region=region("430522"), remind_days_general=5, remind_days_major=2)
    for days in range(-2, 10):
        hazard(days)
        hazard(days, level="major")
        hazard(days, where="430521100")
        hazard(days, level="major", where="430521100")
    due = ledger_codes(city_supervisor, due_soon="1")
    run_escalation(as_of=timezone.localdate())
    reminded = set(Notice.objects.filter(level=0).values_list("hazard__code", flat=True))
    assert due == reminded and len(due) == 6 + 3 + 4 + 8


def test_due_within_counts_free_days_whatever_the_level(city_supervisor):
    two, major_five, ten, overdue = hazard(2), hazard(5, level="major"), hazard(10), hazard(-1)
    assert ledger_codes(city_supervisor, due_within="5") == {two.code, major_five.code}
    assert ten.code not in ledger_codes(city_supervisor, due_within="9")
    assert ledger_codes(city_supervisor, due_within="10") == {two.code, major_five.code, ten.code}
    assert overdue.code not in ledger_codes(city_supervisor, due_within="10")


def queries_of(user, page_size: int) -> tuple[int, int]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/hazards/", {"due_soon": "1", "page_size": page_size})
    assert response.status_code == 200
    return len(captured), len(response.context["page"].object_list)


def test_the_filtered_ledger_costs_the_same_queries_for_10_and_100_rows(city_supervisor):
    EscalationPolicy.objects.create(region=region("430522"), remind_days_general=5)
    for i in range(10):
        hazard(i % 4)
    small, rows = queries_of(city_supervisor, 20)
    assert rows == 10
    for i in range(90):
        hazard(i % 4, level="major" if i % 2 else "general")
    large, rows = queries_of(city_supervisor, 100)
    assert rows == 100
    assert large == small
