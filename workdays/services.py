"""Writing the calendar: loading a notice and re-materialising the day table (set-based)."""
from __future__ import annotations

import datetime

from django.db import transaction

from .choices import DayKind
from .data import FIRST_YEAR, LAST_YEAR, NOTICES


def load_shipped_notices(apps=None, *, years=None) -> None:
    """The shipped notices (workdays/data.py) of `years` (all by default) into the tables, then
    the day table. Idempotent."""
    Year = apps.get_model("workdays", "CalendarYear") if apps else _model("CalendarYear")
    Override = apps.get_model("workdays", "CalendarOverride") if apps else _model("CalendarOverride")
    with transaction.atomic():
        for year, notice in NOTICES.items():
            if years is not None and year not in years:
                continue
            defaults = {"source_title": notice["title"], "source_number": notice["number"],
                        "source_url": notice["url"]}
            if notice["published_on"]:
                defaults["source_published_on"] = datetime.date.fromisoformat(notice["published_on"])
            if "published" in notice:  # a field since 0004: the years shipped before it all are
                defaults["published"] = notice["published"]
            Year.objects.update_or_create(year=year, defaults=defaults)
            rows = []
            for first, last, name in notice["holidays"]:
                day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
                while day <= end:
                    rows.append(Override(day=day, year_id=year, kind=DayKind.HOLIDAY, name=name))
                    day += datetime.timedelta(days=1)
            rows += [Override(day=datetime.date.fromisoformat(d), year_id=year, kind=DayKind.MAKEUP_WORKDAY, name=name)
                     for d, name in notice["workdays"]]
            Override.objects.filter(year_id=year).delete()
            Override.objects.bulk_create(rows)
        materialise(apps)


def materialise(apps=None) -> None:
    """Rebuild the day table from the overrides: one read, one delete, one bulk insert (≈5,800
    rows), portable across the databases the project runs on."""
    Day = apps.get_model("workdays", "CalendarDay") if apps else _model("CalendarDay")
    Override = apps.get_model("workdays", "CalendarOverride") if apps else _model("CalendarOverride")
    kinds = dict(Override.objects.values_list("day", "kind"))
    day, last, ordinal, rows = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31), 0, []
    while day <= last:
        kind = kinds.get(day)
        workday = kind == DayKind.MAKEUP_WORKDAY or (kind != DayKind.HOLIDAY and day.isoweekday() < 6)
        ordinal += workday
        rows.append(Day(day=day, is_workday=workday, workday_ordinal=ordinal))
        day += datetime.timedelta(days=1)
    Day.objects.all().delete()
    Day.objects.bulk_create(rows, batch_size=2000)


def _model(name: str):
    from django.apps import apps

    return apps.get_model("workdays", name)
