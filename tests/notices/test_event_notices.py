"""Notices when work arrives (issue 15 item 4): each transition writes one notice, in its own
transaction, to whoever must act next or is affected — one in-app delivery each, email and group
robot as each recipient chose — and never waits for (or fails with) SMTP or a robot."""
from __future__ import annotations

import datetime
import re
import socket

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from hazards import services as hazard_services
from hazards.choices import HazardStatus, ListingLevel
from hazardtrack.events import announce
from hazards.models import HazardEvent
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import NoticeKind, RunStatus, RunTrigger
from notices.models import Delivery, EscalationRun, Notice, NoticePreference, WebhookEndpoint
from notices.services import deliver_pending, notice_preferences_save
from tests.factories import (
    TipOffFactory, UserFactory, days_from_today, enterprise_contact, inspector, photo, region, supervisor,
)

pytestmark = pytest.mark.django_db

DEADLINE = days_from_today(20)


def inapp(kind: str) -> set:
    """{recipient} of the in-app deliveries of notices of `kind` (asserting each is there once)."""
    rows = list(Delivery.objects.filter(notice__kind=kind, channel=Channel.INAPP).values_list("notice_id", "recipient_id"))
    assert len(rows) == len(set(rows)), "a recipient got the same notice twice"
    return {recipient for _notice, recipient in rows}


def ids(*users) -> set:
    return {u.pk for u in users}


def running(county, **kw):
    return county.hazard(deadline=DEADLINE, found_by=county.inspector, **kw)


def assign(county, *, actor=None, **kw):
    hazard = county.hazard(deadline=DEADLINE, status=HazardStatus.CONFIRMED, found_by=county.inspector, **kw)
    return hazard_services.hazard_assign(
        hazard_id=hazard.pk, actor=actor or county.county_supervisor, expected_version=hazard.version,
        responsible_unit=county.enterprise.name, responsible_person="王厂长", measures="清理消防通道",
        deadline=DEADLINE, assigned_inspector=county.inspector)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- who hears of what ---------------------------------------------------------------------

def test_assign_tells_the_enterprise_contacts_and_the_assigned_inspector_once(county):
    second_contact = enterprise_contact(county.enterprise, email="")
    hazard = assign(county)
    assert inapp(NoticeKind.ASSIGNED) == ids(county.contact, second_contact, county.inspector)
    notice = Notice.objects.get(kind=NoticeKind.ASSIGNED)
    assert notice.hazard == hazard and notice.event.action == "assigned" and notice.deadline == DEADLINE
    assert hazard.code in notice.sentence and DEADLINE.isoformat() in notice.sentence
    # Email for those with an address (the default), nothing for the one without.
    emails = set(Delivery.objects.filter(channel=Channel.EMAIL).values_list("recipient_id", flat=True))
    assert emails == ids(county.contact, county.inspector)
    assert not Delivery.objects.filter(recipient=county.county_supervisor).exists()  # not told of their own act


def test_the_reporter_hears_whether_the_report_was_confirmed_or_not(county):
    grid = UserFactory(role=Role.GRID, region=county.enterprise.region)
    confirmed = county.hazard(found_by=grid, status=HazardStatus.REPORTED, title="配电箱未接地")
    rejected = county.hazard(found_by=grid, status=HazardStatus.REPORTED, title="消防通道堵塞")
    hazard_services.hazard_confirm(hazard_id=confirmed.pk, actor=county.county_supervisor,
                                   expected_version=confirmed.version)
    hazard_services.hazard_reject(hazard_id=rejected.pk, actor=county.county_supervisor,
                                  expected_version=rejected.version, reason="重复上报")
    assert inapp(NoticeKind.REVIEWED) == ids(grid)
    sentences = {n.hazard_id: n.sentence for n in Notice.objects.filter(kind=NoticeKind.REVIEWED)}
    assert "已认定您上报的隐患" in sentences[confirmed.pk] and confirmed.code in sentences[confirmed.pk]
    assert "不予认定" in sentences[rejected.pk] and "重复上报" in sentences[rejected.pk]


def test_announcing_the_same_event_again_creates_nothing(county):
    assign(county)
    before = Delivery.objects.count()
    event = HazardEvent.objects.get(action="assigned")
    announce(event)
    deliver_pending()  # the outbox drain sends; it never adds in-app rows
    assert Notice.objects.filter(kind=NoticeKind.ASSIGNED).count() == 1
    assert Delivery.objects.count() == before
    assert Delivery.objects.filter(channel=Channel.INAPP).count() == 2


def test_an_extension_request_reaches_the_supervisors_who_may_decide(county):
    township_supervisor = supervisor("430522100")
    hazard = running(county)
    hazard_services.hazard_request_extension(
        hazard_id=hazard.pk, actor=county.contact, expected_version=hazard.version,
        requested_deadline=DEADLINE + datetime.timedelta(days=10), reason="设备采购周期长")
    # The county's and the township's supervisors; not the city's, not another county's.
    assert inapp(NoticeKind.EXTENSION_REQUESTED) == ids(county.county_supervisor, township_supervisor)
    sentence = Notice.objects.get(kind=NoticeKind.EXTENSION_REQUESTED).sentence
    assert (DEADLINE + datetime.timedelta(days=10)).isoformat() in sentence and "设备采购周期长" in sentence


@pytest.mark.parametrize("approve", [True, False])
def test_the_extension_decision_reaches_the_enterprise(county, approve):
    hazard = running(county)
    hazard_services.hazard_request_extension(
        hazard_id=hazard.pk, actor=county.inspector, expected_version=hazard.version,
        requested_deadline=DEADLINE + datetime.timedelta(days=10), reason="设备采购周期长")
    hazard.refresh_from_db()
    hazard_services.hazard_decide_extension(
        hazard_id=hazard.pk, actor=county.county_supervisor, expected_version=hazard.version, approve=approve,
        comment="" if approve else "理由不充分")
    assert inapp(NoticeKind.EXTENSION_DECIDED) == ids(county.contact, county.inspector)  # and whoever asked
    sentence = Notice.objects.get(kind=NoticeKind.EXTENSION_DECIDED).sentence
    assert ("批准" in sentence and "延至" in sentence) if approve else ("不予批准" in sentence and "理由不充分" in sentence)


def test_a_rectification_report_reaches_the_inspectors_who_may_verify_it(county):
    colleague = inspector("430522")
    elsewhere = inspector("430407")
    hazard = running(county)
    hazard_services.hazard_report_rectification(
        hazard_id=hazard.pk, actor=county.contact, expected_version=hazard.version, report="已清理",
        after_photos=[photo()])
    assert inapp(NoticeKind.RECTIFIED) == ids(county.inspector, colleague)
    assert elsewhere.pk not in inapp(NoticeKind.RECTIFIED)


def test_a_failed_verification_sends_the_enterprise_back_to_work(county):
    hazard = running(county)
    hazard = hazard_services.hazard_report_rectification(
        hazard_id=hazard.pk, actor=county.inspector, expected_version=hazard.version, report="已清理",
        after_photos=[photo()])
    other = inspector("430522")
    hazard_services.hazard_verify(hazard_id=hazard.pk, actor=other, expected_version=hazard.version, passed=False,
                                  comment="通道仍有杂物")
    assert inapp(NoticeKind.VERIFICATION_FAILED) == ids(county.contact, county.inspector)
    assert "通道仍有杂物" in Notice.objects.get(kind=NoticeKind.VERIFICATION_FAILED).sentence


def test_listing_and_suspension_reach_the_enterprise_and_the_county(county):
    hazard = running(county, level="major")
    hazard_services.hazard_list_for_supervision(
        hazard_id=hazard.pk, actor=county.city_supervisor, expected_version=hazard.version,
        listing_level=ListingLevel.CITY, doc_no="邵安委办督〔2026〕3号", listing_date=days_from_today(0),
        production_suspended=True)
    assert inapp(NoticeKind.LISTED) == ids(county.contact, county.county_supervisor)
    sentence = Notice.objects.get(kind=NoticeKind.LISTED).sentence
    assert "邵安委办督〔2026〕3号" in sentence and "停产停业" in sentence


def test_sign_off_reaches_the_enterprise_and_the_reporter(county):
    reporter = inspector("430522")
    hazard = county.hazard(deadline=DEADLINE, status=HazardStatus.VERIFIED, found_by=reporter,
                           verified_by=county.inspector)
    from hazards.attachments import store_attachment
    from hazardtrack.upload_checks import check_upload
    store_attachment(hazard=hazard, event=None, kind="after", checked=check_upload(photo()), actor=county.inspector)
    hazard_services.hazard_sign_off(hazard_id=hazard.pk, actor=county.county_supervisor, expected_version=hazard.version)
    assert inapp(NoticeKind.SIGNED_OFF) == ids(county.contact, reporter)


def test_confirming_tells_the_reporter_only_and_nobody_of_their_own_act(county):
    hazard = county.hazard(deadline=DEADLINE, status=HazardStatus.REPORTED, found_by=county.inspector)
    hazard_services.hazard_confirm(hazard_id=hazard.pk, actor=county.county_supervisor, expected_version=hazard.version)
    assert inapp(NoticeKind.REVIEWED) == ids(county.inspector)
    own = county.hazard(deadline=DEADLINE, status=HazardStatus.REPORTED, found_by=county.county_supervisor)
    hazard_services.hazard_confirm(hazard_id=own.pk, actor=county.county_supervisor, expected_version=own.version)
    assert not Delivery.objects.filter(notice__hazard=own).exists()


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_tipoff_decision_reaches_the_staff_who_follow_it(county, decision):
    from tipoffs import services as tipoff_services
    from tipoffs.models import TipOffEvent

    tipoff = TipOffFactory(region=region("430522100"))
    operator = inspector("430522")
    TipOffEvent.objects.create(tipoff=tipoff, action="submitted", actor=operator, to_status=tipoff.status)
    if decision == "accept":
        tipoff_services.tipoff_accept(tipoff_id=tipoff.pk, actor=county.county_supervisor, expected_version=1,
                                      hazard_data={"title": "安全出口堵塞", "enterprise": county.enterprise},
                                      not_duplicate=True)
    else:
        tipoff_services.tipoff_reject(tipoff_id=tipoff.pk, actor=county.county_supervisor, expected_version=1,
                                      reason="不属于安全生产范畴")
    # The hotline operator who recorded it; the actor (the county's supervisor) is not told.
    assert inapp(NoticeKind.TIPOFF) == ids(operator)
    notice = Notice.objects.get(kind=NoticeKind.TIPOFF)
    assert tipoff.tracking_code in notice.sentence and notice.url == f"/tipoffs/{tipoff.pk}/"
    assert ("立案" in notice.sentence) if decision == "accept" else ("不属于安全生产范畴" in notice.sentence)


# --- channels per preference, outages ------------------------------------------------------

def test_preferences_decide_email_and_robot(county, robot):
    endpoint = WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url)
    notice_preferences_save(user=county.contact, values={NoticeKind.ASSIGNED: (False, True)})
    notice_preferences_save(user=county.inspector, values={NoticeKind.ASSIGNED: (True, True)})
    assign(county)
    rows = Delivery.objects.filter(notice__kind=NoticeKind.ASSIGNED)
    assert set(rows.filter(channel=Channel.EMAIL).values_list("recipient_id", flat=True)) == ids(county.inspector)
    # One robot message however many recipients chose the robot; in-app for everyone.
    assert list(rows.filter(channel=Channel.WEBHOOK).values_list("endpoint_id", flat=True)) == [endpoint.pk]
    assert inapp(NoticeKind.ASSIGNED) == ids(county.contact, county.inspector)
    report = deliver_pending()
    assert report.sent == 2 and len(mail.outbox) == 1 and len(robot.wait_for(1)) == 1
    assert "交办" in robot.received[0].body["markdown"]["text"]


def test_an_smtp_and_robot_outage_never_blocks_the_transition(county, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    WebhookEndpoint.objects.create(region=region("430522"), name="坏掉的机器人",
                                   url=f"http://127.0.0.1:{closed_port()}/robot/send")
    notice_preferences_save(user=county.contact, values={NoticeKind.ASSIGNED: (True, True)})
    hazard = assign(county)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and inapp(NoticeKind.ASSIGNED) == ids(county.contact, county.inspector)
    waiting = Delivery.objects.exclude(channel=Channel.INAPP)
    assert waiting.count() == 3 and {d.status for d in waiting} == {DeliveryStatus.PENDING}
    report = deliver_pending()
    assert report.sent == 0 and report.retrying == 3
    assert {d.status for d in waiting.all()} == {DeliveryStatus.PENDING}  # kept for the retry, never lost
    assert all(d.last_error for d in waiting.all())


def test_the_query_count_of_a_transition_does_not_grow_with_its_recipients(county, robot):
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url)

    def queries_of_assign() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assign(county)
        return len(ctx.captured_queries)

    notice_preferences_save(user=county.contact, values={NoticeKind.ASSIGNED: (True, True)})
    few = queries_of_assign()
    for n in range(12):
        contact = enterprise_contact(county.enterprise, email=f"c{n}@example.cn")
        notice_preferences_save(user=contact, values={NoticeKind.ASSIGNED: (n % 2 == 0, True)})
    many = queries_of_assign()
    assert Delivery.objects.filter(channel=Channel.INAPP, notice__kind=NoticeKind.ASSIGNED).count() == 2 + 14
    assert many == few


# --- the nightly run's alarms --------------------------------------------------------------

def test_a_failed_run_or_a_caught_up_night_is_an_alarm_for_administrators_once(county):
    admin = UserFactory(role=Role.ADMIN, region=region("430522"))
    now = timezone.now()
    failed = EscalationRun.objects.create(as_of=datetime.date(2026, 3, 11), status=RunStatus.FAILED,
                                          trigger=RunTrigger.BEAT, finished_at=now, error="OperationalError")
    failed.save()  # saved again (e.g. by an admin): still one alarm
    from hazards.escalation import run_escalation

    caught_up = run_escalation(as_of=datetime.date(2026, 3, 12), trigger=RunTrigger.CATCH_UP)
    run_escalation(as_of=datetime.date(2026, 3, 13), trigger=RunTrigger.BEAT)  # a normal night: no alarm
    alarms = Notice.objects.filter(kind=NoticeKind.RUN_ALARM)
    assert sorted(alarms.values_list("alarm_run_id", flat=True)) == sorted([failed.pk, caught_up.pk])
    assert inapp(NoticeKind.RUN_ALARM) == ids(admin)
    assert not Delivery.objects.filter(notice__kind=NoticeKind.RUN_ALARM, recipient=county.county_supervisor).exists()
    texts = [n.sentence for n in alarms]
    assert any("运行失败" in t for t in texts) and any("补跑" in t for t in texts)


def test_a_run_whose_process_died_is_an_alarm_when_the_next_run_finds_it(county):
    from hazards.escalation import run_escalation

    admin = UserFactory(role=Role.ADMIN, region=region("430522"))
    lost = EscalationRun.objects.create(as_of=datetime.date(2026, 3, 11), status=RunStatus.RUNNING,
                                        trigger=RunTrigger.BEAT, started_at=timezone.now() - datetime.timedelta(hours=2))
    run_escalation(as_of=datetime.date(2026, 3, 11), trigger=RunTrigger.COMMAND)
    lost.refresh_from_db()
    assert lost.status == RunStatus.INTERRUPTED
    alarm = Notice.objects.get(kind=NoticeKind.RUN_ALARM)
    assert alarm.alarm_run_id == lost.pk and inapp(NoticeKind.RUN_ALARM) == ids(admin)
    assert "进程退出" in alarm.sentence


# --- the inbox -----------------------------------------------------------------------------

def test_the_inbox_shows_a_sentence_that_opens_the_hazard(client, county):
    hazard = assign(county)
    client.force_login(county.contact)
    page = client.get("/notices/").content.decode()
    assert "交办隐患" in page and hazard.code in page and f'href="/hazards/{hazard.pk}/"' in page
    delivery = Delivery.objects.get(recipient=county.contact, channel=Channel.INAPP)
    answer = client.post(f"/notices/{delivery.pk}/read/")
    assert answer.status_code == 302 and answer["Location"] == f"/hazards/{hazard.pk}/"
    assert client.get("/notices/?kind=assigned").status_code == 200


def test_an_alarm_is_listed_for_the_administrator_and_links_to_the_runs(client, county):
    admin = UserFactory(role=Role.ADMIN, region=None)
    EscalationRun.objects.create(as_of=datetime.date(2026, 3, 11), status=RunStatus.FAILED, trigger=RunTrigger.BEAT,
                                 finished_at=timezone.now())
    client.force_login(admin)
    page = client.get("/notices/").content.decode()
    assert "运行失败" in page and 'href="/notices/runs/"' in page


def test_the_preferences_page_saves_and_refuses_email_without_an_address(client, county):
    client.force_login(county.contact)
    page = client.get("/notices/preferences/")
    assert page.status_code == 200 and "消息设置" in page.content.decode()
    assert 'name="webhook_' not in page.content.decode()  # no robot in this region
    assert 'name="email_due_soon"' not in page.content.decode()  # the ladder keeps the nightly job's channels
    answer = client.post("/notices/preferences/", {"email_listed": "on"})  # everything else off
    assert answer.status_code == 302
    saved = dict(NoticePreference.objects.filter(user=county.contact).values_list("kind", "email"))
    assert saved[NoticeKind.ASSIGNED] is False and NoticeKind.LISTED not in saved  # the default kept
    ticked = re.findall(r'name="(email_\w+)"[^>]* checked', client.get("/notices/preferences/").content.decode())
    assert ticked == ["email_listed"]
    nobody = enterprise_contact(county.enterprise, email="")
    client.force_login(nobody)
    refused = client.post("/notices/preferences/", {"email_assigned": "on"})
    assert refused.status_code == 400 and "没有登记电子邮箱" in refused.content.decode()
    assert not NoticePreference.objects.filter(user=nobody).exists()


def test_the_hazard_page_lists_its_event_notices_in_constant_queries(client, county):
    hazard = assign(county)
    client.force_login(county.county_supervisor)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/hazards/{hazard.pk}/")
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    one, page = queries()
    assert "交办隐患" in page
    hazard.refresh_from_db()
    hazard_services.hazard_request_extension(
        hazard_id=hazard.pk, actor=county.contact, expected_version=hazard.version,
        requested_deadline=DEADLINE + datetime.timedelta(days=10), reason="设备采购周期长")
    hazard.refresh_from_db()
    hazard_services.hazard_decide_extension(hazard_id=hazard.pk, actor=county.county_supervisor,
                                            expected_version=hazard.version, approve=True)
    three, page = queries()
    assert "申请将隐患" in page and "批准了隐患" in page
    assert three == one
