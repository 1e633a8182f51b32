"""Reads of tip-offs. Staff reads start from `TipOff.objects.visible_to(user)` (and only
regulators see tip-offs at all: reporters' contact details are in them). The public reads
(tracking page, Open311) return public fields only, never contact details."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.jurisdiction import get_visible_or_404
from accounts.models import Region, User
from hazards.choices import HazardStatus
from hazards.duplicates import Candidate, hazards_near, hazards_near_many

from .choices import GRANTED_REWARD_STATUSES, OPEN_STATUSES, RewardStatus, TipOffStatus
from .codes import normalise_tracking_code
from .filtersets import TipOffFilterSet
from .models import Reward, TipOff, TipOffEvent
from .rules import is_regulator

LIST_RELATED = ("region", "sector", "hazard", "transfer_department__region")


def tipoff_queryset(*, user: User) -> QuerySet[TipOff]:
    """The tip-offs `user` may handle: regulators of the tip-off's region (or above)."""
    if not is_regulator(user):
        return TipOff.objects.none()
    return TipOff.objects.visible_to(user)


def tipoff_list(*, user: User, params=None) -> tuple[QuerySet[TipOff], TipOffFilterSet]:
    queryset = tipoff_queryset(user=user).select_related(*LIST_RELATED).annotate(photo_count=Count("photos"))
    filterset = TipOffFilterSet(params or None, queryset=queryset, user=user)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    return rows.order_by("-submitted_at", "-id"), filterset


def tipoff_detail(*, user: User, pk: int) -> TipOff:
    """One tip-off with everything its page shows, in a fixed number of queries; 404 if not
    visible to `user`."""
    queryset = tipoff_queryset(user=user).select_related(
        *LIST_RELATED, "transferred_from", "handled_by", "api_client", "hazard__region",
    ).prefetch_related(
        "photos",
        Prefetch("events", queryset=TipOffEvent.objects.select_related("actor")),
        Prefetch("rewards", queryset=Reward.objects.select_related("proposed_by", "approved_by", "paid_recorded_by")),
    )
    return get_visible_or_404(queryset, user, pk=pk)


def live_reward(tipoff: TipOff) -> Reward | None:
    """The proposal that is not refused (at most one), from the prefetched rewards."""
    return next((r for r in tipoff.rewards.all() if r.status != RewardStatus.REFUSED), None)


def hazard_tipoffs(*, user: User, hazard) -> list[TipOff]:
    """Tip-offs behind a hazard, for its detail page: regulators only (enterprise contacts who
    see the hazard must not learn about its reporters)."""
    return list(tipoff_queryset(user=user).filter(hazard=hazard).only(
        "id", "tracking_code", "status", "channel", "submitted_at", "region_id").order_by("submitted_at"))


def tipoff_near_hazards(*, user: User, tipoff: TipOff) -> list[Candidate]:
    """Open hazards within 100 m of a tip-off awaiting triage (its place, or their enterprise's):
    perhaps the same hazard, to be handled as 重复举报. Decided tip-offs are not flagged."""
    if tipoff.status not in OPEN_STATUSES:
        return []
    return hazards_near(user=user, latitude=tipoff.latitude, longitude=tipoff.longitude, text=tipoff.description)


def flag_near_hazards(*, user: User, tipoffs) -> list[TipOff]:
    """The queue page's tip-offs, each awaiting triage given `near_hazards` (open hazards within
    100 m, as on its own page). One query for the whole page."""
    tipoffs = list(tipoffs)
    near = hazards_near_many(user=user, points={
        t.pk: (t.latitude, t.longitude, t.description) for t in tipoffs if t.status in OPEN_STATUSES})
    for tipoff in tipoffs:
        tipoff.near_hazards = near.get(tipoff.pk, [])
    return tipoffs


# --- public status ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking code (or reading Open311) may know: no contact details."""

    code: str
    status: str
    status_label: str
    notes: str
    is_open: bool
    reward_granted: bool
    reward_paid: bool
    submitted_at: datetime.datetime
    updated_at: datetime.datetime


def _with_public_relations(queryset: QuerySet[TipOff]) -> QuerySet[TipOff]:
    granted = Reward.objects.filter(tipoff=OuterRef("pk"), status__in=GRANTED_REWARD_STATUSES)
    paid = Reward.objects.filter(tipoff=OuterRef("pk"), status=RewardStatus.PAID)
    return queryset.select_related("region", "sector", "hazard", "transfer_department").annotate(
        reward_granted=Exists(granted), reward_paid=Exists(paid)
    )


# Open (Open311 "open") = awaiting a decision, or accepted and its hazard not yet closed
# (signed off or found not to be a hazard). Rejected and duplicate tip-offs are closed.
# `open311_open_q` says the same in SQL as `public_status_of` in Python.
CLOSED_HAZARD_STATUSES = (HazardStatus.SIGNED_OFF, HazardStatus.REJECTED)


def open311_open_q() -> Q:
    return Q(status__in=OPEN_STATUSES) | (Q(status=TipOffStatus.ACCEPTED) & ~Q(hazard__status__in=CLOSED_HAZARD_STATUSES))


def open311_closed_q() -> Q:
    return ~open311_open_q()


def public_status_of(tipoff: TipOff) -> PublicStatus:
    """Needs a tip-off from `_with_public_relations` (no further queries)."""
    status, hazard = tipoff.status, tipoff.hazard
    is_open = status in OPEN_STATUSES
    if status == TipOffStatus.ACCEPTED:
        is_open = hazard.status not in CLOSED_HAZARD_STATUSES
    if status == TipOffStatus.RECEIVED:
        notes = _("举报已接收，等待属地监管部门核查。")
    elif status == TipOffStatus.TRANSFERRED:
        target = str(tipoff.transfer_department) if tipoff.transfer_department_id else tipoff.region.name
        notes = _("已转交%(target)s办理。") % {"target": target}
    elif status == TipOffStatus.REJECTED:
        notes = _("不予受理：%(reason)s") % {"reason": tipoff.reject_reason}
    elif status == TipOffStatus.DUPLICATE:
        notes = _("所反映问题已登记为隐患，正在依法处理（重复举报）。")
    else:
        notes = _("已受理，立案为隐患并依法处理。")
    if hazard is not None and status in (TipOffStatus.ACCEPTED, TipOffStatus.DUPLICATE):
        if hazard.status == HazardStatus.SIGNED_OFF:
            notes += _("隐患已整改完毕并销号。")
        elif hazard.status == HazardStatus.REJECTED:
            notes += _("经核查不构成隐患。")
        elif hazard.status != HazardStatus.REPORTED:
            notes += _("当前进度：%(s)s。") % {"s": hazard.get_status_display()}
    if getattr(tipoff, "reward_paid", False):
        notes += _("举报奖励已发放。")
    elif getattr(tipoff, "reward_granted", False):
        notes += _("举报奖励已批准。")
    updated = max(tipoff.updated_at, hazard.updated_at) if hazard is not None else tipoff.updated_at
    return PublicStatus(
        code=tipoff.tracking_code, status=status, status_label=tipoff.get_status_display(), notes=notes,
        is_open=is_open, reward_granted=bool(getattr(tipoff, "reward_granted", False)),
        reward_paid=bool(getattr(tipoff, "reward_paid", False)), submitted_at=tipoff.submitted_at, updated_at=updated,
    )


def tipoff_by_code(code: str | None) -> TipOff | None:
    """A tip-off by its tracking code as typed, with what its public status needs (one query)."""
    normalised = normalise_tracking_code(code)
    if normalised is None:
        return None
    return _with_public_relations(TipOff.objects.filter(tracking_code=normalised)).first()


def public_tipoffs() -> QuerySet[TipOff]:
    return _with_public_relations(TipOff.objects.all())


# --- figures ---------------------------------------------------------------------------------

FIGURE_KEYS = ("received", "pending", "accepted", "duplicate", "rejected", "rewarded", "amount", "paid_amount")


def _period(start: datetime.date, end: datetime.date) -> Q:
    return Q(submitted_at__date__gte=start, submitted_at__date__lte=end)


def _figure_aggregates() -> dict:
    granted = Q(rewards__status__in=GRANTED_REWARD_STATUSES)
    return dict(
        received=Count("id", distinct=True),
        pending=Count("id", distinct=True, filter=Q(status__in=OPEN_STATUSES)),
        accepted=Count("id", distinct=True, filter=Q(status=TipOffStatus.ACCEPTED)),
        duplicate=Count("id", distinct=True, filter=Q(status=TipOffStatus.DUPLICATE)),
        rejected=Count("id", distinct=True, filter=Q(status=TipOffStatus.REJECTED)),
        rewarded=Count("id", distinct=True, filter=granted),
        # At most one reward per tip-off is not refused (constraint), so the join does not
        # count any amount twice.
        amount=Sum("rewards__amount", filter=granted),
        paid_amount=Sum("rewards__amount", filter=Q(rewards__status=RewardStatus.PAID)),
    )


def _figures_queryset(*, user: User, start: datetime.date, end: datetime.date,
                      region_code: str | None) -> QuerySet[TipOff]:
    queryset = tipoff_queryset(user=user).filter(_period(start, end))
    if region_code:
        queryset = queryset.filter(region__code__startswith=region_code)
    return queryset


def _clean_figures(row: dict) -> dict:
    from decimal import Decimal

    figures = {key: row.get(key) or 0 for key in FIGURE_KEYS}
    figures["amount"] = row.get("amount") or Decimal("0.00")
    figures["paid_amount"] = row.get("paid_amount") or Decimal("0.00")
    figures["acceptance_rate"] = (figures["accepted"] / figures["received"]) if figures["received"] else None
    return figures


def tipoff_figures(*, user: User, start: datetime.date, end: datetime.date, region_code: str | None = None) -> dict:
    """举报统计 for tip-offs submitted from `start` to `end` (calendar dates in Asia/Shanghai,
    both included) in the user's jurisdiction, optionally narrowed to a region subtree.
    A tip-off counts in the region that holds it now (after any transfer).

    Returns received (all submitted), pending (not yet decided), accepted (became a hazard),
    duplicate, rejected, rewarded (tip-offs with an approved or paid reward), amount (sum of
    approved and paid rewards, Decimal), paid_amount, acceptance_rate (accepted/received or
    None). One aggregate query."""
    row = _figures_queryset(user=user, start=start, end=end, region_code=region_code).aggregate(**_figure_aggregates())
    return _clean_figures(row)


def tipoff_figures_by_region(*, user: User, start: datetime.date, end: datetime.date,
                             region_code: str | None = None) -> list[dict]:
    """The same figures per child region of `region_code` (or of the user's own region):
    one grouped query plus one for the names."""
    base = region_code or (user.region_id if user.region_id else "")
    child_length = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}.get(len(base), 12)
    rows = (
        _figures_queryset(user=user, start=start, end=end, region_code=base or None)
        .annotate(child=Substr("region_id", 1, child_length))
        .values("child").annotate(**_figure_aggregates()).order_by("child")
    )
    rows = list(rows)
    names = dict(Region.objects.filter(code__in=[r["child"] for r in rows]).values_list("code", "name"))
    return [{"code": r["child"], "name": names.get(r["child"], r["child"]), **_clean_figures(r)} for r in rows]


def default_period() -> tuple[datetime.date, datetime.date]:
    """This calendar year up to today."""
    today = timezone.localdate()
    return today.replace(month=1, day=1), today
