"""Inspections (监督检查): checklists, the inspections that use them, the random plans that
schedule them (双随机一公开) and the numbered documents they produce."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RiskColour
from accounts.jurisdiction import JurisdictionQuerySet
from hazards.choices import HazardCategory

from .choices import DocumentKind, InspectionStatus, InspectionType, ItemResult, Outcome, PlanStatus

# --- checklists --------------------------------------------------------------------------


class ChecklistTemplate(models.Model):
    """A checklist for one sector (or for every sector when `sector` is empty). Its content lives
    in versions: editing a template publishes a new version, so an inspection keeps the exact
    items it was carried out with."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name=_("适用行业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    notes = models.CharField(_("修订说明"), max_length=200, blank=True)
    # The published standard this version follows: a revised standard is a new version.
    standard = models.CharField(_("依据标准"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistTemplateVersion, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    section = models.CharField(_("分类"), max_length=64, blank=True)
    text = models.TextField(_("检查内容"))
    basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    is_major_criterion = models.BooleanField(_("重大事故隐患判定项"), default=False)
    category = models.CharField(
        _("隐患类别"), max_length=32, choices=HazardCategory.choices, default=HazardCategory.UNSAFE_CONDITION
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="checklist_item_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:40]}"


# --- inspections ---------------------------------------------------------------------------


class Inspection(models.Model):
    type = models.CharField(_("检查类型"), max_length=16, choices=InspectionType.choices)
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    date = models.DateField(_("检查日期"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="inspections")
    plan = models.ForeignKey(
        "InspectionPlan", verbose_name=_("所属抽查计划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="inspections",
    )
    template_version = models.ForeignKey(
        ChecklistTemplateVersion, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="inspections"
    )
    status = models.CharField(_("状态"), max_length=16, choices=InspectionStatus.choices,
                              default=InspectionStatus.DRAFT)
    conclusion = models.TextField(_("检查结论"), blank=True)
    outcome = models.CharField(_("检查结果"), max_length=16, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"
    jurisdiction_enterprise_field = "enterprise"

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["-date", "-id"], name="inspection_date_desc"),
            models.Index(fields=["enterprise", "status", "-date"], name="inspection_enterprise_latest"),
            models.Index(fields=["region", "-date"], name="inspection_region_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(finished_at__isnull=False), name="inspection_finished_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date:%Y-%m-%d} {self.get_type_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status == InspectionStatus.FINISHED


class InspectionResult(models.Model):
    """The answer to one checklist item. A failed item becomes a hazard (`hazard`); when it was
    fixed on the spot (立行立改) that hazard is closed at once and `rectified_on_spot` is set."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=8, choices=ItemResult.choices)
    note = models.TextField(_("情况说明"), blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard", verbose_name=_("生成的隐患"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="inspection_result",
    )
    rectified_on_spot = models.BooleanField(_("立行立改"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_one_per_item"),
            models.CheckConstraint(condition=Q(hazard__isnull=True) | Q(result="fail"),
                                   name="inspection_result_hazard_only_when_failed"),
        ]


class InspectionDocument(models.Model):
    """An issued, numbered document. `content` is what it says, frozen at issue: the PDF is
    laid out from it, so a later change to a hazard never rewrites an issued document."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=16, choices=DocumentKind.choices)
    issuer = models.CharField(_("制发单位标识"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"))
    doc_no = models.CharField(_("文号"), max_length=64)
    content = models.JSONField(_("内容"), default=dict)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("制发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查文书")
        verbose_name_plural = _("检查文书")
        ordering = ["inspection", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind"], name="inspection_document_one_per_kind"),
            models.UniqueConstraint(fields=["kind", "issuer", "year", "number"], name="inspection_document_number_unique"),
        ]

    def __str__(self) -> str:
        return self.doc_no


# --- planning ------------------------------------------------------------------------------


class InspectionFrequency(models.Model):
    """How often an enterprise of a risk colour is due for inspection. A row for a region
    overrides the defaults (region empty) in that region's subtree."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("适用区划"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    risk_colour = models.CharField(_("风险等级"), max_length=8, choices=RiskColour.choices)
    months = models.PositiveSmallIntegerField(_("检查周期（月）"))

    class Meta:
        verbose_name = _("检查频次")
        verbose_name_plural = _("检查频次")
        ordering = ["region", "risk_colour"]
        constraints = [
            models.UniqueConstraint(fields=["region", "risk_colour"], name="inspection_frequency_unique"),
            models.UniqueConstraint(fields=["risk_colour"], condition=Q(region__isnull=True),
                                    name="inspection_frequency_default_unique"),
            models.CheckConstraint(condition=Q(months__gte=1), name="inspection_frequency_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_risk_colour_display()} {self.months}"


class ConflictOfInterest(models.Model):
    """An inspector may not inspect this enterprise (relative, former employee, …)."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), on_delete=models.CASCADE,
                                  related_name="conflicts")
    enterprise = models.ForeignKey("accounts.Enterprise", verbose_name=_("单位"), on_delete=models.CASCADE,
                                   related_name="conflicts")
    reason = models.CharField(_("回避事由"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "enterprise__region"

    class Meta:
        verbose_name = _("回避登记")
        verbose_name_plural = _("回避登记")
        ordering = ["enterprise", "inspector"]
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


class InspectionPlan(models.Model):
    """双随机一公开: N enterprises drawn from a pool, each paired with randomly drawn inspectors.
    The pool, the inspector pool, the conflicts and the seed are stored when drawing, so anyone
    can recompute the draw (`draw.verify`)."""

    name = models.CharField(_("计划名称"), max_length=128)
    region = models.ForeignKey("accounts.Region", verbose_name=_("抽查区域"), on_delete=models.PROTECT,
                               related_name="+")
    sectors = models.ManyToManyField("accounts.Sector", verbose_name=_("行业领域"), blank=True, related_name="+")
    risk_colours = models.JSONField(_("风险等级"), default=list, blank=True)
    size = models.PositiveIntegerField(_("抽取单位数"))
    inspectors_per_enterprise = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    start_date = models.DateField(_("检查开始日期"))
    end_date = models.DateField(_("检查截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    pool = models.JSONField(_("备选单位库"), default=list, blank=True)  # [[enterprise id, risk colour], …]
    inspector_pool = models.JSONField(_("检查人员库"), default=list, blank=True)  # [user id, …]
    conflict_pairs = models.JSONField(_("回避关系"), default=list, blank=True)  # [[user id, enterprise id], …]
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("双随机抽查计划")
        verbose_name_plural = _("双随机抽查计划")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(inspectors_per_enterprise__gte=2), name="plan_two_inspectors"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="plan_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanDraw(models.Model):
    """One drawn enterprise of a plan, in draw order, with its drawn inspectors and the
    inspection scheduled for it."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="draws")
    position = models.PositiveIntegerField(_("抽取顺序"))
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    inspection = models.OneToOneField(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="draw")

    class Meta:
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_draw_position_unique"),
            models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_draw_enterprise_unique"),
        ]
