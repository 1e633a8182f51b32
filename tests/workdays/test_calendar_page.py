"""Province administrators keep the calendar in the site: each change is audited and versioned,
the days left of open hazards follow it (their deadlines stay), and the hazards it touches say
so in their timelines; 2027 waits for its notice and the home page says so."""
import datetime

import pytest
from django.utils import timezone

from accounts.choices import Role
from audit.models import AuditLog
from hazards.choices import EventAction, HazardStatus
from hazards.ladder import deadline_days
from hazards.models import HazardEvent
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, region
from workdays import services
from workdays.choices import CountRule, DayKind, DeadlineType
from workdays.models import CalendarOverride, CalendarYear, RegionDayRule
from workdays.rules import is_workday

pytestmark = pytest.mark.django_db
D = datetime.date


def _admin(code="43"):
    return UserFactory(role=Role.ADMIN, region=region(code))


def _running(enterprise, deadline):
    return HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFYING, original_deadline=deadline,
                         current_deadline=deadline)


@pytest.fixture
def working_county(db):
    RegionDayRule.objects.create(region=region("430522"), deadline_type=DeadlineType.RECTIFICATION,
                                 rule=CountRule.WORKING)
    return EnterpriseFactory(region=region("430522100"))


def _next_weekday(after: datetime.date) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def test_a_province_administrator_adds_a_holiday_on_the_page_and_it_is_audited(client):
    client.force_login(_admin())
    response = client.post("/workdays/?year=2026", {"action": "day", "day-day": "2026-12-31", "day-kind": "holiday",
                                                    "day-name": "元旦"})
    assert response.status_code == 302
    assert not is_workday(D(2026, 12, 31))
    year = CalendarYear.objects.get(year=2026)
    entry = AuditLog.objects.get(action="calendar_change", target="workdays.calendaryear:2026")
    assert entry.detail["after"] == {"day": "2026-12-31", "kind": "holiday", "name": "元旦"}
    assert entry.detail["version"] == year.version == 2
    page = client.get("/workdays/?year=2026").content.decode()
    assert "2026-12-31" in page and "第 2 版" in page and "国务院办公厅关于2026年部分节假日安排的通知" in page


def test_editing_and_removing_a_day_are_audited_too(client):
    client.force_login(_admin())
    # 国庆 2026: the make-up Saturday 10 Oct moved to Sunday 11 Oct, then removed.
    response = client.post("/workdays/?year=2026", {"action": "day", "day-day": "2026-10-11", "day-kind": "makeup_workday",
                                                    "day-name": "国庆节", "day-replacing": "2026-10-10"})
    assert response.status_code == 302
    assert is_workday(D(2026, 10, 11)) and not is_workday(D(2026, 10, 10))
    assert client.post("/workdays/2026/remove/", {"day": "2026-10-11"}).status_code == 302
    assert not CalendarOverride.objects.filter(day__in=[D(2026, 10, 10), D(2026, 10, 11)]).exists()
    changes = list(AuditLog.objects.filter(action="calendar_change").order_by("id").values_list("detail", flat=True))
    assert [c["change"] for c in changes] == ["day_saved", "day_removed"]
    assert changes[0]["before"]["day"] == "2026-10-10" and changes[1]["before"]["day"] == "2026-10-11"


def test_a_make_up_workday_on_a_weekday_is_refused_beside_the_field(client):
    client.force_login(_admin())
    response = client.post("/workdays/?year=2026", {"action": "day", "day-day": "2026-12-30",
                                                    "day-kind": "makeup_workday", "day-name": "元旦"})
    assert response.status_code == 400
    assert "调休上班日只能是周六或周日" in response.content.decode()
    assert response.context["day_form"].errors["day"]
    assert not AuditLog.objects.filter(action="calendar_change").exists()


def test_only_province_administrators_open_the_calendar(client):
    client.force_login(_admin("4305"))  # a city's administrator
    assert client.get("/workdays/").status_code == 403
    assert client.post("/workdays/2026/remove/", {"day": "2026-10-10"}).status_code == 403
    assert CalendarOverride.objects.filter(day=D(2026, 10, 10)).exists()


def test_changing_the_calendar_recomputes_days_left_and_notes_it_in_the_timeline(working_county):
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=20)
    affected = _running(working_county, deadline)
    natural = _running(EnterpriseFactory(region=region("430407001")), deadline)
    closed = HazardFactory(enterprise=working_county, status=HazardStatus.SIGNED_OFF, original_deadline=deadline,
                           current_deadline=deadline)
    before = deadline_days([affected, natural])
    holiday = _next_weekday(today)
    services.calendar_day_save(actor=_admin(), year=holiday.year, day=holiday, kind=DayKind.HOLIDAY, name="临时调整")
    after = deadline_days([affected, natural])
    assert after[affected.pk].days_left == before[affected.pk].days_left - 1
    assert after[natural.pk].days_left == before[natural.pk].days_left  # calendar days: unchanged
    affected.refresh_from_db()
    assert affected.current_deadline == deadline  # the stored deadline stays
    notes = HazardEvent.objects.filter(action=EventAction.CALENDAR_CHANGED)
    assert list(notes.values_list("hazard_id", flat=True)) == [affected.pk]
    note = notes.get()
    assert holiday.isoformat() in note.comment and "整改期限不变" in note.comment
    assert not HazardEvent.objects.filter(hazard__in=[natural, closed], action=EventAction.CALENDAR_CHANGED).exists()


def test_the_timeline_notes_are_one_statement_for_any_number_of_hazards(working_county, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    counts = []
    for n, offset in ((1, 1), (15, 2)):
        for _ in range(n):
            _running(working_county, today + datetime.timedelta(days=30))
        day = _next_weekday(today + datetime.timedelta(days=offset * 3))
        with CaptureQueriesContext(connection) as queries:
            services.calendar_day_save(actor=_admin(), year=day.year, day=day, kind=DayKind.HOLIDAY, name="调整")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert HazardEvent.objects.filter(action=EventAction.CALENDAR_CHANGED).count() == 1 + 16


def test_2027_ships_unpublished_and_the_home_page_asks_province_administrators_to_enter_it(client):
    year = CalendarYear.objects.get(year=2027)
    assert not year.published and not year.overrides.exists()
    admin = _admin()
    client.force_login(admin)
    assert "2027 年的节假日安排" in client.get("/").content.decode()
    page = client.get("/workdays/?year=2027").content.decode()
    assert "尚未发布或尚未录入" in page
    client.force_login(_admin("430522"))
    assert "2027 年的节假日安排" not in client.get("/").content.decode()


def test_entering_the_notice_clears_the_warning_and_is_audited(client):
    client.force_login(_admin())
    response = client.post("/workdays/?year=2027", {
        "action": "notice", "notice-source_title": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice-source_number": "", "notice-source_published_on": "2026-11-10", "notice-source_url": "",
        "notice-published": "on"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).published
    assert AuditLog.objects.filter(action="calendar_change", target="workdays.calendaryear:2027").exists()
    assert "2027 年的节假日安排" not in client.get("/").content.decode()
