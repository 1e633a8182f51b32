"""A subscribed 日报/周报/月报 reaches people on the notice channels: in-app as a message in the
bell and the inbox (read from there or from the reports page alike), and — if asked for — posted
once to the region's group robot (signed, over real HTTP), failures recorded and retried."""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac

import pytest
from django.utils import timezone

from hazardtrack.errors import DomainError
from hazardtrack.outbox import Channel, DeliveryStatus, retry_delay
from notices.models import WebhookEndpoint
from notices.selectors import unread_count
from supervision import services
from supervision.forms import SubscriptionForm
from supervision.models import Report, ReportDelivery, Subscription
from supervision.tasks import generate_reports
from tests.factories import SubscriptionFactory, region, supervisor
from tests.notices.conftest import robot  # noqa: F401  (the group-robot HTTP server fixture)

from .conftest import S, d, hazard, local

pytestmark = pytest.mark.django_db
TODAY = d("2026-03-11")  # the daily report covers 10 March
SECRET = "SEC0123456789abcdef"
NO_ROBOT = "所选区划尚未配置群机器人"


@pytest.fixture
def xinshao():
    """新邵县 on 10 March: three hazards found, one signed off, one overdue since."""
    region("430522", "新邵县")
    hazard("430522100", found=local("2026-03-10"))
    hazard("430522100", found=local("2026-03-10"), status=S.SIGNED_OFF, deadline="2026-03-10",
           signed_off=local("2026-03-10", 16))
    hazard("430522100", found=local("2026-03-10"), status=S.RECTIFYING, deadline="2026-03-10")
    return supervisor("430522", email="wang@example.cn")


def bell(client) -> str:
    return client.get("/supervision/reports/").content.decode()


def robot_rows():
    return ReportDelivery.objects.filter(channel=Channel.WEBHOOK)


# --- in the bell and the inbox -----------------------------------------------------------------

def test_a_generated_report_reaches_the_subscribers_bell_and_inbox_and_its_link_opens_it(xinshao, client):
    colleague = supervisor("430522")  # same county, not subscribed
    neighbour = supervisor("430523")  # another county, subscribed to its own reports
    SubscriptionFactory(user=xinshao, kind="day")
    SubscriptionFactory(user=neighbour, kind="day")
    client.force_login(xinshao)
    assert "bell-count" not in bell(client)

    generate_reports("day", today=TODAY.isoformat())
    report = Report.objects.get(region=xinshao.region)
    assert unread_count(user=xinshao) == 1
    assert 'data-testid="bell-count">1<' in bell(client)
    inbox = client.get("/notices/").content.decode()
    assert 'data-testid="report-inbox"' in inbox and report.title in inbox
    link = f'href="/supervision/reports/{report.pk}.xlsx" data-testid="report-link"'
    assert link in inbox

    download = client.get(f"/supervision/reports/{report.pk}.xlsx")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert unread_count(user=xinshao) == 0
    page = bell(client)
    assert "bell-count" not in page and 'data-testid="unread"' not in page  # read on both

    client.force_login(colleague)
    assert unread_count(user=colleague) == 0 and "bell-count" not in bell(client)
    assert report.title not in client.get("/notices/").content.decode()
    client.force_login(neighbour)
    inbox = client.get("/notices/").content.decode()
    assert report.title not in inbox and Report.objects.get(region_id="430523").title in inbox
    assert unread_count(user=neighbour) == 1  # their own county's report, never 新邵县's
    assert client.get(f"/supervision/reports/{report.pk}.xlsx").status_code == 404


def test_marking_everything_read_in_the_inbox_clears_the_reports_page_too(xinshao, client):
    SubscriptionFactory(user=xinshao, kind="day")
    SubscriptionFactory(user=xinshao, kind="week")
    generate_reports("day", today=TODAY.isoformat())
    generate_reports("week", today=TODAY.isoformat())
    client.force_login(xinshao)
    assert unread_count(user=xinshao) == 2
    assert bell(client).count('data-testid="unread"') == 2

    assert client.post("/notices/read-all/").status_code == 302
    assert unread_count(user=xinshao) == 0
    assert 'data-testid="unread"' not in bell(client)
    inbox = client.get("/notices/").content.decode()
    assert inbox.count('data-testid="report-link"') == 2  # still listed, as read


def test_a_subscriber_who_may_no_longer_see_statistics_gets_no_report_message(xinshao):
    SubscriptionFactory(user=xinshao, kind="day")
    generate_reports("day", today=TODAY.isoformat())
    xinshao.role = "grid"  # the report pages and downloads are closed to them now: so is the bell
    xinshao.save(update_fields=["role"])
    assert unread_count(user=xinshao) == 0


# --- the group robot ---------------------------------------------------------------------------

def test_a_robot_subscription_posts_the_figures_once_signed(xinshao, robot):  # noqa: F811
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url, secret=SECRET)
    elsewhere = robot.url.replace("test-token", "not-this-one")
    WebhookEndpoint.objects.create(region=region("4305"), name="邵阳市安委办", url=elsewhere)
    WebhookEndpoint.objects.create(region=region("430523"), name="邻县", url=elsewhere)
    WebhookEndpoint.objects.create(region=region("430522"), name="停用", url=elsewhere, enabled=False)
    SubscriptionFactory(user=xinshao, kind="day", by_webhook=True)
    SubscriptionFactory(user=supervisor("430522"), kind="day", by_webhook=True)  # the same group: one post

    before = int(timezone.now().timestamp() * 1000)
    generate_reports("day", today=TODAY.isoformat())
    generate_reports("day", today=TODAY.isoformat())  # beat fired twice: nothing new
    assert services.report_deliveries_send().claimed == 0
    [request] = robot.wait_for(1)
    assert len(robot.received) == 1 and request.query["access_token"] == "test-token"

    timestamp = int(request.query["timestamp"])
    assert before - 1000 <= timestamp <= int(timezone.now().timestamp() * 1000) + 1000
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert request.query["sign"] == expected

    report = Report.objects.get()
    assert report.figures["found"] == 3 and report.figures["signed_off"] == 1 and report.figures["overdue"] == 1
    markdown = request.body["markdown"]
    assert markdown["title"] == report.title and "日报" in report.title and "2026-03-10" in report.title
    text = markdown["text"]
    assert "发现数：3" in text and "销号率 33.3%" in text and "逾期数：1" in text
    assert f"/supervision/reports/{report.pk}.xlsx" in text

    row = robot_rows().get()
    assert (row.status, row.attempts, row.recipient_id) == (DeliveryStatus.SENT, 1, None)
    assert row.sent_at is not None and row.last_error == ""


def test_a_failing_robot_is_recorded_retried_with_backoff_and_then_sent(xinshao, robot):  # noqa: F811
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url, secret=SECRET)
    SubscriptionFactory(user=xinshao, kind="day", by_webhook=True)
    robot.answers = [(500, {"error": "robot down"}), (200, {"errcode": 310000, "errmsg": "sign not match"})]

    started = timezone.now()
    generate_reports("day", today=TODAY.isoformat())
    row = robot_rows().get()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert "HTTP 500" in row.last_error and "robot down" in row.last_error
    assert started + retry_delay(1) <= row.next_attempt_at <= timezone.now() + retry_delay(1)
    assert services.report_deliveries_send().claimed == 0  # not due before its backoff ends

    robot_rows().update(next_attempt_at=timezone.now())
    result = services.report_deliveries_send()
    row.refresh_from_db()
    assert result.retrying == 1 and row.attempts == 2 and "errcode 310000" in row.last_error
    assert row.next_attempt_at >= timezone.now() + retry_delay(2) - datetime.timedelta(seconds=5)

    robot_rows().update(next_attempt_at=timezone.now())
    assert services.report_deliveries_send().sent == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3 and "errcode 310000" in row.last_error
    assert len(robot.received) == 3


def test_out_of_attempts_a_robot_post_is_kept_as_failed(xinshao, robot, settings):  # noqa: F811
    settings.NOTICES_MAX_ATTEMPTS = 2
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url)
    SubscriptionFactory(user=xinshao, kind="day", by_webhook=True)
    robot.answers = [(503, {}), (503, {})]
    generate_reports("day", today=TODAY.isoformat())
    robot_rows().update(next_attempt_at=timezone.now())
    result = services.report_deliveries_send()
    row = robot_rows().get()
    assert result.gave_up == 1 and row.status == DeliveryStatus.FAILED and row.next_attempt_at is None
    assert row.attempts == 2 and "HTTP 503" in row.last_error
    assert services.report_deliveries_send().claimed == 0


# --- subscribing to the robot channel ----------------------------------------------------------

def test_the_subscription_form_refuses_the_robot_when_the_region_has_none(xinshao, client):
    WebhookEndpoint.objects.create(region=region("4305"), name="邵阳市安委办", url="http://127.0.0.1:9/robot")
    WebhookEndpoint.objects.create(region=region("430522"), name="停用", url="http://127.0.0.1:9/robot",
                                   enabled=False)
    client.force_login(xinshao)
    page = client.post("/supervision/reports/", {"kind": "day", "region": "430522", "by_webhook": "on"})
    assert page.status_code == 400
    assert NO_ROBOT in page.context["form"].errors["by_webhook"][0]
    assert NO_ROBOT in page.content.decode()
    assert not Subscription.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.subscription_add(user=xinshao, kind="day", region_code="430522", by_webhook=True)
    assert refused.value.field == "by_webhook" and NO_ROBOT in str(refused.value)


def test_with_a_robot_configured_the_robot_channel_is_accepted(xinshao):
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url="http://127.0.0.1:9/robot")
    form = SubscriptionForm({"kind": "day", "region": "430522", "by_webhook": "on"}, regions=[xinshao.region])
    assert form.is_valid(), form.errors
    subscription = services.subscription_add(user=xinshao, kind="day", region_code="430522", by_webhook=True)
    assert subscription.by_webhook is True and subscription.by_email is False
    again = services.subscription_add(user=xinshao, kind="day", region_code="430522", by_email=True)
    assert again.pk == subscription.pk and (again.by_email, again.by_webhook) == (True, False)


def test_ticking_the_robot_on_the_reports_page_subscribes_the_work_group(xinshao, client):
    from supervision.models import Subscription

    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url="http://127.0.0.1:9/robot")
    client.force_login(xinshao)

    response = client.post("/supervision/reports/", {"kind": "day", "region": "430522", "by_webhook": "on"})

    assert response.status_code == 302
    (subscription,) = Subscription.objects.filter(user=xinshao)
    assert (subscription.kind, subscription.by_webhook, subscription.by_email) == ("day", True, False)
