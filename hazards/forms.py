"""Forms of the hazard pages. They parse and validate input; the services decide the rules.

Each transition form names the service it feeds (`service`) and turns its cleaned data into
the service's keyword arguments (`service_kwargs`), so the view stays one generic function.
"""
from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.jurisdiction import covering_region_q
from accounts.models import Enterprise, Region, Sector, User
from hazardtrack.dates import local_today
from hazardtrack.formats import cn_date
from hazardtrack.forms import mark_required, preselect_only_choice
from hazardtrack.uploads import PendingUploadsMixin, documents_field, photo_field

from . import services
from .choices import HazardCategory, HazardLevel, HazardSource, ListingLevel, ResumeReviewStatus
from .models import RESUME_REVIEW_DAYS, Hazard, RectificationPlan


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseLookupMixin:
    """Resolve the enterprise typed into a text box (name or credit code; the page's script
    offers matches as you type) among the enterprises the user may see."""

    def resolve_enterprise(self, user: User, text: str) -> Enterprise | None:
        text = (text or "").strip()
        if not text:
            return None
        visible = Enterprise.objects.visible_to(user)
        code = text.rsplit("（", 1)[-1].rstrip("）").strip().upper() if "（" in text else text.upper()
        match = visible.filter(Q(credit_code=code) | Q(credit_code=text.upper()) | Q(name=text)).first()
        if match is None:
            raise forms.ValidationError(_("找不到该单位：“%(text)s”。请输入单位全称或统一社会信用代码，或从提示中选择。"),
                                        params={"text": text})
        return match


class HazardReportForm(PendingUploadsMixin, EnterpriseLookupMixin, forms.Form):
    """Quick entry on a phone: what, where, how serious, photos."""

    enterprise = forms.CharField(
        label=_("生产经营单位"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"data-enterprise-search": "1", "autocomplete": "off",
                                      "placeholder": _("输入单位名称或信用代码搜索")}),
    )
    title = forms.CharField(label=_("隐患名称"), max_length=200)
    description = forms.CharField(label=_("隐患描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL,
                              widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices,
                                 initial=HazardCategory.UNSAFE_CONDITION)
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("（按单位所属行业）"))
    source = forms.ChoiceField(label=_("隐患来源"), choices=HazardSource.choices, initial=HazardSource.INSPECTION)
    region = forms.ModelChoiceField(label=_("所属区划"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("（按单位所在区划）"))
    address = forms.CharField(label=_("具体位置"), required=False, max_length=200)
    latitude = forms.DecimalField(label=_("纬度"), required=False, max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.DecimalField(label=_("经度"), required=False, max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180, widget=forms.HiddenInput)
    before_photos = photo_field(_("现场照片"))
    rectified_on_spot = forms.BooleanField(label=_("已现场立行立改"), required=False)
    after_photos = photo_field(_("整改后照片（立行立改）"))
    on_spot_note = forms.CharField(label=_("立行立改情况"), required=False, max_length=500)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, uploader=user, **kwargs)
        self.user = user
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level__in=("county", "township"))
        if user.role == Role.ENTERPRISE:
            for name in ("source", "region"):
                del self.fields[name]
            # An enterprise contact reports for the own unit only: shown, chosen, not changeable.
            own = self.fields["enterprise"]
            own.disabled, own.initial = True, user.enterprise.name if user.enterprise_id else ""
            own.widget.attrs.pop("data-enterprise-search", None)
        elif user.role == Role.GRID:
            del self.fields["source"]
        preselect_only_choice(self, "region")
        if user.role == Role.GRID:
            # Without an enterprise (the usual case of a grid worker) the region and sector are required.
            mark_required(self, "region", "sector")

    def clean_enterprise(self):
        return self.resolve_enterprise(self.user, self.cleaned_data.get("enterprise"))

    def clean(self):
        data = super().clean()
        if "enterprise" in self.errors:
            data = {**data, "enterprise": None}
        # A validate-only pass of the service's own rules: every problem shows with the form's own errors.
        services.hazard_create_problems(actor=self.user, **self.service_kwargs(data)).add_to_form(self)
        return data

    def service_kwargs(self, data: dict | None = None) -> dict:
        data = dict(self.cleaned_data if data is None else data)
        return {
            "data": {k: data.get(k) for k in services.REPORT_FIELDS if data.get(k) not in (None, "")},
            "before_photos": data.get("before_photos") or [],
            "rectified_on_spot": bool(data.get("rectified_on_spot")),
            "after_photos": data.get("after_photos") or [],
            "on_spot_note": data.get("on_spot_note") or "",
        }


class DuplicateChoiceForm(forms.Form):
    """The reporter's answer to the possible duplicates shown before saving: the buttons of the
    candidates list post `duplicate_of` (the same hazard) or `not_duplicate` (report anyway)."""

    duplicate_of = forms.IntegerField(label=_("同一隐患"), required=False, min_value=1,
                                      error_messages={"invalid": _("要关联的隐患编号无效。"),
                                                      "min_value": _("要关联的隐患编号无效。")})
    not_duplicate = forms.BooleanField(label=_("不是同一隐患"), required=False)

    def service_kwargs(self) -> dict:
        return {"duplicate_of": self.cleaned_data.get("duplicate_of"),
                "not_duplicate": bool(self.cleaned_data.get("not_duplicate"))}


class HazardEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Hazard
        fields = ["title", "description", "level", "category", "sector", "source", "address", "original_code"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def service_kwargs(self) -> dict:
        return {"data": {f: self.cleaned_data[f] for f in self.Meta.fields}}


# --- transitions ---------------------------------------------------------------------------

class TransitionForm(PendingUploadsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    service = None  # the services function this form feeds
    checks = None  # the services function that finds every problem of its input (the service runs it too)

    def __init__(self, *args, hazard: Hazard, user: User, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", hazard.version)
        super().__init__(*args, uploader=user, upload_key=f"{type(self).__name__}:{hazard.pk}", **kwargs)
        self.hazard, self.user = hazard, user

    def clean(self):
        data = super().clean()
        if self.checks is not None:
            self.checks(hazard=self.hazard, actor=self.user, **self.service_kwargs()).add_to_form(self)
        return data

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ConfirmForm(TransitionForm):
    service = staticmethod(services.hazard_confirm)
    level = forms.ChoiceField(label=_("认定等级"), choices=HazardLevel.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("认定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].initial = self.hazard.level


class RejectForm(TransitionForm):
    service = staticmethod(services.hazard_reject)
    checks = staticmethod(services.hazard_reject_problems)
    reason = forms.CharField(label=_("不予认定理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(TransitionForm):
    service = staticmethod(services.hazard_assign)
    checks = staticmethod(services.hazard_assign_problems)
    responsible_unit = forms.CharField(label=_("整改责任单位"), max_length=128)
    responsible_person = forms.CharField(label=_("整改责任人"), max_length=32)
    responsible_phone = forms.CharField(label=_("责任人电话"), max_length=32, required=False)
    measures = forms.CharField(label=_("整改措施要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_INPUT, required=False)
    deadline_days = forms.IntegerField(
        label=_("或：整改天数"), required=False, min_value=1, max_value=3650,
        help_text=_("自明日起算，按本地区整改期限的计算方式（自然日或工作日，节假日依国务院通知）得出期限；填写日期则不必填写。"))
    funds_planned = forms.DecimalField(label=_("计划整改资金（元）"), required=False, min_value=0, max_digits=14,
                                       decimal_places=2)
    assigned_inspector = forms.ModelChoiceField(label=_("跟踪检查员"), queryset=User.objects.none(), required=False)
    comment = forms.CharField(label=_("交办说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.hazard.enterprise
        if enterprise is not None:
            self.fields["responsible_unit"].initial = enterprise.name
            self.fields["responsible_person"].initial = enterprise.contact_name
            self.fields["responsible_phone"].initial = enterprise.contact_phone
        self.fields["assigned_inspector"].queryset = User.objects.filter(
            covering_region_q(self.hazard.region_id), role=Role.INSPECTOR, is_active=True
        ).order_by("username")
        self.fields["assigned_inspector"].initial = self.hazard.found_by_id

    def clean(self):
        data = super().clean()
        _date_or_days(self, date_field="deadline", days_field="deadline_days")
        return data


def _date_or_days(form: forms.Form, *, date_field: str, days_field: str) -> None:
    """A deadline is given as a date or as a number of days, not both (that one of the two is
    given is the service's rule, which the form's checks already ran)."""
    data = form.cleaned_data
    if date_field in form.errors or days_field in form.errors:
        return
    if data.get(date_field) is not None and data.get(days_field) is not None:
        form.add_error(days_field, _("已填写日期时请不要再填写天数（二者选一）。"))


class PlanForm(TransitionForm):
    service = staticmethod(services.hazard_submit_plan)
    checks = staticmethod(services.hazard_submit_plan_problems)
    comment = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in services.PLAN_FIELDS:
            label = RectificationPlan._meta.get_field(name).verbose_name
            self.fields[name] = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self) -> dict:
        return {"plan": {n: self.cleaned_data.get(n) for n in services.PLAN_FIELDS},
                "comment": self.cleaned_data.get("comment", "")}


class ListingForm(TransitionForm):
    service = staticmethod(services.hazard_list_for_supervision)
    checks = staticmethod(services.hazard_list_for_supervision_problems)
    listing_level = forms.ChoiceField(label=_("挂牌督办级别"), choices=ListingLevel.choices)
    doc_no = forms.CharField(label=_("督办文号"), max_length=64)
    listing_date = forms.DateField(label=_("挂牌日期"), widget=DATE_INPUT, initial=local_today)
    production_suspended = forms.BooleanField(label=_("责令局部或全部停产停业"), required=False)
    comment = forms.CharField(label=_("说明"), required=False)


class ExtensionRequestForm(TransitionForm):
    service = staticmethod(services.hazard_request_extension)
    checks = staticmethod(services.hazard_request_extension_problems)
    requested_deadline = forms.DateField(label=_("申请延期至"), widget=DATE_INPUT, required=False)
    requested_days = forms.IntegerField(
        label=_("或：延期天数"), required=False, min_value=1, max_value=3650,
        help_text=_("自当前整改期限次日起算，按本地区整改期限的计算方式得出新期限。"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        _date_or_days(self, date_field="requested_deadline", days_field="requested_days")
        return data


class ExtensionDecisionForm(TransitionForm):
    service = staticmethod(services.hazard_decide_extension)
    checks = staticmethod(services.hazard_decide_extension_problems)
    decision = forms.ChoiceField(label=_("审批结果"), choices=(("approve", _("批准")), ("refuse", _("不予批准"))),
                                 widget=forms.RadioSelect)
    approved_deadline = forms.DateField(label=_("批准延期至（默认按申请）"), required=False, widget=DATE_INPUT)
    comment = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The request beside the decision: what was asked for, why, and the deadline it moves.
        self.request = self.hazard.extension_requests.filter(status="pending").select_related("requested_by").first()
        if self.data.get(self.add_prefix("decision")) == "refuse" or self.initial.get("decision") == "refuse":
            mark_required(self, "comment")
        self.fields["comment"].help_text = _("不予批准时须填写理由。")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"approve": {"approve": True, "refuse": False}.get(data.get("decision")),
                "approved_deadline": data.get("approved_deadline"), "comment": data.get("comment", "")}


class RectificationReportForm(TransitionForm):
    service = staticmethod(services.hazard_report_rectification)
    checks = staticmethod(services.hazard_report_rectification_problems)
    report = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    funds_spent = forms.DecimalField(label=_("实际整改资金（元）"), required=False, min_value=0, max_digits=14,
                                     decimal_places=2)
    after_photos = photo_field(_("整改后照片"))
    assessment_report = forms.CharField(label=_("整改评估报告（重大隐患）"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    documents = documents_field(_("其他材料（PDF或照片）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.hazard.is_major:
            del self.fields["assessment_report"]
        else:
            mark_required(self, "assessment_report")
        if services.rectification_needs_after_photo(self.hazard):
            mark_required(self, "after_photos")


class VerifyForm(TransitionForm):
    service = staticmethod(services.hazard_verify)
    checks = staticmethod(services.hazard_verify_problems)
    result = forms.ChoiceField(label=_("复查结论"), choices=(("pass", _("通过")), ("fail", _("不通过，退回整改"))),
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("复查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = photo_field(_("复查照片"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"passed": {"pass": True, "fail": False}.get(data.get("result")), "comment": data.get("comment", ""),
                "photos": data.get("photos") or []}


class ApplyResumeForm(TransitionForm):
    service = staticmethod(services.hazard_apply_resume)
    checks = staticmethod(services.hazard_apply_resume_problems)
    content = forms.CharField(label=_("复产申请内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not at import: in the language of this request.
        self.fields["content"].help_text = _(
            "整改和评估情况、具备的安全生产条件。监管部门应在申请之日起%(days)s日内现场审查。"
        ) % {"days": RESUME_REVIEW_DAYS}


class ReviewResumeForm(TransitionForm):
    service = staticmethod(services.hazard_review_resume)
    checks = staticmethod(services.hazard_review_resume_problems)
    result = forms.ChoiceField(label=_("审查结论"), widget=forms.RadioSelect, choices=(
        ("pass", _("审查合格，同意恢复生产")), ("fail", _("审查不合格，继续停产停业整改"))))
    review_date = forms.DateField(label=_("现场审查日期"), widget=DATE_INPUT, initial=local_today)
    opinion = forms.CharField(label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("不合格时须写明原因。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.hazard.resume_applications.filter(status=ResumeReviewStatus.PENDING).first()
        if pending is not None:
            self.fields["review_date"].help_text = _("审查期限：%(due)s") % {"due": cn_date(pending.review_due)}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"passed": {"pass": True, "fail": False}.get(data.get("result")), "opinion": data.get("opinion", ""),
                "review_date": data.get("review_date")}


class SignOffForm(TransitionForm):
    service = staticmethod(services.hazard_sign_off)
    comment = forms.CharField(label=_("销号意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "confirm": ConfirmForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "submit_plan": PlanForm,
    "list_supervision": ListingForm,
    "request_extension": ExtensionRequestForm,
    "decide_extension": ExtensionDecisionForm,
    "report_rectification": RectificationReportForm,
    "verify": VerifyForm,
    "apply_resume": ApplyResumeForm,
    "review_resume": ReviewResumeForm,
    "sign_off": SignOffForm,
}
