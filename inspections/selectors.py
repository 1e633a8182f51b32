"""Reads of inspections, checklists and plans. Every query starts from `visible_to(user)`
(checklist templates are national reference data: every signed-in user may read them)."""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from accounts.jurisdiction import get_visible_or_404
from accounts.models import Enterprise, User
from hazards.models import Hazard
from hazards.ladder import attach_deadline_days
from hazardtrack.dates import local_today

from .choices import InspectionStatus, ItemResult, PlanStatus
from .draw import NotEnoughInspectors, draw
from .filtersets import InspectionFilterSet
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    Inspection,
    InspectionFrequency,
    InspectionPlan,
    InspectionResult,
    PlanDraw,
)

LIST_RELATED = ("enterprise", "region", "template_version__template")


def with_counts(queryset: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return queryset.annotate(
        answered=Count("results", distinct=True),
        failed=Count("results", filter=Q(results__result=ItemResult.FAIL), distinct=True),
    )


def inspection_list(*, user: User, params=None) -> tuple[QuerySet[Inspection], InspectionFilterSet]:
    queryset = with_counts(Inspection.objects.visible_to(user).select_related(*LIST_RELATED)).prefetch_related(
        Prefetch("inspectors", queryset=User.objects.only("id", "username", "full_name")))
    filterset = InspectionFilterSet(params or None, queryset=queryset)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    if not rows.query.order_by:
        rows = rows.order_by("-date", "-id")
    return rows, filterset


def inspection_detail(*, user: User, pk: int) -> Inspection:
    """One inspection with its checklist items and results, a fixed number of queries."""
    queryset = Inspection.objects.visible_to(user).select_related(
        "enterprise", "enterprise__sector", "region", "template_version__template", "plan", "created_by",
        "finished_by",
    ).prefetch_related(
        "inspectors",
        Prefetch("template_version__items", queryset=ChecklistItem.objects.order_by("position")),
        Prefetch("results", queryset=InspectionResult.objects.select_related("hazard")),
        "documents",
    )
    return get_visible_or_404(queryset, user, pk=pk)


@dataclass
class ChecklistRow:
    item: ChecklistItem
    result: InspectionResult | None


def checklist_rows(inspection: Inspection) -> list[ChecklistRow]:
    """The items of the inspection's checklist version, each with its answer (prefetched)."""
    by_item = {r.item_id: r for r in inspection.results.all()}
    return [ChecklistRow(item, by_item.get(item.pk)) for item in inspection.template_version.items.all()]


def item_duplicate_candidates(*, user: User, inspection: Inspection, rows: list[ChecklistRow]) -> dict:
    """Item id → the enterprise's open hazards like the one failing that item would create (by
    its title), for the cards still to be answered. One query for the whole checklist."""
    from hazards.duplicates import duplicates_by_row

    from .services import hazard_title

    pending = [{"row": row.item.pk, "enterprise": inspection.enterprise_id, "title": hazard_title(row.item)}
               for row in rows if not (row.result and row.result.hazard_id)]
    return duplicates_by_row(user=user, rows=pending) if pending else {}


# --- enterprise page -----------------------------------------------------------------------

def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def frequency_months(*, region_code: str, risk_colour: str) -> int | None:
    """The months between inspections for a colour: the most specific region's setting wins."""
    ancestors = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
    rows = InspectionFrequency.objects.filter(Q(region__isnull=True) | Q(region_id__in=ancestors),
                                              risk_colour=risk_colour).values_list("region_id", "months")
    best = max(rows, key=lambda row: len(row[0] or ""), default=None)
    return best[1] if best else None


@dataclass
class DueInfo:
    months: int | None
    last_date: datetime.date | None
    due_date: datetime.date | None  # None: never inspected, due now

    @property
    def overdue(self) -> bool:
        return self.due_date is None or self.due_date < local_today()


def due_info(enterprise: Enterprise, last_date: datetime.date | None) -> DueInfo:
    months = frequency_months(region_code=enterprise.region_id, risk_colour=enterprise.risk_colour)
    due = add_months(last_date, months) if (last_date and months) else None
    return DueInfo(months=months, last_date=last_date, due_date=due)


def enterprise_for_new_inspection(*, user: User, pk) -> Enterprise | None:
    """The enterprise a new inspection starts from (?enterprise=<id>); a bad or foreign id is
    simply no proposal."""
    if not str(pk or "").isdigit():
        return None
    return Enterprise.objects.visible_to(user).filter(pk=int(pk)).first()


def enterprise_overview(*, user: User, pk: int) -> dict:
    enterprise = get_visible_or_404(Enterprise.objects.select_related("region", "sector"), user, pk=pk)
    inspections = with_counts(Inspection.objects.visible_to(user).filter(enterprise=enterprise)
                              .select_related("template_version__template")).order_by("-date", "-id")
    last = inspections.filter(status=InspectionStatus.FINISHED).aggregate(last=Max("date"))["last"]
    hazards = (Hazard.objects.visible_to(user).filter(enterprise=enterprise)
               .select_related("region", "sector", "enterprise").order_by("-found_at", "-id"))
    return {
        "enterprise": enterprise,
        "inspections": inspections[:50],
        # Each row's days left / overdue in the region's days, one query for the 50 (hazards/ladder.py).
        "hazards": attach_deadline_days(list(hazards[:50])),
        "hazard_count": hazards.count(),
        "due": due_info(enterprise, last),
    }


# --- checklists ----------------------------------------------------------------------------

def template_list() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.select_related("sector").annotate(
        version_count=Count("versions", distinct=True), latest=Max("versions__number")).order_by("name")


def template_detail(*, pk: int, version: int | None = None) -> tuple[ChecklistTemplate, ChecklistTemplateVersion]:
    from django.shortcuts import get_object_or_404

    template = get_object_or_404(ChecklistTemplate.objects.select_related("sector"), pk=pk)
    versions = template.versions.order_by("-number")
    chosen = get_object_or_404(versions, number=version) if version else versions.first()
    if chosen is None:
        from django.http import Http404

        raise Http404
    return template, chosen


# --- plans ---------------------------------------------------------------------------------

def plan_list(*, user: User) -> QuerySet[InspectionPlan]:
    return (InspectionPlan.objects.visible_to(user).select_related("region")
            .annotate(drawn=Count("draws", distinct=True)).order_by("-created_at", "-id"))


def plan_draws() -> QuerySet[PlanDraw]:
    return PlanDraw.objects.select_related("enterprise", "enterprise__sector", "inspection").prefetch_related(
        Prefetch("inspectors", queryset=User.objects.only("id", "username", "full_name"))).order_by("position")


def plan_detail(*, user: User, pk: int) -> InspectionPlan:
    queryset = InspectionPlan.objects.visible_to(user).select_related("region", "created_by", "drawn_by") \
        .prefetch_related("sectors", Prefetch("draws", queryset=plan_draws()))
    return get_visible_or_404(queryset, user, pk=pk)


def public_plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.filter(status=PlanStatus.PUBLISHED).select_related("region").order_by(
        "-published_at", "-id")


def public_plan(*, pk: int) -> InspectionPlan:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(public_plans().prefetch_related(
        "sectors",
        Prefetch("draws", queryset=PlanDraw.objects.select_related("enterprise", "inspection").order_by("position"))),
        pk=pk)


@dataclass
class Verification:
    matches: bool
    expected: list
    recorded: list


def plan_verify(plan: InspectionPlan) -> Verification:
    """Recompute the draw from the stored seed and pools; it must equal what was recorded."""
    recorded = [(d.enterprise_id, tuple(sorted(u.pk for u in d.inspectors.all()))) for d in plan.draws.all()]
    try:
        expected = [(d.enterprise_id, d.inspector_ids) for d in draw(
            seed=plan.seed, pool=plan.pool, inspectors=plan.inspector_pool, conflicts=plan.conflict_pairs,
            size=plan.size, per_enterprise=plan.inspectors_per_enterprise)]
    except NotEnoughInspectors:
        expected = []
    return Verification(matches=bool(recorded) and expected == recorded, expected=expected, recorded=recorded)


def hazard_origin(hazard: Hazard) -> InspectionResult | None:
    """The checklist item a hazard was found on, if it came from an inspection."""
    return (InspectionResult.objects.filter(hazard_id=hazard.pk)
            .select_related("inspection", "item", "inspection__template_version__template").first())
