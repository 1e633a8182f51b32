"""One FilterSet for the incidents list page and the API (the same parameter names), and the
target of every drill-down link of the figures page: the period filters use the definitions
in statistics.py, so a figure and the list behind it can never disagree on a boundary."""
from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Sector
from hazardtrack.filters import DateFilter, IntegerFilter
from hazardtrack.filters import descending_label as _descending

from . import statistics
from .choices import IncidentGrade, IncidentStatus, IncidentType, ListingLevel
from .models import Incident, IncidentReport

BOOLEAN_CHOICES = (("", _("不限")), ("1", _("是")), ("0", _("否")))


def _yes_no(label):
    return django_filters.TypedChoiceFilter(choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method="filter_flag",
                                            label=label)


# A method filter has no model field to describe it: tell the schema its values.
_FLAG_SCHEMA = extend_schema_field(serializers.ChoiceField(choices=["1", "0"]))


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    region_exact = django_filters.CharFilter(field_name="region_id", label=_("区划代码（仅本级）"))
    sector = django_filters.ModelMultipleChoiceFilter(queryset=Sector.objects.all(), label=_("行业领域"))
    type = django_filters.MultipleChoiceFilter(choices=IncidentType.choices, label=_("事故类别"))
    grade = django_filters.MultipleChoiceFilter(choices=IncidentGrade.choices, label=_("事故等级"))
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices, label=_("状态"))
    occurred_after = DateFilter(method="filter_occurred_after", label=_("发生日期起"))
    occurred_before = DateFilter(method="filter_occurred_before", label=_("发生日期止"))
    fatal = _yes_no(_("有死亡"))
    with_missing = _yes_no(_("有失踪"))
    injured = _yes_no(_("有受伤"))
    late = _yes_no(_("有迟报"))
    listing_level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=_("挂牌督办"))
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("单位ID"))
    ordering = django_filters.OrderingFilter(
        fields=(("occurred_at", "occurred_at"), ("deaths", "deaths"), ("direct_loss", "direct_loss"), ("code", "code")),
        field_labels={"occurred_at": _("发生时间"), "deaths": _("死亡人数"), "direct_loss": _("直接经济损失"),
                      "code": _("编号"), "-occurred_at": _descending(_("发生时间")), "-deaths": _descending(_("死亡人数")),
                      "-direct_loss": _descending(_("直接经济损失")), "-code": _descending(_("编号"))},
        label=_("排序"),
    )

    class Meta:
        model = Incident
        fields = ["q", "region", "region_exact", "sector", "type", "grade", "status", "listing_level", "enterprise"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value) | Q(address__icontains=value)
                               | Q(enterprise__name__icontains=value))

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(statistics.region_q(value))

    def filter_occurred_after(self, queryset, name, value):
        return queryset.filter(statistics.occurred_from_q(value))

    def filter_occurred_before(self, queryset, name, value):
        return queryset.filter(statistics.occurred_to_q(value))

    FLAGS = {
        "fatal": Q(deaths__gt=0),
        "with_missing": Q(missing__gt=0),
        "injured": Q(serious_injuries__gt=0) | Q(minor_injuries__gt=0),
    }

    @_FLAG_SCHEMA
    def filter_flag(self, queryset, name, value):
        if value is None or value == "":
            return queryset
        if name == "late":
            condition = Q(Exists(IncidentReport.objects.late().filter(incident=OuterRef("pk"))))
        else:
            condition = self.FLAGS[name]
        return queryset.filter(condition) if value else queryset.exclude(condition)
