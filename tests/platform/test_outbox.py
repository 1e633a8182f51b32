"""The one outbox drain (hazardtrack.outbox) over every app's table: two drains running at once on
real PostgreSQL never send a row twice (SKIP LOCKED, then the lease), a failed send is recorded
with backoff and given up as FAILED after NOTICES_MAX_ATTEMPTS — the same way for every table —
and a sender that raises never loses the row."""
from __future__ import annotations

import datetime
import socket
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.utils import timezone

from hazardtrack.outbox import Channel, DeliveryStatus, Outbox, claim, drain, retry_delay
from incidents import delivery as incident_delivery
from incidents.models import IncidentEvent
from notices import channels
from notices import services as notice_services
from notices.choices import NoticeKind
from notices.models import EscalationRun, Notice, WebhookEndpoint
from supervision import services as report_services
from supervision.models import Report, ReportDelivery
from tests import factories


def _report() -> Report:
    return Report.objects.create(kind="day", region=factories.region("430522"), period_start=datetime.date(2026, 12, 6),
                                 period_end=datetime.date(2026, 12, 6), title="新邵县安全生产日报", xlsx="reports/r.xlsx",
                                 figures={"found": 4, "rectified": 3, "signed_off": 2, "overdue": 1,
                                          "rectification_rate": 75.0, "sign_off_rate": 50.0})


def _report_row(**destination):
    return report_services.REPORT_OUTBOX, ReportDelivery.queued(report=_report(), now=timezone.now(), **destination)


def _incident_row(**destination):
    from incidents.models import IncidentNotice

    incident = factories.IncidentFactory(region=factories.region("430522"), title="某厂机械伤害事故")
    event = IncidentEvent.objects.create(incident=incident, action="created", comment="")
    row = IncidentNotice.queued(incident=incident, event=event, level="city", message="县级上报事故",
                                now=timezone.now(), **destination)
    return incident_delivery.OUTBOX, row


def _notice_row(**destination):
    from notices.models import Delivery

    run = EscalationRun.objects.create(as_of=datetime.date(2026, 12, 6))  # still running: no alarm of its own
    notice = Notice.objects.create(kind=NoticeKind.RUN_ALARM, alarm_run=run, as_of=run.as_of)
    return notice_services.OUTBOX, Delivery.queued(notice=notice, now=timezone.now(), **destination)


TABLES = {"reports": _report_row, "incidents": _incident_row, "notices": _notice_row}


def _refused_url() -> str:
    """A local port nobody listens on: the robot's connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/robot/send"


def _due_now(row) -> None:
    type(row).objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_a_refused_send_backs_off_exponentially_and_ends_failed_on_every_table(table, settings):
    settings.NOTICES_MAX_ATTEMPTS, settings.NOTICES_RETRY_BASE_SECONDS = 3, 60
    endpoint = WebhookEndpoint.objects.create(region=factories.region("4305"), name="值班群", url=_refused_url())
    outbox, row = TABLES[table](endpoint=endpoint, channel=Channel.WEBHOOK)
    row.save()

    for attempt in (1, 2):
        before = timezone.now()
        report = drain(outbox)
        row.refresh_from_db()
        assert (report.claimed, report.retrying, report.sent) == (1, 1, 0)
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
        assert "DeliveryError" in row.last_error and "Connection refused" in row.last_error
        assert before + retry_delay(attempt) <= row.next_attempt_at <= timezone.now() + retry_delay(attempt)
        assert drain(outbox).claimed == 0  # not due before its backoff ends
        _due_now(row)
    assert retry_delay(2) == 2 * retry_delay(1)

    report = drain(outbox)
    row.refresh_from_db()
    assert (report.gave_up, row.status, row.attempts, row.next_attempt_at) == (1, DeliveryStatus.FAILED, 3, None)
    assert row.sent_at is None and "Connection refused" in row.last_error
    assert drain(outbox).claimed == 0  # given up: kept, never claimed again


class Exploding(channels.EmailSender):
    """A destination that fails in a way no channel foresaw, and whose session fails to close."""

    def send(self, row, message) -> None:
        raise RuntimeError("the SMTP library crashed")

    def close(self) -> None:
        raise OSError("broken pipe on QUIT")


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_a_sender_that_raises_never_loses_the_row(table, mailoutbox):
    user = factories.supervisor(email="duty@example.gov.cn")
    outbox, row = TABLES[table](recipient=user, channel=Channel.EMAIL)
    row.save()

    crashing = Outbox(model=outbox.model, message=outbox.message, related=outbox.related,
                      senders={Channel.EMAIL: Exploding})
    report = drain(crashing)
    row.refresh_from_db()
    assert (report.claimed, report.retrying) == (1, 1)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert row.last_error == "RuntimeError: the SMTP library crashed" and row.next_attempt_at > timezone.now()

    _due_now(row)
    drain(Outbox(model=outbox.model, message=outbox.message, related=outbox.related, senders={}))
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 2 and "unknown channel email" in row.last_error

    _due_now(row)
    assert drain(outbox).sent == 1  # the registered email sender, the table's own message
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 3) and row.sent_at is not None
    assert [m.to for m in mailoutbox] == [["duty@example.gov.cn"]]


class SlowEmail(channels.EmailSender):
    """Real email (Django's backend) that takes a while, so two drains overlap."""

    def send(self, row, message) -> None:
        time.sleep(0.02)
        super().send(row, message)


def _in_thread(work, results: list, barrier: threading.Barrier | None = None) -> threading.Thread:
    def run():
        try:  # each thread has its own database connection
            if barrier is not None:
                barrier.wait(10)
            results.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_never_send_a_row_twice(mailoutbox):
    report = _report()
    users = [factories.supervisor(email=f"s{n}@example.gov.cn", username=f"s{n}") for n in range(40)]
    ReportDelivery.objects.bulk_create(
        ReportDelivery.queued(report=report, recipient=u, channel=Channel.EMAIL, now=timezone.now()) for u in users)
    outbox = Outbox(model=ReportDelivery, message=report_services.REPORT_OUTBOX.message,
                    related=report_services.REPORT_OUTBOX.related, senders={Channel.EMAIL: SlowEmail})

    results, barrier = [], threading.Barrier(2)
    threads = [_in_thread(lambda: drain(outbox, batch_size=3, seconds=60), results, barrier) for _ in range(2)]
    for thread in threads:
        thread.join(60)

    assert len(results) == 2 and all(r.claimed > 0 for r in results)  # both drains took part
    assert sum(r.claimed for r in results) == sum(r.sent for r in results) == 40
    sent_to = Counter(m.to[0] for m in mailoutbox)
    assert set(sent_to.values()) == {1} and len(sent_to) == 40  # every row once, none twice
    rows = ReportDelivery.objects.filter(report=report)
    assert set(rows.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_a_drain_skips_the_rows_another_drain_holds_locked_without_waiting():
    report = _report()
    users = [factories.supervisor(email=f"s{n}@example.gov.cn", username=f"s{n}") for n in range(6)]
    rows = ReportDelivery.objects.bulk_create(
        ReportDelivery.queued(report=report, recipient=u, channel=Channel.EMAIL, now=timezone.now()) for u in users)
    held = sorted(r.pk for r in rows)[:3]
    locked, release = threading.Event(), threading.Event()

    def hold():  # another drain in the middle of its claim
        with transaction.atomic():
            list(ReportDelivery.objects.select_for_update().filter(pk__in=held))
            locked.set()
            release.wait(10)
        return held

    thread = _in_thread(hold, [])
    assert locked.wait(10)
    started = time.monotonic()
    try:
        taken = claim(ReportDelivery, 100)
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join(20)
    assert sorted(taken) == sorted(r.pk for r in rows)[3:] and waited < 5
    assert claim(ReportDelivery, 100) == held  # released, and not yet leased by anyone


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 100])
def test_a_drain_batch_costs_the_same_queries_whatever_its_size_per_message(count, mailoutbox,
                                                                            django_assert_num_queries):
    """Claim (lock and lease), one read of the batch with what the messages need, one write per
    message sent: 10 and 100 report emails differ only by those writes."""
    report = _report()
    users = factories.UserFactory.create_batch(count, email="x@example.gov.cn")
    ReportDelivery.objects.bulk_create(
        ReportDelivery.queued(report=report, recipient=u, channel=Channel.EMAIL, now=timezone.now()) for u in users)
    # savepoint, select for update skip locked, lease update, release; the batch; one update a message
    with django_assert_num_queries(5 + count):
        assert drain(report_services.REPORT_OUTBOX, batch_size=count).sent == count
    assert len(mailoutbox) == count
