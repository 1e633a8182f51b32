"""Forms of the calendar page. They parse input; workdays.services decides the rules."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DayKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDayForm(forms.Form):
    """One holiday or make-up workday; `replacing` is the day an edited entry was on."""

    day = forms.DateField(label=_("日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("节日名称"), max_length=32, help_text=_("如：国庆节、春节（按国务院通知填写）"))
    replacing = forms.DateField(required=False, widget=forms.HiddenInput)


class CalendarNoticeForm(forms.Form):
    """The year's source notice: what the calendar is versioned against."""

    source_title = forms.CharField(label=_("来源通知"), max_length=200)
    source_number = forms.CharField(label=_("文号"), max_length=64, required=False,
                                    help_text=_("如：国办发明电〔2024〕12号；通知原文没有时留空"))
    source_published_on = forms.DateField(label=_("发布日期"), required=False, widget=DATE)
    source_url = forms.URLField(label=_("来源地址"), max_length=300, required=False, assume_scheme="https")
    published = forms.BooleanField(label=_("通知已发布并已完整录入"), required=False,
                                   help_text=_("未勾选时该年只按周末计算，并在首页提醒省级管理员录入。"))
