"""What the hazard API returns. Read-only: every change goes through hazards.services.

The serializers only read what the selectors fetched (select_related / prefetch_related), so a
page of the ledger or a detail costs a fixed number of queries. Users referenced through a
relation the selector does not join are given by id only, never fetched per row.
"""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import EnumField
from accounts.api.serializers import (
    DepartmentBriefSerializer,
    EnterpriseBriefSerializer,
    RegionBriefSerializer,
    SectorBriefSerializer,
    UserBriefSerializer,
)
from hazards.choices import (
    AttachmentKind,
    EventAction,
    ExtensionStatus,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
    ResumeReviewStatus,
)
from hazards.models import (
    Attachment,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    RectificationPlan,
    ResumeApplication,
)
from hazardtrack.dates import local_today
from hazardtrack.url_patterns import id_pattern
from hazards.transitions import available_transitions

from . import detail_rows


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class AttachmentSerializer(serializers.ModelSerializer):
    kind = EnumField(AttachmentKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_image = serializers.BooleanField(read_only=True)
    uploaded_by = serializers.PrimaryKeyRelatedField(read_only=True, help_text="上传人ID")
    url = serializers.SerializerMethodField(help_text="下载地址（校验辖区）")
    thumbnail_url = serializers.SerializerMethodField(help_text="缩略图地址（仅图片）")

    class Meta:
        model = Attachment
        fields = [
            "id", "kind", "kind_label", "original_name", "content_type", "size", "is_image", "event",
            "uploaded_by", "uploaded_at", "url", "thumbnail_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj: Attachment) -> str:
        return self._url_pattern("hazards:attachment") % obj.pk

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, obj: Attachment) -> str | None:
        if not obj.thumbnail:
            return None
        return self._url_pattern("hazards:attachment-thumb") % obj.pk

    def _url_pattern(self, view_name: str) -> str:
        # One serializer writes all the attachments of a list (or of a response's timeline).
        patterns = self.__dict__.setdefault("_url_patterns", {})
        if view_name not in patterns:
            request = self.context.get("request")
            patterns[view_name] = id_pattern(lambda pk: _absolute(request, reverse(view_name, args=[pk])))
        return patterns[view_name]


class HazardEventSerializer(serializers.ModelSerializer):
    """One line of the timeline."""

    actor = UserBriefSerializer(read_only=True, allow_null=True)
    action = EnumField(EventAction, read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    from_status = EnumField(HazardStatus, read_only=True, allow_blank=True)
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status = EnumField(HazardStatus, read_only=True, allow_blank=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    changes = serializers.JSONField(read_only=True, help_text="变更字段：{字段: [原值, 新值]}")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = HazardEvent
        fields = [
            "id", "at", "actor", "action", "action_label", "from_status", "from_status_label", "to_status",
            "to_status_label", "comment", "changes", "attachments",
        ]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    status = EnumField(ExtensionStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.PrimaryKeyRelatedField(read_only=True, help_text="申请人ID")
    decided_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="审批人ID")

    class Meta:
        model = ExtensionRequest
        fields = [
            "id", "status", "status_label", "reason", "previous_deadline", "requested_deadline", "requested_by",
            "requested_at", "approved_deadline", "decided_by", "decided_at", "decision_comment",
        ]
        read_only_fields = fields


class ResumeApplicationSerializer(serializers.ModelSerializer):
    """申请复产 and its 复产审查 (newest first)."""

    status = EnumField(ResumeReviewStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True, help_text="申请人ID")
    review_due = serializers.DateField(read_only=True, help_text="审查期限：申请之日起10日内现场审查")
    reviewed_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="审查人ID")
    review_date = serializers.DateField(read_only=True, allow_null=True, help_text="现场审查日期")
    late = serializers.BooleanField(read_only=True, help_text="审查逾期：审查日期晚于审查期限，或待审查而已过期限")

    class Meta:
        model = ResumeApplication
        fields = [
            "id", "status", "status_label", "content", "submitted_by", "submitted_at", "review_due", "reviewed_by",
            "reviewed_at", "review_date", "review_opinion", "late",
        ]
        read_only_fields = fields


class RectificationPlanSerializer(serializers.ModelSerializer):
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True, help_text="提交人ID")

    class Meta:
        model = RectificationPlan
        fields = [
            "goals_and_tasks", "methods_and_measures", "funds_and_materials", "people_in_charge", "time_limits",
            "safety_and_emergency", "submitted_by", "submitted_at",
        ]
        read_only_fields = fields


class ListingSerializer(serializers.ModelSerializer):
    """挂牌督办 of a major hazard."""

    level = EnumField(ListingLevel, source="listing_level", read_only=True)
    level_label = serializers.CharField(source="get_listing_level_display", read_only=True)
    doc_no = serializers.CharField(source="listing_doc_no", read_only=True, help_text="督办文号")
    date = serializers.DateField(source="listing_date", read_only=True, allow_null=True, help_text="挂牌日期")

    class Meta:
        model = Hazard
        fields = ["level", "level_label", "doc_no", "date"]


class HazardListSerializer(serializers.ModelSerializer):
    """A ledger row (台账)."""

    level = EnumField(HazardLevel, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status = EnumField(HazardStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source = EnumField(HazardSource, read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    category = EnumField(HazardCategory, read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    sector = SectorBriefSerializer(read_only=True)
    region = RegionBriefSerializer(read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="已逾期：超过当前整改期限且尚未报告整改完成")
    url = serializers.HyperlinkedIdentityField(view_name="api:hazard-detail")

    class Meta:
        model = Hazard
        fields = [
            "id", "code", "title", "level", "level_label", "status", "status_label", "source", "source_label",
            "category", "category_label", "sector", "region", "enterprise", "found_at", "current_deadline",
            "original_deadline", "is_overdue", "version", "url",
        ]
        read_only_fields = fields

    # The declared fields above are the contract (and the OpenAPI schema). A ledger page is 50
    # to 200 of these rows, and DRF's generic path costs ~0.1 ms per field per row (attribute
    # lookup through inspect.signature, lazy translations); this writes the same dict
    # directly. The list API hands it value rows (selectors.LEDGER_FIELDS, named tuples: no model
    # instance per row); a Hazard is read through the same names. tests/hazards/test_api_fast_rows.py
    # holds both equal to the generic output.
    def to_representation(self, instance) -> dict:
        if type(self) is not HazardListSerializer:
            return super().to_representation(instance)
        row = instance if isinstance(instance, tuple) else _LedgerRow(instance)
        c = self._row_context()
        return {
            "id": row.id,
            "code": row.code,
            "title": row.title,
            "level": row.level,
            "level_label": c["level"].get(row.level, row.level),
            "status": row.status,
            "status_label": c["status"].get(row.status, row.status),
            "source": row.source,
            "source_label": c["source"].get(row.source, row.source),
            "category": row.category,
            "category_label": c["category"].get(row.category, row.category),
            "sector": {"code": row.sector__code, "name": row.sector__name},
            "region": {"code": row.region__code, "name": row.region__name},
            "enterprise": None if row.enterprise__id is None else {"id": row.enterprise__id,
                                                                   "name": row.enterprise__name},
            "found_at": c["datetime"](row.found_at),
            "current_deadline": _date(row.current_deadline),
            "original_deadline": _date(row.original_deadline),
            # The model's rule, read from the row's status and current_deadline.
            "is_overdue": Hazard.is_overdue(row, c["today"]),
            "version": row.version,
            "url": c["url"] % row.id,
        }

    def _row_context(self) -> dict:
        """Per-response constants: labels in the active language, today, the URL pattern."""
        cache = getattr(self, "_row_cache", None)
        if cache is None:
            request = self.context.get("request")
            marker = 987654321
            url = reverse("api:hazard-detail", args=[marker])
            url = _absolute(request, url) if request is not None else url
            cache = self._row_cache = {
                "level": {v: str(label) for v, label in HazardLevel.choices},
                "status": {v: str(label) for v, label in HazardStatus.choices},
                "source": {v: str(label) for v, label in HazardSource.choices},
                "category": {v: str(label) for v, label in HazardCategory.choices},
                "datetime": _DATETIME.to_representation,  # not self.fields: that builds every field
                "today": local_today(),
                "url": url.replace("%", "%%").replace(str(marker), "%d"),
            }
        return cache


_DATETIME = serializers.DateTimeField(read_only=True)


class _LedgerRow:
    """A Hazard read as a ledger value row: `row.region__code` is `hazard.region.code`."""

    def __init__(self, hazard: Hazard):
        self._hazard = hazard

    def __getattr__(self, path: str):
        value = self._hazard
        for name in path.split("__"):
            value = None if value is None else getattr(value, name)
        return value


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


class HazardDetailSerializer(HazardListSerializer):
    """Everything about one hazard, its timeline included. Expects `selectors.hazard_detail`."""

    source_department = DepartmentBriefSerializer(read_only=True, allow_null=True)
    found_by = UserBriefSerializer(read_only=True, allow_null=True)
    confirmed_by = UserBriefSerializer(read_only=True, allow_null=True)
    assigned_by = UserBriefSerializer(read_only=True, allow_null=True)
    assigned_inspector = UserBriefSerializer(read_only=True, allow_null=True)
    rectification_reported_by = UserBriefSerializer(read_only=True, allow_null=True)
    verified_by = UserBriefSerializer(read_only=True, allow_null=True)
    signed_off_by = UserBriefSerializer(read_only=True, allow_null=True)
    is_major = serializers.BooleanField(read_only=True)
    overdue_days = serializers.IntegerField(
        read_only=True, help_text="逾期天数（未逾期为0），按所在地区的整改期限计算方式（自然日或工作日）")
    days_left = serializers.IntegerField(read_only=True, allow_null=True,
                                         help_text="距整改期限的剩余天数（同上计算方式；无进行中的期限为 null）")
    deadline_extended = serializers.BooleanField(read_only=True, help_text="整改期限已延期")
    listing = serializers.SerializerMethodField(help_text="挂牌督办（未挂牌为 null）")
    plan = RectificationPlanSerializer(read_only=True, allow_null=True, help_text="重大隐患治理方案")
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)
    resume_applications = ResumeApplicationSerializer(
        many=True, read_only=True, help_text="申请复产及复产审查（重大隐患停产停业时），新的在前"
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    available_transitions = serializers.SerializerMethodField(
        help_text="当前用户此刻可执行的操作（transitions.py 的名称，如 confirm、sign_off）"
    )
    events = HazardEventSerializer(many=True, read_only=True)
    duplicate_of = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="重复上报时：与之为同一隐患的隐患ID")

    class Meta(HazardListSerializer.Meta):
        fields = HazardListSerializer.Meta.fields + [
            "original_code", "description", "is_major", "source_department", "source_reference", "address",
            "latitude", "longitude", "found_by", "rectified_on_spot",
            "confirmed_by", "confirmed_at", "rejection_reason", "duplicate_of",
            "responsible_unit", "responsible_person", "responsible_phone", "measures", "funds_planned",
            "assigned_by", "assigned_at", "assigned_inspector", "overdue_days", "days_left", "deadline_extended",
            "rectification_report", "funds_spent", "assessment_report", "rectification_reported_by",
            "rectification_reported_at",
            "verified_by", "verified_at", "verification_comment", "signed_off_by", "signed_off_at",
            "listing", "production_suspended", "plan", "extension_requests", "resume_applications", "attachments",
            "available_transitions", "events", "created_at", "updated_at",
        ]
        read_only_fields = fields

    # The declared fields are the contract and the schema; detail_rows writes them directly
    # (a detail's nested serializers would otherwise build ~1,000 fields per response).
    def to_representation(self, instance: Hazard) -> dict:
        if type(self) is not HazardDetailSerializer:
            return serializers.ModelSerializer.to_representation(self, instance)
        return detail_rows.write(self, instance)

    @extend_schema_field(ListingSerializer(allow_null=True))
    def get_listing(self, obj: Hazard) -> dict | None:
        # Written as detail_rows writes the rest (DRF's generic path built its four fields again
        # for every detail); tests/hazards/test_api_fast_detail.py holds it equal to that path.
        return detail_rows.write(ListingSerializer(), obj) if obj.listing_level else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj: Hazard) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [t.name for t in available_transitions(obj, request.user)]
