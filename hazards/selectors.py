"""Reads of the hazard ledger. Every query starts from `Hazard.objects.visible_to(user)`."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from accounts.models import User
from hazardtrack.dates import local_today

from .choices import OPEN_STATUSES, HazardStatus
from .filtersets import HazardFilterSet, ledger_filters_used
from .models import Attachment, Hazard, HazardEvent, ResumeApplication

# The ledger's name among the lists that may be counted exactly (hazardtrack.pagination).
LEDGER = "hazards.ledger"
LEDGER_RELATED = ("region", "sector", "enterprise")
# The columns a ledger row shows (the page's hazards/ledger_rows.py and the API's HazardListSerializer):
# at a million rows the long texts (description, measures, reports) are most of a row's bytes.
# A list that shows more adds the field here — a deferred field read per row is an N+1.
LEDGER_FIELDS = (
    "id", "code", "title", "level", "status", "source", "category", "found_at", "current_deadline",
    "original_deadline", "version", "rectified_on_spot", "region__code", "region__name", "sector__code",
    "sector__name", "enterprise__id", "enterprise__name",
)


# The filters under which a ledger is short enough to be counted live before the rollup is asked
# (hazardtrack.pagination.BoundedPaginator live_first): running hazards, by region at most. Any other
# filter may make the index scan read far more rows than it counts.
LIVE_COUNT_FILTERS = {"status", "region", "region_exact"}


def ledger_counts_live_first(params) -> bool:
    """True when `params` (a QueryDict) ask for open statuses only, narrowed by region at most."""
    statuses = {v for v in params.getlist("status") if v}
    used = ledger_filters_used(params)
    return bool(statuses) and statuses <= set(OPEN_STATUSES) and used <= LIVE_COUNT_FILTERS


def ledger_queryset(*, user: User) -> QuerySet[Hazard]:
    """The rows of the ledger (page and API) before filtering: visible, joined, narrowed."""
    return hazard_queryset(user=user).select_related(*LEDGER_RELATED).only(*LEDGER_FIELDS)


def hazard_queryset(*, user: User) -> QuerySet[Hazard]:
    return Hazard.objects.visible_to(user)


def hazard_list(*, user: User, params=None) -> tuple[QuerySet[Hazard], HazardFilterSet]:
    """The ledger rows a user may see, filtered by `params` (a QueryDict)."""
    queryset = ledger_queryset(user=user)
    filterset = HazardFilterSet(params or None, queryset=queryset, user=user)
    # Invalid filters (e.g. a malformed date) show their errors and select nothing.
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    if not rows.query.order_by:
        rows = rows.order_by("-found_at", "-id")
    return rows, filterset


# The people a hazard's page names. Fetched with one `in_bulk` after the hazard rather than as
# seven more LEFT JOINs: PostgreSQL spent far longer planning the 14-table join than running it.
HAZARD_PEOPLE = (
    "found_by", "confirmed_by", "assigned_by", "assigned_inspector", "rectification_reported_by", "verified_by",
    "signed_off_by",
)


def hazard_detail(*, user: User, pk: int) -> Hazard:
    """One hazard with what its page shows, in a fixed number of queries; 404 if not visible."""
    from accounts.jurisdiction import get_visible_or_404

    queryset = hazard_queryset(user=user).select_related(
        "region", "sector", "enterprise", "source_department__region", "plan",
    ).prefetch_related(
        Prefetch("events", queryset=HazardEvent.objects.all()),  # actors: _attach_people
        Prefetch("attachments", queryset=Attachment.objects.all()),
        "extension_requests",
    )
    hazard = get_visible_or_404(queryset, user, pk=pk)
    _attach_event_attachments(hazard)
    if hazard.is_major:  # 申请复产 is a major hazard's (transitions.py): the page lists them, the guards read them
        applications = list(ResumeApplication.objects.filter(hazard=hazard))
        for application in applications:
            _HAZARD_OF_APPLICATION.set_cached_value(application, hazard)
        _set_prefetched(hazard, "resume_applications", applications)
    _attach_people(hazard)
    return hazard


def _attach_event_attachments(hazard: Hazard) -> None:
    """Each timeline event's attachments from the hazard's, fetched once (an event's attachments
    are the hazard's: hazards/attachments.py stores them with both), in the same order."""
    by_event = defaultdict(list)
    for attachment in hazard.attachments.all():
        if attachment.event_id is not None:
            by_event[attachment.event_id].append(attachment)
    event_field = Attachment._meta.get_field("event")
    for event in hazard.events.all():
        rows = by_event.get(event.pk, [])
        for attachment in rows:
            event_field.set_cached_value(attachment, event)
        _set_prefetched(event, "attachments", rows)


def _set_prefetched(instance: Model, relation: str, rows: list) -> None:
    """Give `instance.<relation>.all()` the rows, as prefetch_related does when it has fetched them."""
    prefetched = getattr(instance, relation).all()
    prefetched._result_cache, prefetched._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = prefetched


_HAZARD_OF_APPLICATION = ResumeApplication._meta.get_field("hazard")
# Who the detail names besides the hazard's HAZARD_PEOPLE: each event's actor, each resume
# application's applicant and reviewer (when fetched: major hazards).
_RELATED_PEOPLE = (("events", HazardEvent, ("actor",)),
                   ("resume_applications", ResumeApplication, ("submitted_by", "reviewed_by")))


def _attach_people(hazard: Hazard) -> None:
    """Fill the relations to people of the hazard, its events and its resume applications from
    one query, as select_related would have: the joins to the wide user table cost more to
    compile and plan than the one `in_bulk` of the few people a hazard names."""
    pairs = [(hazard, Hazard._meta.get_field(name)) for name in HAZARD_PEOPLE]
    prefetched = getattr(hazard, "_prefetched_objects_cache", {})
    for relation, model, names in _RELATED_PEOPLE:
        if relation in prefetched:
            fields = [model._meta.get_field(name) for name in names]
            pairs += [(row, field) for row in prefetched[relation] for field in fields]
    ids = {getattr(row, field.attname) for row, field in pairs} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for row, field in pairs:
        pk = getattr(row, field.attname)
        field.set_cached_value(row, people.get(pk) if pk is not None else None)


def hazard_events(*, user: User, pk: int) -> QuerySet[HazardEvent]:
    hazard = hazard_detail_minimal(user=user, pk=pk)
    return HazardEvent.objects.filter(hazard=hazard).select_related("actor").prefetch_related("attachments")


def hazard_detail_minimal(*, user: User, pk: int) -> Hazard:
    from accounts.jurisdiction import get_visible_or_404

    return get_visible_or_404(hazard_queryset(user=user), user, pk=pk)


def hazard_home_summary(*, user: User) -> dict:
    """Counts for the home page, one aggregate query."""
    today = local_today()
    return hazard_queryset(user=user).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        to_confirm=Count("id", filter=Q(status=HazardStatus.REPORTED)),
        rectifying=Count("id", filter=Q(status__in=(HazardStatus.ASSIGNED, HazardStatus.RECTIFYING))),
        to_verify=Count("id", filter=Q(status=HazardStatus.RECTIFICATION_REPORTED)),
        to_sign_off=Count("id", filter=Q(status=HazardStatus.VERIFIED)),
        overdue=Count(
            "id",
            filter=Q(status__in=(HazardStatus.ASSIGNED, HazardStatus.RECTIFYING), current_deadline__lt=today),
        ),
        signed_off=Count("id", filter=Q(status=HazardStatus.SIGNED_OFF)),
    )
