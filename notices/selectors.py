"""Reads of the notices app. Lists are scoped with `visible_to(user)` like every other list."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from accounts.choices import RegionLevel, Role
from accounts.jurisdiction import get_visible_or_404, has_role, jurisdiction_q, nearest_to_region, nearest_to_regions
from accounts.models import Region, User
from hazardtrack.outbox import Channel, DeliveryStatus

from .choices import NoticeKind, RunStatus
from .catchup import last_scheduled_time
from .models import NOTICE_RELATED, Delivery, EscalationPolicy, EscalationRun, Notice
from .policy import DEFAULT_LADDER, Ladder

# The nightly run is expected to have finished this long after its scheduled hour.
RUN_GRACE = datetime.timedelta(hours=1)


def unread_count(*, user: User) -> int:
    """The bell: unread hazard notices plus other apps' unread messages (notices.sources), one query."""
    from .sources import registered

    rows = Delivery.objects.inbox_of(user).unread().order_by().values_list("id")
    others = [source.unread(user=user).order_by().values_list("id") for source in registered()]
    return rows.union(*others, all=True).count() if others else rows.count()


def inbox(*, user: User, unread_only: bool = False, kind: str = "") -> QuerySet[Delivery]:
    """A user's hazard notices, unread first, then newest first; `kind` a NoticeKind value or ""."""
    rows = Delivery.objects.inbox_of(user).select_related(*NOTICE_RELATED)
    if unread_only:
        rows = rows.unread()
    if kind:
        rows = rows.filter(notice__kind=kind)
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()).desc()
    return rows.order_by(unread_first, "-created_at", "-id")


def inbox_kinds(*, user: User, selected: str = "") -> list[tuple[str, str]]:
    """The kinds the filter offers: those in the user's inbox (and the one chosen), in the order
    of NoticeKind — one query, so a phone shows a few chips, not every kind there is."""
    present = set(Delivery.objects.inbox_of(user).order_by().values_list("notice__kind", flat=True).distinct())
    return [(value, label) for value, label in NoticeKind.choices if value in present or value == selected]


def hazard_notices(*, hazard) -> list[Notice]:
    """The notices of one hazard (the caller has already checked it may see the hazard), with
    how their deliveries stand — one query."""
    def count(channel: str, status: str | None = None) -> Count:
        condition = Q(deliveries__channel=channel)
        if status:
            condition &= Q(deliveries__status=status)
        return Count("deliveries", filter=condition)

    return list(
        Notice.objects.filter(hazard=hazard).select_related("hazard", "event__actor").annotate(
            inapp_total=count(Channel.INAPP),
            email_total=count(Channel.EMAIL), email_sent=count(Channel.EMAIL, DeliveryStatus.SENT),
            webhook_total=count(Channel.WEBHOOK), webhook_sent=count(Channel.WEBHOOK, DeliveryStatus.SENT),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        ).order_by("deadline", "level", "id")
    )


def is_administrator(user: User) -> bool:
    return has_role(user, (Role.ADMIN,))


def may_read_runs(user: User) -> bool:
    """The run log: administrators in full; supervisors read what the runs escalated in their
    jurisdiction (read only)."""
    return is_administrator(user) or bool(
        user and user.is_authenticated and user.role == Role.SUPERVISOR and user.region_id)


def _escalations_of(user: User) -> Q:
    """The notices (reminders and escalations) of hazards in the user's jurisdiction, as a
    filter over EscalationRun (accounts/jurisdiction.py decides the scope)."""
    return jurisdiction_q(user, region_field="notices__hazard__region")


def recent_runs(*, user: User | None = None, limit: int = 30) -> QuerySet[EscalationRun]:
    """The latest runs. For a supervisor each carries `mine_reminders`, `mine_level1..3`: what it
    sent in their jurisdiction (one query, the run's own totals being province-wide)."""
    runs = EscalationRun.objects.order_by("-started_at", "-id")
    if user is not None and not is_administrator(user):
        mine = _escalations_of(user)
        runs = runs.annotate(
            mine_reminders=Count("notices", filter=mine & Q(notices__level=0)),
            **{f"mine_level{n}": Count("notices", filter=mine & Q(notices__level=n)) for n in (1, 2, 3)},
        )
    return runs[:limit]


@dataclass(frozen=True)
class Escalation:
    """One notice of a run with the rule that applied: the escalation policy of the nearest
    region up the tree (None: the defaults) and the day threshold of its rung (days before the
    deadline for a reminder, days overdue for an escalation)."""

    notice: Notice
    policy: EscalationPolicy | None
    threshold_days: int


def run_escalations(*, user: User, run: EscalationRun) -> QuerySet[Notice]:
    """The notices `run` wrote about hazards the user may see, highest rung first."""
    return (Notice.objects.visible_to(user).filter(run=run)
            .select_related("hazard__region", "hazard__enterprise").order_by("-level", "hazard__region_id", "id"))


def with_rules(notices) -> list[Escalation]:
    """Each notice with the rule it followed (nearest_policies: one query for the page)."""
    notices = list(notices)
    policies = nearest_policies(n.hazard.region_id for n in notices)
    rows = []
    for n in notices:
        policy = policies[n.hazard.region_id]
        ladder = policy.ladder if policy else DEFAULT_LADDER
        rows.append(Escalation(n, policy, abs(ladder.rung_days(rung=n.level, hazard_level=n.hazard.level))))
    return rows


def failed_delivery_count() -> int:
    return Delivery.objects.filter(status=DeliveryStatus.FAILED).count()


@dataclass(frozen=True)
class EscalationHealth:
    """How last night's run went, for the administrators' home page."""

    expected_as_of: datetime.date
    state: str  # "ok", "failed", "running", "missing"
    run: EscalationRun | None

    @property
    def is_problem(self) -> bool:
        return self.state != "ok"


def expected_run_date(now: datetime.datetime | None = None) -> datetime.date:
    """The as-of date of the latest nightly run that should have finished by `now`."""
    return timezone.localdate(last_scheduled_time((now or timezone.now()) - RUN_GRACE))


def escalation_health(*, user: User, now: datetime.datetime | None = None) -> EscalationHealth | None:
    """None for everyone but administrators; otherwise the state of last night's run (one query)."""
    if not is_administrator(user):
        return None
    as_of = expected_run_date(now)
    runs = list(EscalationRun.objects.filter(as_of=as_of, dry_run=False).exclude(status=RunStatus.SKIPPED)
                .order_by("-started_at", "-id")[:20])
    succeeded = next((r for r in runs if r.status == RunStatus.SUCCEEDED), None)
    if succeeded:
        return EscalationHealth(as_of, "ok", succeeded)
    if not runs:
        return EscalationHealth(as_of, "missing", None)
    latest = runs[0]
    state = "running" if latest.status == RunStatus.RUNNING else "failed"
    return EscalationHealth(as_of, state, latest)


# --- escalation rules (督办规则) per region ---------------------------------------------------

@dataclass(frozen=True)
class EffectivePolicy:
    """The ladder that applies in `region`: its own policy, an ancestor's, or the defaults."""

    region: Region
    policy: EscalationPolicy | None  # the nearest policy up the tree (the region's own included)

    @property
    def ladder(self) -> Ladder:
        return self.policy.ladder if self.policy else DEFAULT_LADDER

    @property
    def source(self) -> str:
        """"own", "inherited" or "default"."""
        if self.policy is None:
            return "default"
        return "own" if self.policy.region_id == self.region.code else "inherited"

    @property
    def own_policy(self) -> EscalationPolicy | None:
        return self.policy if self.source == "own" else None


def nearest_policy(region_code: str) -> EscalationPolicy | None:
    """The EscalationPolicy of the nearest ancestor (or the region itself) that has one, with its
    region; None when none has. One query."""
    return nearest_to_region(EscalationPolicy.objects.select_related("region"), region_code)


def nearest_policies(region_codes) -> dict:
    """`nearest_policy` of many regions at once: {region code: policy or None}, one query."""
    return nearest_to_regions(EscalationPolicy.objects.select_related("region"), region_codes)


def ladder_for_region(region_code: str) -> Ladder:
    """The ladder of the nearest ancestor (or the region itself) that has a policy."""
    policy = nearest_policy(region_code)
    return policy.ladder if policy else DEFAULT_LADDER


def effective_policy(*, region: Region) -> EffectivePolicy:
    """The same rule as the nightly job's SQL and `ladder_for_region` (nearest_policy):
    the policy of the nearest region up the tree, the region itself first."""
    return EffectivePolicy(region=region, policy=nearest_policy(region.code))


def policy_region(*, user: User, code: str | None) -> Region | None:
    """The region whose rules an administrator looks at: `code` if given (404 outside their
    jurisdiction or unknown), else their own region (None for a province-wide administrator
    without one)."""
    code = (code or "").strip() or user.region_id
    if not code:
        return None
    return get_visible_or_404(Region.objects.all(), user, code=code)


def policy_region_choices(*, user: User, selected: Region | None = None) -> QuerySet[Region]:
    """The regions an administrator may pick: their subtree down to townships (villages only
    when one is already selected)."""
    shown = ~Q(level=RegionLevel.VILLAGE)
    if selected is not None:
        shown |= Q(code=selected.code)
    return Region.objects.visible_to(user).filter(shown).only("code", "name", "level").order_by("code")


def policies_in_jurisdiction(*, user: User) -> QuerySet[EscalationPolicy]:
    """The regions of the user's jurisdiction that have rules of their own."""
    return (EscalationPolicy.objects.filter(jurisdiction_q(user, region_field="region"))
            .select_related("region").order_by("region_id"))
