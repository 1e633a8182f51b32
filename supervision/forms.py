"""Forms of the supervision pages: they parse input; selectors and services decide."""
from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from hazardtrack.dates import local_today
from hazardtrack.errors import DomainError

from . import statistics as stats
from .choices import PeriodChoice, ReportKind, TrendGranularity
from .services import subscription_check_robot

MAX_PERIOD_DAYS = 3 * 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardForm(forms.Form):
    """The dashboard's view: region, period and trend granularity (GET parameters)."""

    region = forms.CharField(required=False, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=_("统计期"), choices=PeriodChoice.choices, initial=PeriodChoice.YEAR_TO_DATE,
                               required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    trend = forms.ChoiceField(label=_("趋势"), choices=[("", _("自动"))] + TrendGranularity.choices, required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("period") or PeriodChoice.YEAR_TO_DATE
        data["period"] = kind
        if kind != PeriodChoice.CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if not start and "start" not in self.errors:
            self.add_error("start", _("自定义统计期请填写开始日期。"))
        if not end and "end" not in self.errors:
            self.add_error("end", _("自定义统计期请填写结束日期。"))
        if start and end:
            if start > end:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("统计期最长为三年。"))
        return data

    def period_value(self, today: datetime.date | None = None) -> stats.Period:
        data = self.cleaned_data
        if data["period"] == PeriodChoice.CUSTOM:
            return stats.Period(data["start"], data["end"], stats.PeriodKind.CUSTOM)
        return stats.current_period(data["period"], today or local_today())

    def view_params(self) -> dict:
        """The parameters that keep the period when drilling into a child region."""
        data = self.cleaned_data
        params = {"period": data["period"], "trend": data.get("trend") or ""}
        if data["period"] == PeriodChoice.CUSTOM:
            params.update(start=data["start"].isoformat(), end=data["end"].isoformat())
        return params


class SubscriptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    region = forms.ChoiceField(label=_("区划"))
    by_email = forms.BooleanField(label=_("同时发送电子邮件"), required=False)
    by_webhook = forms.BooleanField(label=_("同时推送到工作群（群机器人）"), required=False,
                                    help_text=_("报告概况和下载链接推送到该区划配置的钉钉/企业微信工作群。"))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]

    def clean(self):
        data = super().clean()
        if data.get("by_webhook") and data.get("region"):
            try:  # the rule, and its message, live in the service
                subscription_check_robot(region_code=data["region"])
            except DomainError as error:
                self.add_error("by_webhook", str(error.message))
        return data


class CircularDraftForm(forms.Form):
    region = forms.ChoiceField(label=_("通报区划"))
    period_start = forms.DateField(label=_("通报期起"), widget=DateInput())
    period_end = forms.DateField(label=_("通报期止"), widget=DateInput())
    title = forms.CharField(label=_("标题"), required=False, max_length=200,
                            help_text=_("留空则按通报期自动生成。"))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            self.add_error("period_end", _("通报期的结束日期不能早于开始日期。"))
        return data


class CircularEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), max_length=200)
    introduction = forms.CharField(label=_("通报正文（导语）"), widget=forms.Textarea, required=False)
    requirements = forms.CharField(label=_("工作要求"), widget=forms.Textarea, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssuingBodyForm(forms.ModelForm):
    """An administrator's settings of a region's 发文机关 (supervision.issuing)."""

    class Meta:
        from .models import IssuingBody

        model = IssuingBody
        fields = ("full_name", "short_name", "main_to", "copy_to")
        widgets = {"main_to": forms.TextInput(attrs={"size": 60}), "copy_to": forms.TextInput(attrs={"size": 60})}
        help_texts = {
            "full_name": _("印在文件版头和落款，例如：邵阳市安全生产委员会办公室"),
            "short_name": _("用于发文字号，例如：邵阳市安委办（文号为 邵阳市安委办〔2026〕3号）"),
            "main_to": _("例如：各县市区安委会办公室，市安委会各成员单位（结尾冒号自动添加）"),
            "copy_to": _("可不填；多个机关用顿号或逗号分隔"),
        }

    def clean_short_name(self):
        value = self.cleaned_data["short_name"].strip()
        if any(ch in value for ch in "〔〕[]()（）0123456789号"):
            raise forms.ValidationError(_("机关代字只填机关简称，不要包含年份、括号、序号或“号”字。"))
        return value

    def clean_main_to(self):
        return self.cleaned_data["main_to"].strip().rstrip("：:").strip()
