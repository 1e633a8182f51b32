"""Services of the notices app: draining the outbox, a user's inbox actions, and a region's
escalation rules.

Delivery follows Healthchecks' claim-then-send, made at-least-once: a batch of due rows is
claimed in a short transaction (SKIP LOCKED on PostgreSQL, so two workers never share a row)
by pushing `next_attempt_at` forward — a lease — and counting the attempt; then the messages
are sent outside any transaction; then each row records its outcome. A worker that dies in
between leaves rows whose lease simply runs out, and the next drain sends them again.
"""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.jurisdiction import region_in_jurisdiction
from accounts.models import Region, User
from audit.choices import AuditAction
from audit.services import record
from hazardtrack.errors import DomainError

from . import channels
from .choices import Channel, DeliveryStatus
from .models import NOTICE_RELATED, Delivery, EscalationPolicy
from .policy import LADDER_FIELDS
from .selectors import is_administrator

logger = logging.getLogger(__name__)

# How long a claimed batch is reserved for the worker that claimed it.
CLAIM_LEASE = datetime.timedelta(minutes=15)
# Group robots: at most this many notices per chat message (DingTalk also limits messages per minute).
WEBHOOK_ITEMS_PER_MESSAGE = 20


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2×base, 4×base … capped."""
    seconds = settings.NOTICES_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.NOTICES_RETRY_MAX_SECONDS))


def deliver_pending(*, batch_size: int | None = None) -> DeliveryReport:
    """Send one batch of due email and robot deliveries; record every outcome."""
    report = DeliveryReport()
    ids = _claim(batch_size or settings.NOTICES_DELIVERY_BATCH)
    report.claimed = len(ids)
    if not ids:
        return report
    rows = list(
        Delivery.objects.filter(id__in=ids)
        .select_related(*NOTICE_RELATED, "notice__hazard__enterprise", "recipient", "endpoint")
        .order_by("notice__level", "notice_id", "id")  # ties in the order written: deterministic
    )
    groups: dict[tuple, list[Delivery]] = defaultdict(list)
    for row in rows:
        groups[(row.channel, row.recipient_id or row.endpoint_id)].append(row)

    mail = None
    for (channel, _dest), group in groups.items():
        chunks = [group] if channel == Channel.EMAIL else _chunks(group, WEBHOOK_ITEMS_PER_MESSAGE)
        for chunk in chunks:
            message = build_message([d.notice for d in chunk])
            try:
                if channel == Channel.EMAIL:
                    mail = mail or channels.email_connection()
                    channels.send_email(to=chunk[0].recipient.email, message=message, connection=mail)
                elif channel == Channel.WEBHOOK:
                    channels.send_webhook(endpoint=chunk[0].endpoint, message=message)
                else:
                    raise channels.DeliveryError(f"unknown channel {channel}")
            except Exception as exc:  # any failure is recorded on the rows and retried, never lost
                record_failure(chunk, exc, report)
            else:
                _record_success(chunk, report)
    if mail is not None:
        try:
            mail.close()
        except Exception:  # closing a broken SMTP session must not undo the outcomes already recorded
            logger.warning("closing the email connection failed", exc_info=True)
    logger.info("notices delivered", extra={"claimed": report.claimed, "sent": report.sent,
                                            "retrying": report.retrying, "gave_up": report.gave_up})
    return report


def _claim(limit: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)  # a concurrent drain takes other rows
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        # The attempt is counted when it starts: a crash mid-send still shows as an attempt.
        Delivery.objects.filter(id__in=ids).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    return ids


def _record_success(rows: list[Delivery], report: DeliveryReport) -> None:
    Delivery.objects.filter(id__in=[d.id for d in rows]).update(
        # last_error stays: with `attempts` it tells that (and why) earlier attempts failed.
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None,
    )
    report.sent += len(rows)


def record_failure(rows: list, exc: Exception, report: DeliveryReport) -> None:
    """A failed send of `rows` (outbox rows of any app: status, attempts, last_error,
    next_attempt_at): retried with backoff, or kept as failed once out of attempts."""
    now = timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    report.errors.append(error)
    for row in rows:
        row.last_error = error
        if row.attempts >= settings.NOTICES_MAX_ATTEMPTS:
            # Out of attempts: kept as failed with its error, listed in the admin, retried by hand.
            row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
            report.gave_up += 1
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
            report.retrying += 1
    type(rows[0])._default_manager.bulk_update(rows, ["status", "last_error", "next_attempt_at"])
    logger.warning("delivery failed", extra={"model": rows[0]._meta.label, "deliveries": [d.id for d in rows],
                                             "error": error})


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- message text --------------------------------------------------------------------------

def build_message(notices: list) -> channels.Message:
    items = [{
        "notice": n, "hazard": n.hazard, "level": n.badge, "describe": n.summary,
        "url": settings.SITE_URL + n.url,
    } for n in notices]
    if len(items) == 1 and items[0]["hazard"] is None:
        subject = _("【%(kind)s】%(text)s") % {"kind": items[0]["level"], "text": items[0]["describe"]}
    elif len(items) == 1:
        subject = _("【%(level)s】%(code)s %(title)s") % {
            "level": items[0]["level"], "code": items[0]["hazard"].code, "title": items[0]["hazard"].title}
    else:
        subject = _("隐患整改督办：%(n)s 条") % {"n": len(items)}
    context = {"items": items, "subject": subject, "site_url": settings.SITE_URL}
    return channels.Message(
        subject=subject[:200],
        text=render_to_string("notices/messages/digest.txt", context),
        markdown=render_to_string("notices/messages/digest.md", context),
    )



# --- the inbox -----------------------------------------------------------------------------

def notice_mark_read(*, user: User, delivery_id: int) -> Delivery:
    """Mark one of the user's in-app messages read; 404 for anything else."""
    delivery = Delivery.objects.inbox_of(user).select_related(*NOTICE_RELATED).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=delivery.read_at)
    return delivery


def notices_mark_all_read(*, user: User) -> int:
    return Delivery.objects.inbox_of(user).unread().update(read_at=timezone.now())


def deliveries_retry(*, ids: Iterable[int]) -> int:
    """An administrator's "retry now" for failed or waiting deliveries (fresh attempt budget)."""
    return Delivery.objects.filter(id__in=list(ids)).exclude(channel=Channel.INAPP).exclude(
        status=DeliveryStatus.SENT).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())


def drain_outbox(*, seconds: float = 50.0, batch_size: int | None = None) -> DeliveryReport:
    """Deliver batch after batch until nothing is due or `seconds` have passed (the task runs
    every minute; a big night is sent over a few runs rather than in one long one)."""
    import time

    total, started = DeliveryReport(), time.monotonic()
    while True:
        report = deliver_pending(batch_size=batch_size)
        total.claimed += report.claimed
        total.sent += report.sent
        total.retrying += report.retrying
        total.gave_up += report.gave_up
        total.errors += report.errors[:10]
        if not report.claimed or time.monotonic() - started >= seconds:
            return total


# --- escalation rules (督办规则) ---------------------------------------------------------------

def escalation_policy_save(*, actor: User, region: Region, values: dict[str, int]) -> tuple[EscalationPolicy, dict]:
    """Give `region` its own ladder, or change it; returns the policy and what changed
    ({field: [before, after]}; every field when the policy is new). Only administrators, only in
    their jurisdiction. The nightly job uses it from its next run; a rung already sent for a
    deadline is never sent again (hazards/escalation.py)."""
    if not is_administrator(actor):
        raise DomainError("not_administrator", _("只有管理员可以修改督办规则。"), status=403)
    if not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=404)
    values = {name: values[name] for name in LADDER_FIELDS}
    # The model's own rules (ranges, clean(), the check constraint), before anything is written.
    EscalationPolicy(region=region, **values).full_clean(validate_unique=False)
    with transaction.atomic():
        policy, created = EscalationPolicy.objects.select_for_update().get_or_create(region=region, defaults=values)
        before = {name: None for name in LADDER_FIELDS} if created else {n: getattr(policy, n) for n in LADDER_FIELDS}
        changes = {name: [before[name], value] for name, value in values.items() if before[name] != value}
        if not changes:
            return policy, changes
        if not created:
            for name, value in values.items():
                setattr(policy, name, value)
            policy.save()
        # No dedicated audit action for rule changes exists; escalation rules decide who is told
        # about an overdue hazard and when, so they are recorded with the permission changes.
        record(AuditAction.PERMISSION_CHANGE, actor=actor,
               target=f"notices.escalationpolicy:{region.code} {region.name}",
               detail={"escalation_policy": region.code, "created": created, "changes": changes})
    return policy, changes


# --- 消息设置 ------------------------------------------------------------------------------------

def notice_preferences_save(*, user: User, values: dict[str, tuple[bool, bool]]) -> int:
    """Save a user's channels per kind (in-app always on); returns how many kinds changed."""
    from .models import NoticePreference
    from .preferences import preferences_of

    before = preferences_of(user)
    changed = {kind: pair for kind, pair in values.items() if before.get(kind) != tuple(pair)}
    if changed:
        NoticePreference.objects.bulk_create(
            [NoticePreference(user=user, kind=kind, email=email, webhook=webhook)
             for kind, (email, webhook) in changed.items()],
            update_conflicts=True, unique_fields=["user", "kind"], update_fields=["email", "webhook", "updated_at"],
        )
    return len(changed)
