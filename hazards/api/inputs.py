"""What the hazard API accepts: one input serializer per endpoint.

They only parse and type-check; the rules (who may, in which state, what is required for a
major hazard…) are in hazards.services / hazards.transitions. `service_kwargs()` gives the
keyword arguments of the matching service function.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.fields import EnumField
from accounts.choices import REGULATOR_ROLES
from accounts.models import Department, Enterprise, Region, Sector, User
from hazards.choices import AttachmentKind, HazardCategory, HazardLevel, HazardSource, ListingLevel
from hazards.models import Hazard, RectificationPlan
from hazards.services import PLAN_FIELDS
from hazardtrack.preconditions import VERSION_HELP


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up only among those visible to the requesting user: one
    outside the jurisdiction is "does not exist", like everywhere else."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user if request else None)


class StaffField(VisibleRelatedField):
    def get_queryset(self):
        return super().get_queryset().filter(role__in=REGULATOR_ROLES, is_active=True)


def files_field(help_text) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=False), required=False, default=list, help_text=help_text
    )


class ServiceInput(serializers.Serializer):
    """Base: an optional `version`; subclasses map their fields onto a service's arguments."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "version"}


# --- create and edit -----------------------------------------------------------------------

class HazardFieldsInput(serializers.ModelSerializer):
    """The report fields (services.REPORT_FIELDS). Related objects: `enterprise` by id (must be
    visible to you), `region` by code, `sector` by code."""

    enterprise = VisibleRelatedField(Enterprise, required=False, allow_null=True, help_text="生产经营单位ID")
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="所属区划代码（默认取单位所在区划）"
    )
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, help_text="行业领域代码（默认取单位所属行业）"
    )
    source_department = VisibleRelatedField(Department, required=False, allow_null=True, help_text="移送/交办部门ID")
    level = EnumField(HazardLevel, required=False)
    category = EnumField(HazardCategory, required=False)
    source = EnumField(HazardSource, required=False)

    class Meta:
        model = Hazard
        fields = [
            "title", "description", "enterprise", "region", "sector", "level", "category", "source",
            "source_department", "source_reference", "address", "latitude", "longitude", "found_at", "original_code",
        ]
        extra_kwargs = {"found_at": {"required": False}}


class HazardCreateInput(HazardFieldsInput):
    before_photos = files_field(_("整改前照片（JPEG/PNG/WebP，按内容识别类型）"))
    rectified_on_spot = serializers.BooleanField(required=False, default=False, help_text="立行立改：当场整改完毕并直接销号")
    after_photos = files_field(_("整改后照片（立行立改时必填）"))
    on_spot_note = serializers.CharField(required=False, allow_blank=True, default="", help_text="立行立改情况说明")
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        help_text="与该未办结隐患（ID）为同一隐患：本次上报记为重复上报（不予认定），统计只计一次")
    not_duplicate = serializers.BooleanField(
        required=False, default=False, help_text="已看过相似隐患（409 possible_duplicates 的 candidates），确认不是同一隐患")

    EXTRA = ("before_photos", "rectified_on_spot", "after_photos", "on_spot_note", "duplicate_of", "not_duplicate")

    class Meta(HazardFieldsInput.Meta):
        fields = HazardFieldsInput.Meta.fields + ["before_photos", "rectified_on_spot", "after_photos", "on_spot_note",
                                                  "duplicate_of", "not_duplicate"]

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        extra = {name: data.pop(name) for name in self.EXTRA}
        return {"data": data, **extra}


class HazardUpdateInput(HazardFieldsInput):
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    class Meta(HazardFieldsInput.Meta):
        fields = HazardFieldsInput.Meta.fields + ["version"]

    def service_kwargs(self) -> dict:
        return {"data": {k: v for k, v in self.validated_data.items() if k != "version"}}


# --- transitions ---------------------------------------------------------------------------

class ConfirmInput(ServiceInput):
    level = EnumField(HazardLevel, required=False, help_text="认定时可改定隐患等级")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="认定意见")


class RejectInput(ServiceInput):
    reason = serializers.CharField(help_text="不予认定理由（如：不构成隐患、重复上报）")


class AssignInput(ServiceInput):
    responsible_unit = serializers.CharField(max_length=128, help_text="整改责任单位")
    responsible_person = serializers.CharField(max_length=32, help_text="整改责任人")
    responsible_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    measures = serializers.CharField(help_text="整改措施要求")
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="整改期限（须晚于今天；地区按工作日或顺延计算时须为工作日）")
    deadline_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=3650,
        help_text="或：整改天数，自明日起按地区的整改期限计算方式（自然日或工作日）得出期限")
    funds_planned = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                             default=None, help_text="计划整改资金（元）")
    assigned_inspector = StaffField(User, required=False, allow_null=True, default=None,
                                    help_text="跟踪检查员ID（默认为发现人）")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _plan_field(name: str) -> serializers.CharField:
    return serializers.CharField(help_text=str(RectificationPlan._meta.get_field(name).verbose_name))


class SubmitPlanInput(ServiceInput):
    """重大隐患治理方案：六项均须填写。"""

    goals_and_tasks = _plan_field("goals_and_tasks")
    methods_and_measures = _plan_field("methods_and_measures")
    funds_and_materials = _plan_field("funds_and_materials")
    people_in_charge = _plan_field("people_in_charge")
    time_limits = _plan_field("time_limits")
    safety_and_emergency = _plan_field("safety_and_emergency")
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"plan": {name: data[name] for name in PLAN_FIELDS}, "comment": data["comment"]}


class ListSupervisionInput(ServiceInput):
    listing_level = EnumField(ListingLevel, help_text="挂牌督办级别（不高于本人所在层级）")
    doc_no = serializers.CharField(max_length=64, help_text="督办文号")
    listing_date = serializers.DateField(help_text="挂牌日期")
    production_suspended = serializers.BooleanField(required=False, default=False, help_text="责令局部或全部停产停业")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequestExtensionInput(ServiceInput):
    requested_deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                               help_text="申请延期至（须晚于当前整改期限）")
    requested_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=3650,
        help_text="或：延期天数，自当前期限次日起按地区的整改期限计算方式得出新期限")
    reason = serializers.CharField(help_text="延期理由")


class DecideExtensionInput(ServiceInput):
    approve = serializers.BooleanField(help_text="true 批准，false 不予批准（须填写理由）")
    approved_deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                              help_text="批准延期至（默认为申请的日期）")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="审批意见")


class ReportRectificationInput(ServiceInput):
    report = serializers.CharField(help_text="整改情况")
    funds_spent = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                           default=None, help_text="实际整改资金（元）")
    assessment_report = serializers.CharField(required=False, allow_blank=True, default="",
                                              help_text="整改评估报告（重大隐患必填）")
    after_photos = files_field(_("整改后照片（至少一张，之前已上传的也算）"))
    documents = files_field(_("文书资料（PDF或图片）"))


class VerifyInput(ServiceInput):
    passed = serializers.BooleanField(help_text="true 复查通过，false 不通过（须写明原因，退回整改）")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="复查意见")
    photos = files_field(_("复查现场照片"))


class ApplyResumeInput(ServiceInput):
    content = serializers.CharField(help_text="复产申请内容：整改和评估情况、具备的安全生产条件")


class ReviewResumeInput(ServiceInput):
    passed = serializers.BooleanField(
        help_text="true 审查合格、同意恢复生产（解除停产停业）；false 不合格（须写明原因），继续停产，单位可再次申请"
    )
    opinion = serializers.CharField(required=False, allow_blank=True, default="", help_text="审查意见")
    review_date = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="现场审查日期（默认今天；不得早于申请日期，不得晚于今天）")


class SignOffInput(ServiceInput):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="销号意见")


class AttachmentUploadInput(serializers.Serializer):
    kind = EnumField(AttachmentKind, help_text="before/after 只收图片；document 还可为 PDF")
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=False), min_length=1,
                                  help_text="一个或多个文件（同名字段重复）")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
