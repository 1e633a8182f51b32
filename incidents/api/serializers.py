"""What the incident API returns and accepts. Output serializers only read what the selectors
fetched; input serializers only parse — the rules are in incidents.services / transitions."""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import EnumField
from accounts.api.serializers import (
    EnterpriseBriefSerializer,
    RegionBriefSerializer,
    SectorBriefSerializer,
    UserBriefSerializer,
)
from accounts.models import Enterprise, Region, Sector
from hazards.api.inputs import VisibleRelatedField, files_field
from hazards.choices import HazardCategory, HazardLevel
from hazardtrack.filters import date_validators
from hazardtrack.preconditions import VERSION_HELP
from incidents.choices import (
    IncidentAttachmentKind,
    IncidentEventAction,
    IncidentGrade,
    IncidentStatus,
    IncidentType,
    LeadAuthority,
    ListingLevel,
    ReportLevel,
)
from incidents.models import FINDING_FIELDS, Incident, IncidentAttachment, IncidentEvent, IncidentReport, Investigation
from incidents.transitions import available_actions

def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


# --- output --------------------------------------------------------------------------------

class IncidentAttachmentSerializer(serializers.ModelSerializer):
    kind = EnumField(IncidentAttachmentKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField(help_text="下载地址（校验辖区）")

    class Meta:
        model = IncidentAttachment
        fields = ["id", "kind", "kind_label", "original_name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), reverse("incidents:attachment", args=[obj.pk]))


class ReportStepSerializer(serializers.ModelSerializer):
    from_level = EnumField(ReportLevel, read_only=True)
    to_level = EnumField(ReportLevel, read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    reported_by = UserBriefSerializer(read_only=True, allow_null=True)
    met = serializers.BooleanField(read_only=True, allow_null=True,
                                   help_text="true 按时；false 迟报或已超时未报；null 尚未到时限或时限未起算")

    class Meta:
        model = IncidentReport
        fields = ["id", "sequence", "from_level", "to_level", "label", "due_at", "reported_at", "reported_by", "note",
                  "met"]
        read_only_fields = fields


class InvestigationSerializer(serializers.ModelSerializer):
    lead_authority = EnumField(LeadAuthority, read_only=True)
    lead_authority_label = serializers.CharField(source="get_lead_authority_display", read_only=True)
    extended = serializers.BooleanField(read_only=True)

    class Meta:
        model = Investigation
        fields = ["lead_authority", "lead_authority_label", "team_leader", "team_members", "started_on", "due_on",
                  "original_due_on", "extended", "extension_reason", *FINDING_FIELDS]
        read_only_fields = fields


class IncidentEventSerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True, allow_null=True)
    action = EnumField(IncidentEventAction, read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    changes = serializers.JSONField(read_only=True, help_text="变更字段：{字段: [原值, 新值]}")

    class Meta:
        model = IncidentEvent
        fields = ["id", "at", "actor", "action", "action_label", "comment", "changes"]
        read_only_fields = fields


class IncidentListSerializer(serializers.ModelSerializer):
    type = EnumField(IncidentType, read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    grade = EnumField(IncidentGrade, read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    status = EnumField(IncidentStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region = RegionBriefSerializer(read_only=True)
    sector = SectorBriefSerializer(read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True, allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:incident-detail")

    class Meta:
        model = Incident
        fields = ["id", "code", "title", "occurred_at", "region", "sector", "enterprise", "type", "type_label",
                  "deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss", "grade", "grade_label",
                  "status", "status_label", "version", "url"]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentListSerializer):
    """Everything about one incident. Expects `selectors.incident_detail`."""

    reported_by = UserBriefSerializer(read_only=True)
    listing_level = EnumField(ListingLevel, read_only=True, allow_blank=True)
    report_steps = ReportStepSerializer(many=True, read_only=True)
    investigation = serializers.SerializerMethodField()
    hazards = serializers.SerializerMethodField(help_text="整改复查中发现的隐患")
    attachments = IncidentAttachmentSerializer(many=True, read_only=True)
    events = IncidentEventSerializer(many=True, read_only=True)
    casualty_last_day = serializers.DateField(read_only=True, help_text="伤亡人数补报截止日")
    available_actions = serializers.SerializerMethodField(help_text="当前用户此刻可执行的操作（transitions.py 的名称）")

    class Meta(IncidentListSerializer.Meta):
        fields = IncidentListSerializer.Meta.fields + [
            "address", "latitude", "longitude", "narrative", "reported_by", "reported_at", "casualty_last_day",
            "listing_level", "listing_doc_no", "listing_date", "closed_at", "approval_doc_no", "approved_on",
            "report_steps", "investigation", "hazards", "attachments", "available_actions", "events",
        ]
        read_only_fields = fields

    @extend_schema_field(InvestigationSerializer(allow_null=True))
    def get_investigation(self, obj) -> dict | None:
        investigation = getattr(obj, "investigation", None)
        return InvestigationSerializer(investigation).data if investigation else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_hazards(self, obj) -> list[dict]:
        return [{"id": link.hazard_id, "code": link.hazard.code, "title": link.hazard.title,
                 "status": link.hazard.status} for link in obj.hazard_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return [a.name for a in available_actions(obj, request.user)] if request else []


class LateReportSerializer(ReportStepSerializer):
    incident = serializers.SerializerMethodField()

    class Meta(ReportStepSerializer.Meta):
        fields = ReportStepSerializer.Meta.fields + ["incident"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_incident(self, obj) -> dict:
        return {"id": obj.incident_id, "code": obj.incident.code, "title": obj.incident.title,
                "region": obj.incident.region_id}


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A count (integer) or an amount of yuan (two decimals) as a JSON number."""

    def to_representation(self, value):
        if value is None or isinstance(value, int):
            return value
        return float(value)


class FigurePairSerializer(serializers.Serializer):
    current = NumberField(read_only=True, help_text="本期")
    previous = NumberField(read_only=True, help_text="上年同期")
    change = NumberField(read_only=True, allow_null=True, help_text="同比（%），同期为0时为 null")
    current_query = serializers.CharField(help_text="本期数字对应的事故列表查询参数")
    previous_query = serializers.CharField(help_text="同期数字对应的事故列表查询参数")


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    double_decline = serializers.BooleanField(help_text="事故起数、死亡人数双下降")
    figures = serializers.DictField(child=FigurePairSerializer(), help_text="incidents, deaths, missing, "
                                    "serious_injuries, injuries, direct_loss")


class FiguresSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    previous_start = serializers.DateField(source="previous.start")
    previous_end = serializers.DateField(source="previous.end")
    total = FigureRowSerializer()
    breakdowns = serializers.DictField(child=FigureRowSerializer(many=True), help_text="region, sector, type, grade")


# --- input ---------------------------------------------------------------------------------

class VersionedInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class FiguresInput(serializers.Serializer):
    deaths = serializers.IntegerField(min_value=0, max_value=100_000, default=0, help_text="死亡人数")
    missing = serializers.IntegerField(min_value=0, max_value=100_000, default=0, help_text="失踪人数")
    serious_injuries = serializers.IntegerField(min_value=0, max_value=100_000, default=0, help_text="重伤人数")
    minor_injuries = serializers.IntegerField(min_value=0, max_value=100_000, default=0, help_text="轻伤人数")
    direct_loss = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, default=0,
                                           help_text="直接经济损失（元）")


class IncidentCreateInput(FiguresInput):
    title = serializers.CharField(max_length=200, help_text="事故名称")
    occurred_at = serializers.DateTimeField(help_text="发生时间")
    unit_reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                 help_text="事故单位向县级报告的时间（默认现在）")
    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True, default=None, help_text="事故单位ID")
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                          allow_null=True, default=None, help_text="发生地区划代码（县级或以下）")
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), required=False,
                                          allow_null=True, default=None, help_text="行业领域代码（默认取单位所属行业）")
    type = EnumField(IncidentType, help_text="事故类别（GB 6441-86）")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    narrative = serializers.CharField(required=False, allow_blank=True, default="", help_text="事故简要经过")
    photos = files_field("现场照片")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        photos, unit_reported_at = data.pop("photos"), data.pop("unit_reported_at")
        return {"data": data, "photos": photos, "unit_reported_at": unit_reported_at}


class UpdateFiguresInput(VersionedInput, FiguresInput):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="续报说明")


class ReportStepInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="报告内容")


class StartInvestigationInput(VersionedInput):
    team_leader = serializers.CharField(max_length=64, help_text="调查组组长")
    team_members = serializers.CharField(help_text="调查组成员单位和人员")
    started_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="成立日期（默认今天）")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendInvestigationInput(VersionedInput):
    new_due_on = serializers.DateField(help_text="延长至（最多延长60日，只能延长一次）")
    reason = serializers.CharField(help_text="延期理由")


class FindingsInput(VersionedInput):
    direct_causes = serializers.CharField(required=False, allow_blank=True, help_text="直接原因")
    indirect_causes = serializers.CharField(required=False, allow_blank=True, help_text="间接原因")
    responsible_parties = serializers.CharField(required=False, allow_blank=True, help_text="责任认定及处理建议")
    recommendations = serializers.CharField(required=False, allow_blank=True, help_text="整改和防范措施建议")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ListingInput(VersionedInput):
    listing_level = EnumField(ListingLevel, help_text="挂牌督办级别（不高于本人所在层级）")
    doc_no = serializers.CharField(max_length=64, help_text="督办文号")
    listing_date = serializers.DateField(help_text="挂牌日期")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CloseInput(VersionedInput):
    approval_doc_no = serializers.CharField(max_length=64, help_text="批复文号")
    approved_on = serializers.DateField(help_text="批复日期")
    report_files = files_field("批复的事故调查报告（PDF或图片；之前已上传的也算）")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FollowupHazardInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="隐患名称")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    level = EnumField(HazardLevel, required=False, default=HazardLevel.GENERAL)
    category = EnumField(HazardCategory, required=False, default=HazardCategory.UNSAFE_CONDITION)
    before_photos = files_field("现场照片")


class LinkHazardInput(serializers.Serializer):
    hazard_code = serializers.CharField(max_length=40, help_text="隐患编号（须在本人辖区内）")


class IncidentAttachmentInput(serializers.Serializer):
    kind = EnumField(IncidentAttachmentKind, help_text="photo 只收图片；document、report 还可为 PDF")
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=False), min_length=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresQuery(serializers.Serializer):
    region = serializers.CharField(required=False, default="", allow_blank=True, help_text="区划代码（默认本人辖区）")
    start = serializers.DateField(required=False, allow_null=True, default=None, validators=date_validators(), help_text="起始日期（默认本年1月1日）")
    end = serializers.DateField(required=False, allow_null=True, default=None, validators=date_validators(), help_text="截止日期（默认今天）")
