from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """日报 / 周报 / 月报: the values are the statistics period kinds they cover."""

    DAILY = "day", _("日报")
    WEEKLY = "week", _("周报")
    MONTHLY = "month", _("月报")


class ReportChannel(models.TextChoices):
    """The notice channels a report copy goes out on (the same slugs as notices.choices.Channel)."""

    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("群机器人")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败（已停止重试）")


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
