"""Filters shared by the official documents (PDF templates): dates as documents write them."""
from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """2026年12月22日 — no zero padding, as GB/T 9704 writes 成文日期. Takes a date, a datetime
    or an ISO string (the frozen JSON snapshots of inspection documents store ISO dates)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"
