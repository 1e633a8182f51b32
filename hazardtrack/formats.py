"""Chinese conventions for what people read (issue 16): dates as 2026年12月22日, money with
thousands separators, large sums in 万元. One helper each, used by the templates (the `cn`
filters), by messages and by documents."""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _


def cn_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """2026年12月22日 (in English: 2026-12-22); "" for no date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # an ISO date as stored in an audit event's changes
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    # A Django date format, translated: 2026年12月22日 in Chinese, 2026-12-22 in English.
    return dateformat.format(value, _("Y年n月j日"))


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
