"""Delivery from the outbox: email through Django's backend, group robots over real HTTP,
failures recorded and retried with backoff, never lost."""
import base64
import datetime
import hashlib
import hmac
import socket

import pytest
from django.core import mail
from django.utils import timezone

from hazardtrack import outbox
from hazardtrack.outbox import retry_delay
from notices import services
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.models import Delivery, WebhookEndpoint
from notices.services import deliver_pending, drain_outbox
from tests.factories import region

from .conftest import day, escalate

pytestmark = pytest.mark.django_db

SECRET = "SEC0123456789abcdef"


def webhook_rows():
    return Delivery.objects.filter(channel=Channel.WEBHOOK)


def test_email_goes_out_as_one_digest_per_recipient(county):
    first, second = county.hazard(), county.hazard()
    escalate(day(1))
    report = deliver_pending()
    assert report.sent == 4 and report.claimed == 4  # two hazards × (contact, inspector)
    assert sorted(m.to[0] for m in mail.outbox) == ["contact@example.cn", "inspector@example.cn"]
    body = mail.outbox[0].body
    assert first.code in body and second.code in body and "已逾期 1 天" in body
    assert f"/hazards/{first.pk}/" in body
    sent = Delivery.objects.get(channel=Channel.EMAIL, recipient=county.contact, notice__hazard=first)
    assert sent.status == DeliveryStatus.SENT and sent.attempts == 1 and sent.sent_at is not None
    assert deliver_pending().claimed == 0  # nothing twice


def test_the_webhook_is_signed_and_received_by_the_robot(county, robot):
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url, secret=SECRET)
    hazard = county.hazard()
    escalate(day(7))
    before = int(timezone.now().timestamp() * 1000)
    deliver_pending()
    [request] = robot.wait_for(1)
    assert request.path == "/robot/send" and request.query["access_token"] == "test-token"
    timestamp = int(request.query["timestamp"])
    assert before - 1000 <= timestamp <= int(timezone.now().timestamp() * 1000) + 1000
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert request.query["sign"] == expected
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.body["msgtype"] == "markdown"
    assert hazard.code in request.body["markdown"]["text"] and "二级督办" in request.body["markdown"]["title"]
    row = webhook_rows().get()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1


def test_a_wecom_robot_gets_its_own_payload_unsigned(county, robot):
    WebhookEndpoint.objects.create(region=region("4305"), name="企业微信", flavour="wecom", url=robot.url)
    hazard = county.hazard()
    escalate(day(1))
    deliver_pending()
    [request] = robot.wait_for(1)
    assert "sign" not in request.query
    assert hazard.code in request.body["markdown"]["content"]


def test_a_failed_delivery_is_recorded_retried_with_backoff_and_then_sent(county, robot):
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url, secret=SECRET)
    county.hazard()
    escalate(day(1))
    robot.answers = [(500, {"error": "robot down"}), (200, {"errcode": 310000, "errmsg": "sign not match"})]

    started = timezone.now()
    report = deliver_pending()
    row = webhook_rows().get()
    assert report.retrying == 1 and row.status == DeliveryStatus.PENDING
    assert row.attempts == 1 and "HTTP 500" in row.last_error and "robot down" in row.last_error
    assert started + retry_delay(1) <= row.next_attempt_at <= timezone.now() + retry_delay(1)
    assert deliver_pending().claimed == 0  # not due before its backoff ends

    # The backoff passes; DingTalk answers 200 but refuses (errcode): still a failure.
    webhook_rows().update(next_attempt_at=timezone.now())
    deliver_pending()
    row.refresh_from_db()
    assert row.attempts == 2 and "errcode 310000" in row.last_error and row.status == DeliveryStatus.PENDING
    assert row.next_attempt_at >= timezone.now() + retry_delay(2) - datetime.timedelta(seconds=5)

    webhook_rows().update(next_attempt_at=timezone.now())
    deliver_pending()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3 and row.sent_at is not None
    assert "errcode 310000" in row.last_error  # the history of the failure stays on the row
    assert len(robot.received) == 3


def test_an_email_that_raises_is_retried_and_then_sent(county, settings):
    county.hazard()
    escalate(day(1))
    # A real SMTP connection to a port nobody listens on: ConnectionRefusedError.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port, 2
    report = deliver_pending()
    assert report.retrying == 2 and report.sent == 0
    rows = Delivery.objects.filter(channel=Channel.EMAIL)
    assert all(r.attempts == 1 and "ConnectionRefusedError" in r.last_error for r in rows)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rows.update(next_attempt_at=timezone.now())
    assert deliver_pending().sent == 2
    assert {r.status for r in rows.all()} == {DeliveryStatus.SENT} and len(mail.outbox) == 2


def test_out_of_attempts_the_failure_is_kept_and_can_be_retried_by_hand(county, robot, settings):
    settings.NOTICES_MAX_ATTEMPTS = 2
    WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url)
    county.hazard()
    escalate(day(1))
    robot.answers = [(503, {}), (503, {})]
    deliver_pending()
    webhook_rows().update(next_attempt_at=timezone.now())
    report = deliver_pending()
    row = webhook_rows().get()
    assert report.gave_up == 1 and row.status == DeliveryStatus.FAILED and row.next_attempt_at is None
    assert row.attempts == 2 and "HTTP 503" in row.last_error
    assert deliver_pending().claimed == 0

    assert services.deliveries_retry(ids=[row.pk]) == 1
    assert deliver_pending().sent == 1
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_a_robot_that_does_not_answer_times_out_and_is_retried(county, settings):
    settings.NOTICES_WEBHOOK_TIMEOUT = 0.5
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/robot"
        WebhookEndpoint.objects.create(region=region("430522"), name="不响应", url=url)
        county.hazard()
        escalate(day(1))
        report = deliver_pending()
    row = webhook_rows().get()
    assert report.retrying == 1 and row.status == DeliveryStatus.PENDING and "timed out" in row.last_error.lower()


def test_backoff_grows_exponentially_up_to_a_cap(settings):
    settings.NOTICES_RETRY_BASE_SECONDS, settings.NOTICES_RETRY_MAX_SECONDS = 60, 3600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 7, 12)] == [60, 120, 240, 480, 3600, 3600]


def test_draining_sends_batch_after_batch(county):
    for _ in range(5):
        county.hazard()
    escalate(day(1))
    report = drain_outbox(batch_size=3)
    assert report.claimed == report.sent == 10
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_a_crashed_sender_leaves_its_claim_to_expire_and_the_row_is_sent_later(county):
    """A worker that died after claiming: the lease runs out and the next drain sends."""
    county.hazard()
    escalate(day(1))
    ids = outbox.claim(Delivery, 100)  # what a worker does right before it is killed
    assert len(ids) == 2 and deliver_pending().claimed == 0
    Delivery.objects.filter(id__in=ids).update(next_attempt_at=timezone.now())  # the lease has run out
    assert deliver_pending().sent == 2
    assert set(Delivery.objects.filter(id__in=ids).values_list("attempts", flat=True)) == {2}
