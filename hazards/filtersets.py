"""One FilterSet for the ledger page and the API: the same parameter names in both, so a
supervisor's shared link and an API call select the same rows."""
from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Sector
from hazardtrack.filters import DAYS_MAX, DateFilter, IntegerFilter

from .choices import (RECTIFIED_STATUSES, ExtensionStatus, HazardCategory, HazardLevel, HazardSource, HazardStatus,
                      ResumeReviewStatus)
from .ladder import due_soon_sql
from .models import ExtensionRequest, Hazard, ResumeApplication, local_today
from .search import search_hazards
from .transitions import STAFF as VERIFIER_ROLES

BOOLEAN_CHOICES = (("", _("不限")), ("1", _("是")), ("0", _("否")))
MINE_CHOICES = (("found", _("我上报的")), ("inspecting", _("我跟踪的")), ("verifiable", _("待我复查的")))


def _descending(label):
    # django-filter formats its "%s (descending)" labels once, at import, which would fix their
    # language; this formats them each time they are shown.
    return lazy(lambda: django_filters.OrderingFilter.descending_fmt % label, str)()


def _with_pending(queryset, value, pending):
    """Hazards with (True) or without (False) a row of `pending` (extension requests, resume
    applications awaiting a decision); None leaves the queryset alone."""
    if value is None:
        return queryset
    hazards = pending.values("hazard_id")
    return queryset.filter(pk__in=hazards) if value else queryset.exclude(pk__in=hazards)


class HazardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    # distinct=False: plain columns, no join that could repeat a row (DISTINCT would sort every match).
    sector = django_filters.ModelMultipleChoiceFilter(queryset=Sector.objects.all(), label=_("行业领域"), distinct=False)
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("隐患等级"))
    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("状态"), distinct=False)
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("隐患来源"))
    category = django_filters.ChoiceFilter(choices=HazardCategory.choices, label=_("隐患类别"))
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("单位ID"))
    overdue = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_overdue", label=_("已逾期")
    )
    due_within = IntegerFilter(method="filter_due_within", label=_("N天内到期"), min_value=0, max_value=DAYS_MAX)
    # Due soon as the reminders define it: within the reminder window of the hazard's level
    # under its region's escalation rules (3 days general, 7 major by default).
    due_soon = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_due_soon", label=_("临期（提醒期内）")
    )
    deadline_after = DateFilter(field_name="current_deadline", lookup_expr="gte", label=_("期限起"))
    deadline_before = DateFilter(field_name="current_deadline", lookup_expr="lte", label=_("期限止"))
    found_after = DateFilter(field_name="found_at", lookup_expr="date__gte", label=_("发现日期起"))
    found_before = DateFilter(field_name="found_at", lookup_expr="date__lte", label=_("发现日期止"))
    ordering = django_filters.OrderingFilter(
        fields=(("found_at", "found_at"), ("current_deadline", "deadline"), ("code", "code"), ("status", "status")),
        field_labels={"found_at": _("发现时间"), "current_deadline": _("整改期限"), "code": _("编号"), "status": _("状态"),
                      "-found_at": _descending(_("发现时间")), "-deadline": _descending(_("整改期限")),
                      "-code": _descending(_("编号")), "-status": _descending(_("状态"))},
        label=_("排序"),
    )

    # Supervision statistics drill-down (supervision/statistics.py DRILL_DOWN): each figure's
    # ledger link selects exactly the rows it counts.
    counted = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_counted", label=_("计入统计（不含不予认定）")
    )
    rectified = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_rectified", label=_("已整改（复查通过或已销号）")
    )
    closed_on_time = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_closed_on_time", label=_("按原期限销号")
    )
    listed = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_listed", label=_("挂牌督办")
    )
    region_exact = django_filters.CharFilter(field_name="region_id", label=_("区划代码（仅本级）"))

    class Meta:
        model = Hazard
        fields = ["q", "region", "sector", "level", "status", "source", "category", "enterprise"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Index-backed on PostgreSQL (bigrams, hazards/search.py); same matches everywhere.
        return search_hazards(queryset, value)

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(region__code__startswith=value)

    # A method filter has no model field to describe it: tell the schema its values.
    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_overdue(self, queryset, name, value):
        if value is True:
            return queryset.overdue()
        if value is False:
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_due_soon(self, queryset, name, value):
        if value is None:
            return queryset
        # The nightly job's own definition of a due reminder (hazards/ladder.py), not a copy.
        due_soon = due_soon_sql(as_of=local_today())
        return queryset.filter(pk__in=due_soon) if value else queryset.exclude(pk__in=due_soon)

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.due_soon(days=int(value))

    # --- supervision drill-down filters (appended) ---------------------------------------------

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_counted(self, queryset, name, value):
        if value is None:
            return queryset
        rejected = Q(status=HazardStatus.REJECTED)
        return queryset.exclude(rejected) if value else queryset.filter(rejected)

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_rectified(self, queryset, name, value):
        if value is None:
            return queryset
        rectified = Q(status__in=RECTIFIED_STATUSES)
        return queryset.filter(rectified) if value else queryset.exclude(rectified)

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_closed_on_time(self, queryset, name, value):
        """Signed off on or before the original deadline (calendar day, Asia/Shanghai)."""
        if value is None:
            return queryset
        on_time = Q(status=HazardStatus.SIGNED_OFF, signed_off_at__date__lte=F("original_deadline"))
        return queryset.filter(on_time) if value else queryset.filter(status=HazardStatus.SIGNED_OFF).exclude(on_time)

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_listed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(listing_level="") if value else queryset.filter(listing_level="")


    # --- to-do (待办) filters (appended; hazards/todo.py counts with these same definitions) -----

    extension_pending = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_extension_pending", label=_("有待审批的延期申请")
    )
    resume_pending = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_resume_pending", label=_("有待审查的复产申请")
    )
    verification_failed = django_filters.TypedChoiceFilter(
        choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_verification_failed",
        label=_("复查未通过、重新整改中"),
    )
    mine = django_filters.ChoiceFilter(choices=MINE_CHOICES, method="filter_mine", label=_("与我有关"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's filter backend passes the request; the page's selector passes the user.
        self.user = user if user is not None else getattr(self.request, "user", None)

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_extension_pending(self, queryset, name, value):
        return _with_pending(queryset, value, ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING))

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_resume_pending(self, queryset, name, value):
        return _with_pending(queryset, value, ResumeApplication.objects.filter(status=ResumeReviewStatus.PENDING))

    @extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))
    def filter_verification_failed(self, queryset, name, value):
        """Back in rectification after a report: only a failed verification returns it there."""
        if value is None:
            return queryset
        redo = Q(status=HazardStatus.RECTIFYING, rectification_reported_at__isnull=False)
        return queryset.filter(redo) if value else queryset.exclude(redo)

    def filter_mine(self, queryset, name, value):
        user = self.user
        if not value or user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        if value == "found":
            return queryset.filter(found_by=user)
        if value == "inspecting":
            return queryset.filter(assigned_inspector=user)
        # "verifiable": what the verify transition allows (hazards/transitions.py): staff, not
        # the one who reported the rectification.
        if user.role not in VERIFIER_ROLES and not user.is_superuser:
            return queryset.none()
        return queryset.filter(status=HazardStatus.RECTIFICATION_REPORTED).exclude(rectification_reported_by=user)
