"""Counting days under a CountRule, in one place (the day table is workdays.models.CalendarDay).

- NATURAL: D + N calendar days;
- WORKING: the Nth working day after D (行政强制法 art. 69: limits of ten days or less);
- NATURAL_ROLL: D + N calendar days, moved to the next working day when that is a holiday or
  weekend off (民法典 art. 203).

Dates outside the materialised span fall back to weekends only (no notice is known there).
"""
from __future__ import annotations

import datetime

from .choices import CountRule
from .models import CalendarDay


def is_workday(day: datetime.date) -> bool:
    row = CalendarDay.objects.filter(day=day).values_list("is_workday", flat=True).first()
    return row if row is not None else day.isoweekday() < 6


def next_workday(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    found = CalendarDay.objects.filter(day__gte=day, is_workday=True).order_by("day").values_list("day", flat=True).first()
    if found is not None:
        return found
    while day.isoweekday() >= 6:
        day += datetime.timedelta(days=1)
    return day


def add_days(start: datetime.date, days: int, *, rule: str) -> datetime.date:
    """The last day of a period of `days` days starting the day after `start`."""
    if rule == CountRule.WORKING:
        return _add_workdays(start, days)
    end = start + datetime.timedelta(days=days)
    return next_workday(end) if rule == CountRule.NATURAL_ROLL else end


def days_between(start: datetime.date, end: datetime.date, *, rule: str) -> int:
    """`end` minus `start` in the rule's days (negative when `end` is earlier). Working days
    count the working days after `start` up to and including `end`; the other rules count
    calendar days (rolling moves the day a period ends, not how days are counted)."""
    if rule != CountRule.WORKING:
        return (end - start).days
    ordinals = dict(CalendarDay.objects.filter(day__in=[start, end]).values_list("day", "workday_ordinal"))
    if start in ordinals and end in ordinals:
        return ordinals[end] - ordinals[start]
    sign, (a, b) = (1, (start, end)) if start <= end else (-1, (end, start))
    return sign * sum(1 for n in range(1, (b - a).days + 1) if (a + datetime.timedelta(days=n)).isoweekday() < 6)


def _add_workdays(start: datetime.date, days: int) -> datetime.date:
    # One indexed lookup: the working day whose ordinal is start's ordinal + days.
    base = CalendarDay.objects.filter(day=start).values_list("workday_ordinal", flat=True).first()
    if base is not None:
        found = (CalendarDay.objects.filter(workday_ordinal=base + days, is_workday=True)
                 .values_list("day", flat=True).first())
        if found is not None:
            return found
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        left -= day.isoweekday() < 6
    return day


def rule_for(*, region_code: str, deadline_type: str) -> str:
    """The rule of the nearest region (itself or an ancestor) that set one, else the default. One
    query (accounts.jurisdiction.nearest_to_region, as for the escalation ladders)."""
    from accounts.jurisdiction import nearest_to_region

    from .choices import DEFAULT_RULES
    from .models import RegionDayRule

    found = nearest_to_region(RegionDayRule.objects.filter(deadline_type=deadline_type), region_code)
    return found.rule if found else DEFAULT_RULES[deadline_type]


def deadline_for(*, region_code: str, deadline_type: str, start: datetime.date, days: int) -> datetime.date:
    """The last day of a `days`-day period of `deadline_type` starting after `start`, as the region counts it."""
    return add_days(start, days, rule=rule_for(region_code=region_code, deadline_type=deadline_type))
