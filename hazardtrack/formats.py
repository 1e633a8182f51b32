"""Chinese conventions for what people read (issue 16): dates as 2026年12月22日, money with
thousands separators, large sums in 万元. One helper each, used by the templates (the `cn`
filters), by messages and by documents."""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _


def _as_date(value) -> datetime.date | None:
    """A date from a date, a datetime (local day) or an ISO string (as audit events and frozen
    document snapshots store them); None for no date or an unreadable string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def document_date(value) -> str:
    """2026年12月22日 — no zero padding, as GB/T 9704 writes 成文日期; always Chinese (an official
    document is Chinese whatever the language of the page that made it)."""
    day = _as_date(value)
    if day is None:
        return value if isinstance(value, str) else ""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_date(value) -> str:
    """A date in a message or on a page: 2026年12月22日 (in English: 2026-12-22); "" for no date."""
    day = _as_date(value)
    if day is None:
        return value if isinstance(value, str) else ""
    # A Django date format, translated.
    return dateformat.format(day, _("Y年n月j日"))


def cn_money(value, *, places: int = 2) -> str:
    """12,345.60 — thousands separated, `places` decimals; "" for no amount."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:,.{places}f}"


def cn_wan(value, *, places: int = 2) -> str:
    """An amount in yuan shown in 万元: 123456 → "12.35万元" (figures and reports)."""
    if value is None or value == "":
        return ""
    return _("%(amount)s万元") % {"amount": cn_money(Decimal(str(value)) / 10000, places=places)}
