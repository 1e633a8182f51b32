from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardCategory(models.TextChoices):
    UNSAFE_ACT = "unsafe_act", _("人的不安全行为")
    UNSAFE_CONDITION = "unsafe_condition", _("物的不安全状态")
    MANAGEMENT_DEFECT = "management_defect", _("管理缺陷")
    ENVIRONMENT = "environment", _("环境因素")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("日常检查")
    ASSIGNED = "assigned", _("上级交办")
    TIPOFF = "tipoff", _("群众举报")
    MEDIA = "media", _("媒体曝光")
    TRANSFER = "transfer", _("部门移送")
    SELF_REPORT = "self_report", _("企业自查自报")
    GRID = "grid", _("网格上报")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("已上报")
    REJECTED = "rejected", _("不予认定")
    CONFIRMED = "confirmed", _("已认定")
    ASSIGNED = "assigned", _("已交办")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFICATION_REPORTED = "rectification_reported", _("申请复查")
    VERIFIED = "verified", _("复查通过")
    SIGNED_OFF = "signed_off", _("已销号")


# Statuses in which the deadline runs: past it, the hazard is overdue.
DEADLINE_RUNNING_STATUSES = (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
# Statuses that count as rectified (整改率): verified or signed off.
RECTIFIED_STATUSES = (HazardStatus.VERIFIED, HazardStatus.SIGNED_OFF)
OPEN_STATUSES = (
    HazardStatus.REPORTED,
    HazardStatus.CONFIRMED,
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.RECTIFICATION_REPORTED,
    HazardStatus.VERIFIED,
)
# Fields may be edited (not only transitioned) while the hazard is still being established.
EDITABLE_STATUSES = (HazardStatus.REPORTED, HazardStatus.CONFIRMED)


class ListingLevel(models.TextChoices):
    """挂牌督办 level; values are the region levels so they compare with a user's region."""

    COUNTY = "county", _("县级挂牌督办")
    CITY = "city", _("市级挂牌督办")
    PROVINCE = "province", _("省级挂牌督办")


class AttachmentKind(models.TextChoices):
    BEFORE = "before", _("整改前照片")
    AFTER = "after", _("整改后照片")
    DOCUMENT = "document", _("文书资料")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class ResumeReviewStatus(models.TextChoices):
    """复产审查 of an application to resume production (申请复产)."""

    PENDING = "pending", _("待审查")
    PASSED = "passed", _("审查合格，同意复产")
    FAILED = "failed", _("审查不合格")
    # Rectification failed its verification (复查) while the application waited: it lapses.
    WITHDRAWN = "withdrawn", _("已失效")


class EventAction(models.TextChoices):
    CREATED = "created", _("上报隐患")
    RECTIFIED_ON_SPOT = "rectified_on_spot", _("立行立改")
    UPDATED = "updated", _("修改信息")
    CONFIRMED = "confirmed", _("认定隐患")
    REJECTED = "rejected", _("不予认定")
    ASSIGNED = "assigned", _("交办整改")
    PLAN_SUBMITTED = "plan_submitted", _("提交整改方案")
    LISTED = "listed", _("挂牌督办")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REFUSED = "extension_refused", _("不予延期")
    RECTIFICATION_REPORTED = "rectification_reported", _("报告整改完成")
    VERIFIED = "verified", _("复查通过")
    VERIFICATION_FAILED = "verification_failed", _("复查不通过")
    RESUME_APPLIED = "resume_applied", _("申请复产")
    RESUME_APPROVED = "resume_approved", _("复产审查合格")
    RESUME_REFUSED = "resume_refused", _("复产审查不合格")
    SIGNED_OFF = "signed_off", _("销号")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
    IMPORTED = "imported", _("从台账导入")
    DUPLICATE_LINKED = "duplicate_linked", _("关联为同一隐患")
    CALENDAR_CHANGED = "calendar_changed", _("节假日安排调整")
