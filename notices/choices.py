from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("逾期督办")
    # Event notices: one per hazard or tip-off event, written with the transition.
    REVIEWED = "reviewed", _("上报隐患认定结果")
    ASSIGNED = "assigned", _("交办整改")
    EXTENSION_REQUESTED = "ext_requested", _("延期申请")
    EXTENSION_DECIDED = "ext_decided", _("延期审批结果")
    RECTIFIED = "rectified", _("整改完成待复查")
    VERIFICATION_FAILED = "verify_failed", _("复查不通过")
    LISTED = "listed", _("挂牌督办")
    SIGNED_OFF = "signed_off", _("销号")
    TIPOFF = "tipoff", _("举报办理结果")
    RUN_ALARM = "run_alarm", _("督办任务告警")


# The escalation ladder's kinds (one notice per hazard, level and deadline)…
LADDER_KINDS = (NoticeKind.DUE_SOON, NoticeKind.OVERDUE)
# …and the kinds written for one hazard event each.
HAZARD_EVENT_KINDS = (
    NoticeKind.REVIEWED, NoticeKind.ASSIGNED, NoticeKind.EXTENSION_REQUESTED, NoticeKind.EXTENSION_DECIDED, NoticeKind.RECTIFIED,
    NoticeKind.VERIFICATION_FAILED, NoticeKind.LISTED, NoticeKind.SIGNED_OFF,
)
# The kinds a user may have sent by email or group robot too (消息设置); in-app is always on.
# The ladder's own notices keep the nightly job's channels (hazards/escalation.py: email to
# everyone with an address, the region's robots by level) and are not offered here yet.
PREFERENCE_KINDS = (*HAZARD_EVENT_KINDS, NoticeKind.TIPOFF, NoticeKind.RUN_ALARM)


class NoticeLevel(models.IntegerChoices):
    """The rungs of the ladder. 0 is the reminder before the deadline; 1–3 escalate after it."""

    REMINDER = 0, _("临期提醒")
    LEVEL1 = 1, _("一级督办（逾期）")
    LEVEL2 = 2, _("二级督办（县级）")
    LEVEL3 = 3, _("三级督办（市级、通报）")


# The level a notice of each kind may have (checked by a database constraint).
KIND_OF_LEVEL = {0: NoticeKind.DUE_SOON, 1: NoticeKind.OVERDUE, 2: NoticeKind.OVERDUE, 3: NoticeKind.OVERDUE}


class WebhookFlavour(models.TextChoices):
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("跳过（已有任务在运行）")
    INTERRUPTED = "interrupted", _("中断（进程退出，未提交）")


class RunTrigger(models.TextChoices):
    BEAT = "beat", _("定时任务")
    CATCH_UP = "catch_up", _("补跑（错过的定时任务）")
    COMMAND = "command", _("命令行")
    OTHER = "other", _("其他")
