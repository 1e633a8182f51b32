"""The triage queue's filters (the same names in the page's query string)."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Sector
from hazardtrack.filters import DateFilter

from .choices import Channel, TipOffStatus
from .models import TipOff

QUEUE_CHOICES = (("open", _("待办理")), ("decided", _("已办结")), ("all", _("全部")))


class TipOffFilterSet(django_filters.FilterSet):
    queue = django_filters.ChoiceFilter(choices=QUEUE_CHOICES, method="filter_queue", label=_("范围"),
                                        empty_label=None)
    q = django_filters.CharFilter(method="filter_text", label=_("关键词/查询码"))
    status = django_filters.MultipleChoiceFilter(choices=TipOffStatus.choices, label=_("状态"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("渠道"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label=_("行业领域"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("转给本部门的"))
    submitted_after = DateFilter(field_name="submitted_at", lookup_expr="date__gte", label=_("举报日期起"))
    submitted_before = DateFilter(field_name="submitted_at", lookup_expr="date__lte", label=_("举报日期止"))

    class Meta:
        model = TipOff
        fields = ["queue", "q", "status", "channel", "sector", "region"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_queue(self, queryset, name, value):
        from .choices import OPEN_STATUSES

        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "decided":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(tracking_code__icontains=value) | Q(description__icontains=value) | Q(address__icontains=value)
        )

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(region__code__startswith=value)

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        department = getattr(self.user, "department_id", None)
        return queryset.filter(transfer_department_id=department) if department else queryset.none()
