"""Services that change incidents. One function per action (see transitions.py for who may).

Every function: keyword-only arguments; uploads checked before the database is touched; one
transaction that locks the incident row, checks the caller's version where the incident's own
fields change (no silent overwrite), applies the rules (rules.py), writes the audit event last
and then the in-app notices to the level that must act next. Refusals are DomainError.
"""
from __future__ import annotations

import datetime
import logging
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import REGION_CODE_LENGTH
from accounts.jurisdiction import get_visible_or_404, has_role, region_in_jurisdiction
from accounts.models import Enterprise, User
from accounts.numbering import next_document_number
from hazards.models import Hazard
from hazardtrack.errors import DomainError, Problems
from hazardtrack.errors import require as _require
from hazardtrack.events import plain as _plain
from hazardtrack.outbox import Channel
from notices.models import WebhookEndpoint

from . import rules
from .attachments import check_uploads, store_attachment
from .choices import (
    IncidentAttachmentKind,
    IncidentEventAction,
    IncidentStatus,
    IncidentType,
    ListingLevel,
    ReportLevel,
)
from .models import (
    FINDING_FIELDS,
    Incident,
    IncidentEvent,
    IncidentHazard,
    IncidentNotice,
    IncidentReport,
    Investigation,
)
from .transitions import STAFF, check_action, next_step

logger = logging.getLogger(__name__)

RECORD_FIELDS = (
    "title", "occurred_at", "region", "address", "latitude", "longitude", "enterprise", "sector", "type", "narrative",
)
CASUALTY_FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries")
FIGURE_FIELDS = CASUALTY_FIELDS + ("direct_loss",)
# A clock a few minutes fast on a phone is not "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)


# --- shared machinery ----------------------------------------------------------------------

def _record(incident: Incident, *, actor, action: str, from_status: str, comment: str = "",
            changes: dict | None = None, uploads: Iterable = ()) -> IncidentEvent:
    event = IncidentEvent.objects.create(
        incident=incident, action=action, actor=actor, from_status=from_status, to_status=incident.status,
        comment=comment, changes=changes or {},
    )
    for kind, checked in uploads:
        store_attachment(incident=incident, event=event, kind=kind, checked=checked, actor=actor)
    return event


def _locked(incident_id: int, actor: User) -> Incident:
    # The steps are read after the row is locked, so two reports of one step cannot race.
    queryset = (Incident.objects.select_for_update(of=("self",)).select_related("region", "sector")
                .prefetch_related("report_steps"))
    return get_visible_or_404(queryset, actor, pk=incident_id)


@contextmanager
def _change(*, incident_id: int, actor: User, name: str, expected_version: int | None = None,
            versioned: bool = True) -> Iterator[Incident]:
    """Lock the incident, check the version (for changes of its own fields) and the action's
    rules; the caller changes it; saved (version bumped) on exit. One transaction."""
    with transaction.atomic():
        incident = _locked(incident_id, actor)
        if versioned and (expected_version is None or int(expected_version) != incident.version):
            raise DomainError(
                "stale_version",
                _("该事故信息已被他人修改（当前版本 %(current)s，您提交的版本 %(yours)s），请刷新后重试；您填写的内容已保留。")
                % {"current": incident.version, "yours": expected_version},
            )
        check_action(incident, actor, name)
        yield incident
        if versioned:
            incident.version += 1
        incident.save()


def _count(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("bad_number", _("请填写整数人数。"), status=400, field=field)
    if number < 0 or number > 100_000:
        raise DomainError("bad_number", _("人数应在0到100000之间。"), status=400, field=field)
    return number


def _money(value, field: str = "direct_loss") -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise DomainError("bad_amount", _("直接经济损失应为金额（元）。"), status=400, field=field)
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 14:
        raise DomainError("bad_amount", _("直接经济损失应为不小于0的金额（元）。"), status=400, field=field)
    return amount.quantize(Decimal("0.01"))


def _clean_figures(data: dict) -> dict:
    figures = {f: _count(data.get(f, 0), f) for f in CASUALTY_FIELDS}
    figures["direct_loss"] = _money(data.get("direct_loss"))
    return figures


def _hhmm(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else "—"


# --- notices -------------------------------------------------------------------------------

def _notify(incident: Incident, event: IncidentEvent, *, level: str, message: str, actor: User) -> int:
    """Tell that level's office at once: in-app to every active staff member of exactly that
    region, email to those with an address, and its enabled group robots (the ministry is
    outside the system). Email and robot rows are sent by the delivery task after commit."""
    code = rules.level_region_code(level, incident.region_id)
    if code is None:
        return 0
    now, message = timezone.now(), message[:300]
    common = {"incident": incident, "event": event, "level": level, "message": message, "now": now}
    recipients = list(User.objects.filter(is_active=True, role__in=STAFF, region_id=code).exclude(pk=actor.pk)
                      .only("id", "email"))
    rows = [IncidentNotice.delivered(**common, recipient=u) for u in recipients]
    outbox = [IncidentNotice.queued(**common, recipient=u, channel=Channel.EMAIL) for u in recipients if u.email]
    outbox += [IncidentNotice.queued(**common, endpoint=e, channel=Channel.WEBHOOK)
               for e in WebhookEndpoint.objects.filter(enabled=True, region_id=code).only("id")]
    # ignore_conflicts: the unique keys (event, channel, recipient/endpoint) make a repeat harmless.
    IncidentNotice.objects.bulk_create(rows + outbox, ignore_conflicts=True)
    if outbox:
        transaction.on_commit(_deliver_soon)
    return len(rows)


def _deliver_soon() -> None:
    """Ask a worker to send now; if the broker is down the minute beat sends them anyway."""
    from .tasks import deliver_notices

    try:
        deliver_notices.delay()
    except Exception:  # a broker outage must not fail the report that has been recorded
        logger.warning("could not queue the incident notice delivery", exc_info=True)


def _reached_levels(incident: Incident) -> list[str]:
    """Regulator levels the report has reached (they hear about later changes)."""
    return [s.to_level for s in incident.report_steps.all() if s.reported_at is not None
            and s.to_level != ReportLevel.MINISTRY]


def _next_due_text(step: IncidentReport | None) -> str:
    if step is None or step.due_at is None:
        return ""
    return _("须于 %(due)s 前报%(level)s。") % {"due": _hhmm(step.due_at), "level": step.get_to_level_display()}


# --- create --------------------------------------------------------------------------------

def next_incident_code(*, region_code: str, year: int) -> str:
    county = region_code[: REGION_CODE_LENGTH["county"]]
    number = next_document_number(kind="incident", issuer=county, year=year)
    return f"SG-{county}-{year}-{number:04d}"


def _check_place(actor: User, data: dict) -> None:
    enterprise: Enterprise | None = data.get("enterprise")
    if enterprise is not None:
        data["region"] = data.get("region") or enterprise.region
        data["sector"] = data.get("sector") or enterprise.sector
    region = _require(data.get("region"), "region_required", _("请选择事故单位或发生地区划。"), "region")
    _require(data.get("sector"), "sector_required", _("请选择行业领域。"), "sector")
    if len(region.code) < REGION_CODE_LENGTH["county"]:
        raise DomainError("region_too_coarse", _("发生地须选到县（市、区）或乡镇（街道）。"), status=400, field="region")
    if not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=400, field="region")
    if enterprise is not None and not region.code.startswith(enterprise.region_id[:6]):
        raise DomainError("region_mismatch", _("发生地区划与事故单位所在区县不一致。"), status=400, field="region")


def incident_create(*, actor: User, data: dict, photos=(), unit_reported_at: datetime.datetime | None = None) -> Incident:
    """记录事故: the county records the unit's report. The report steps the grade needs are
    created at once; the unit's step is reported, the county's clock starts."""
    if not has_role(actor, STAFF):
        raise DomainError("role_not_allowed", _("只有监管人员可以记录事故。"), status=403)
    data = dict(data)
    now = timezone.now()
    _require(data.get("title"), "title_required", _("请填写事故名称。"), "title")
    occurred_at = _require(data.get("occurred_at"), "occurred_required", _("请填写事故发生时间。"), "occurred_at")
    if occurred_at > now + CLOCK_SKEW:
        raise DomainError("occurred_in_future", _("事故发生时间不能晚于现在。"), status=400, field="occurred_at")
    if data.get("type") not in IncidentType.values:
        raise DomainError("type_required", _("请选择事故类别（GB 6441-86）。"), status=400, field="type")
    _check_place(actor, data)
    unit_reported_at = unit_reported_at or now
    if unit_reported_at < occurred_at:
        raise DomainError("report_before_accident", _("单位报告时间不能早于事故发生时间。"), status=400,
                          field="unit_reported_at")
    if unit_reported_at > now + CLOCK_SKEW:
        raise DomainError("report_in_future", _("单位报告时间不能晚于现在。"), status=400, field="unit_reported_at")
    figures = _clean_figures(data)
    uploads = check_uploads(photos, kind=IncidentAttachmentKind.PHOTO)

    fields = {k: data[k] for k in RECORD_FIELDS if data.get(k) is not None}
    with transaction.atomic():
        incident = Incident(**fields, **figures, reported_by=actor, reported_at=now)
        incident.grade = rules.grade_for(incident.deaths, incident.serious_injuries, incident.direct_loss)
        incident.code = next_incident_code(region_code=incident.region_id,
                                           year=timezone.localtime(occurred_at).year)
        incident.save()
        steps = _create_steps(incident, rules.steps_for(incident.grade), start=0)
        unit_step = steps[0]
        unit_step.due_at = occurred_at + rules.UNIT_REPORT_WITHIN
        unit_step.reported_at, unit_step.reported_by = unit_reported_at, actor
        unit_step.save()
        steps[1].due_at = unit_reported_at + rules.LEVEL_REPORT_WITHIN
        steps[1].save(update_fields=["due_at"])
        event = _record(incident, actor=actor, action=IncidentEventAction.CREATED, from_status="", uploads=uploads,
                        changes={"grade": [None, incident.grade], **{f: [None, _plain(getattr(incident, f))]
                                                                     for f in FIGURE_FIELDS}})
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the office language
            _notify(incident, event, level=ReportLevel.COUNTY, actor=actor, message=(
                _("新事故：%(title)s，%(grade)s（死亡%(d)s人、重伤%(s)s人）。") % {
                    "title": incident.title, "grade": incident.get_grade_display(), "d": incident.deaths,
                    "s": incident.serious_injuries}
                + _next_due_text(steps[1])
            ))
    return incident


def _create_steps(incident: Incident, chain, *, start: int) -> list[IncidentReport]:
    return IncidentReport.objects.bulk_create([
        IncidentReport(incident=incident, from_level=f, to_level=t, sequence=n)
        for n, (f, t) in enumerate(chain) if n >= start
    ])


# --- figures and grade ---------------------------------------------------------------------

def incident_update_figures(*, incident_id: int, actor: User, expected_version: int, figures: dict,
                            comment: str = "") -> Incident:
    """续报: new casualty and loss figures; the grade is recomputed, higher report steps added
    (or unreported ones no longer needed dropped), and the levels already reached are told."""
    new = _clean_figures(figures)
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version,
                 name="update_figures") as incident:
        before = {f: getattr(incident, f) for f in FIGURE_FIELDS}
        changed = [f for f in FIGURE_FIELDS if before[f] != new[f]]
        if not changed:
            raise DomainError("no_change", _("填写的数字与当前记录相同，没有需要续报的变化。"), status=400, field="deaths")
        casualty_changes = [f for f in changed if f in CASUALTY_FIELDS]
        last_day = incident.casualty_last_day
        if casualty_changes and timezone.localdate() > last_day:
            days = rules.casualty_window_days(sector_code=incident.sector_id, incident_type=incident.type)
            raise DomainError(
                "casualty_window_closed",
                _("伤亡人数只能在事故发生之日起%(days)s日内补报（道路交通、火灾事故为7日）：本事故发生于 %(on)s，"
                  "补报期限已于 %(last)s 截止。") % {"days": days, "on": incident.occurred_on, "last": last_day},
                status=409, field=casualty_changes[0],
            )
        old_grade = incident.grade
        for f in FIGURE_FIELDS:
            setattr(incident, f, new[f])
        incident.grade = rules.grade_for(incident.deaths, incident.serious_injuries, incident.direct_loss)
        changes = {f: [_plain(before[f]), _plain(new[f])] for f in changed}
        added: list[IncidentReport] = []
        if incident.grade != old_grade:
            changes["grade"] = [old_grade, incident.grade]
            added = _rechain(incident)
            investigation = getattr(incident, "investigation", None) if incident.status == IncidentStatus.INVESTIGATING else None
            if investigation is not None and investigation.lead_authority != rules.LEAD_AUTHORITY[incident.grade]:
                changes["lead_authority"] = [investigation.lead_authority, rules.LEAD_AUTHORITY[incident.grade]]
                investigation.lead_authority = rules.LEAD_AUTHORITY[incident.grade]
                investigation.save(update_fields=["lead_authority"])
        event = _record(incident, actor=actor, action=IncidentEventAction.FIGURES_UPDATED, from_status=incident.status,
                        comment=comment, changes=changes)
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the office language
            message = _figures_message(incident, changes) + (_next_due_text(added[0]) if added else "")
        for level in _reached_levels(incident):
            _notify(incident, event, level=level, message=message, actor=actor)
    return incident


def _figures_message(incident: Incident, changes: dict) -> str:
    labels = {f: str(Incident._meta.get_field(f).verbose_name) for f in FIGURE_FIELDS}
    parts = [f"{labels[f]} {old}→{new}" for f, (old, new) in changes.items() if f in labels]
    text = _("续报：%(title)s，%(parts)s。") % {"title": incident.title, "parts": "，".join(parts)}
    if "grade" in changes:
        old = rules.IncidentGrade(changes["grade"][0]).label
        text += _("事故等级由%(old)s调整为%(new)s。") % {"old": old, "new": incident.get_grade_display()}
    return text


def _rechain(incident: Incident) -> list[IncidentReport]:
    """Make the report steps match the (new) grade. Steps added after a rise start their clock
    from the later of the previous level's report and now: that level learns of the new grade
    only now. Unreported steps the lower grade no longer needs are dropped."""
    wanted = rules.steps_for(incident.grade)
    steps = sorted(incident.report_steps.all(), key=lambda s: s.sequence)
    if len(wanted) < len(steps):
        IncidentReport.objects.filter(incident=incident, sequence__gte=len(wanted), reported_at__isnull=True).delete()
        return []
    added = _create_steps(incident, wanted, start=len(steps))
    previous = steps[-1]
    if added and previous.reported_at is not None:
        added[0].due_at = max(previous.reported_at, timezone.now()) + rules.LEVEL_REPORT_WITHIN
        added[0].save(update_fields=["due_at"])
    return added


# --- the clock -----------------------------------------------------------------------------

def incident_report_step(*, incident_id: int, actor: User, note: str = "") -> IncidentReport:
    """逐级上报: the actor's level passes the report up now; the next level is told at once and
    its own two hours start. Only the incident's steps change: no version needed."""
    with _change(incident_id=incident_id, actor=actor, name="report_step", versioned=False) as incident:
        steps = sorted(incident.report_steps.all(), key=lambda s: s.sequence)
        step = next_step(incident)
        now = timezone.now()
        step.reported_at, step.reported_by, step.note = now, actor, (note or "").strip()
        step.save()
        following = next((s for s in steps if s.sequence == step.sequence + 1), None)
        if following is not None:
            following.due_at = now + rules.LEVEL_REPORT_WITHIN
            following.save(update_fields=["due_at"])
        event = _record(incident, actor=actor, action=IncidentEventAction.STEP_REPORTED, from_status=incident.status,
                        comment=step.note, changes={
                            "step": [step.from_level, step.to_level], "due_at": _plain(step.due_at),
                            "reported_at": _plain(now), "met": step.met,
                        })
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the office language
            _notify(incident, event, level=step.to_level, actor=actor, message=(
                _("%(from)s上报事故：%(title)s，%(grade)s，死亡%(d)s人。") % {
                    "from": step.get_from_level_display(), "title": incident.title,
                    "grade": incident.get_grade_display(), "d": incident.deaths}
                + _next_due_text(following)
            ))
    return step


# --- investigation to closure --------------------------------------------------------------

def incident_start_investigation(*, incident_id: int, actor: User, expected_version: int, team_leader: str,
                                 team_members: str, started_on: datetime.date | None = None,
                                 comment: str = "") -> Incident:
    _require(team_leader, "leader_required", _("请填写调查组组长。"), "team_leader")
    _require(team_members, "members_required", _("请填写调查组成员单位和人员。"), "team_members")
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today:
        raise DomainError("start_in_future", _("调查组成立日期不能晚于今天。"), status=400, field="started_on")
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version,
                 name="start_investigation") as incident:
        if started_on < incident.occurred_on:
            raise DomainError("start_before_accident", _("调查组成立日期不能早于事故发生日期。"), status=400,
                              field="started_on")
        due = rules.investigation_due(started_on, incident.region_id)
        Investigation.objects.create(
            incident=incident, lead_authority=rules.LEAD_AUTHORITY[incident.grade], team_leader=team_leader.strip(),
            team_members=team_members.strip(), started_on=started_on, due_on=due, original_due_on=due,
            started_by=actor,
        )
        incident.status = IncidentStatus.INVESTIGATING
        _record(incident, actor=actor, action=IncidentEventAction.INVESTIGATION_STARTED, from_status=IncidentStatus.REPORTED,
                comment=comment, changes={"due_on": [None, due.isoformat()], "team_leader": [None, team_leader.strip()]})
    return incident


def incident_extend_investigation(*, incident_id: int, actor: User, expected_version: int,
                                  new_due_on: datetime.date, reason: str) -> Incident:
    """延长调查期限: once, by at most 60 days (条例 art. 29)."""
    _require(reason, "reason_required", _("请填写延期理由。"), "reason")
    _require(new_due_on, "due_required", _("请填写延长后的期限。"), "new_due_on")
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version,
                 name="extend_investigation") as incident:
        investigation = incident.investigation
        latest = rules.latest_extension(investigation.original_due_on, incident.region_id)
        if new_due_on <= investigation.due_on:
            raise DomainError("due_not_later", _("延长后的期限须晚于当前期限（%(d)s）。") % {"d": investigation.due_on},
                              status=400, field="new_due_on")
        if new_due_on > latest:
            raise DomainError("extension_too_long", _("调查期限最多延长60日，即不晚于 %(d)s。") % {"d": latest},
                              status=400, field="new_due_on")
        before = investigation.due_on
        investigation.due_on, investigation.extension_reason, investigation.extended_by = new_due_on, reason.strip(), actor
        investigation.save()
        _record(incident, actor=actor, action=IncidentEventAction.INVESTIGATION_EXTENDED, from_status=incident.status,
                comment=reason, changes={"due_on": [before.isoformat(), new_due_on.isoformat()]})
    return incident


def incident_record_findings(*, incident_id: int, actor: User, expected_version: int, findings: dict,
                             comment: str = "") -> Incident:
    """调查结论: direct and indirect causes, responsibility, recommendations (may be filled in parts)."""
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version,
                 name="record_findings") as incident:
        investigation = incident.investigation
        changes = {}
        for name in FINDING_FIELDS:
            if name in findings and findings[name] is not None:
                value = findings[name].strip()
                if value != getattr(investigation, name):
                    changes[name] = [getattr(investigation, name), value]
                    setattr(investigation, name, value)
        if not changes:
            raise DomainError("no_change", _("没有填写新的调查结论。"), status=400, field="direct_causes")
        investigation.save()
        _record(incident, actor=actor, action=IncidentEventAction.FINDINGS_RECORDED, from_status=incident.status,
                comment=comment, changes=changes)
    return incident


def incident_list_for_supervision(*, incident_id: int, actor: User, expected_version: int, listing_level: str,
                                  doc_no: str, listing_date: datetime.date, comment: str = "") -> Incident:
    """挂牌督办 of the incident, at the actor's level or a lower one."""
    _require(doc_no, "doc_no_required", _("请填写督办文号。"), "doc_no")
    _require(listing_date, "listing_date_required", _("请填写挂牌日期。"), "listing_date")
    level = ListingLevel(listing_level)
    if actor.region_id and len(actor.region_id) > REGION_CODE_LENGTH[level]:
        raise DomainError("listing_level_too_high", _("您不能以高于本级的层级挂牌督办。"), status=403, field="listing_level")
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version,
                 name="list_supervision") as incident:
        before = [incident.listing_level, incident.listing_doc_no, _plain(incident.listing_date)]
        incident.listing_level, incident.listing_doc_no, incident.listing_date = level, doc_no.strip(), listing_date
        _record(incident, actor=actor, action=IncidentEventAction.LISTED, from_status=incident.status, comment=comment,
                changes={"listing": [before, [level.value, incident.listing_doc_no, listing_date.isoformat()]]})
    return incident


def incident_close(*, incident_id: int, actor: User, expected_version: int, approval_doc_no: str,
                   approved_on: datetime.date, report_files=(), comment: str = "") -> Incident:
    """结案: with the approved investigation report (批复) attached."""
    _require(approval_doc_no, "doc_no_required", _("请填写批复文号。"), "approval_doc_no")
    _require(approved_on, "approved_on_required", _("请填写批复日期。"), "approved_on")
    if approved_on > timezone.localdate():
        raise DomainError("approved_in_future", _("批复日期不能晚于今天。"), status=400, field="approved_on")
    uploads = check_uploads(report_files, kind=IncidentAttachmentKind.REPORT)
    with _change(incident_id=incident_id, actor=actor, expected_version=expected_version, name="close") as incident:
        if not uploads and not incident.attachments.filter(kind=IncidentAttachmentKind.REPORT).exists():
            raise DomainError("report_required", _("结案须附批复的事故调查报告（PDF或图片）。"), status=400,
                              field="report_files")
        incident.status = IncidentStatus.CLOSED
        incident.closed_by, incident.closed_at = actor, timezone.now()
        incident.approval_doc_no, incident.approved_on = approval_doc_no.strip(), approved_on
        _record(incident, actor=actor, action=IncidentEventAction.CLOSED, from_status=IncidentStatus.INVESTIGATING,
                comment=comment, uploads=uploads,
                changes={"approval_doc_no": [None, incident.approval_doc_no], "approved_on": [None, approved_on.isoformat()]})
    return incident


def incident_add_attachments_problems(*, kind: str | None, files, **_ignored) -> Problems:
    """Every problem of an upload to an incident (the page form shows them all at once)."""
    problems = Problems()
    if kind not in IncidentAttachmentKind.values:
        problems.add("kind", "bad_kind", _("附件类型无效。"))
    if not files:
        problems.add("files", "file_required", _("请选择要上传的文件。"))
    return problems


def incident_add_attachments(*, incident_id: int, actor: User, kind: str, files, comment: str = "") -> IncidentEvent:
    incident_add_attachments_problems(kind=kind, files=files).raise_if_any()
    uploads = check_uploads(files, kind=kind)
    with _change(incident_id=incident_id, actor=actor, name="add_attachments", versioned=False) as incident:
        return _record(incident, actor=actor, action=IncidentEventAction.ATTACHMENT_ADDED, from_status=incident.status,
                       comment=comment, uploads=uploads)


# --- follow-up hazards ---------------------------------------------------------------------

def incident_create_followup_hazard(*, incident_id: int, actor: User, data: dict, before_photos=()) -> Hazard:
    """A hazard found in the follow-up checks: created through the hazard lifecycle
    (hazards.services.hazard_create) and linked to the incident."""
    from hazards.services import hazard_create

    with _change(incident_id=incident_id, actor=actor, name="followup_hazard", versioned=False) as incident:
        data = dict(data)
        data.setdefault("enterprise", incident.enterprise)
        if not data.get("enterprise"):
            data.setdefault("region", incident.region)
        data.setdefault("sector", incident.sector)
        data.setdefault("source_reference", incident.code)
        hazard = hazard_create(actor=actor, data=data, before_photos=before_photos)
        _link(incident, hazard, actor)
    return hazard


def incident_link_hazard(*, incident_id: int, actor: User, hazard_code: str) -> Hazard:
    """Link a hazard already in the ledger (found by its code among those the actor may see)."""
    _require(hazard_code, "code_required", _("请填写隐患编号。"), "hazard_code")
    with _change(incident_id=incident_id, actor=actor, name="link_hazard", versioned=False) as incident:
        hazard = Hazard.objects.visible_to(actor).filter(code=hazard_code.strip().upper()).first()
        if hazard is None:
            raise DomainError("hazard_not_found", _("找不到编号为“%(code)s”的隐患（或不在您的辖区内）。")
                              % {"code": hazard_code.strip()}, status=400, field="hazard_code")
        if IncidentHazard.objects.filter(incident=incident, hazard=hazard).exists():
            raise DomainError("already_linked", _("该隐患已关联到本事故。"), status=400, field="hazard_code")
        _link(incident, hazard, actor)
    return hazard


def _link(incident: Incident, hazard: Hazard, actor: User) -> None:
    IncidentHazard.objects.create(incident=incident, hazard=hazard, linked_by=actor)
    _record(incident, actor=actor, action=IncidentEventAction.HAZARD_LINKED, from_status=incident.status,
            comment=f"{hazard.code} {hazard.title}", changes={"hazard": [None, hazard.code]})


# --- the inbox -----------------------------------------------------------------------------

def notice_mark_read(*, user: User, notice_id: int) -> IncidentNotice:
    notice = get_visible_or_404(IncidentNotice.objects.all(), user, pk=notice_id, recipient=user,
                                channel=Channel.INAPP)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        IncidentNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: User) -> int:
    return IncidentNotice.objects.inbox_of(user).unread().update(read_at=timezone.now())

