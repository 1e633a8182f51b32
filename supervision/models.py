"""Archived reports (日报/周报/月报), who subscribes to them and how each copy was delivered, and
circulars (通报), and the statistics rollup (HazardRollup: additive counts kept by database
triggers). Figures themselves are never stored: they come from supervision.statistics."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import JurisdictionQuerySet
from hazards.choices import HazardStatus
from hazardtrack.outbox import Channel, OutboxRow, outbox_meta

from .choices import CircularStatus, ReportKind
from .permissions import may_view_statistics


class Report(models.Model):
    """One report of one region for one period; generated once (unique key), kept for good."""

    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    region = models.ForeignKey("accounts.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("统计期起"))
    period_end = models.DateField(_("统计期止"))
    title = models.CharField(_("标题"), max_length=200)
    xlsx = models.FileField(_("Excel 文件"), upload_to="reports/%Y/", max_length=200)
    pdf = models.FileField(_("PDF 文件"), upload_to="reports/%Y/", max_length=200, blank=True)
    figures = models.JSONField(_("主要指标"), default=dict, blank=True,
                               help_text=_("生成时的概况指标（用于消息正文）"))
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("统计报告")
        verbose_name_plural = _("统计报告")
        ordering = ["-period_end", "kind", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region", "period_start"], name="report_once_per_period"),
        ]

    def __str__(self) -> str:
        return self.title


class Subscription(models.Model):
    """A user asks for a kind of report of a region in their jurisdiction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    kind = models.CharField(_("报告类型"), max_length=8, choices=ReportKind.choices)
    region = models.ForeignKey("accounts.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    by_email = models.BooleanField(_("同时发送电子邮件"), default=False)
    by_webhook = models.BooleanField(_("同时推送到工作群（群机器人）"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("报告订阅")
        verbose_name_plural = _("报告订阅")
        ordering = ["kind", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "region"], name="subscription_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.region_id}"


class ReportDeliveryQuerySet(JurisdictionQuerySet):
    def inbox_of(self, user) -> "ReportDeliveryQuerySet":
        """A user's in-app copies of reports they may (still) open: the reports page's unread
        marks, the bell and the inbox all read this."""
        if not may_view_statistics(user):
            return self.none()
        return self.visible_to(user).filter(recipient=user, channel=Channel.INAPP)

    def unread(self) -> "ReportDeliveryQuerySet":
        return self.filter(read_at__isnull=True)


class ReportDelivery(OutboxRow):
    """The outbox of reports (hazardtrack.outbox): one report to one subscriber on one channel,
    or to one group robot (once per report, however many subscribers asked for it). In-app rows
    are delivered by being written; email and robot rows wait for the delivery task (attempts
    recorded, retried with backoff)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="deliveries")

    objects = ReportDeliveryQuerySet.as_manager()
    jurisdiction_region_field = "report__region"

    class Meta(OutboxRow.Meta):
        verbose_name = _("报告发送")
        verbose_name_plural = _("报告发送")
        # A group chat gets a report once, however many of its members subscribed.
        constraints, indexes = outbox_meta("report_delivery", "report")


class Circular(models.Model):
    """通报: the hazards that reached escalation level 3 in a period and the lowest-ranked
    regions. A draft is reviewed (its text may be edited, its contents regenerated) and then
    published: published circulars get their document number and never change again
    (supervision.services refuses every edit)."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("通报区划"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("通报期起"))
    period_end = models.DateField(_("通报期止"))
    status = models.CharField(_("状态"), max_length=16, choices=CircularStatus.choices, default=CircularStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    introduction = models.TextField(_("通报正文（导语）"), blank=True)
    requirements = models.TextField(_("工作要求"), blank=True)
    laggards = models.JSONField(_("排名靠后的区划"), default=list, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    doc_no = models.CharField(_("文号"), max_length=64, blank=True)
    # The issuing body as it stood at publication (supervision.issuing.Issuer), so a later edit
    # of the region's settings never changes a published document.
    issuer = models.JSONField(_("发文机关"), default=dict, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="circulars/%Y/", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], condition=Q(number__isnull=False),
                                    name="circular_number_unique"),
            models.CheckConstraint(
                condition=Q(status=CircularStatus.DRAFT, number__isnull=True)
                | Q(status=CircularStatus.PUBLISHED, number__isnull=False, published_at__isnull=False),
                name="circular_published_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.doc_no or self.title

    @property
    def is_published(self) -> bool:
        return self.status == CircularStatus.PUBLISHED


class CircularItem(models.Model):
    """One hazard named in a circular, as it stood when the circular was (re)generated."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="items")
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("隐患编号"), max_length=40)
    title = models.CharField(_("隐患名称"), max_length=200)
    enterprise_name = models.CharField(_("单位"), max_length=128, blank=True)
    region_name = models.CharField(_("区划"), max_length=64)
    level = models.CharField(_("等级"), max_length=16)
    deadline = models.DateField(_("整改期限"), null=True)
    level3_on = models.DateField(_("三级督办日期"))
    overdue_days = models.IntegerField(_("逾期天数"))
    status = models.CharField(_("当前状态"), max_length=32)
    # Set when the hazard was rectified within the period: named, but marked as rectified.
    rectified_on = models.DateField(_("通报期内整改日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("通报隐患")
        verbose_name_plural = _("通报隐患")
        ordering = ["circular", "position"]
        constraints = [models.UniqueConstraint(fields=["circular", "hazard"], name="circular_item_once")]


class IssuingBody(models.Model):
    """How a region's circulars are headed and addressed (GB/T 9704 公文): the 发文机关 of the
    masthead and the signature, the short name of the document number, 主送 and 抄送. A region
    without one uses the defaults of supervision.issuing."""

    region = models.OneToOneField("accounts.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                                  primary_key=True, related_name="+")
    full_name = models.CharField(_("发文机关全称"), max_length=60)
    short_name = models.CharField(_("发文字号中的机关代字"), max_length=30)
    main_to = models.CharField(_("主送机关"), max_length=200)
    copy_to = models.CharField(_("抄送机关"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_region_field = "region"

    class Meta:
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")

    def __str__(self) -> str:
        return self.full_name


class HazardRollup(models.Model):
    """The statistics rollup (issue #18): additive counts of the hazards found on one day in one
    region (the hazard's own region: township or village), sector, source and level, one column
    per status, kept exact by PostgreSQL triggers on hazards_hazard in the same transaction as
    every change (supervision/rollup.py). Three grains share the table: "d" rows (found day ×
    region), "m" rows (found month, `day` = its first day × city, the first 4 digits) for long
    periods of the province and cities, and "t" rows (all time × city) for ledger counts
    without found dates. What each column counts, and how figures are read from it, is defined
    in supervision/statistics.py. SQLite keeps the table empty and the statistics read the live
    aggregate there."""

    grain = models.CharField(max_length=1)
    day = models.DateField()
    region = models.CharField(max_length=12)
    sector = models.CharField(max_length=32)
    source = models.CharField(max_length=16)
    level = models.CharField(max_length=16)
    # n_<status> for every status, then on_time, close_us (total microseconds from found to signed
    # off) and listed: added below, one BigIntegerField each.
    # On "t" rows: how many hazard rows the statements on hazards_hazard touched in this key, also
    # when nothing counted changed (a deadline extension moves overdue, counted live). Only ever
    # grows within one fill of the table, so with the rows' count and highest id it is the
    # version of a subtree's figures (statistics.rollup_version, the dashboard's cache key).
    changes = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "region", "sector", "source", "level"],
                                    name="hazard_rollup_key"),
        ]


for _column in [f"n_{status.value}" for status in HazardStatus] + ["on_time", "close_us", "listed"]:
    HazardRollup.add_to_class(_column, models.BigIntegerField(default=0))
