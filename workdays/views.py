"""The calendar page (/workdays/): the province administrators add, change and remove the
holidays and make-up workdays of a year and record its source notice. Thin views; the rules
and the audit are workdays.services."""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import CalendarDayForm, CalendarNoticeForm
from .models import CalendarOverride, CalendarYear


def _year_of(request, years: list[int]) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year if year in years else (years[-1] if years else timezone.localdate().year)


def _page(year: int) -> str:
    return f"{reverse('workdays:calendar')}?{urlencode({'year': year})}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    if not services.is_calendar_administrator(request.user):
        raise PermissionDenied
    years = list(CalendarYear.objects.values_list("year", flat=True).order_by("year"))
    year = _year_of(request, years)
    notice = CalendarYear.objects.filter(year=year).first()
    action = request.POST.get("action") if request.method == "POST" else None
    day_form = CalendarDayForm(request.POST if action == "day" else None, prefix="day",
                               initial=_editing(request, year))
    notice_form = CalendarNoticeForm(request.POST if action == "notice" else None, prefix="notice",
                                     initial={f: getattr(notice, f) for f in services.NOTICE_FIELDS} if notice else None)
    form = day_form if action == "day" else notice_form if action == "notice" else None
    if form is not None and form.is_valid():
        try:
            if form is day_form:
                data = form.cleaned_data
                services.calendar_day_save(actor=request.user, year=year, day=data["day"], kind=data["kind"],
                                           name=data["name"], replacing=data["replacing"])
                messages.success(request, _("%(y)s 年的节假日安排已保存；整改中隐患的剩余天数已按新日历计算。") % {"y": year})
            else:
                _calendar, changed = services.calendar_notice_save(actor=request.user, year=year,
                                                                   values=form.cleaned_data)
                if changed:
                    messages.success(request, _("%(y)s 年的来源通知已保存。") % {"y": year})
                else:
                    messages.info(request, _("来源通知没有变化。"))
            return redirect(_page(year))
        except services.CalendarError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
    return render(request, "workdays/calendar.html", {
        "year": year, "years": years, "notice": notice, "day_form": day_form, "notice_form": notice_form,
        "days": CalendarOverride.objects.filter(year_id=year).order_by("day"),
        "editing": bool(day_form.initial.get("replacing")),
    }, status=400 if request.method == "POST" else 200)


def _editing(request, year: int) -> dict:
    """The entry `?edit=YYYY-MM-DD` opens in the form, to change it."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("edit", ""))
    except ValueError:
        return {}
    row = CalendarOverride.objects.filter(day=day, year_id=year).first()
    return {"day": row.day, "kind": row.kind, "name": row.name, "replacing": row.day} if row else {}


@login_required
@require_POST
def remove(request, year: int):
    if not services.is_calendar_administrator(request.user):
        raise PermissionDenied
    try:
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
        services.calendar_day_remove(actor=request.user, year=year, day=day)
    except ValueError:
        messages.error(request, _("请选择要删除的日期。"))
    except services.CalendarError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(d)s 的安排已删除；整改中隐患的剩余天数已按新日历计算。") % {"d": day.isoformat()})
    return redirect(_page(year))
