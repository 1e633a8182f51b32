"""The statutory calendar (法定节假日与调休).

A small app of its own: the calendar is national data every deadline in the system reads
(hazards, notices, incidents), owned by none of them.

- CalendarYear: one year's notice (title, number, date, address), whether it is entered yet
  (`published`), and its version, bumped on every change (workdays.services, audited);
- CalendarOverride: the notice's days — a holiday on a weekday or a make-up workday on a weekend;
- CalendarDay: the materialised day table (FIRST_YEAR..LAST_YEAR) with `is_workday` and
  `workday_ordinal` (workdays up to and including the day), so "N working days after D" and
  "working days between" are indexed lookups in Python and in SQL alike.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CountRule, DayKind, DeadlineType


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    source_title = models.CharField(_("来源通知"), max_length=200)
    source_number = models.CharField(_("文号"), max_length=64, blank=True)
    source_published_on = models.DateField(_("发布日期"), null=True, blank=True)
    source_url = models.URLField(_("来源地址"), max_length=300, blank=True)
    # False: the year's notice is not out (or not entered) yet — weekends only, and the calendar
    # page warns the province administrators.
    published = models.BooleanField(_("通知已录入"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source_title}"


class CalendarOverride(models.Model):
    day = models.DateField(_("日期"), primary_key=True)
    year = models.ForeignKey(CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=32)

    class Meta:
        verbose_name = _("放假或调休日")
        verbose_name_plural = _("放假或调休日")
        ordering = ["day"]


class CalendarDay(models.Model):
    day = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    workday_ordinal = models.PositiveIntegerField(db_index=True)

    class Meta:
        ordering = ["day"]


class RegionDayRule(models.Model):
    """How a region counts one kind of period; its subtree follows it unless a nearer region
    has its own (like notices.EscalationPolicy)."""

    region = models.ForeignKey("accounts.Region", verbose_name=_("适用区划（含下级）"), on_delete=models.PROTECT,
                               related_name="+")
    deadline_type = models.CharField(_("期限类型"), max_length=32, choices=DeadlineType.choices)
    rule = models.CharField(_("计算方式"), max_length=16, choices=CountRule.choices)

    class Meta:
        verbose_name = _("期限计算方式")
        verbose_name_plural = _("期限计算方式")
        ordering = ["region_id", "deadline_type"]
        constraints = [models.UniqueConstraint(fields=["region", "deadline_type"], name="region_day_rule_unique")]
