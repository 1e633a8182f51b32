from django.db import models
from django.utils.translation import gettext_lazy as _


class TipOffStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    TRANSFERRED = "transferred", _("已转办")
    DUPLICATE = "duplicate", _("重复举报")


# Statuses waiting for a decision by the staff of the tip-off's region.
OPEN_STATUSES = (TipOffStatus.RECEIVED, TipOffStatus.TRANSFERRED)
# Statuses after a decision (Open311 "closed" unless the linked hazard is still open).
DECIDED_STATUSES = (TipOffStatus.ACCEPTED, TipOffStatus.REJECTED, TipOffStatus.DUPLICATE)


class Channel(models.TextChoices):
    WEB = "web", _("网上举报")
    OPEN311 = "open311", _("Open311 接口")
    HOTLINE = "hotline", _("12350 热线")


class TipOffAction(models.TextChoices):
    SUBMITTED = "submitted", _("提交举报")
    ACCEPTED = "accepted", _("受理并立案为隐患")
    DUPLICATE = "duplicate", _("认定为重复举报")
    REJECTED = "rejected", _("不予受理")
    TRANSFERRED = "transferred", _("转办")
    REWARD_PROPOSED = "reward_proposed", _("提出奖励建议")
    REWARD_APPROVED = "reward_approved", _("批准奖励")
    REWARD_REFUSED = "reward_refused", _("不予奖励")
    REWARD_PAID = "reward_paid", _("奖励已发放")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予奖励")
    PAID = "paid", _("已发放")


# Rewards that count as granted (the reporter sees "reward approved"; figures count them).
GRANTED_REWARD_STATUSES = (RewardStatus.APPROVED, RewardStatus.PAID)
