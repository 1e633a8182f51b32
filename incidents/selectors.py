"""Reads of incidents. Every query starts from `visible_to(user)`."""
from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.jurisdiction import get_visible_or_404
from accounts.models import User

from .filtersets import IncidentFilterSet
from .models import Incident, IncidentAttachment, IncidentEvent, IncidentHazard, IncidentNotice, IncidentReport

LIST_RELATED = ("region", "sector", "enterprise")


def incident_queryset(*, user: User) -> QuerySet[Incident]:
    return Incident.objects.visible_to(user)


def incident_list(*, user: User, params=None) -> tuple[QuerySet[Incident], IncidentFilterSet]:
    """The list rows a user may see, filtered by `params` (a QueryDict): 2 queries a page
    (count and rows), whatever the page size."""
    queryset = incident_queryset(user=user).select_related(*LIST_RELATED)
    filterset = IncidentFilterSet(params or None, queryset=queryset)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    if not rows.query.order_by:
        rows = rows.order_by("-occurred_at", "-id")
    return rows, filterset


def incident_detail(*, user: User, pk: int) -> Incident:
    """One incident with everything its page shows, in a fixed number of queries; 404 if not visible."""
    queryset = incident_queryset(user=user).select_related(
        "region", "sector", "enterprise", "reported_by", "closed_by", "investigation__started_by",
        "investigation__extended_by",
    ).prefetch_related(
        Prefetch("report_steps", queryset=IncidentReport.objects.select_related("reported_by").order_by("sequence")),
        Prefetch("events", queryset=IncidentEvent.objects.select_related("actor").prefetch_related("attachments")),
        Prefetch("attachments", queryset=IncidentAttachment.objects.all()),
        Prefetch("hazard_links", queryset=IncidentHazard.objects.select_related("hazard", "linked_by")),
        Prefetch("notices", queryset=IncidentNotice.objects.select_related("recipient", "endpoint")
                 .order_by("created_at", "id")),
    )
    return get_visible_or_404(queryset, user, pk=pk)


def late_reports(*, user: User) -> QuerySet[IncidentReport]:
    """迟报: every report step past its deadline (reported late, or not yet reported)."""
    return (IncidentReport.objects.visible_to(user).late()
            .select_related("incident__region", "incident__sector", "reported_by")
            .order_by("-due_at", "-id"))


def notices_for(*, user: User, unread_only: bool = False, limit: int = 50) -> QuerySet[IncidentNotice]:
    rows = IncidentNotice.objects.inbox_of(user).select_related("incident")
    if unread_only:
        rows = rows.unread()
    return rows.order_by("-created_at", "-id")[:limit]


def unread_notices(*, user: User) -> QuerySet[IncidentNotice]:
    """The bell counts these (notices.sources)."""
    return IncidentNotice.objects.inbox_of(user).unread()
