"""Services of the notices app: draining its outbox, a user's inbox actions, and a region's
escalation rules.

Delivery is the platform's one drain (hazardtrack.outbox: claim with SKIP LOCKED, lease, send
outside the transaction, record the outcome with backoff); what is the notices' own is how rows
are grouped: one email digest per recipient, a group robot's notices twenty to a message.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.jurisdiction import region_in_jurisdiction
from accounts.models import Region, User
from audit.choices import AuditAction
from audit.services import record
from hazardtrack.errors import DomainError
from hazardtrack.outbox import Channel, DeliveryStatus, DrainReport, Outbox, drain

from . import channels
from .models import NOTICE_RELATED, Delivery, EscalationPolicy
from .policy import LADDER_FIELDS
from .selectors import is_administrator

logger = logging.getLogger(__name__)

# Group robots: at most this many notices per chat message (DingTalk also limits messages per minute).
WEBHOOK_ITEMS_PER_MESSAGE = 20


def _batches(rows: list[Delivery]) -> Iterable[list[Delivery]]:
    """One message per destination: all of a recipient's emails as one digest, a robot's notices
    in chunks (rows arrive by level, notice and id: the digest reads in that order)."""
    groups: dict[tuple, list[Delivery]] = defaultdict(list)
    for row in rows:
        groups[(row.channel, row.recipient_id or row.endpoint_id)].append(row)
    for (channel, _dest), group in groups.items():
        size = len(group) if channel == Channel.EMAIL else WEBHOOK_ITEMS_PER_MESSAGE
        for start in range(0, len(group), size):
            yield group[start:start + size]


OUTBOX = Outbox(
    model=Delivery,
    message=lambda rows: build_message([d.notice for d in rows]),
    related=(*NOTICE_RELATED, "notice__hazard__enterprise", "recipient", "endpoint"),
    order=("notice__level", "notice_id", "id"),  # ties in the order written: deterministic
    batches=_batches,
)


def deliver_pending(*, batch_size: int | None = None) -> DrainReport:
    """Send one batch of due email and robot deliveries; record every outcome."""
    return drain(OUTBOX, batch_size=batch_size)


def drain_outbox(*, seconds: float = 50.0, batch_size: int | None = None) -> DrainReport:
    """Deliver batch after batch until nothing is due or `seconds` have passed (the task runs
    every minute)."""
    return drain(OUTBOX, batch_size=batch_size, seconds=seconds)


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
