"""Reminders and escalation notices: the policy, each nightly run, the notices (one per hazard,
level and deadline) and their deliveries (the transactional outbox, one row per recipient and
channel)."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from accounts.choices import Role
from accounts.jurisdiction import JurisdictionQuerySet, has_role, jurisdiction_q
from hazardtrack.outbox import Channel, OutboxRow, outbox_meta

from .choices import (
    HAZARD_EVENT_KINDS, LADDER_KINDS, NoticeKind, NoticeLevel, RunStatus, RunTrigger,
    WebhookFlavour,
)
from .policy import DEFAULT_LADDER, Ladder


def _days(verbose: str, default: int, help_text: str = "") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose, default=default, help_text=help_text)


class EscalationPolicy(models.Model):
    """A region's own ladder; hazards in its subtree follow it unless a nearer region has one."""

    region = models.OneToOneField(
        "accounts.Region", verbose_name=_("适用区划（含下级）"), on_delete=models.PROTECT,
        related_name="escalation_policy",
    )
    remind_days_general = _days(_("一般隐患：到期前几天提醒"), DEFAULT_LADDER.remind_days_general)
    remind_days_major = _days(_("重大隐患：到期前几天提醒"), DEFAULT_LADDER.remind_days_major)
    level2_days_general = _days(_("一般隐患：逾期几天升级到县级"), DEFAULT_LADDER.level2_days_general)
    level2_days_major = _days(_("重大隐患：逾期几天升级到县级"), DEFAULT_LADDER.level2_days_major)
    level3_days_general = _days(_("一般隐患：逾期几天升级到市级并纳入通报"), DEFAULT_LADDER.level3_days_general)
    level3_days_major = _days(_("重大隐患：逾期几天升级到市级并纳入通报"), DEFAULT_LADDER.level3_days_major)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        ordering = ["region_id"]
        constraints = [
            # Level 1 is the first overdue day; higher levels come later or on the same day.
            models.CheckConstraint(
                condition=Q(level2_days_general__gte=1, level3_days_general__gte=F("level2_days_general"),
                            level2_days_major__gte=1, level3_days_major__gte=F("level2_days_major")),
                name="escalation_policy_levels_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.region}"

    @property
    def ladder(self) -> Ladder:
        return Ladder(**{f: getattr(self, f) for f in Ladder.__dataclass_fields__})

    def clean(self) -> None:
        for kind in ("general", "major"):
            l2, l3 = getattr(self, f"level2_days_{kind}"), getattr(self, f"level3_days_{kind}")
            if l2 < 1:
                raise ValidationError({f"level2_days_{kind}": _("升级天数至少为1（逾期第1天为一级督办）。")})
            if l3 < l2:
                raise ValidationError({f"level3_days_{kind}": _("市级督办天数不能少于县级督办天数。")})


class WebhookEndpoint(models.Model):
    """A group-chat robot (钉钉/企业微信) that receives the notices of a region's subtree."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("区划（含下级）"), on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("名称"), max_length=64, help_text=_("例如：新邵县安委办工作群"))
    flavour = models.CharField(_("类型"), max_length=16, choices=WebhookFlavour.choices, default=WebhookFlavour.DINGTALK)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=128, blank=True,
                              help_text=_("钉钉机器人“加签”安全设置的密钥（SEC 开头）；留空则不签名。"))
    min_level = models.PositiveSmallIntegerField(_("最低推送级别"), choices=NoticeLevel.choices,
                                                 default=NoticeLevel.LEVEL1)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class EscalationRun(models.Model):
    """One run of the nightly job, kept for the administrators (and the home-page warning)."""

    as_of = models.DateField(_("业务日期"))
    dry_run = models.BooleanField(_("试运行"), default=False)
    trigger = models.CharField(_("触发方式"), max_length=16, choices=RunTrigger.choices, default=RunTrigger.OTHER)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    flagged = models.PositiveIntegerField(_("新标记逾期"), default=0)
    unflagged = models.PositiveIntegerField(_("解除逾期标记"), default=0)
    reminders = models.PositiveIntegerField(_("临期提醒"), default=0)
    level1 = models.PositiveIntegerField(_("一级督办"), default=0)
    level2 = models.PositiveIntegerField(_("二级督办"), default=0)
    level3 = models.PositiveIntegerField(_("三级督办"), default=0)
    deliveries = models.PositiveIntegerField(_("待发送消息"), default=0)
    circular_queued = models.PositiveIntegerField(_("纳入通报"), default=0)
    worker = models.CharField(_("执行进程"), max_length=128, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("督办任务运行记录")
        verbose_name_plural = _("督办任务运行记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["as_of", "status"], name="escalation_run_asof_status")]

    def __str__(self) -> str:
        return f"{self.as_of} {self.get_status_display()}"

    @property
    def notices_total(self) -> int:
        return self.reminders + self.level1 + self.level2 + self.level3

    @property
    def duration_seconds(self) -> float | None:
        if not self.finished_at:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def counts(self) -> dict[str, int]:
        return {
            "flagged": self.flagged, "unflagged": self.unflagged, "reminders": self.reminders,
            "level1": self.level1, "level2": self.level2, "level3": self.level3,
            "deliveries": self.deliveries, "circular_queued": self.circular_queued,
        }


# What a notice's sentence and link read (select_related from a Delivery).
NOTICE_RELATED = ("notice__hazard", "notice__event__actor", "notice__tipoff_event__tipoff",
                  "notice__tipoff_event__actor", "notice__alarm_run")


class NoticeQuerySet(JurisdictionQuerySet):
    pass


class Notice(models.Model):
    """Either one rung of one hazard's ladder for one deadline (due_soon, overdue), or the notice
    of one event: a hazard transition (`event`), a tip-off decision (`tipoff_event`), a failed or
    missed nightly run (`alarm_run`). The unique keys are what make writers safe to re-run: a
    second insert of the same rung, or for the same event or run, is a no-op."""

    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("隐患"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices)
    level = models.PositiveSmallIntegerField(_("级别"), choices=NoticeLevel.choices, null=True, blank=True)
    deadline = models.DateField(_("对应整改期限"), null=True, blank=True)
    as_of = models.DateField(_("业务日期"))
    overdue_days = models.SmallIntegerField(_("逾期天数"), null=True, blank=True,
                                            help_text=_("负数表示距到期还有几天"))
    run = models.ForeignKey(EscalationRun, verbose_name=_("运行记录"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="notices")
    event = models.OneToOneField("hazards.HazardEvent", verbose_name=_("隐患事件"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="notice")
    tipoff_event = models.OneToOneField("tipoffs.TipOffEvent", verbose_name=_("举报办理记录"), null=True,
                                        blank=True, on_delete=models.CASCADE, related_name="notice")
    alarm_run = models.OneToOneField(EscalationRun, verbose_name=_("告警的运行记录"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="alarm")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()
    jurisdiction_region_field = "hazard__region"
    jurisdiction_enterprise_field = "hazard__enterprise"

    class Meta:
        verbose_name = _("提醒/督办通知")
        verbose_name_plural = _("提醒/督办通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "kind", "level", "deadline"], condition=Q(kind__in=LADDER_KINDS),
                                    name="notice_once_per_rung"),
            # Each kind names what it is about (event notices: unique by their one-to-one keys).
            models.CheckConstraint(
                condition=Q(kind=NoticeKind.DUE_SOON, level=0, hazard__isnull=False, deadline__isnull=False)
                | Q(kind=NoticeKind.OVERDUE, level__in=(1, 2, 3), hazard__isnull=False, deadline__isnull=False)
                | Q(kind__in=HAZARD_EVENT_KINDS, event__isnull=False, hazard__isnull=False)
                | Q(kind=NoticeKind.TIPOFF, tipoff_event__isnull=False)
                | Q(kind=NoticeKind.RUN_ALARM, alarm_run__isnull=False),
                name="notice_kind_names_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["run", "level"], name="notice_run_level")]

    def __str__(self) -> str:
        if self.kind not in LADDER_KINDS:
            return f"{self.get_kind_display()} {self.as_of}"
        return f"{self.get_level_display()} {self.deadline}"

    @property
    def is_ladder(self) -> bool:
        return self.kind in LADDER_KINDS

    @property
    def badge(self) -> str:
        return self.get_level_display() if self.is_ladder else self.get_kind_display()

    @property
    def sentence(self) -> str:
        """The notice as one readable sentence (notices/wording.py)."""
        from .wording import sentence

        return sentence(self)

    @property
    def url(self) -> str:
        """Where the notice leads: its hazard, tip-off or the run log."""
        from .wording import target_url

        return target_url(self)

    @property
    def summary(self) -> str:
        """What the notice says about time, e.g. "已逾期 7 天" or "距整改期限还有 3 天"."""
        if not self.is_ladder:
            return self.sentence
        if self.level == NoticeLevel.REMINDER:
            if self.overdue_days >= 0:
                return gettext("今天到期")
            days = -self.overdue_days
            return ngettext("距整改期限还有 %(n)s 天", "距整改期限还有 %(n)s 天", days) % {"n": days}
        text = ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", self.overdue_days) % {"n": self.overdue_days}
        if self.level == NoticeLevel.LEVEL3:
            text += gettext("，已纳入逾期通报")
        return text


class DeliveryQuerySet(JurisdictionQuerySet):
    def inbox_of(self, user) -> "DeliveryQuerySet":
        """A user's in-app messages about what they may (still) see: hazards (their jurisdiction
        or their enterprise), tip-offs (their jurisdiction) and, for administrators, run alarms."""
        about = jurisdiction_q(user, region_field="notice__hazard__region",
                               enterprise_field="notice__hazard__enterprise")
        about |= jurisdiction_q(user, region_field="notice__tipoff_event__tipoff__region")
        if has_role(user, (Role.ADMIN,)):  # run alarms are the administrators'
            about |= Q(notice__kind=NoticeKind.RUN_ALARM)
        return self.filter(about, recipient=user, channel=Channel.INAPP)

    def unread(self) -> "DeliveryQuerySet":
        return self.filter(read_at__isnull=True)


class Delivery(OutboxRow):
    """The outbox of notices (hazardtrack.outbox): one notice to one recipient (a user, or a
    group robot) on one channel. In-app rows are delivered by being written; the others wait for
    the delivery task, which records each attempt and retries with backoff until sent or out of
    attempts."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries")

    objects = DeliveryQuerySet.as_manager()
    jurisdiction_region_field = "notice__hazard__region"
    jurisdiction_enterprise_field = "notice__hazard__enterprise"

    class Meta(OutboxRow.Meta):
        verbose_name = _("消息发送")
        verbose_name_plural = _("消息发送")
        constraints, indexes = outbox_meta("delivery", "notice")


class EscalationCatchUp(models.Model):
    """The claim of one missed nightly run, made when beat starts and finds that the last
    successful run is older than the last scheduled time. The unique key on the scheduled time
    is what lets two beat starts race: only the one whose insert lands sends the run."""

    scheduled_at = models.DateTimeField(_("错过的计划时间"), unique=True)
    claimed_at = models.DateTimeField(_("补跑时间"), default=timezone.now)
    worker = models.CharField(_("执行进程"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("补跑记录")
        verbose_name_plural = _("补跑记录")
        ordering = ["-scheduled_at"]

    def __str__(self) -> str:
        return f"{self.scheduled_at:%Y-%m-%d %H:%M}"


class NoticePreference(models.Model):
    """A user's choice of channels for one kind of notice (消息设置). In-app is always on; without
    a row the defaults apply (choices.DEFAULT_EMAIL / DEFAULT_WEBHOOK via notices.preferences)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="notice_preferences")
    kind = models.CharField(_("消息类型"), max_length=16, choices=NoticeKind.choices)
    email = models.BooleanField(_("电子邮件"), default=True)
    webhook = models.BooleanField(_("群机器人"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")
        ordering = ["user_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
