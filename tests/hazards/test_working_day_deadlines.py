"""A region that counts its rectification deadlines in working days: 交办 and 延期 in days land
where the State Council's notice says, reminders and escalation levels count working days, and
the pages and the API show the days left in working days."""
import datetime

import pytest

from hazards import services
from hazards.choices import HazardStatus
from hazards.escalation import run_escalation
from hazards.ladder import deadline_days
from hazardtrack.errors import DomainError
from notices.models import Notice
from tests.factories import EnterpriseFactory, HazardFactory, region, supervisor
from workdays.choices import CountRule, DeadlineType
from workdays.models import RegionDayRule

pytestmark = pytest.mark.django_db
D = datetime.date
FRIDAY_BEFORE_GUOQING = D(2026, 9, 25)  # 中秋 itself; 国庆 1–7 Oct off, Sat 10 Oct a make-up workday


@pytest.fixture
def working_county(db):
    RegionDayRule.objects.create(region=region("430522"), deadline_type=DeadlineType.RECTIFICATION,
                                 rule=CountRule.WORKING)
    return EnterpriseFactory(region=region("430522100"))


def _confirmed(enterprise):
    return HazardFactory(enterprise=enterprise, status=HazardStatus.CONFIRMED)


def test_five_working_days_assigned_on_the_friday_before_guoqing_end_on_9_october(working_county, monkeypatch):
    monkeypatch.setattr(services, "local_today", lambda: FRIDAY_BEFORE_GUOQING)
    hazard = _confirmed(working_county)
    hazard = services.hazard_assign(
        hazard_id=hazard.pk, actor=supervisor("430522"), expected_version=hazard.version,
        responsible_unit="资江化工", responsible_person="刘安全", measures="更换阀门", deadline_days=5)
    # 28, 29, 30 Sep, then 国庆 1–7 Oct off, Thu 8 and Fri 9 Oct (国办 2026 notice).
    assert hazard.current_deadline == hazard.original_deadline == D(2026, 10, 9)


def test_the_same_five_days_are_calendar_days_where_the_region_counts_so(monkeypatch):
    monkeypatch.setattr(services, "local_today", lambda: FRIDAY_BEFORE_GUOQING)
    hazard = _confirmed(EnterpriseFactory(region=region("430407001")))
    hazard = services.hazard_assign(
        hazard_id=hazard.pk, actor=supervisor("430407"), expected_version=hazard.version,
        responsible_unit="某厂", responsible_person="王", measures="整改", deadline_days=5)
    assert hazard.current_deadline == D(2026, 9, 30)


def test_a_deadline_date_on_a_holiday_is_refused_naming_the_next_working_day(working_county, monkeypatch):
    monkeypatch.setattr(services, "local_today", lambda: FRIDAY_BEFORE_GUOQING)
    hazard = _confirmed(working_county)
    with pytest.raises(DomainError) as refused:
        services.hazard_assign(
            hazard_id=hazard.pk, actor=supervisor("430522"), expected_version=hazard.version,
            responsible_unit="资江化工", responsible_person="刘安全", measures="更换阀门", deadline=D(2026, 10, 3))
    assert refused.value.code == "deadline_not_workday" and refused.value.field == "deadline"
    assert "2026-10-08" in str(refused.value.message)


def test_an_extension_of_three_working_days_skips_the_holiday(working_county):
    hazard = HazardFactory(enterprise=working_county, status=HazardStatus.RECTIFYING,
                           original_deadline=D(2026, 9, 30), current_deadline=D(2026, 9, 30))
    request = services.hazard_request_extension(
        hazard_id=hazard.pk, actor=supervisor("430522"), expected_version=hazard.version, reason="设备待到货",
        requested_days=3)
    assert request.requested_deadline == D(2026, 10, 10)  # 8, 9 Oct and the make-up Saturday


def _hazard(enterprise, deadline, level="general"):
    return HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFYING, level=level,
                         original_deadline=deadline, current_deadline=deadline)


def _levels(hazard):
    return list(Notice.objects.filter(hazard=hazard).order_by("level").values_list("level", flat=True))


def test_escalation_levels_count_working_days_in_a_region_that_says_so(working_county):
    deadline = D(2026, 9, 30)  # Wednesday before 国庆
    working = _hazard(working_county, deadline)
    natural = _hazard(EnterpriseFactory(region=region("430407001")), deadline)
    # 15 Oct: 15 calendar days overdue (level 3 of a general hazard), but only 8–9, 10 (make-up),
    # 12–15 Oct = 7 working days (level 2).
    run_escalation(as_of=D(2026, 10, 15))
    assert Notice.objects.get(hazard=natural).level == 3
    notice = Notice.objects.get(hazard=working)
    assert (notice.level, notice.overdue_days) == (2, 7)
    # Level 1 is still the first day past the deadline, holiday or not.
    other = _hazard(working_county, D(2026, 10, 16))
    run_escalation(as_of=D(2026, 10, 17))  # Saturday: 0 working days late, overdue all the same
    assert _levels(other) == [1]


def test_the_reminder_window_counts_working_days_across_the_holiday(working_county):
    hazard = _hazard(working_county, D(2026, 10, 9))
    # 30 Sep: 8 and 9 Oct are 2 working days ahead, inside the 3-day window (9 calendar days away).
    run_escalation(as_of=D(2026, 9, 30))
    assert _levels(hazard) == [0]


def test_days_left_are_shown_in_working_days(working_county):
    hazard = _hazard(working_county, D(2026, 10, 9))
    clock = deadline_days([hazard], as_of=D(2026, 9, 30))[hazard.pk]
    assert (clock.rule, clock.days_left, clock.text) == ("working", 2, "剩余 2 个工作日")
    late = deadline_days([hazard], as_of=D(2026, 10, 13))[hazard.pk]
    assert late.overdue and late.days_overdue == 3 and late.text == "逾期 3 个工作日"  # 10 (make-up), 12 and 13 Oct


def test_the_ledger_detail_and_api_show_the_same_days(working_county, client):
    from django.utils import timezone

    today = timezone.localdate()
    hazards = [_hazard(working_county, today - datetime.timedelta(days=n)) for n in (20, 30, 40)]
    expected = {h.pk: deadline_days([h])[h.pk] for h in hazards}
    client.force_login(supervisor("430522"))
    page = client.get("/hazards/", {"overdue": "1"}).content.decode()
    for clock in expected.values():
        assert clock.text in page and "个工作日" in clock.text
    detail = client.get(f"/hazards/{hazards[0].pk}/").content.decode()
    assert expected[hazards[0].pk].text in detail
    api = client.get(f"/api/hazards/{hazards[0].pk}/").json()
    assert api["overdue_days"] == expected[hazards[0].pk].days_overdue < 20 and api["days_left"] == 0


def test_the_ledger_reads_the_days_of_its_page_in_one_query(working_county, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor("430522"))
    counts = []
    for more in (1, 9):
        for _ in range(more):
            _hazard(working_county, D(2026, 10, 9))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/hazards/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
