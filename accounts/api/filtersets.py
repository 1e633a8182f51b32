"""Query parameters of the region and enterprise lookups (used by pickers and search-as-you-type).

They live here rather than in accounts/filtersets.py because only the API uses them so far; if
an HTML page grows the same filters, move them there so both use one FilterSet."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel, RiskColour
from accounts.models import Enterprise, Region, Sector


def _subtree(queryset, field: str, value: str):
    """Region codes are hierarchical: a subtree is a prefix match."""
    value = (value or "").strip()
    if not value.isdigit():
        return queryset.none()
    return queryset.filter(**{f"{field}__startswith": value})


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("上级区划代码（直接下级）"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("级别"))
    q = django_filters.CharFilter(method="filter_text", label=_("名称或代码"))

    class Meta:
        model = Region
        fields = ["parent", "level", "q"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("单位名称或统一社会信用代码"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    sector = django_filters.ModelMultipleChoiceFilter(queryset=Sector.objects.all(), label=_("行业领域"))
    risk_colour = django_filters.MultipleChoiceFilter(choices=RiskColour.choices, label=_("风险等级"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "sector", "risk_colour"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Credit codes are stored upper-case; people type the start of one.
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__startswith=value.upper()))

    def filter_region(self, queryset, name, value):
        return _subtree(queryset, "region__code", value)
