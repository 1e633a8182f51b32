"""The reports' section of the notices inbox (notices.sources): the user's latest report copies."""
from __future__ import annotations

from django import template

from ..models import ReportDelivery

register = template.Library()

INBOX_REPORTS = 20


@register.simple_tag
def report_inbox(user) -> list[ReportDelivery]:
    """The user's latest in-app report copies, read or not (one query)."""
    return list(ReportDelivery.objects.inbox_of(user).select_related("report")
                .order_by("-created_at", "-id")[:INBOX_REPORTS])
