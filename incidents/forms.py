"""Forms of the incident pages: they parse; the services decide. Each action form knows the
service it feeds (`run`), so the view is one generic function."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Sector, User
from hazards.choices import HazardCategory, HazardLevel
from hazards.forms import DATE_INPUT, EnterpriseLookupMixin
from hazardtrack.forms import preselect_only_choice
from hazardtrack.uploads import PendingUploadsMixin, documents_field, photo_field

from . import services, statistics
from .choices import IncidentAttachmentKind, IncidentType, ListingLevel
from .models import FINDING_FIELDS, Incident, Investigation

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _count_field(name: str) -> forms.IntegerField:
    return forms.IntegerField(label=Incident._meta.get_field(name).verbose_name, min_value=0, max_value=100_000,
                              initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _loss_field() -> forms.DecimalField:
    return forms.DecimalField(label=_("直接经济损失（元）"), min_value=0, max_digits=16, decimal_places=2, initial=0,
                              widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))


class FiguresMixin:
    def figures(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.FIGURE_FIELDS}


class IncidentForm(PendingUploadsMixin, FiguresMixin, EnterpriseLookupMixin, forms.Form):
    """记录事故, on a phone: what, when, where, how many, photos."""

    title = forms.CharField(label=_("事故名称"), max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("如：某公司“5·12”高处坠落事故")}))
    occurred_at = forms.DateTimeField(label=_("发生时间"), input_formats=DATETIME_FORMATS, widget=DATETIME_INPUT)
    unit_reported_at = forms.DateTimeField(label=_("单位报告时间"), input_formats=DATETIME_FORMATS, widget=DATETIME_INPUT,
                                           required=False, help_text=_("事故单位向县级报告的时间；留空为现在。"))
    enterprise = forms.CharField(
        label=_("事故单位"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"data-enterprise-search": "1", "autocomplete": "off",
                                      "placeholder": _("输入单位名称或信用代码搜索")}),
    )
    region = forms.ModelChoiceField(label=_("发生地区划"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("（按事故单位所在区划）"))
    address = forms.CharField(label=_("发生地点"), required=False, max_length=200)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                   widget=forms.HiddenInput)
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("（按事故单位所属行业）"))
    type = forms.ChoiceField(label=_("事故类别"), choices=[("", "—")] + IncidentType.choices)
    deaths = _count_field("deaths")
    missing = _count_field("missing")
    serious_injuries = _count_field("serious_injuries")
    minor_injuries = _count_field("minor_injuries")
    direct_loss = _loss_field()
    narrative = forms.CharField(label=_("事故简要经过"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    photos = photo_field(_("现场照片"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, uploader=user, **kwargs)
        self.user = user
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level__in=("county", "township"))
        preselect_only_choice(self, "region")

    def clean_enterprise(self):
        return self.resolve_enterprise(self.user, self.cleaned_data.get("enterprise"))

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not data.get("region"):
            self.add_error("region", _("没有事故单位时，请选择发生地区划。"))
        if not data.get("enterprise") and not data.get("sector"):
            self.add_error("sector", _("没有事故单位时，请选择行业领域。"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        record = {k: data.get(k) for k in services.RECORD_FIELDS if data.get(k) not in (None, "")}
        return {"data": {**record, **self.figures()}, "photos": data.get("photos") or [],
                "unit_reported_at": data.get("unit_reported_at")}


# --- actions on an incident ---------------------------------------------------------------

class ActionForm(PendingUploadsMixin, forms.Form):
    versioned = True

    def __init__(self, *args, incident: Incident, user: User, **kwargs):
        super().__init__(*args, uploader=user, upload_key=f"{type(self).__name__}:{incident.pk}", **kwargs)
        self.incident, self.user = incident, user
        if self.versioned:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=incident.version)

    def run(self, *, actor: User):
        raise NotImplementedError

    def _versioned(self) -> dict:
        return {"incident_id": self.incident.pk, "actor": self.user, "expected_version": self.cleaned_data["version"]}


class ReportStepForm(ActionForm):
    versioned = False
    note = forms.CharField(label=_("报告内容（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor):
        return services.incident_report_step(incident_id=self.incident.pk, actor=actor, note=self.cleaned_data["note"])


class FiguresForm(FiguresMixin, ActionForm):
    deaths = _count_field("deaths")
    missing = _count_field("missing")
    serious_injuries = _count_field("serious_injuries")
    minor_injuries = _count_field("minor_injuries")
    direct_loss = _loss_field()
    comment = forms.CharField(label=_("续报说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in services.FIGURE_FIELDS:
            self.fields[name].initial = getattr(self.incident, name)

    def run(self, *, actor):
        return services.incident_update_figures(**self._versioned(), figures=self.figures(),
                                                comment=self.cleaned_data["comment"])


class StartInvestigationForm(ActionForm):
    team_leader = forms.CharField(label=_("调查组组长"), max_length=64)
    team_members = forms.CharField(label=_("调查组成员单位和人员"), widget=forms.Textarea(attrs={"rows": 3}))
    started_on = forms.DateField(label=_("成立日期"), widget=DATE_INPUT, initial=timezone.localdate)
    comment = forms.CharField(label=_("说明"), required=False)

    def run(self, *, actor):
        d = self.cleaned_data
        return services.incident_start_investigation(**self._versioned(), team_leader=d["team_leader"],
                                                     team_members=d["team_members"], started_on=d["started_on"],
                                                     comment=d["comment"])


class ExtendInvestigationForm(ActionForm):
    new_due_on = forms.DateField(label=_("延长至"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor):
        return services.incident_extend_investigation(**self._versioned(), new_due_on=self.cleaned_data["new_due_on"],
                                                      reason=self.cleaned_data["reason"])


class FindingsForm(ActionForm):
    comment = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        investigation = getattr(self.incident, "investigation", None)
        for name in FINDING_FIELDS:
            self.fields[name] = forms.CharField(label=Investigation._meta.get_field(name).verbose_name, required=False,
                                                widget=forms.Textarea(attrs={"rows": 3}),
                                                initial=getattr(investigation, name, ""))
        self.order_fields(list(FINDING_FIELDS) + ["comment"])

    def run(self, *, actor):
        return services.incident_record_findings(**self._versioned(), comment=self.cleaned_data["comment"],
                                                 findings={n: self.cleaned_data[n] for n in FINDING_FIELDS})


class ListingForm(ActionForm):
    listing_level = forms.ChoiceField(label=_("挂牌督办级别"), choices=ListingLevel.choices)
    doc_no = forms.CharField(label=_("督办文号"), max_length=64)
    listing_date = forms.DateField(label=_("挂牌日期"), widget=DATE_INPUT, initial=timezone.localdate)
    comment = forms.CharField(label=_("说明"), required=False)

    def run(self, *, actor):
        return services.incident_list_for_supervision(**self._versioned(), **{
            k: self.cleaned_data[k] for k in ("listing_level", "doc_no", "listing_date", "comment")})


class FollowupHazardForm(ActionForm):
    versioned = False
    title = forms.CharField(label=_("隐患名称"), max_length=200)
    description = forms.CharField(label=_("隐患描述"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL,
                              widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices,
                                 initial=HazardCategory.UNSAFE_CONDITION)
    before_photos = photo_field(_("现场照片"))

    def run(self, *, actor):
        d = self.cleaned_data
        return services.incident_create_followup_hazard(
            incident_id=self.incident.pk, actor=actor, before_photos=d["before_photos"],
            data={k: d[k] for k in ("title", "description", "level", "category")},
        )


class LinkHazardForm(ActionForm):
    versioned = False
    hazard_code = forms.CharField(label=_("隐患编号"), max_length=40,
                                  widget=forms.TextInput(attrs={"placeholder": "YH-430522-2026-000001"}))

    def run(self, *, actor):
        return services.incident_link_hazard(incident_id=self.incident.pk, actor=actor,
                                             hazard_code=self.cleaned_data["hazard_code"])


class AttachmentForm(ActionForm):
    versioned = False
    kind = forms.ChoiceField(label=_("类型"), choices=[(IncidentAttachmentKind.PHOTO, IncidentAttachmentKind.PHOTO.label),
                                                       (IncidentAttachmentKind.DOCUMENT, IncidentAttachmentKind.DOCUMENT.label)])
    files = documents_field(_("文件（照片或PDF）"))
    comment = forms.CharField(label=_("说明"), required=False)

    def clean(self):
        data = super().clean()
        services.incident_add_attachments_problems(kind=data.get("kind"), files=data.get("files")).add_to_form(self)
        return data

    def run(self, *, actor):
        d = self.cleaned_data
        return services.incident_add_attachments(incident_id=self.incident.pk, actor=actor, kind=d["kind"],
                                                 files=d["files"], comment=d["comment"])


class CloseForm(ActionForm):
    approval_doc_no = forms.CharField(label=_("批复文号"), max_length=64)
    approved_on = forms.DateField(label=_("批复日期"), widget=DATE_INPUT)
    report_files = documents_field(_("批复的事故调查报告（PDF或图片）"))
    comment = forms.CharField(label=_("结案意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def run(self, *, actor):
        d = self.cleaned_data
        return services.incident_close(**self._versioned(), approval_doc_no=d["approval_doc_no"],
                                       approved_on=d["approved_on"], report_files=d["report_files"],
                                       comment=d["comment"])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "report_step": ReportStepForm,
    "update_figures": FiguresForm,
    "start_investigation": StartInvestigationForm,
    "extend_investigation": ExtendInvestigationForm,
    "record_findings": FindingsForm,
    "list_supervision": ListingForm,
    "followup_hazard": FollowupHazardForm,
    "link_hazard": LinkHazardForm,
    "add_attachments": AttachmentForm,
    "close": CloseForm,
}


# --- the figures page ----------------------------------------------------------------------

class FiguresFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("区划"), queryset=Region.objects.none(), required=False,
                                    to_field_name="code", empty_label=_("（本人辖区）"))
    start = forms.DateField(label=_("起始日期"), widget=DATE_INPUT, required=False)
    end = forms.DateField(label=_("截止日期"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(
            level__in=("province", "city", "county"))

    def clean(self):
        data = super().clean()
        default = statistics.Period.year_to_date()
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        data["period"] = statistics.Period(start, end)
        return data

    def region_code(self) -> str:
        region = self.cleaned_data.get("region") if self.is_valid() else None
        return region.code if region else (self.user.region_id or "")

    def period(self) -> statistics.Period:
        return self.cleaned_data["period"] if self.is_valid() else statistics.Period.year_to_date()
