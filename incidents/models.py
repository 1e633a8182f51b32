"""Incidents (生产安全事故): the record, its report steps (the clock), investigation, audit
events, attachments, follow-up hazards and the in-app notices sent to the next level."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import JurisdictionQuerySet
from hazardtrack.outbox import Channel, OutboxRow, outbox_meta

from .choices import (
    IncidentAttachmentKind,
    IncidentEventAction,
    IncidentGrade,
    IncidentStatus,
    IncidentType,
    LeadAuthority,
    ListingLevel,
    ReportLevel,
)


class Incident(models.Model):
    code = models.CharField(_("事故编号"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("事故名称"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"))
    region = models.ForeignKey("accounts.Region", verbose_name=_("发生地区划"), on_delete=models.PROTECT)
    address = models.CharField(_("发生地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("事故单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="incidents",
    )
    sector = models.ForeignKey("accounts.Sector", verbose_name=_("行业领域"), on_delete=models.PROTECT)
    type = models.CharField(_("事故类别"), max_length=32, choices=IncidentType.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=16, decimal_places=2, default=0)
    narrative = models.TextField(_("事故简要经过"), blank=True)
    # Computed by rules.grade_for from the figures on every change; stored for filters and indexes.
    grade = models.CharField(_("事故等级"), max_length=16, choices=IncidentGrade.choices, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1)

    # 挂牌督办
    listing_level = models.CharField(_("挂牌督办级别"), max_length=16, choices=ListingLevel.choices, blank=True)
    listing_doc_no = models.CharField(_("督办文号"), max_length=64, blank=True)
    listing_date = models.DateField(_("挂牌日期"), null=True, blank=True)

    # 结案
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    approval_doc_no = models.CharField(_("批复文号"), max_length=64, blank=True)
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)

    hazards = models.ManyToManyField("hazards.Hazard", through="IncidentHazard", related_name="+", blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"
    # Incidents are regulators' business: enterprise contacts see none (no enterprise field).
    jurisdiction_enterprise_field = None

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="incident_occurred_desc"),
            models.Index(fields=["region", "occurred_at"], name="incident_region_occurred"),
            models.Index(fields=["grade", "occurred_at"], name="incident_grade_occurred"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(direct_loss__gte=0), name="incident_loss_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def injuries(self) -> int:
        return self.serious_injuries + self.minor_injuries

    @property
    def occurred_on(self) -> datetime.date:
        return timezone.localtime(self.occurred_at).date()

    @property
    def casualty_last_day(self) -> datetime.date:
        from .rules import casualty_last_day

        return casualty_last_day(occurred_on=self.occurred_on, sector_code=self.sector_id, incident_type=self.type,
                                 region_code=self.region_id)


class ReportStepQuerySet(JurisdictionQuerySet):
    def late(self, now: datetime.datetime | None = None) -> "ReportStepQuerySet":
        """迟报: reported after the deadline, or still not reported with the deadline past."""
        now = now or timezone.now()
        return self.filter(Q(reported_at__gt=F("due_at")) | Q(reported_at__isnull=True, due_at__lt=now))


class IncidentReport(models.Model):
    """One step of the clock: from one level to the next. `due_at` is known once the previous
    step has been reported (the unit's from the time of the accident)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="report_steps")
    from_level = models.CharField(_("报告单位"), max_length=16, choices=ReportLevel.choices)
    to_level = models.CharField(_("报告至"), max_length=16, choices=ReportLevel.choices)
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    due_at = models.DateTimeField(_("报告时限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("报告内容"), blank=True)

    objects = ReportStepQuerySet.as_manager()
    jurisdiction_region_field = "incident__region"

    class Meta:
        verbose_name = _("事故报告")
        verbose_name_plural = _("事故报告")
        ordering = ["incident_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "to_level"], name="incident_report_once_per_level"),
            models.CheckConstraint(condition=Q(reported_at__isnull=True) | Q(reported_by__isnull=False),
                                   name="incident_report_has_reporter"),
        ]
        indexes = [models.Index(fields=["due_at"], condition=Q(reported_at__isnull=True), name="incident_report_open")]

    def __str__(self) -> str:
        return f"{self.get_from_level_display()} → {self.get_to_level_display()}"

    @property
    def met(self) -> bool | None:
        """True: reported in time; False: late (reported late or overdue); None: still running."""
        if self.reported_at is not None:
            return self.due_at is None or self.reported_at <= self.due_at
        if self.due_at is not None and self.due_at < timezone.now():
            return False
        return None

    @property
    def late_by(self) -> datetime.timedelta | None:
        if self.met is not False:
            return None
        return (self.reported_at or timezone.now()) - self.due_at


class Investigation(models.Model):
    """事故调查: the team, lead authority, deadline (60 days, once extendable by ≤ 60) and findings."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="investigation")
    lead_authority = models.CharField(_("牵头调查"), max_length=16, choices=LeadAuthority.choices)
    team_leader = models.CharField(_("调查组组长"), max_length=64)
    team_members = models.TextField(_("调查组成员单位和人员"))
    started_on = models.DateField(_("成立日期"))
    due_on = models.DateField(_("调查报告提交期限"))
    original_due_on = models.DateField(_("原提交期限"))
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    direct_causes = models.TextField(_("直接原因"), blank=True)
    indirect_causes = models.TextField(_("间接原因"), blank=True)
    responsible_parties = models.TextField(_("责任认定及处理建议"), blank=True)
    recommendations = models.TextField(_("整改和防范措施建议"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")

    @property
    def extended(self) -> bool:
        return self.due_on != self.original_due_on

    @property
    def findings_complete(self) -> bool:
        return all(getattr(self, f).strip() for f in FINDING_FIELDS)

    @property
    def is_overdue(self) -> bool:
        return self.incident.status == "investigating" and self.due_on < timezone.localdate()


FINDING_FIELDS = ("direct_causes", "indirect_causes", "responsible_parties", "recommendations")


class IncidentEvent(models.Model):
    """One line of an incident's timeline; append-only (a PostgreSQL trigger refuses changes)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=32, choices=IncidentEventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=16, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=IncidentStatus.choices, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True, help_text=_("{字段: [原值, 新值]}"))

    class Meta:
        verbose_name = _("事故事件")
        verbose_name_plural = _("事故事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="incident_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "IncidentAttachment", filename: str) -> str:
    return instance.storage_name  # a random name chosen by attachments.store_attachment


class IncidentAttachment(models.Model):
    """A photo or document of an incident; served only through a view that checks jurisdiction."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(IncidentEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=IncidentAttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=attachment_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    storage_name = ""  # transient, see attachment_path

    class Meta:
        verbose_name = _("事故附件")
        verbose_name_plural = _("事故附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IncidentHazard(models.Model):
    """A hazard found in the follow-up checks of an incident (the link lives here, not on Hazard)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="hazard_links")
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="incident_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("事故整改隐患")
        verbose_name_plural = _("事故整改隐患")
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "hazard"], name="incident_hazard_once")]


class IncidentNoticeQuerySet(JurisdictionQuerySet):
    def inbox_of(self, user) -> "IncidentNoticeQuerySet":
        return self.visible_to(user).filter(recipient=user, channel=Channel.INAPP)

    def unread(self) -> "IncidentNoticeQuerySet":
        return self.filter(read_at__isnull=True)


class IncidentNotice(OutboxRow):
    """The next level told of a report (or of a later change of the figures), on the notice
    channels (hazardtrack.outbox): one row per event and recipient and channel — in-app (the bell
    and the inbox; delivered by being written), email — or per group robot of that level's office.
    Email and robot rows wait for the delivery task (incidents/delivery.py builds their message),
    which records each attempt and retries with backoff. The unique keys make a repeat harmless."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(IncidentEvent, on_delete=models.PROTECT, related_name="notices")
    level = models.CharField(_("通知层级"), max_length=16, choices=ReportLevel.choices)
    message = models.CharField(_("内容"), max_length=300)

    objects = IncidentNoticeQuerySet.as_manager()
    jurisdiction_region_field = "incident__region"

    class Meta(OutboxRow.Meta):
        verbose_name = _("事故报告通知")
        verbose_name_plural = _("事故报告通知")
        constraints, indexes = outbox_meta("incident_notice", "event")
