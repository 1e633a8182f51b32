"""The hazard ledger (隐患台账): hazards, their audit events, attachments, plans, extensions."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import JurisdictionQuerySet
from hazardtrack.dates import local_today

from .choices import (
    DEADLINE_RUNNING_STATUSES,
    AttachmentKind,
    EventAction,
    ExtensionStatus,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
    ResumeReviewStatus,
)


def overdue_q(today: datetime.date) -> Q:
    """逾期: past the current deadline, neither rectification-reported nor closed — as a Q, so
    filters, sorts and aggregates (supervision/statistics.py) use the one condition."""
    return Q(status__in=DEADLINE_RUNNING_STATUSES, current_deadline__lt=today)


class HazardQuerySet(JurisdictionQuerySet):
    def overdue(self, today: datetime.date | None = None) -> "HazardQuerySet":
        return self.filter(overdue_q(today or local_today()))

    def due_soon(self, today: datetime.date | None = None, days: int = 3) -> "HazardQuerySet":
        today = today or local_today()
        return self.filter(
            status__in=DEADLINE_RUNNING_STATUSES,
            current_deadline__gte=today,
            current_deadline__lte=today + datetime.timedelta(days=days),
        )


class HazardCodeSequence(models.Model):
    """Per-county, per-year counter behind hazard codes (YH-430522-2026-000123)."""

    county_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="hazard_code_seq_unique")]


class Hazard(models.Model):
    code = models.CharField(_("隐患编号"), max_length=40, unique=True, editable=False)
    original_code = models.CharField(_("原台账编号"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("隐患名称"), max_length=200)
    description = models.TextField(_("隐患描述"), blank=True)
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("生产经营单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="hazards",
    )
    region = models.ForeignKey("accounts.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    sector = models.ForeignKey("accounts.Sector", verbose_name=_("行业领域"), on_delete=models.PROTECT)
    level = models.CharField(_("隐患等级"), max_length=16, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    category = models.CharField(
        _("隐患类别"), max_length=32, choices=HazardCategory.choices, default=HazardCategory.UNSAFE_CONDITION
    )
    source = models.CharField(_("隐患来源"), max_length=16, choices=HazardSource.choices, default=HazardSource.INSPECTION)
    source_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("移送/交办部门"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    source_reference = models.CharField(_("来源文号/编号"), max_length=64, blank=True)
    address = models.CharField(_("具体位置"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发现人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    status = models.CharField(_("状态"), max_length=32, choices=HazardStatus.choices, default=HazardStatus.REPORTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    rectified_on_spot = models.BooleanField(_("立行立改"), default=False)

    # 认定 / 不予认定
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("不予认定理由"), blank=True)
    # A report its reporter linked as the same as an open hazard: rejected at once, not counted.
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("同一隐患"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates",
    )

    # 交办
    responsible_unit = models.CharField(_("整改责任单位"), max_length=128, blank=True)
    responsible_person = models.CharField(_("整改责任人"), max_length=32, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=32, blank=True)
    measures = models.TextField(_("整改措施要求"), blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    assigned_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("跟踪检查员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    original_deadline = models.DateField(_("原整改期限"), null=True, blank=True)
    current_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    funds_planned = models.DecimalField(_("计划整改资金（元）"), max_digits=14, decimal_places=2, null=True, blank=True)

    # 整改完成报告
    rectification_report = models.TextField(_("整改情况"), blank=True)
    funds_spent = models.DecimalField(_("实际整改资金（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    rectification_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectification_reported_at = models.DateTimeField(_("报告整改完成时间"), null=True, blank=True)

    # 复查
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    verification_comment = models.TextField(_("复查意见"), blank=True)

    # 销号
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    # 重大事故隐患
    listing_level = models.CharField(_("挂牌督办级别"), max_length=16, choices=ListingLevel.choices, blank=True)
    listing_doc_no = models.CharField(_("督办文号"), max_length=64, blank=True)
    listing_date = models.DateField(_("挂牌日期"), null=True, blank=True)
    production_suspended = models.BooleanField(_("局部或全部停产停业"), default=False)
    assessment_report = models.TextField(_("整改评估报告"), blank=True)

    # Set by the nightly escalation job (hazards/escalation.py), as of its last run.
    overdue_since = models.DateField(_("逾期起始日"), null=True, blank=True, editable=False)
    circular_queued_on = models.DateField(_("纳入逾期通报日期"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()
    jurisdiction_region_field = "region"
    jurisdiction_enterprise_field = "enterprise"

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["status", "current_deadline"], name="hazard_status_deadline"),
            models.Index(fields=["region", "status", "current_deadline"], name="hazard_region_status_deadline"),
            models.Index(fields=["-found_at", "-id"], name="hazard_found_desc"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_deadline__isnull=True) | Q(original_deadline__isnull=False),
                name="hazard_current_deadline_needs_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.status in DEADLINE_RUNNING_STATUSES
            and self.current_deadline is not None
            and self.current_deadline < (today or local_today())
        )

    @property
    def clock(self):
        """Days left or overdue today, counted as the hazard's region counts its deadline
        (hazards/ladder.py `deadline_days`; a page attaches it for all its rows in one query);
        None when no deadline runs."""
        if not hasattr(self, "deadline_clock"):
            from .ladder import deadline_days

            running = self.status in DEADLINE_RUNNING_STATUSES and self.current_deadline is not None
            self.deadline_clock = deadline_days([self]).get(self.pk) if running else None
        return self.deadline_clock

    @property
    def overdue_days(self) -> int:
        """Days overdue in the region's days (working days where it counts them); 0 when not overdue."""
        clock = self.clock
        return max(clock.days_overdue, 0) if clock and clock.overdue else 0

    @property
    def days_left(self) -> int | None:
        clock = self.clock
        return None if clock is None else clock.days_left

    @property
    def deadline_extended(self) -> bool:
        return bool(self.original_deadline and self.current_deadline and self.current_deadline != self.original_deadline)


class RectificationPlan(models.Model):
    """重大事故隐患治理方案: the five 落实 (responsibility, measures, funds, deadline, emergency plan)."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    goals_and_tasks = models.TextField(_("治理的目标和任务"))
    methods_and_measures = models.TextField(_("采取的方法和措施"))
    funds_and_materials = models.TextField(_("经费和物资的落实"))
    people_in_charge = models.TextField(_("负责治理的机构和人员"))
    time_limits = models.TextField(_("治理的时限和要求"))
    safety_and_emergency = models.TextField(_("安全措施和应急预案"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重大隐患治理方案")
        verbose_name_plural = _("重大隐患治理方案")


class ExtensionRequest(models.Model):
    """延期申请. The original deadline is never changed; approval moves the current one."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("延期理由"))
    previous_deadline = models.DateField(_("原期限"))
    requested_deadline = models.DateField(_("申请延期至"))
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_deadline = models.DateField(_("批准延期至"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            # At most one pending request per hazard, enforced by the database.
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(status="pending"), name="extension_one_pending_per_hazard"
            ),
        ]


# 《安全生产事故隐患排查治理暂行规定》 art. 23: the regulator reviews on site within 10 days of
# receiving the application to resume production.
RESUME_REVIEW_DAYS = 10


def resume_review_due(applied_on: datetime.date, region_code: str | None = None) -> datetime.date:
    """The last day (Asia/Shanghai) on which the on-site review is on time, counted as the
    hazard's region counts this period (workdays; natural days unless a region says otherwise)."""
    from workdays.choices import DEFAULT_RULES, DeadlineType
    from workdays.rules import add_days, deadline_for

    if region_code is None:
        return add_days(applied_on, RESUME_REVIEW_DAYS, rule=DEFAULT_RULES[DeadlineType.RESUME_REVIEW])
    return deadline_for(region_code=region_code, deadline_type=DeadlineType.RESUME_REVIEW, start=applied_on,
                        days=RESUME_REVIEW_DAYS)


class ResumeApplicationQuerySet(models.QuerySet):
    def with_people(self) -> "ResumeApplicationQuerySet":
        """For a page naming the applicant and reviewer: one query, not one per name."""
        return self.select_related("submitted_by", "reviewed_by")


class ResumeApplication(models.Model):
    """申请复产 of a major hazard under 停产停业, and its on-site 复产审查 by the regulator.

    One row per application: a failed review leaves production suspended and the enterprise
    applies again (a new row), so the history stays. The review is due RESUME_REVIEW_DAYS after
    the application; a later one is recorded, and marked late.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="resume_applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    content = models.TextField(_("复产申请内容"))
    review_due = models.DateField(_("审查期限"))
    status = models.CharField(_("审查结果"), max_length=16, choices=ResumeReviewStatus.choices,
                              default=ResumeReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审查人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审查记录时间"), null=True, blank=True)
    review_date = models.DateField(_("现场审查日期"), null=True, blank=True)
    review_opinion = models.TextField(_("审查意见"), blank=True)

    objects = ResumeApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("复产申请")
        verbose_name_plural = _("复产申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # At most one application awaiting review per hazard, enforced by the database.
            models.UniqueConstraint(
                fields=["hazard"], condition=Q(status="pending"), name="resume_one_pending_per_hazard"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(status="withdrawn") | Q(review_date__isnull=False),
                name="resume_reviewed_has_review_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.get_status_display()}"

    @property
    def reviewed_late(self) -> bool:
        """Reviewed on site after the due date."""
        return self.review_date is not None and self.review_date > self.review_due

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Still waiting for its review past the due date."""
        return self.status == ResumeReviewStatus.PENDING and (today or local_today()) > self.review_due

    @property
    def late(self) -> bool:
        return self.reviewed_late or self.is_overdue()


class HazardEvent(models.Model):
    """One line of a hazard's timeline; append-only (the audit trail)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=32, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=32, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32, choices=HazardStatus.choices, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)

    class Meta:
        verbose_name = _("隐患事件")
        verbose_name_plural = _("隐患事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Set by the attachment service: a random name, never the user's file name.
    return instance.storage_name


class Attachment(models.Model):
    """A photo or document of a hazard. Served only through a view that checks jurisdiction."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(HazardEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=attachment_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    storage_name = ""  # transient, see attachment_path

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
