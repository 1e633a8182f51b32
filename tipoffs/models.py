"""Public tip-offs (群众举报): the report, its photos, its audit trail, rewards, Open311 clients."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import JurisdictionQuerySet

from .choices import Channel, RewardStatus, TipOffAction, TipOffStatus
from .codes import CODE_MAX_LENGTH


class TipOff(models.Model):
    """One report from the public. It belongs to the region it names (or was transferred to):
    that region's staff see and handle it. Reporter contact details are shown to them only."""

    tracking_code = models.CharField(_("查询码"), max_length=CODE_MAX_LENGTH, unique=True, editable=False)
    channel = models.CharField(_("举报渠道"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    description = models.TextField(_("举报内容"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name=_("行业领域（举报人判断）"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    media_url = models.URLField(_("媒体链接"), max_length=500, blank=True)

    # Contact details: optional (anonymous tip-offs are allowed), shown to handling staff only.
    reporter_name = models.CharField(_("举报人姓名"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("举报人电话"), max_length=32, blank=True)
    reporter_email = models.EmailField(_("举报人邮箱"), blank=True)
    consent = models.BooleanField(_("已确认举报须知"), default=False)

    status = models.CharField(_("状态"), max_length=16, choices=TipOffStatus.choices, default=TipOffStatus.RECEIVED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    hazard = models.ForeignKey(
        "hazards.Hazard", verbose_name=_("关联隐患"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tipoffs",
    )
    reject_reason = models.TextField(_("不予受理理由"), blank=True)
    transferred_from = models.ForeignKey(
        "accounts.Region", verbose_name=_("转出区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    transfer_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("转办部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_note = models.TextField(_("转办说明"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    api_client = models.ForeignKey(
        "tipoffs.Open311Client", verbose_name=_("接口客户端"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tipoffs",
    )

    submitted_at = models.DateTimeField(_("举报时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("群众举报")
        verbose_name_plural = _("群众举报")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "-submitted_at"], name="tipoff_region_status"),
            models.Index(fields=["-submitted_at", "-id"], name="tipoff_submitted_desc"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=("accepted", "duplicate")) | Q(hazard__isnull=False),
                name="tipoff_decided_has_hazard",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_name or self.reporter_phone or self.reporter_email)


def photo_path(instance: "TipOffPhoto", filename: str) -> str:
    return instance.storage_name  # set by the service: a random name, never the sender's


class TipOffPhoto(models.Model):
    """A photo sent with a tip-off; checked by content, upright, without metadata. Served only
    through a view that checks jurisdiction."""

    tipoff = models.ForeignKey(TipOff, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("文件"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=photo_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    storage_name = ""  # transient, see photo_path

    class Meta:
        verbose_name = _("举报照片")
        verbose_name_plural = _("举报照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TipOffEvent(models.Model):
    """One line of a tip-off's audit trail; append-only (a PostgreSQL trigger refuses changes)."""

    tipoff = models.ForeignKey(TipOff, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=32, choices=TipOffAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=16, choices=TipOffStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=TipOffStatus.choices, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)

    class Meta:
        verbose_name = _("举报办理记录")
        verbose_name_plural = _("举报办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["tipoff", "at"], name="tipoff_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"


class Reward(models.Model):
    """举报奖励: proposed (amount, basis) → approved by a supervisor other than the proposer →
    paid (date and payment reference). A refused proposal may be followed by a new one; at most
    one proposal per tip-off is not refused (database constraint)."""

    tipoff = models.ForeignKey(TipOff, on_delete=models.PROTECT, related_name="rewards")
    amount = models.DecimalField(_("奖励金额（元）"), max_digits=10, decimal_places=2)
    basis = models.TextField(_("奖励依据"))
    status = models.CharField(_("状态"), max_length=16, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)
    paid_at = models.DateField(_("发放日期"), null=True, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=64, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放登记人"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tipoff"], condition=~Q(status="refused"), name="reward_one_live_per_tipoff"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tipoff} ¥{self.amount}"


class Open311Client(models.Model):
    """An application allowed to POST service requests. Only a hash of its API key is stored;
    the key is shown once, when it is made (`manage.py open311_client create`)."""

    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("默认区划"), on_delete=models.PROTECT, related_name="+",
        help_text=_("请求未指明 jurisdiction_id 且无法从地址判断区划时，举报归入此区划。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
