"""Sending the email and group-robot incident notices (the in-app ones are delivered by being
written). The notices app's way, on our table: a batch of due rows is claimed in a short
transaction (SKIP LOCKED on PostgreSQL) by counting the attempt and pushing `next_attempt_at`
forward — a lease; each is sent outside any transaction through notices.channels and its
outcome recorded; a failure is retried with notices' backoff until NOTICES_MAX_ATTEMPTS.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices import channels
from notices.choices import Channel, DeliveryStatus
from notices.services import CLAIM_LEASE, retry_delay

from .models import IncidentNotice

logger = logging.getLogger(__name__)


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


def message_for(notice: IncidentNotice) -> channels.Message:
    incident = notice.incident
    url = settings.SITE_URL + reverse("incidents:detail", args=[incident.pk])
    subject = _("【事故报告】%(code)s %(title)s") % {"code": incident.code, "title": incident.title}
    return channels.Message(
        subject=subject[:200],
        text=f"{notice.message}\n\n{url}\n",
        markdown=f"### {subject}\n\n{notice.message}\n\n[{_('查看事故')}]({url})\n",
    )


def _claim(limit: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        due = IncidentNotice.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)  # a concurrent run takes other rows
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        IncidentNotice.objects.filter(id__in=ids).update(attempts=F("attempts") + 1,
                                                         next_attempt_at=now + CLAIM_LEASE)
    return ids


def deliver_pending(*, batch_size: int | None = None) -> Report:
    """Send one batch of due email and robot notices; record every outcome."""
    report = Report()
    ids = _claim(batch_size or settings.NOTICES_DELIVERY_BATCH)
    report.claimed = len(ids)
    rows = IncidentNotice.objects.filter(id__in=ids).select_related("incident", "recipient", "endpoint")
    for notice in rows:
        try:
            message = message_for(notice)
            if notice.channel == Channel.EMAIL:
                channels.send_email(to=notice.recipient.email, message=message)
            else:
                channels.send_webhook(endpoint=notice.endpoint, message=message)
        except Exception as exc:  # any failure is recorded on the row and retried, never lost
            notice.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if notice.attempts >= settings.NOTICES_MAX_ATTEMPTS:
                notice.status, notice.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                notice.next_attempt_at = timezone.now() + retry_delay(notice.attempts)
            notice.save(update_fields=["status", "last_error", "next_attempt_at"])
            report.failed += 1
            logger.warning("incident notice delivery failed", extra={"notice": notice.pk, "error": notice.last_error})
        else:
            IncidentNotice.objects.filter(pk=notice.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                               next_attempt_at=None)
            report.sent += 1
    return report
