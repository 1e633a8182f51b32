"""Sending the email and group-robot incident notices (the in-app ones are delivered by being
written): the platform's one drain (hazardtrack.outbox) over our table, with our message."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from hazardtrack.outbox import DrainReport, Outbox, drain
from notices import channels

from .models import IncidentNotice


def message_for(rows: list[IncidentNotice]) -> channels.Message:
    [notice] = rows  # one message per row
    incident = notice.incident
    url = settings.SITE_URL + reverse("incidents:detail", args=[incident.pk])
    subject = _("【事故报告】%(code)s %(title)s") % {"code": incident.code, "title": incident.title}
    return channels.Message(
        subject=subject[:200],
        text=f"{notice.message}\n\n{url}\n",
        markdown=f"### {subject}\n\n{notice.message}\n\n[{_('查看事故')}]({url})\n",
    )


OUTBOX = Outbox(model=IncidentNotice, message=message_for, related=("incident", "recipient", "endpoint"))


def deliver_pending(*, batch_size: int | None = None) -> DrainReport:
    """Send one batch of due email and robot notices; record every outcome."""
    return drain(OUTBOX, batch_size=batch_size)
