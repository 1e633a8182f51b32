from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """日报 / 周报 / 月报: the values are the statistics period kinds they cover."""

    DAILY = "day", _("日报")
    WEEKLY = "week", _("周报")
    MONTHLY = "month", _("月报")


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("草稿（待审核）")
    PUBLISHED = "published", _("已发布")


class PeriodChoice(models.TextChoices):
    """What the dashboard's period selector offers."""

    MONTH = "month", _("本月")
    QUARTER = "quarter", _("本季度")
    YEAR_TO_DATE = "ytd", _("本年累计")
    CUSTOM = "custom", _("自定义")


class TrendGranularity(models.TextChoices):
    WEEK = "week", _("按周")
    MONTH = "month", _("按月")
