"""What the inspection API accepts. Parsing only; the rules are in inspections.services."""
from __future__ import annotations

from rest_framework import serializers

from accounts.api.fields import EnumField
from accounts.choices import RiskColour
from accounts.models import Enterprise, Region, Sector, User
from hazards.api.inputs import StaffField, VisibleRelatedField, files_field
from hazards.choices import HazardCategory

from ..choices import DocumentKind, InspectionType, ItemResult
from ..models import ChecklistTemplate


class InspectionCreateInput(serializers.Serializer):
    enterprise = VisibleRelatedField(Enterprise, help_text="被检查单位ID（须在本人辖区内）")
    type = EnumField(InspectionType, help_text="检查类型；执法检查（除督导外）检查人员不少于2人")
    date = serializers.DateField(help_text="检查日期")
    inspectors = StaffField(User, many=True, help_text="检查人员（用户ID）")
    template = serializers.PrimaryKeyRelatedField(queryset=ChecklistTemplate.objects.filter(is_active=True),
                                                  required=False, allow_null=True, default=None,
                                                  help_text="检查表ID（默认按单位所属行业选择），使用其最新版本")
    started = serializers.BooleanField(required=False, default=True, help_text="true 现在开始检查；false 仅安排")


class RecordResultInput(serializers.Serializer):
    item = serializers.IntegerField(help_text="检查项ID（须属于本次检查所用的检查表版本）")
    result = EnumField(ItemResult)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="情况说明；不符合时必填（作为隐患描述）")
    expected = serializers.CharField(required=False, allow_null=True, default=None, allow_blank=True,
                                     help_text="您看到的原结果（未填写为空串）；与当前不符时拒绝，避免覆盖他人填写")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                  help_text="隐患名称（默认“不符合：检查内容”）")
    photos = files_field("现场照片")
    rectified_on_spot = serializers.BooleanField(required=False, default=False, help_text="立行立改（仅一般隐患）")
    after_photos = files_field("整改后照片（立行立改必填）")
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        help_text="与该单位这条未办结隐患（ID）为同一隐患：本项记为重复发现，统计只计一次")
    not_duplicate = serializers.BooleanField(
        required=False, default=False, help_text="已看过相似隐患（409 possible_duplicates 的 candidates），确认不是同一隐患")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["item_id"] = data.pop("item")
        return data


class FinishInput(serializers.Serializer):
    conclusion = serializers.CharField(required=False, allow_blank=True, default="", help_text="检查结论（留空自动生成）")
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                       help_text="客户端所见的检查版本号；不符时拒绝")


class DocumentIssueInput(serializers.Serializer):
    kind = EnumField(DocumentKind)
    deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="整改期限（责令限期整改指令书必填，须晚于今天）")


class ChecklistItemInput(serializers.Serializer):
    section = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    text = serializers.CharField(help_text="检查内容")
    basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, help_text="检查依据")
    is_major_criterion = serializers.BooleanField(required=False, default=False, help_text="重大事故隐患判定项")
    category = EnumField(HazardCategory, required=False, default=HazardCategory.UNSAFE_CONDITION)


class ChecklistVersionInput(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, help_text="修订说明")
    items = ChecklistItemInput(many=True)


class ChecklistTemplateInput(ChecklistVersionInput):
    code = serializers.SlugField(max_length=64, help_text="唯一代码")
    name = serializers.CharField(max_length=128)
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), required=False,
                                          allow_null=True, default=None, help_text="适用行业代码（空为通用）")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PlanCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="抽查区域代码")
    sectors = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), many=True, required=False,
                                           default=list, help_text="行业领域代码（空为全部）")
    risk_colours = serializers.ListField(child=EnumField(RiskColour), required=False, default=list,
                                         help_text="风险等级（空为全部）")
    size = serializers.IntegerField(min_value=1, help_text="抽取单位数")
    inspectors_per_enterprise = serializers.IntegerField(min_value=2, required=False, default=2)
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class PlanDrawInput(serializers.Serializer):
    seed = serializers.CharField(required=False, allow_blank=True, default="", max_length=64,
                                 help_text="随机种子（空则自动生成）；存档后任何人可复核")
