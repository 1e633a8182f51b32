"""Forms of the tip-off pages. They parse input; the services decide the rules.

Each staff action form names the service it feeds (`service`) and turns its cleaned data
into that service's keyword arguments (`service_kwargs`), so one view handles them all.
"""
from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Region, Sector, User
from hazards.choices import HazardCategory, HazardLevel
from hazards.forms import DATE_INPUT, DuplicateChoiceForm, EnterpriseLookupMixin
from hazardtrack.forms import preselect_only_choice
from hazardtrack.uploads import MultipleFileField, PendingUploadsMixin, photo_field

from . import challenge, services
from .choices import Channel
from .models import Reward, TipOff
from .places import region_choice_groups, tipoff_regions

PHONE_RE = re.compile(r"^[0-9+\-\s()（）]{5,20}$")
CONSENT_TEXT = _(
    "我承诺所举报内容真实，知悉捏造事实、诬告陷害他人须承担法律责任；同意受理部门为核查本举报使用我提供的信息。"
    "举报人的姓名和联系方式仅供办理人员使用，依法予以保密；可以匿名举报。"
)


class RegionChoiceField(forms.ChoiceField):
    """County/township codes grouped by city; cleans to a Region."""

    def __init__(self, *args, empty_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_label = empty_label

    def load_choices(self):
        self.choices = [("", self.empty_label or "—")] + region_choice_groups()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return tipoff_regions().get(code=value)


class PublicTipOffForm(forms.Form):
    """举报 from a phone, no login. The challenge and the honeypot are checked here; the
    service checks the report itself."""

    description = forms.CharField(
        label=_("举报内容"), max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("发现了什么安全隐患？涉及哪个单位、什么时间、什么情况")}),
    )
    address = forms.CharField(label=_("具体地点"), max_length=200,
                              widget=forms.TextInput(attrs={"placeholder": _("如：新邵县酿溪镇XX路XX号XX厂")}))
    region = RegionChoiceField(label=_("所在地区（县区/乡镇）"), required=False,
                               empty_label=_("（根据地点自动判断）"))
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("不确定"))
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                   widget=forms.HiddenInput)
    photos = photo_field(_("现场照片（可选，最多6张）"), camera=False)
    reporter_name = forms.CharField(label=_("您的姓名（可不填）"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("联系电话（可不填，便于核实和奖励）"), max_length=32, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    # Honeypot: hidden from people by CSS, filled in by form-filling robots.
    homepage = forms.CharField(label=_("请勿填写此项"), required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_proof = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_answer = forms.CharField(label=_("验证问题"), max_length=8, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].load_choices()
        self.challenge = None
        token = self.data.get("challenge_token") if self.is_bound else None
        try:
            self.challenge = challenge.read(token) if token else None
        except challenge.ChallengeError:
            self.challenge = None
        if self.challenge is None:
            self.renew_challenge()

    def renew_challenge(self) -> None:
        """A fresh challenge (after a wrong answer or an expired token); the answer is cleared,
        everything else typed stays."""
        self.challenge = challenge.issue()
        if self.is_bound:
            self.data = self.data.copy()
            self.data["challenge_token"] = self.challenge.token
            self.data["challenge_proof"] = ""
            self.data["challenge_answer"] = ""
        else:
            self.initial["challenge_token"] = self.challenge.token

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("电话号码格式不正确（只填数字，如 13800000000 或 0739-1234567）。"))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            raise forms.ValidationError(_("提交未成功，请刷新页面后重新填写。"), code="honeypot")
        if not data.get("consent"):
            self.add_error("consent", _("请阅读并勾选举报须知。"))
        try:
            self.challenge = challenge.verify(
                self.data.get("challenge_token", ""), answer=self.data.get("challenge_answer", ""),
                proof=self.data.get("challenge_proof", ""),
            )
        except challenge.ChallengeError as error:
            self.add_error("challenge_answer", error.message)
            self.renew_challenge()
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = ("description", "address", "region", "sector", "latitude", "longitude", "reporter_name",
                "reporter_phone", "consent")
        return {"data": {k: data.get(k) for k in keys}, "photos": data.get("photos") or []}


class HotlineTipOffForm(PendingUploadsMixin, forms.Form):
    """登记 a tip-off taken on the 12350 hotline (staff only: no challenge, no consent box — the
    operator reads the notice to the caller)."""

    description = forms.CharField(label=_("举报内容"), max_length=services.MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("具体地点"), max_length=200)
    region = forms.ModelChoiceField(label=_("所在地区"), queryset=Region.objects.none())
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("不确定"))
    reporter_name = forms.CharField(label=_("来电人姓名"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("来电号码"), max_length=32, required=False)
    photos = MultipleFileField(label=_("照片（如有）"))  # its default input: images, no preview

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, uploader=user, **kwargs)
        self.user = user
        self.fields["region"].queryset = tipoff_regions().filter(
            code__in=Region.objects.visible_to(user).values("code")).order_by("code")
        preselect_only_choice(self, "region")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = ("description", "address", "region", "sector", "reporter_name", "reporter_phone")
        return {"data": {k: data.get(k) for k in keys}, "photos": data.get("photos") or [],
                "channel": Channel.HOTLINE, "recorded_by": self.user}


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=24,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "placeholder": "XXXX-XXXX-XXXX"}))


# --- staff actions -----------------------------------------------------------------------------

class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    service = None

    def __init__(self, *args, tipoff: TipOff, user: User, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", tipoff.version)
        super().__init__(*args, **kwargs)
        self.tipoff, self.user = tipoff, user

    def call(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return self.service(tipoff_id=self.tipoff.pk, actor=self.user, expected_version=self.cleaned_data["version"],
                            **self.service_kwargs(data))

    def service_kwargs(self, data: dict) -> dict:
        return data


class AcceptForm(EnterpriseLookupMixin, ActionForm):
    service = staticmethod(services.tipoff_accept)
    title = forms.CharField(label=_("隐患名称"), max_length=200)
    description = forms.CharField(
        label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("隐患信息对整改单位可见，请勿写入举报人的任何信息。"),
    )
    enterprise = forms.CharField(label=_("生产经营单位（可不填）"), required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"data-enterprise-search": "1", "autocomplete": "off"}))
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all())
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL,
                              widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices,
                                 initial=HazardCategory.UNSAFE_CONDITION)
    comment = forms.CharField(label=_("受理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.tipoff.description.strip()
        self.fields["title"].initial = text.splitlines()[0][:40] if text else ""
        self.fields["description"].initial = text
        self.fields["sector"].initial = self.tipoff.sector_id
        # The answer to the possible duplicates (the buttons of the candidates list), as on the
        # report page; candidates the service found are set by the view.
        self.choice = DuplicateChoiceForm(self.data if self.is_bound else None)
        self.duplicate_candidates = []

    def clean_enterprise(self):
        return self.resolve_enterprise(self.user, self.cleaned_data.get("enterprise"))

    def clean(self):
        data = super().clean()
        if self.is_bound and not self.choice.is_valid():
            for errors in self.choice.errors.values():
                for error in errors:
                    self.add_error(None, error)
        return data

    def service_kwargs(self, data: dict) -> dict:
        comment = data.pop("comment", "")
        return {"hazard_data": data, "comment": comment, **self.choice.service_kwargs()}


class DuplicateForm(ActionForm):
    service = staticmethod(services.tipoff_mark_duplicate)
    hazard_code = forms.CharField(label=_("已登记隐患编号"), max_length=40,
                                  widget=forms.TextInput(attrs={"placeholder": "YH-430522-2026-000001"}))
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(ActionForm):
    service = staticmethod(services.tipoff_reject)
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("举报人可在查询页看到此理由。"))


class TransferForm(ActionForm):
    service = staticmethod(services.tipoff_transfer)
    region = RegionChoiceField(label=_("转至区划"), required=False, empty_label=_("（不转区划）"))
    department = forms.ModelChoiceField(label=_("或转至部门"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("（不转部门）"))
    note = forms.CharField(label=_("转办说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].load_choices()
        self.fields["department"].queryset = Department.objects.select_related("region").order_by("region_id", "name")

    def clean(self):
        data = super().clean()
        if bool(data.get("region")) == bool(data.get("department")):
            raise forms.ValidationError(_("请选择转办的区划或部门（二选一）。"))
        return data


TIPOFF_ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "duplicate": DuplicateForm,
    "reject": RejectForm,
    "transfer": TransferForm,
}
TIPOFF_ACTION_LABELS = {
    "accept": _("受理并立案"),
    "duplicate": _("重复举报"),
    "reject": _("不予受理"),
    "transfer": _("转办"),
}


# --- rewards --------------------------------------------------------------------------------------

class RewardProposeForm(forms.Form):
    amount = forms.DecimalField(label=_("奖励金额（元）"), min_value=0, max_digits=10, decimal_places=2)
    basis = forms.CharField(label=_("奖励依据"), widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("如：举报查实重大事故隐患，依据《安全生产领域举报奖励办法》第X条。"))

    def __init__(self, *args, tipoff: TipOff, reward: Reward | None, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.tipoff, self.reward, self.user = tipoff, reward, user

    def call(self):
        return services.reward_propose(tipoff_id=self.tipoff.pk, actor=self.user, **self.cleaned_data)


class RewardStepForm(forms.Form):
    service = None

    def __init__(self, *args, tipoff: TipOff, reward: Reward | None, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.tipoff, self.reward, self.user = tipoff, reward, user

    def call(self):
        if self.reward is None:
            from hazardtrack.errors import DomainError

            raise DomainError("no_reward", _("没有待办理的奖励。"))
        return self.service(reward_id=self.reward.pk, actor=self.user, **self.cleaned_data)


class RewardApproveForm(RewardStepForm):
    service = staticmethod(services.reward_approve)
    comment = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RewardRefuseForm(RewardStepForm):
    service = staticmethod(services.reward_refuse)
    reason = forms.CharField(label=_("不予奖励理由"), widget=forms.Textarea(attrs={"rows": 2}))


class RewardPaymentForm(RewardStepForm):
    service = staticmethod(services.reward_record_payment)
    paid_at = forms.DateField(label=_("发放日期"), widget=DATE_INPUT, initial=timezone.localdate)
    reference = forms.CharField(label=_("发放凭证号/转账流水号"), max_length=64)


REWARD_FORMS = {
    "propose": RewardProposeForm,
    "approve": RewardApproveForm,
    "refuse": RewardRefuseForm,
    "pay": RewardPaymentForm,
}
REWARD_LABELS = {
    "propose": _("提出奖励建议"),
    "approve": _("批准奖励"),
    "refuse": _("不予奖励"),
    "pay": _("登记发放"),
}


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("举报日期起"), widget=DATE_INPUT)
    end = forms.DateField(label=_("举报日期止"), widget=DATE_INPUT)
    region = forms.CharField(label=_("区划代码（含下级）"), required=False, max_length=12)

    def clean_region(self):
        value = self.cleaned_data["region"].strip()
        if value and (not value.isdigit() or not Region.objects.filter(code=value).exists()):
            raise forms.ValidationError(_("区划代码不存在。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data
