from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionType(models.TextChoices):
    ROUTINE = "routine", pgettext_lazy("inspection type", "日常检查")  # as a hazard source: "Inspection"
    CAMPAIGN = "campaign", _("专项检查")
    SUPERVISORY = "supervisory", _("督导检查")
    UNANNOUNCED = "unannounced", _("四不两直")
    RANDOM = "random", _("双随机抽查")
    FOLLOW_UP = "follow_up", pgettext_lazy("inspection type", "复查")  # of a hazard: "Verification"


# Administrative enforcement inspections: at least two officers on site (行政处罚法 art. 42).
# A supervisory visit (督导) checks how a lower government works and is not enforcement.
ENFORCEMENT_TYPES = (
    InspectionType.ROUTINE,
    InspectionType.CAMPAIGN,
    InspectionType.UNANNOUNCED,
    InspectionType.RANDOM,
    InspectionType.FOLLOW_UP,
)
MIN_ENFORCEMENT_OFFICERS = 2


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    FINISHED = "finished", _("已完成")


class Outcome(models.TextChoices):
    """What the public list says about a finished inspection."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    FIXED_ON_SPOT = "fixed_on_spot", _("发现问题已当场整改")
    HAZARDS = "hazards", _("发现一般事故隐患，责令限期整改")
    MAJOR_HAZARDS = "major_hazards", _("发现重大事故隐患，责令限期整改")


class ItemResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("待抽取")
    DRAWN = "drawn", _("已抽取")
    PUBLISHED = "published", _("已公开")


class DocumentKind(models.TextChoices):
    RECORD = "record", _("现场检查记录")
    ORDER = "order", _("责令限期整改指令书")


# Numbered series (accounts.numbering kinds) and the word in the document number.
DOCUMENT_SERIES = {DocumentKind.RECORD: "inspection-record", DocumentKind.ORDER: "rectification-order"}
DOCUMENT_NO_WORD = {DocumentKind.RECORD: "检记", DocumentKind.ORDER: "责改"}

# How strongly each risk colour pulls in the random draw (双随机: higher risk, more often).
DRAW_WEIGHT = {"red": 8, "orange": 4, "yellow": 2, "blue": 1}
