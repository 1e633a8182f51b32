"""What the inspection API returns. Read-only: changes go through inspections.services."""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import EnumField
from accounts.api.serializers import (
    EnterpriseBriefSerializer,
    RegionBriefSerializer,
    SectorBriefSerializer,
    UserBriefSerializer,
)
from accounts.choices import RiskColour
from hazards.choices import HazardCategory, HazardLevel, HazardStatus
from hazards.models import Hazard

from ..choices import DocumentKind, InspectionStatus, InspectionType, ItemResult, Outcome, PlanStatus
from ..models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    Inspection,
    InspectionDocument,
    InspectionPlan,
    InspectionResult,
    PlanDraw,
)


class ChecklistItemSerializer(serializers.ModelSerializer):
    category = EnumField(HazardCategory, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "section", "text", "basis", "is_major_criterion", "category"]
        read_only_fields = fields


class ChecklistVersionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistTemplateVersion
        fields = ["id", "number", "notes", "published_at"]
        read_only_fields = fields


class ChecklistVersionSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(read_only=True, help_text="检查表ID")
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplateVersion
        fields = ["id", "template", "number", "notes", "published_at", "items"]
        read_only_fields = fields


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    sector = SectorBriefSerializer(read_only=True, allow_null=True)
    versions = ChecklistVersionBriefSerializer(many=True, read_only=True, help_text="全部版本，新版在前")

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "name", "sector", "description", "is_active", "versions"]
        read_only_fields = fields


class HazardBriefSerializer(serializers.ModelSerializer):
    level = EnumField(HazardLevel, read_only=True)
    status = EnumField(HazardStatus, read_only=True)

    class Meta:
        model = Hazard
        fields = ["id", "code", "title", "level", "status", "rectified_on_spot"]
        read_only_fields = fields


class InspectionResultSerializer(serializers.ModelSerializer):
    result = EnumField(ItemResult, read_only=True)
    hazard = HazardBriefSerializer(read_only=True, allow_null=True, help_text="不符合项生成的隐患")
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True, help_text="填写人ID")

    class Meta:
        model = InspectionResult
        fields = ["item", "result", "note", "hazard", "rectified_on_spot", "recorded_by", "recorded_at"]
        read_only_fields = fields


class InspectionDocumentSerializer(serializers.ModelSerializer):
    kind = EnumField(DocumentKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    pdf_url = serializers.SerializerMethodField(help_text="PDF 下载地址（需登录）")

    class Meta:
        model = InspectionDocument
        fields = ["id", "kind", "kind_label", "doc_no", "year", "number", "issued_at", "content", "pdf_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, obj: InspectionDocument) -> str:
        url = reverse("inspections:document-pdf", args=[obj.inspection_id, obj.kind])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class InspectionListSerializer(serializers.ModelSerializer):
    type = EnumField(InspectionType, read_only=True)
    status = EnumField(InspectionStatus, read_only=True)
    outcome = EnumField(Outcome, read_only=True, allow_blank=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    region = RegionBriefSerializer(read_only=True)
    inspectors = UserBriefSerializer(many=True, read_only=True)
    template_version = serializers.PrimaryKeyRelatedField(read_only=True, help_text="所用检查表版本ID")
    answered = serializers.IntegerField(read_only=True, help_text="已填写的检查项数")
    failed = serializers.IntegerField(read_only=True, help_text="不符合的检查项数")
    url = serializers.HyperlinkedIdentityField(view_name="api:inspection-detail")

    class Meta:
        model = Inspection
        fields = ["id", "type", "status", "outcome", "date", "enterprise", "region", "inspectors", "plan",
                  "template_version", "answered", "failed", "url"]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionListSerializer):
    checklist = ChecklistVersionSerializer(source="template_version", read_only=True)
    results = InspectionResultSerializer(many=True, read_only=True)
    documents = InspectionDocumentSerializer(many=True, read_only=True)
    answered = serializers.SerializerMethodField(help_text="已填写的检查项数")
    failed = serializers.SerializerMethodField(help_text="不符合的检查项数")

    class Meta(InspectionListSerializer.Meta):
        fields = InspectionListSerializer.Meta.fields + [
            "version", "conclusion", "started_at", "finished_at", "checklist", "results", "documents",
        ]
        read_only_fields = fields

    def get_answered(self, obj: Inspection) -> int:
        return len(obj.results.all())

    def get_failed(self, obj: Inspection) -> int:
        return sum(1 for r in obj.results.all() if r.result == ItemResult.FAIL)


class PlanDrawSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)
    inspectors = UserBriefSerializer(many=True, read_only=True)
    inspection = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="派发的检查ID")

    class Meta:
        model = PlanDraw
        fields = ["position", "enterprise", "inspectors", "inspection"]
        read_only_fields = fields


class InspectionPlanSerializer(serializers.ModelSerializer):
    status = EnumField(PlanStatus, read_only=True)
    region = RegionBriefSerializer(read_only=True)
    sectors = SectorBriefSerializer(many=True, read_only=True)
    risk_colours = serializers.ListField(child=EnumField(RiskColour), read_only=True)
    pool = serializers.JSONField(read_only=True, help_text="备选单位库：[[单位ID, 风险等级], …]（抽取时存档）")
    inspector_pool = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                           help_text="检查人员库（用户ID，抽取时存档）")
    conflict_pairs = serializers.JSONField(read_only=True, help_text="回避关系：[[用户ID, 单位ID], …]（抽取时存档）")
    draws = PlanDrawSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "name", "status", "region", "sectors", "risk_colours", "size", "inspectors_per_enterprise",
                  "start_date", "end_date", "seed", "pool", "inspector_pool", "conflict_pairs", "drawn_at",
                  "published_at", "draws"]
        read_only_fields = fields


class PlanVerificationSerializer(serializers.Serializer):
    matches = serializers.BooleanField(help_text="按存档的种子和备选库重算的结果与记录一致")
    expected = serializers.JSONField(help_text="重算结果：[[单位ID, [检查员ID…]], …]")
    recorded = serializers.JSONField(help_text="记录的抽取结果")
