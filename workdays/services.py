"""Writing the calendar: loading a notice and re-materialising the day table (set-based)."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hazardtrack.events import plain

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


# --- editing by the province administrators (/workdays/) --------------------------------------

class CalendarError(Exception):
    """An edit the calendar refuses; `field` names the form field, `message` is for the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message, self.field = message, field


def is_calendar_administrator(user) -> bool:
    """The calendar is the province's (every deadline in it reads it): its administrators edit it."""
    from accounts.jurisdiction import is_province_administrator

    return is_province_administrator(user)


def calendar_day_save(*, actor, year: int, day: datetime.date, kind: str, name: str,
                      replacing: datetime.date | None = None):
    """Add a holiday or make-up workday to `year`'s calendar, or change one (`replacing`: the day
    it was on). Audited and versioned; the day table is rebuilt and the open hazards whose days
    left change are told in their timelines (workdays.signals.calendar_changed)."""
    from .models import CalendarOverride

    name = (name or "").strip()
    if day.year != year:
        raise CalendarError(_("日期 %(d)s 不在 %(y)s 年内。") % {"d": day.isoformat(), "y": year}, field="day")
    if kind not in DayKind.values:
        raise CalendarError(_("请选择“放假”或“调休上班”。"), field="kind")
    if kind == DayKind.MAKEUP_WORKDAY and day.isoweekday() < 6:
        raise CalendarError(_("%(d)s 是工作日（周一至周五），调休上班日只能是周六或周日。") % {"d": day.isoformat()},
                            field="day")
    if not name:
        raise CalendarError(_("请填写节日名称（如：国庆节）。"), field="name")
    with transaction.atomic():
        calendar = _locked_year(year)
        before = CalendarOverride.objects.filter(day=replacing or day).values("day", "kind", "name").first()
        if replacing and before is None:
            raise CalendarError(_("%(d)s 没有放假或调休安排可以修改。") % {"d": replacing.isoformat()}, field="day")
        if replacing and replacing != day and CalendarOverride.objects.filter(day=day).exists():
            raise CalendarError(_("%(d)s 已经有一条安排，请直接修改那一条。") % {"d": day.isoformat()}, field="day")
        if not replacing and before is not None:
            raise CalendarError(_("%(d)s 已经有一条安排（%(n)s），请修改或删除那一条。")
                                % {"d": day.isoformat(), "n": before["name"]}, field="day")
        if replacing:
            CalendarOverride.objects.filter(day=replacing, year=calendar).delete()
        CalendarOverride.objects.create(day=day, year=calendar, kind=kind, name=name[:32])
        changed_days = sorted({day, replacing} - {None})
        _changed(actor, calendar, "day_saved", changed_days, before=before,
                 after={"day": day.isoformat(), "kind": kind, "name": name})
    return calendar


def calendar_day_remove(*, actor, year: int, day: datetime.date):
    from .models import CalendarOverride

    with transaction.atomic():
        calendar = _locked_year(year)
        before = CalendarOverride.objects.filter(day=day, year=calendar).values("day", "kind", "name").first()
        if before is None:
            raise CalendarError(_("%(d)s 没有放假或调休安排，无需删除。") % {"d": day.isoformat()}, field="day")
        CalendarOverride.objects.filter(day=day, year=calendar).delete()
        _changed(actor, calendar, "day_removed", [day], before=before, after=None)
    return calendar


NOTICE_FIELDS = ("source_title", "source_number", "source_published_on", "source_url", "published")


def calendar_notice_save(*, actor, year: int, values: dict):
    """The year's source notice (title, number, date, address) and whether it is entered."""
    with transaction.atomic():
        calendar = _locked_year(year)
        before = {f: getattr(calendar, f) for f in NOTICE_FIELDS}
        if values.get("published") and not values.get("source_published_on"):
            raise CalendarError(_("标记为已录入时请填写通知的发布日期。"), field="source_published_on")
        for f in NOTICE_FIELDS:
            setattr(calendar, f, values[f])
        after = {f: getattr(calendar, f) for f in NOTICE_FIELDS}
        if after == before:
            return calendar, False
        calendar.version += 1
        calendar.save()
        _audit(actor, calendar, "notice_saved", before=plain(before), after=plain(after))
    return calendar, True


def _locked_year(year: int):
    from .models import CalendarYear

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(_("日历只覆盖 %(a)s—%(b)s 年。") % {"a": FIRST_YEAR, "b": LAST_YEAR}, field="day")
    calendar = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar is None:
        raise CalendarError(_("%(y)s 年的节假日安排尚未建立。") % {"y": year}, field="day")
    return calendar


def _changed(actor, calendar, what: str, days: list[datetime.date], *, before, after) -> None:
    """One edit of the days: the version, the day table, the audit record, the timeline notes."""
    from .signals import calendar_changed

    calendar.version += 1
    calendar.save(update_fields=["version", "updated_at"])
    materialise()
    _audit(actor, calendar, what, before=plain(before), after=plain(after))
    calendar_changed.send(sender=type(calendar), calendar=calendar, days=days, actor=actor,
                          summary=_summary(calendar, days, after if after else before, removed=after is None))


def _summary(calendar, days, row, *, removed: bool) -> str:
    """The timeline note, in Chinese (text stored for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = DayKind(row["kind"]).label
        what = (_("%(d)s 不再%(k)s（%(n)s）") if removed else _("%(d)s 为%(k)s（%(n)s）")) % {
            "d": "、".join(d.isoformat() for d in days), "k": kind, "n": row["name"]}
        return _("%(y)s 年节假日安排调整（第 %(v)s 版）：%(what)s。整改期限不变，剩余和逾期的工作日按新日历计算。") % {
            "y": calendar.year, "v": calendar.version, "what": what}


def _audit(actor, calendar, what: str, *, before, after) -> None:
    from audit.choices import AuditAction
    from audit.services import record

    record(AuditAction.CALENDAR_CHANGE, actor=actor, target=f"workdays.calendaryear:{calendar.year}",
           detail={"year": calendar.year, "version": calendar.version, "change": what,
                   "before": before, "after": after})


def unpublished_years(*, today: datetime.date):
    """Years in use (this one and the next) whose notice is not entered yet: weekends only."""
    from .models import CalendarYear

    return list(CalendarYear.objects.filter(published=False, year__lte=today.year + 1, year__gte=today.year)
                .order_by("year"))
