"""Forms of the inspection pages. They parse input; the services decide the rules."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import REGULATOR_ROLES, RiskColour, Role
from accounts.models import Enterprise, Region, Sector, User
from hazards.forms import DATE_INPUT, EnterpriseLookupMixin
from hazardtrack.dates import local_today
from hazardtrack.uploads import PendingUploadsMixin, photo_field

from .choices import InspectionType, ItemResult
from .models import ChecklistTemplate
from .services import default_template_for, proposed_templates

STAFF_ROLES = REGULATOR_ROLES


def _person(obj: User) -> str:
    return _("%(name)s（%(role)s）") % {"name": obj.display_name, "role": obj.get_role_display()}


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _person(obj)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _person(obj)


def enterprise_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=_("被检查单位"), max_length=200,
        widget=forms.TextInput(attrs={"data-enterprise-search": "1", "autocomplete": "off",
                                      "placeholder": _("输入单位名称或信用代码搜索")}), **kwargs)


class InspectionCreateForm(EnterpriseLookupMixin, forms.Form):
    enterprise = enterprise_field()
    type = forms.ChoiceField(label=_("检查类型"), choices=InspectionType.choices, initial=InspectionType.ROUTINE)
    date = forms.DateField(label=_("检查日期"), widget=DATE_INPUT, initial=local_today)
    inspectors = TeamChoiceField(label=_("检查人员（执法检查不少于2人）"), queryset=User.objects.none(),
                                 widget=forms.CheckboxSelectMultiple)
    template = forms.ModelChoiceField(label=_("检查表"), queryset=ChecklistTemplate.objects.none(), required=False,
                                      empty_label=_("（按单位所属行业自动选择）"))

    def __init__(self, *args, user: User, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["inspectors"].queryset = (User.objects.visible_to(user)
                                              .filter(role__in=STAFF_ROLES, is_active=True)
                                              | User.objects.filter(pk=user.pk)).distinct().order_by("role", "username")
        self.fields["inspectors"].initial = [user.pk]
        sector_id = enterprise.sector_id if enterprise else None
        self.fields["template"].queryset = proposed_templates(sector_id)
        if enterprise is not None:
            self.fields["enterprise"].initial = f"{enterprise.name}（{enterprise.credit_code}）"
            self.fields["template"].initial = default_template_for(sector_id)

    def clean_enterprise(self):
        return self.resolve_enterprise(self.user, self.cleaned_data.get("enterprise"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"enterprise": data["enterprise"], "type": data["type"], "date": data["date"],
                "inspectors": list(data["inspectors"]), "template": data.get("template")}


class ResultForm(PendingUploadsMixin, forms.Form):
    """One checklist item, answered on the phone."""

    result = forms.ChoiceField(label=_("检查结果"), choices=ItemResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("不符合情况（将作为隐患描述）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photos = photo_field(_("现场照片"))
    rectified_on_spot = forms.BooleanField(label=_("已现场立行立改（一般隐患）"), required=False)
    after_photos = photo_field(_("整改后照片（立行立改必填）"))
    expected = forms.CharField(required=False, widget=forms.HiddenInput)
    # The answer to the enterprise's similar open hazards shown on the card (radios drawn by
    # _item.html): a hazard's id (the same one) or "new" (another hazard).
    same_as = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_same_as(self):
        value = (self.cleaned_data.get("same_as") or "").strip()
        if value and value != "new" and not value.isdigit():
            raise forms.ValidationError(_("所选的同一隐患无效，请重新选择。"))
        return value

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        same_as = data.get("same_as") or ""
        return {"result": data["result"], "note": data.get("note") or "", "expected": data.get("expected") or "",
                "photos": data.get("photos") or [], "rectified_on_spot": bool(data.get("rectified_on_spot")),
                "after_photos": data.get("after_photos") or [],
                "duplicate_of": int(same_as) if same_as.isdigit() else None, "not_duplicate": same_as == "new"}


class FinishForm(forms.Form):
    conclusion = forms.CharField(label=_("检查结论（留空按检查结果自动生成）"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class OrderForm(forms.Form):
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_INPUT)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= local_today():
            raise forms.ValidationError(_("整改期限必须晚于今天。"))
        return deadline


class PlanForm(forms.Form):
    name = forms.CharField(label=_("计划名称"), max_length=128)
    region = forms.ModelChoiceField(label=_("抽查区域"), queryset=Region.objects.none())
    sectors = forms.ModelMultipleChoiceField(label=_("行业领域（不选为全部）"), queryset=Sector.objects.all(),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    risk_colours = forms.MultipleChoiceField(label=_("风险等级（不选为全部）"), choices=RiskColour.choices,
                                             required=False, widget=forms.CheckboxSelectMultiple)
    size = forms.IntegerField(label=_("抽取单位数"), min_value=1, max_value=1000)
    inspectors_per_enterprise = forms.IntegerField(label=_("每户检查人员数"), min_value=2, max_value=5, initial=2)
    start_date = forms.DateField(label=_("检查开始日期"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("检查截止日期"), widget=DATE_INPUT)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(
            level__in=("city", "county", "township")).order_by("code")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("检查截止日期不能早于开始日期。"))
        return data


class DrawForm(forms.Form):
    seed = forms.CharField(label=_("随机种子（可留空自动生成；也可使用公开的数，如当日彩票开奖号码）"), required=False,
                           max_length=64)


class ConflictForm(EnterpriseLookupMixin, forms.Form):
    inspector = PersonChoiceField(label=_("检查人员"), queryset=User.objects.none())
    enterprise = enterprise_field()
    reason = forms.CharField(label=_("回避事由"), max_length=200)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["inspector"].queryset = User.objects.visible_to(user).filter(
            role=Role.INSPECTOR, is_active=True).order_by("username")

    def clean_enterprise(self):
        return self.resolve_enterprise(self.user, self.cleaned_data.get("enterprise"))
