"""The one notification path: the outbox row every app's deliveries share, and the one drain.

Layout: the platform holds what an outbox *is* — `Channel` and `DeliveryStatus` (the choices, once),
`OutboxRow` (the abstract row: channel, recipient or group robot, status, attempts, last error,
next attempt, sent/read/created times; `outbox_meta` declares its one-destination check, its
once-per-destination keys and its due and inbox indexes from a table prefix) and `drain` (claim,
lease, send, record). The apps hold what differs: their table (notices.Delivery,
incidents.IncidentNotice, supervision.ReportDelivery: the key it hangs from, its jurisdiction
fields), the message builder and grouping of their `Outbox`, and the senders — notices registers
email and the group robots (notices/channels.py) with `register_sender` in its AppConfig.ready(),
so nothing here imports an app ("notices.WebhookEndpoint" is a string reference).

Delivery follows Healthchecks' claim-then-send, made at-least-once: a batch of due rows is claimed
in a short transaction (SKIP LOCKED on PostgreSQL, so two drains never share a row) by pushing
`next_attempt_at` forward — a lease — and counting the attempt; the messages are sent outside any
transaction; each row then records its outcome the same way whatever its table: sent (sent_at),
or the error with exponential backoff, FAILED after NOTICES_MAX_ATTEMPTS. A worker that dies in
between leaves rows whose lease simply runs out, and the next drain sends them again. In-app rows
are delivered by being written (`OutboxRow.delivered`); the drain never touches them.

Why three tables and not one: each row hangs from a different subject (a hazard notice, an
incident event, a report) with its own unique keys, cascade and jurisdiction (hazard region or
enterprise, tip-off region, run alarms for administrators; incident region; report region and the
statistics permission). One table would need three nullable keys and a kind-dependent scope in
every inbox query, and the nightly escalation's set-based SQL (hazards/escalation.py, demo/scale.py)
writes notices_delivery directly. What the tables share — fields, choices, keys, indexes, the
claim loop and the failure record — is defined here once; the bell's three counts stay one query
(notices.sources, UNION ALL over the same columns).
"""
from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# How long a claimed batch is reserved for the drain that claimed it.
CLAIM_LEASE = datetime.timedelta(minutes=15)


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("群机器人")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败（已停止重试）")


class OutboxRow(models.Model):
    """One message to one recipient (a user) on one channel, or to one group robot."""

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey("notices.WebhookEndpoint", verbose_name=_("群机器人"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient or self.endpoint}"

    @classmethod
    def delivered(cls, *, now: datetime.datetime, **values) -> "OutboxRow":
        """An in-app row: delivered by being written."""
        return cls(channel=Channel.INAPP, status=DeliveryStatus.SENT, sent_at=now, created_at=now, **values)

    @classmethod
    def queued(cls, *, channel: str, now: datetime.datetime, **values) -> "OutboxRow":
        """An email or robot row, due at once for the drain."""
        return cls(channel=channel, status=DeliveryStatus.PENDING, next_attempt_at=now, created_at=now, **values)


def outbox_meta(prefix: str, key: str) -> tuple[list, list]:
    """The constraints and indexes of an outbox table hanging from `key` (its notice, event or
    report), named from `prefix`: once per key, channel and user; once per key and robot; one
    destination (a robot for the webhook channel, a user otherwise); the drain's queue (only
    pending rows indexed); the inbox and the bell. In a table's Meta:
    `constraints, indexes = outbox_meta("delivery", "notice")`."""
    return (
        [
            models.UniqueConstraint(fields=[key, "channel", "recipient"], condition=Q(recipient__isnull=False),
                                    name=f"{prefix}_once_per_user_channel"),
            models.UniqueConstraint(fields=[key, "endpoint"], condition=Q(endpoint__isnull=False),
                                    name=f"{prefix}_once_per_endpoint"),
            models.CheckConstraint(
                condition=Q(channel=Channel.WEBHOOK, endpoint__isnull=False, recipient__isnull=True)
                | (~Q(channel=Channel.WEBHOOK) & Q(endpoint__isnull=True, recipient__isnull=False)),
                name=f"{prefix}_has_one_destination",
            ),
        ],
        [
            models.Index(fields=["next_attempt_at"], condition=Q(status=DeliveryStatus.PENDING), name=f"{prefix}_due"),
            models.Index(fields=["recipient", "-created_at"], condition=Q(channel=Channel.INAPP),
                         name=f"{prefix}_inbox"),
        ],
    )


# --- senders -----------------------------------------------------------------------------------

class Sender(Protocol):
    """Sends one message to the destination of `row` (its recipient or endpoint); raises when it
    did not get through. One sender serves one drain batch and is closed after it."""

    def send(self, row: OutboxRow, message: Any) -> None: ...

    def close(self) -> None: ...


_SENDERS: dict[str, Callable[[], Sender]] = {}


def register_sender(channel: str, factory: Callable[[], Sender]) -> None:
    """Register the sender of a channel (a second ready() call replaces, never doubles)."""
    _SENDERS[channel] = factory


class UnknownChannel(Exception):
    """No sender is registered for the row's channel (recorded on the row like any failure)."""


# --- what each table gives the drain -------------------------------------------------------------

def one_per_row(rows: list[OutboxRow]) -> Iterable[list[OutboxRow]]:
    return ([row] for row in rows)


@dataclass(frozen=True)
class Outbox:
    """What differs per table: the model, what a message needs loaded (select_related), the
    order rows are sent in, how rows are grouped into one message, and the message builder."""

    model: type[OutboxRow]
    message: Callable[[list[OutboxRow]], Any]
    related: tuple[str, ...] = ("recipient", "endpoint")
    order: tuple[str, ...] = ("id",)
    batches: Callable[[list[OutboxRow]], Iterable[list[OutboxRow]]] = one_per_row
    senders: dict[str, Callable[[], Sender]] | None = None  # None: the registered senders


@dataclass
class DrainReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Failed sends of this drain, retried later or given up."""
        return self.retrying + self.gave_up

    def add(self, other: "DrainReport") -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.gave_up += other.gave_up
        self.errors += other.errors[:10]

    def as_dict(self) -> dict[str, int]:
        return {"claimed": self.claimed, "sent": self.sent, "retrying": self.retrying, "gave_up": self.gave_up}


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2×base, 4×base … capped."""
    seconds = settings.NOTICES_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.NOTICES_RETRY_MAX_SECONDS))


# --- the drain -----------------------------------------------------------------------------------

def drain(outbox: Outbox, *, batch_size: int | None = None, seconds: float = 0.0) -> DrainReport:
    """Send one batch of due rows of `outbox` and record every outcome; with `seconds`, batch
    after batch until nothing is due or the time has passed (a big night goes out over a few runs
    of the minute's task rather than in one long one)."""
    total, started = DrainReport(), time.monotonic()
    while True:
        report = _drain_batch(outbox, batch_size or settings.NOTICES_DELIVERY_BATCH)
        total.add(report)
        if not report.claimed or time.monotonic() - started >= seconds:
            logger.info("outbox drained", extra={"model": outbox.model._meta.label, **total.as_dict()})
            return total


def claim(model: type[OutboxRow], limit: int) -> list[int]:
    """Take up to `limit` due rows for this drain: locked rows are another drain's and skipped;
    the attempt is counted when it starts (a crash mid-send still shows as an attempt) and the
    lease keeps the rows from every other drain until it runs out."""
    now = timezone.now()
    with transaction.atomic():
        due = model._default_manager.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).exclude(
            channel=Channel.INAPP)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        model._default_manager.filter(id__in=ids).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    return ids


def _drain_batch(outbox: Outbox, limit: int) -> DrainReport:
    report = DrainReport()
    ids = claim(outbox.model, limit)
    report.claimed = len(ids)
    if not ids:
        return report
    rows = list(outbox.model._default_manager.filter(id__in=ids).select_related(*outbox.related)
                .order_by(*outbox.order))
    factories = _SENDERS if outbox.senders is None else outbox.senders
    open_senders: dict[str, Sender] = {}
    try:
        for chunk in outbox.batches(rows):
            channel = chunk[0].channel
            try:
                if channel not in factories:
                    raise UnknownChannel(f"unknown channel {channel}")
                sender = open_senders.get(channel) or open_senders.setdefault(channel, factories[channel]())
                sender.send(chunk[0], outbox.message(chunk))
            except Exception as exc:  # any failure is recorded on the rows and retried, never lost
                record_failure(chunk, exc, report)
            else:
                record_success(chunk, report)
    finally:
        for sender in open_senders.values():
            try:
                sender.close()
            except Exception:  # closing a broken session must not undo the outcomes already recorded
                logger.warning("closing a sender failed", exc_info=True)
    return report


def record_success(rows: Sequence[OutboxRow], report: DrainReport) -> None:
    type(rows[0])._default_manager.filter(id__in=[row.id for row in rows]).update(
        # last_error stays: with `attempts` it tells that (and why) earlier attempts failed.
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None,
    )
    report.sent += len(rows)


def record_failure(rows: Sequence[OutboxRow], exc: Exception, report: DrainReport) -> None:
    """A failed send of `rows`: retried with backoff, or kept as failed once out of attempts
    (listed in the admin, retried by hand)."""
    now = timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    report.errors.append(error)
    for row in rows:
        row.last_error = error
        if row.attempts >= settings.NOTICES_MAX_ATTEMPTS:
            row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
            report.gave_up += 1
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
            report.retrying += 1
    type(rows[0])._default_manager.bulk_update(rows, ["status", "last_error", "next_attempt_at"])
    logger.warning("delivery failed", extra={"model": rows[0]._meta.label, "deliveries": [row.id for row in rows],
                                             "error": error})
