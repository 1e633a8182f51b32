"""Turning one cell into a value, or a Chinese message saying why it cannot be one."""
from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hazardtrack.input_guard import control_character

from .reading import cell_text


class CellError(ValueError):
    """The cell's value is unusable; str() is the message for the error report."""


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")
EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954 … 2119: a date typed into a cell formatted as number


def text(value, *, max_length: int | None = None) -> str:
    result = cell_text(value)
    control = control_character(result)
    if control:  # the same rule as every form and API (hazardtrack/input_guard.py)
        raise CellError(_("含有不可见的控制字符（%(char)s），请删除后重新上传。") % {"char": control})
    if max_length and len(result) > max_length:
        raise CellError(_("内容过长：最多 %(max)s 个字，当前 %(n)s 个字。") % {"max": max_length, "n": len(result)})
    return result


def _from_serial(value: float) -> datetime.datetime:
    from openpyxl.utils.datetime import from_excel

    return from_excel(value)


def date_or_datetime(value) -> datetime.date | datetime.datetime | None:
    """A date (or date and time) from an Excel date cell, an Excel serial number or text such
    as 2024-03-05, 2024/3/5, 2024年3月5日, 2024-03-05 09:30."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value if value.time() != datetime.time() else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            return date_or_datetime(_from_serial(value))
        if 19_000_101 <= value <= 21_001_231 and float(value).is_integer():
            value = str(int(value))  # 20240305
        else:
            raise CellError(_("不是有效的日期。请填写如 2024-03-05 的日期。"))
    raw = re.sub(r"\s+", " ", str(value).strip())
    day_part, _sep, time_part = raw.partition(" ")
    day = None
    for fmt in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(day_part, fmt).date()
            break
        except ValueError:
            continue
    if day is None:
        raise CellError(_("“%(value)s”不是有效的日期。请填写如 2024-03-05 的日期。") % {"value": raw[:40]})
    if not time_part:
        return day
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.combine(day, datetime.datetime.strptime(time_part, fmt).time())
        except ValueError:
            continue
    raise CellError(_("“%(value)s”中的时间无效，请写成 09:30 这样的格式。") % {"value": raw[:40]})


def date(value) -> datetime.date | None:
    result = date_or_datetime(value)
    return result.date() if isinstance(result, datetime.datetime) else result


def local_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """An aware datetime in Asia/Shanghai; a bare date is that day's midnight."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def decimal(value, *, minimum: Decimal | None = Decimal(0), maximum: Decimal | None = None,
            places: int = 2) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").removesuffix("元")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是数字。") % {"value": str(value)[:40]})
    if not number.is_finite():
        raise CellError(_("“%(value)s”不是数字。") % {"value": str(value)[:40]})
    if minimum is not None and number < minimum:
        raise CellError(_("不能小于 %(min)s。") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("不能大于 %(max)s。") % {"max": maximum})
    number = number.quantize(Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > 14:
        raise CellError(_("数值过大。"))
    return number


def choice(value, lookup: dict[str, str], labels: list[str]) -> str | None:
    raw = cell_text(value)
    if not raw:
        return None
    found = lookup.get(raw) or lookup.get(raw.lower())
    if found is None:
        raise CellError(_("“%(value)s”不是允许的值。可选：%(choices)s。") % {"value": raw[:40], "choices": pgettext("list separator", "、").join(labels)})
    return found
