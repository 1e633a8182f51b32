"""One FilterSet for the inspection list page and the API (the same parameter names)."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Sector
from hazardtrack.filters import DateFilter, IntegerFilter

from .choices import InspectionStatus, InspectionType, Outcome
from .models import Inspection


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("单位名称或信用代码"))
    type = django_filters.MultipleChoiceFilter(choices=InspectionType.choices, label=_("检查类型"))
    status = django_filters.MultipleChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("检查结果"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    sector = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__sector", queryset=Sector.objects.all(),
                                                      label=_("行业领域"))
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("单位ID"))
    plan = IntegerFilter(field_name="plan_id", label=_("抽查计划ID"))
    inspector = IntegerFilter(field_name="inspectors", label=_("检查人员ID"), distinct=True)
    date_after = DateFilter(field_name="date", lookup_expr="gte", label=_("检查日期起"))
    date_before = DateFilter(field_name="date", lookup_expr="lte", label=_("检查日期止"))

    class Meta:
        model = Inspection
        fields = ["q", "type", "status", "outcome", "region", "sector", "enterprise", "plan", "inspector"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__startswith=value.upper()))

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(region__code__startswith=value)
