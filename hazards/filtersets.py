"""One FilterSet for the ledger page and the API: the same parameter names in both, so a
supervisor's shared link and an API call select the same rows."""
from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import REGION_LEVEL_BY_LENGTH
from accounts.jurisdiction import has_role, region_prefix
from accounts.selectors import regions_named
from accounts.models import Sector
from hazardtrack.dates import local_today
from hazardtrack.filters import DAYS_MAX, DateFilter, IntegerFilter, ModelMultipleChoiceFilter, ReusableFormFilterSet
from hazardtrack.filters import ordering_label

from .choices import (RECTIFIED_STATUSES, ExtensionStatus, HazardCategory, HazardLevel, HazardSource, HazardStatus,
                      ResumeReviewStatus)
from .ladder import due_soon_sql
from .models import ExtensionRequest, Hazard, ResumeApplication, overdue_q
from .search import search_hazards
from .transitions import STAFF as VERIFIER_ROLES
from .transitions import SUPERVISORS as SIGNER_ROLES
from .transitions import sign_off_allowed_q

ANY = _("不限")
BOOLEAN_CHOICES = (("", ANY), ("1", _("是")), ("0", _("否")))
MINE_CHOICES = (("found", _("我上报的")), ("inspecting", _("我跟踪的")), ("verifiable", _("待我复查的")),
                ("signable", _("待我销号的")))


# The ledger's query parameters that choose a page and its order, not which rows.
LEDGER_PAGING_PARAMS = {"page", "page_size", "ordering", "format"}


def ledger_filters_used(params) -> set[str]:
    """The names of the parameters of `params` (a QueryDict) that have a value, paging excepted:
    what decides how a ledger may be counted (hazards.selectors.ledger_counts_live_first,
    supervision.statistics.rollup_ledger_count)."""
    return {key for key in params if any(params.getlist(key))} - LEDGER_PAGING_PARAMS


def _yes_no(method: str, label):
    return django_filters.TypedChoiceFilter(choices=BOOLEAN_CHOICES, coerce=lambda v: v == "1", method=method,
                                            label=label)


def _with_pending(queryset, value, pending):
    """Hazards with (True) or without (False) a row of `pending` (extension requests, resume
    applications awaiting a decision); None leaves the queryset alone."""
    if value is None:
        return queryset
    hazards = pending.values("hazard_id")
    return queryset.filter(pk__in=hazards) if value else queryset.exclude(pk__in=hazards)


class CompactSelectMultiple(forms.SelectMultiple):
    """A multiple choice that looks like a drop-down: one value (or none, "全部") as a plain
    select, so a phone shows a short picker; several values (a shared link, a to-do item) as
    the list they are. The empty "全部" option sends nothing."""

    def __init__(self, *args, empty_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_label = empty_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if len(value or []) <= 1:
            context["widget"]["attrs"].pop("multiple", None)
            empty = self.create_option(name, "", self.empty_label or ANY, not value, 0)
            context["widget"]["optgroups"].insert(0, (None, [empty], 0))
        return context

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        return [v for v in values if v not in ("", None)] if isinstance(values, list) else values


class RegionField(forms.CharField):
    """A region of the user's jurisdiction, by code or by name ("邵阳" finds 邵阳县 if that is
    the only match); anything else is refused on the field instead of selecting nothing."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value or self.user is None:
            return value
        if value.isdigit():
            # A code is checked without a query (the API's two queries a page): a region code's
            # shape, overlapping the jurisdiction — inside it, or above it (a city's shared link
            # opened by a county: its own rows). An enterprise contact's rows are their
            # enterprise's whatever the region.
            prefix = region_prefix(self.user)
            overlaps = value.startswith(prefix) or prefix.startswith(value) if prefix is not None else True
            if prefix is None or (len(value) in REGION_LEVEL_BY_LENGTH and overlaps):
                return value
            raise self.unknown(value)
        matches = list(regions_named(self.user, value)[:6])
        if len(matches) == 1:
            return matches[0].code
        if not matches:
            raise self.unknown(value)
        raise ValidationError(_("“%(value)s”对应多个区划：%(names)s，请选择其一。"), code="ambiguous_region",
                              params={"value": value, "names": "、".join(r.name for r in matches[:5])})

    @staticmethod
    def unknown(value) -> ValidationError:
        return ValidationError(_("您的辖区内没有区划“%(value)s”，请从列表中选择。"), code="unknown_region",
                               params={"value": value})


class RegionFilter(django_filters.CharFilter):
    field_class = RegionField


class LedgerOrdering(django_filters.OrderingFilter):
    """The ledger's sort keys. 逾期天数 sorts the overdue rows first, most overdue first: by
    the deadline, which orders them the same way however the days are counted
    (Hazard.overdue_days), so the count can change without the sort."""

    def __init__(self, *args, **kwargs):
        fields = kwargs["fields"]
        labels = kwargs.pop("labels")
        kwargs["field_labels"] = {
            **{field: ordering_label(labels[param], False) for field, param in fields},
            **{f"-{param}": ordering_label(labels[param], True) for _field, param in fields},
        }
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = param[1:] if descending else param
        if name == "overdue_days":
            late = Case(When(overdue_q(local_today()), then=Value(1)), default=Value(0), output_field=IntegerField())
            deadline = F("current_deadline")
            # Descending: the overdue first, the longest overdue (earliest deadline) first.
            return (late.desc(), deadline.asc(nulls_last=True)) if descending else (late.asc(), deadline.desc(nulls_last=True))
        field = self.param_map[name]
        if field in self.NULLABLE:
            return (F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True),)
        return ("-" + field if descending else field,)

    NULLABLE = {"current_deadline", "enterprise__name"}

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.order_by(*[key for param in value for key in self.get_ordering_value(param)])


class HazardFilterSet(ReusableFormFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    # A code (shared links, to-do items, the picker's values) or a name of the user's subtree.
    region = RegionFilter(method="filter_region", label=_("所属区划（含下级）"))
    # distinct=False: plain columns, no join that could repeat a row (DISTINCT would sort every match).
    sector = ModelMultipleChoiceFilter(queryset=Sector.objects.all(), label=_("行业领域"), distinct=False,
                                       widget=CompactSelectMultiple(empty_label=_("全部行业")))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("隐患等级"), empty_label=_("全部等级"))
    status = django_filters.MultipleChoiceFilter(choices=HazardStatus.choices, label=_("状态"), distinct=False,
                                                 widget=CompactSelectMultiple(empty_label=_("全部状态")))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("隐患来源"), empty_label=ANY)
    category = django_filters.ChoiceFilter(choices=HazardCategory.choices, label=_("隐患类别"), empty_label=ANY)
    # The id underneath the page's name field (a drill-down link, a chosen suggestion).
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("生产经营单位"))
    enterprise_name = django_filters.CharFilter(method="filter_enterprise_name", label=_("单位名称"))
    overdue = _yes_no("filter_overdue", _("已逾期"))
    due_within = IntegerFilter(method="filter_due_within", label=_("几天内到期"), min_value=0, max_value=DAYS_MAX)
    # Due soon as the reminders define it: within the reminder window of the hazard's level
    # under its region's escalation rules (3 days general, 7 major by default).
    due_soon = _yes_no("filter_due_soon", _("临期（提醒期内）"))
    deadline_after = DateFilter(field_name="current_deadline", lookup_expr="gte", label=_("整改期限从"))
    deadline_before = DateFilter(field_name="current_deadline", lookup_expr="lte", label=_("整改期限至"))
    found_after = DateFilter(field_name="found_at", lookup_expr="date__gte", label=_("发现日期从"))
    found_before = DateFilter(field_name="found_at", lookup_expr="date__lte", label=_("发现日期至"))
    # `param` names are the ledger's column keys (hazards/views.py LEDGER_COLUMNS).
    ordering = LedgerOrdering(
        fields=(("code", "code"), ("title", "title"), ("enterprise__name", "enterprise"), ("region_id", "region"),
                ("sector__sort_order", "sector"), ("level", "level"), ("status", "status"), ("found_at", "found_at"),
                ("current_deadline", "deadline"), ("overdue_days", "overdue_days")),
        labels={"code": _("编号"), "title": _("隐患名称"), "enterprise": _("单位"), "region": _("区划"),
                "sector": _("行业"), "level": _("等级"), "status": _("状态"), "found_at": _("发现日期"),
                "deadline": _("整改期限"), "overdue_days": _("逾期天数")},
        label=_("排序"), empty_label=_("默认（最近发现的在前）"),
    )

    # Supervision statistics drill-down (supervision/statistics.py DRILL_DOWN): each figure's
    # ledger link selects exactly the rows it counts.
    counted = _yes_no("filter_counted", _("计入统计（不含不予认定）"))
    rectified = _yes_no("filter_rectified", _("已整改（复查通过或已销号）"))
    closed_on_time = _yes_no("filter_closed_on_time", _("按原期限销号"))
    listed = _yes_no("filter_listed", _("挂牌督办"))
    region_exact = django_filters.CharFilter(field_name="region_id", label=_("区划代码（仅本级）"))

    class Meta:
        model = Hazard
        fields = ["q", "region", "sector", "level", "status", "source", "category", "enterprise"]

    def filter_enterprise_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Index-backed on PostgreSQL (bigrams, hazards/search.py); same matches everywhere.
        return search_hazards(queryset, value)

    def filter_region(self, queryset, name, value):
        # RegionField has turned a name into its code (or refused it).
        return queryset.filter(region__code__startswith=value) if value else queryset

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

    extension_pending = _yes_no("filter_extension_pending", _("有待审批的延期申请"))
    resume_pending = _yes_no("filter_resume_pending", _("有待审查的复产申请"))
    verification_failed = _yes_no("filter_verification_failed", _("复查未通过、重新整改中"))
    mine = django_filters.ChoiceFilter(choices=MINE_CHOICES, method="filter_mine", label=_("与我有关"), empty_label=ANY)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's filter backend passes the request; the page's selector passes the user.
        self.user = user if user is not None else getattr(self.request, "user", None)

    def init_form(self, form):
        # A region name is looked up in this user's jurisdiction (RegionField).
        form.fields["region"].user = self.user

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
        if value == "signable":  # what the sign-off transition allows this user (listing level included)
            if not has_role(user, SIGNER_ROLES):
                return queryset.none()
            return queryset.filter(sign_off_allowed_q(user))
        # "verifiable": what the verify transition allows (hazards/transitions.py): staff, not
        # the one who reported the rectification.
        if not has_role(user, VERIFIER_ROLES):
            return queryset.none()
        return queryset.filter(status=HazardStatus.RECTIFICATION_REPORTED).exclude(rectification_reported_by=user)
