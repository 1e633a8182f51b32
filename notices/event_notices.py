"""Notices when work arrives: one notice per hazard transition, tip-off decision or failed/missed
nightly run, to whoever must act next or is affected, written in the same transaction as the
event through the same outbox (Delivery) the nightly job uses, sent by the platform's one drain
(hazardtrack.outbox, via notices.services.deliver_pending).

Registered in NoticesConfig.ready(): hazardtrack.events announces every event row right after it is
written (one hook in each app's `_record`). Exactly once: a notice's one-to-one key on its event
(or run) and the deliveries' unique keys. Cost: a fixed handful of queries whatever the number of
recipients (one recipient query, one for preferences, one for robots, two inserts).

Who (accounts.jurisdiction decides "whose jurisdiction covers the hazard"):
- 认定 / 不予认定 → the reporter (a grid worker learns what became of the report);
- 交办 → the unit's enterprise contacts and the assigned inspector;
- 申请延期 → the supervisors of the county or below whose jurisdiction covers the hazard;
- 延期 approved/refused → the enterprise contacts and whoever asked;
- 报告整改 → the assigned inspector and the inspectors of the county or below who may verify;
- 复查不通过 → the enterprise contacts and whoever reported the fix;
- 挂牌督办 (and 停产停业 with it) → the enterprise contacts and the county's supervisors;
- 销号 → the enterprise contacts and the reporter;
- tip-off accepted/rejected → the staff who followed it (everyone who acted on it before) and
  the county's supervisors;
- run failed, or a missed night caught up → the administrators.
Nobody is told about their own action.
"""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import REGION_CODE_LENGTH, REGULATOR_ROLES, RegionLevel, Role
from accounts.jurisdiction import covering_region_q
from accounts.models import User
from hazardtrack.outbox import Channel

from .choices import NoticeKind, RunStatus, RunTrigger
from .models import Delivery, EscalationRun, Notice, WebhookEndpoint
from .preferences import channels_for

COUNTY = REGION_CODE_LENGTH[RegionLevel.COUNTY]

# Hazard event action → the kind of notice it makes.
HAZARD_KIND = {
    "confirmed": NoticeKind.REVIEWED,
    "rejected": NoticeKind.REVIEWED,
    "assigned": NoticeKind.ASSIGNED,
    "extension_requested": NoticeKind.EXTENSION_REQUESTED,
    "extension_approved": NoticeKind.EXTENSION_DECIDED,
    "extension_refused": NoticeKind.EXTENSION_DECIDED,
    "rectification_reported": NoticeKind.RECTIFIED,
    "verification_failed": NoticeKind.VERIFICATION_FAILED,
    "listed": NoticeKind.LISTED,
    "signed_off": NoticeKind.SIGNED_OFF,
}
TIPOFF_ACTIONS = ("accepted", "rejected")


def _enterprise(hazard) -> Q:
    if not hazard.enterprise_id:
        return Q(pk__in=[])
    return Q(role=Role.ENTERPRISE, enterprise_id=hazard.enterprise_id)


def _user(user_id) -> Q:
    return Q(pk=user_id) if user_id else Q(pk__in=[])


def _role_covering(role: str, region_code: str) -> Q:
    return Q(role=role) & covering_region_q(region_code, min_length=COUNTY)


def _county(role: str, region_code: str) -> Q:
    return Q(role=role, region_id=region_code[:COUNTY])


def hazard_recipients(kind: str, event) -> Q:
    hazard = event.hazard
    if kind == NoticeKind.REVIEWED:
        return _user(hazard.found_by_id)
    if kind == NoticeKind.ASSIGNED:
        return _enterprise(hazard) | _user(hazard.assigned_inspector_id)
    if kind == NoticeKind.EXTENSION_REQUESTED:
        return _role_covering(Role.SUPERVISOR, hazard.region_id)
    if kind == NoticeKind.EXTENSION_DECIDED:
        requester = hazard.extension_requests.filter(decided_at__isnull=False).order_by("-decided_at", "-id")
        return _enterprise(hazard) | Q(pk__in=requester.values("requested_by_id")[:1])
    if kind == NoticeKind.RECTIFIED:
        return _user(hazard.assigned_inspector_id) | _role_covering(Role.INSPECTOR, hazard.region_id)
    if kind == NoticeKind.VERIFICATION_FAILED:
        return _enterprise(hazard) | _user(hazard.rectification_reported_by_id)
    if kind == NoticeKind.LISTED:
        return _enterprise(hazard) | _county(Role.SUPERVISOR, hazard.region_id)
    if kind == NoticeKind.SIGNED_OFF:
        return _enterprise(hazard) | _user(hazard.found_by_id)
    raise ValueError(kind)


def on_event(event) -> None:
    """The listener hazardtrack.events calls for every hazard and tip-off event."""
    label = event._meta.label
    if label == "hazards.HazardEvent":
        kind = HAZARD_KIND.get(event.action)
        if kind is None:
            return
        hazard = event.hazard
        notice, created = Notice.objects.get_or_create(event=event, defaults=dict(
            kind=kind, hazard=hazard, as_of=timezone.localdate(event.at), deadline=hazard.current_deadline))
        if created:  # announced again (a retried listener): nothing more
            write_deliveries(notice, hazard_recipients(kind, event), exclude=event.actor_id)
    elif label == "tipoffs.TipOffEvent" and event.action in TIPOFF_ACTIONS:
        tipoff = event.tipoff
        followers = Q(pk__in=type(event).objects.filter(tipoff=tipoff, actor__isnull=False).values("actor_id"))
        notice, created = Notice.objects.get_or_create(tipoff_event=event, defaults=dict(
            kind=NoticeKind.TIPOFF, as_of=timezone.localdate(event.at)))
        if created:
            staff = Q(role__in=REGULATOR_ROLES)
            write_deliveries(notice, (followers & staff) | _county(Role.SUPERVISOR, tipoff.region_id),
                             exclude=event.actor_id)


def on_run_saved(sender, instance: EscalationRun, **kwargs) -> None:
    """post_save of EscalationRun: a finished run that failed or was interrupted (its process
    died), or that caught up a missed night, is an alarm in the administrators' inboxes, once per run."""
    run = instance
    if run.dry_run or run.finished_at is None:
        return
    if not (run.status in (RunStatus.FAILED, RunStatus.INTERRUPTED)
            or (run.trigger == RunTrigger.CATCH_UP and run.status == RunStatus.SUCCEEDED)):
        return
    if Notice.objects.filter(alarm_run_id=run.pk).exists():
        return
    try:
        with transaction.atomic():
            notice = Notice.objects.create(kind=NoticeKind.RUN_ALARM, alarm_run_id=run.pk, as_of=run.as_of)
            write_deliveries(notice, Q(role=Role.ADMIN) | Q(is_superuser=True))
    except IntegrityError:
        return  # another save of the same run wrote it first


def write_deliveries(notice: Notice, recipients: Q, *, exclude: int | None = None) -> int:
    """The outbox rows of one notice: in-app for every recipient (delivered by being written),
    email and group robot as each recipient chose (消息设置). Constant in the number of recipients."""
    users = list(User.objects.filter(recipients, is_active=True).exclude(pk=exclude)
                 .values_list("id", "email", "region_id", "enterprise__region_id").order_by("id"))
    if not users:
        return 0
    now = timezone.now()
    chosen = channels_for(user_ids=[u[0] for u in users], kind=notice.kind)
    rows = []
    robot_regions = set()
    for user_id, email, region_id, enterprise_region_id in users:
        rows.append(Delivery.delivered(notice=notice, recipient_id=user_id, now=now))
        email_on, webhook_on = chosen[user_id]
        if email_on and email:
            rows.append(Delivery.queued(notice=notice, channel=Channel.EMAIL, recipient_id=user_id, now=now))
        if webhook_on and (region_id or enterprise_region_id):
            robot_regions.add(region_id or enterprise_region_id)
    if robot_regions:
        # A robot of the user's region or an ancestor's; one message per robot however many chose it.
        covering = Q(pk__in=[])
        for code in robot_regions:
            covering |= covering_region_q(code)
        for endpoint_id in WebhookEndpoint.objects.filter(covering, enabled=True).values_list("id", flat=True):
            rows.append(Delivery.queued(notice=notice, channel=Channel.WEBHOOK, endpoint_id=endpoint_id, now=now))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
