"""Services that change hazards. One function per transition.

Every function: keyword-only arguments; checks uploads before touching the database; then in
one transaction locks the row, checks the caller's version (no silent overwrite), checks the
transition rules (transitions.py), changes the hazard, bumps its version and writes the audit
event last. Refusals are DomainError with a code and a translatable message.
"""
from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from typing import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import REGION_CODE_LENGTH, Role
from accounts.jurisdiction import get_visible_or_404, region_in_jurisdiction
from accounts.models import Enterprise, User
from hazardtrack.errors import DomainError

from .attachments import CheckedUpload, check_upload, store_attachment
from .choices import (
    AttachmentKind,
    EventAction,
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ListingLevel,
    ResumeReviewStatus,
)
from .ladder import rectification_deadline
from .models import (
    ExtensionRequest,
    Hazard,
    HazardEvent,
    RectificationPlan,
    ResumeApplication,
    local_today,
    resume_review_due,
)
from .transitions import check_transition

# Fields a reporter fills in; also the fields `hazard_update` may change while editable.
REPORT_FIELDS = (
    "title", "description", "enterprise", "region", "sector", "level", "category", "source",
    "source_department", "source_reference", "address", "latitude", "longitude", "found_at", "original_code",
)
CREATOR_ROLES = (Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN, Role.GRID, Role.ENTERPRISE)


# --- codes -------------------------------------------------------------------------------

def next_hazard_code(*, region_code: str, year: int) -> str:
    """YH-<county>-<year>-<seq>: one atomic upsert, so concurrent creations never share a number
    (the row lock is held until the surrounding transaction ends)."""
    return reserve_hazard_codes(region_code=region_code, year=year, count=1)[0]


def reserve_hazard_codes(*, region_code: str, year: int, count: int) -> list[str]:
    """`count` consecutive codes of a county and year in one statement. Why: a spreadsheet import
    creates thousands of hazards at once, and one UPDATE ... RETURNING per batch replaces one
    round trip per hazard. Same locking as next_hazard_code."""
    if count <= 0:
        return []
    county = region_code[: REGION_CODE_LENGTH["county"]].ljust(6, "0")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO hazards_hazardcodesequence (county_code, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (county_code, year) DO UPDATE SET last = hazards_hazardcodesequence.last + %s "
            "RETURNING last",
            [county, year, count, count],
        )
        (last,) = cursor.fetchone()
    return [f"YH-{county}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


# --- shared machinery ----------------------------------------------------------------------

def _snapshot(hazard: Hazard, fields: Iterable[str]) -> dict:
    return {f: getattr(hazard, hazard._meta.get_field(f).attname) for f in fields}


def _diff(before: dict, hazard: Hazard) -> dict:
    changes = {}
    for name, old in before.items():
        new = getattr(hazard, hazard._meta.get_field(name).attname)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _record(hazard: Hazard, *, actor, action: str, from_status: str, comment: str = "",
            changes: dict | None = None, uploads: Iterable[tuple[str, CheckedUpload]] = ()) -> HazardEvent:
    event = HazardEvent.objects.create(
        hazard=hazard, action=action, actor=actor, from_status=from_status, to_status=hazard.status,
        comment=comment, changes=changes or {},
    )
    for kind, checked in uploads:
        store_attachment(hazard=hazard, event=event, kind=kind, checked=checked, actor=actor)
    return event


record_event = _record  # for the services of sibling modules (reporting.py)


@contextmanager
def _transition(*, hazard_id: int, actor: User, expected_version: int, name: str) -> Iterator[Hazard]:
    """Lock the hazard, check version and rules; the caller changes it; version is bumped and
    saved on exit. All inside one transaction."""
    with transaction.atomic():
        hazard = get_visible_or_404(Hazard.objects.select_for_update(), actor, pk=hazard_id)
        if expected_version is None or int(expected_version) != hazard.version:
            raise DomainError(
                "stale_version",
                _("该隐患已被他人修改（当前版本 %(current)s，您提交的版本 %(yours)s），请刷新后重试；您填写的内容已保留。")
                % {"current": hazard.version, "yours": expected_version},
            )
        check_transition(hazard, actor, name)
        yield hazard
        hazard.version += 1
        hazard.save()


def _require(value, code: str, message: str, field: str):
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise DomainError(code, message, status=400, field=field)
    return value


def _check_uploads(files, *, kind: str, images_only: bool = True) -> list[tuple[str, CheckedUpload]]:
    return [(kind, check_upload(f, images_only=images_only)) for f in (files or [])]


# --- create and edit -----------------------------------------------------------------------

def _check_region_matches_enterprise(region_code: str, enterprise: Enterprise | None) -> None:
    """A hazard lies in its enterprise's county: otherwise another county's contact would see it."""
    if enterprise is not None and not region_code.startswith(enterprise.region_id[:6]):
        raise DomainError("region_mismatch", _("所属区划与该单位所在区县不一致。"), status=400, field="region")


def hazard_create(
    *, actor: User, data: dict, before_photos=(), rectified_on_spot: bool = False, after_photos=(),
    on_spot_note: str = "",
) -> Hazard:
    """上报 a hazard. With `rectified_on_spot` (立行立改) a general hazard is closed at once,
    with at least one after-photo, and still counted."""
    if actor.role not in CREATOR_ROLES and not actor.is_superuser:
        raise DomainError("role_not_allowed", _("您的角色不能上报隐患。"), status=403)
    data = dict(data)
    enterprise: Enterprise | None = data.get("enterprise")
    if actor.role == Role.ENTERPRISE:
        # An enterprise reports only its own hazards, as a self-report.
        enterprise = actor.enterprise
        data.update(enterprise=enterprise, source=HazardSource.SELF_REPORT)
    elif actor.role == Role.GRID:
        data["source"] = HazardSource.GRID
    if enterprise is not None:
        data.setdefault("region", enterprise.region)
        data["region"] = data.get("region") or enterprise.region
        data["sector"] = data.get("sector") or enterprise.sector
    _require(data.get("title"), "title_required", _("请填写隐患名称。"), "title")
    region = _require(data.get("region"), "region_required", _("请选择生产经营单位或所属区划。"), "region")
    _require(data.get("sector"), "sector_required", _("请选择行业领域。"), "sector")
    if actor.role != Role.ENTERPRISE and not actor.is_superuser and not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=400, field="region")
    _check_region_matches_enterprise(region.code, enterprise)
    if rectified_on_spot:
        # The one recording it becomes reporter, verifier and signer: only a regulator may.
        if actor.role not in (Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN) and not actor.is_superuser:
            raise DomainError("role_not_allowed", _("只有监管人员可以按立行立改记录并销号。"), status=403,
                              field="rectified_on_spot")
        if data.get("level") == HazardLevel.MAJOR:
            raise DomainError("on_spot_major", _("重大事故隐患不能按立行立改处理。"), status=400, field="level")
        if not after_photos:
            raise DomainError("after_photo_required", _("立行立改须上传整改后照片。"), status=400, field="after_photos")
    uploads = _check_uploads(before_photos, kind=AttachmentKind.BEFORE)
    after_uploads = _check_uploads(after_photos, kind=AttachmentKind.AFTER)

    fields = {k: v for k, v in data.items() if k in REPORT_FIELDS and v is not None}
    with transaction.atomic():
        hazard = Hazard(**fields, found_by=actor)
        hazard.found_at = hazard.found_at or timezone.now()
        hazard.code = next_hazard_code(region_code=region.code, year=timezone.localtime(hazard.found_at).year)
        hazard.save()
        _record(hazard, actor=actor, action=EventAction.CREATED, from_status="", uploads=uploads)
        if rectified_on_spot:
            now = timezone.now()
            hazard.rectified_on_spot = True
            hazard.status = HazardStatus.SIGNED_OFF
            hazard.rectification_report = on_spot_note or _("现场立行立改")
            hazard.rectification_reported_by = hazard.verified_by = hazard.signed_off_by = actor
            hazard.rectification_reported_at = hazard.verified_at = hazard.signed_off_at = now
            hazard.original_deadline = hazard.current_deadline = timezone.localtime(now).date()
            hazard.version += 1
            hazard.save()
            _record(hazard, actor=actor, action=EventAction.RECTIFIED_ON_SPOT, from_status=HazardStatus.REPORTED,
                    comment=hazard.rectification_report, uploads=after_uploads)
    return hazard


def hazard_update(*, hazard_id: int, actor: User, expected_version: int, data: dict) -> Hazard:
    """Correct a hazard's report while it is still reported or confirmed."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="update") as hazard:
        fields = [f for f in REPORT_FIELDS if f in data]
        before = _snapshot(hazard, fields)
        for f in fields:
            setattr(hazard, f, data[f])
        if "region" in data and not region_in_jurisdiction(actor, hazard.region_id):
            raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=400, field="region")
        _check_region_matches_enterprise(hazard.region_id, hazard.enterprise)
        changes = _diff(before, hazard)
        _record(hazard, actor=actor, action=EventAction.UPDATED, from_status=hazard.status, changes=changes)
    return hazard


def hazard_add_attachments(*, hazard_id: int, actor: User, kind: str, files, comment: str = "") -> HazardEvent:
    """Add photos or documents to a hazard the user can see (an audit event of its own)."""
    if kind not in AttachmentKind.values:
        raise DomainError("bad_kind", _("附件类型无效。"), status=400, field="kind")
    uploads = _check_uploads(files, kind=kind, images_only=kind != AttachmentKind.DOCUMENT)
    if not uploads:
        raise DomainError("file_required", _("请选择要上传的文件。"), status=400, field="file")
    with transaction.atomic():
        hazard = get_visible_or_404(Hazard.objects.select_for_update(), actor, pk=hazard_id)
        if hazard.status in (HazardStatus.SIGNED_OFF, HazardStatus.REJECTED):
            raise DomainError("closed", _("隐患%(status)s，不能再上传附件。") % {"status": hazard.get_status_display()})
        return _record(hazard, actor=actor, action=EventAction.ATTACHMENT_ADDED, from_status=hazard.status,
                       comment=comment, uploads=uploads)


# --- transitions ---------------------------------------------------------------------------

def hazard_confirm(*, hazard_id: int, actor: User, expected_version: int, level: str | None = None,
                   comment: str = "") -> Hazard:
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="confirm") as hazard:
        before = _snapshot(hazard, ["level"])
        if level:
            hazard.level = HazardLevel(level)
        hazard.status = HazardStatus.CONFIRMED
        hazard.confirmed_by, hazard.confirmed_at = actor, timezone.now()
        _record(hazard, actor=actor, action=EventAction.CONFIRMED, from_status=HazardStatus.REPORTED,
                comment=comment, changes=_diff(before, hazard))
    return hazard


def hazard_reject(*, hazard_id: int, actor: User, expected_version: int, reason: str) -> Hazard:
    _require(reason, "reason_required", _("请填写不予认定的理由（如：不构成隐患、重复上报）。"), "reason")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="reject") as hazard:
        hazard.status = HazardStatus.REJECTED
        hazard.rejection_reason = reason.strip()
        hazard.confirmed_by, hazard.confirmed_at = actor, timezone.now()
        _record(hazard, actor=actor, action=EventAction.REJECTED, from_status=HazardStatus.REPORTED, comment=reason)
    return hazard


def hazard_assign(
    *, hazard_id: int, actor: User, expected_version: int, responsible_unit: str, responsible_person: str,
    measures: str, deadline: datetime.date | None = None, responsible_phone: str = "",
    funds_planned: Decimal | None = None, assigned_inspector: User | None = None, comment: str = "",
    deadline_days: int | None = None,
) -> Hazard:
    """交办: the rectification order, with a deadline date or a number of days counted as the
    hazard's region counts them (hazards/ladder.py). General hazards start rectifying at once;
    major hazards wait for their rectification plan."""
    _require(responsible_unit, "unit_required", _("请填写整改责任单位。"), "responsible_unit")
    _require(responsible_person, "person_required", _("请填写整改责任人。"), "responsible_person")
    _require(measures, "measures_required", _("请填写整改措施要求。"), "measures")
    _require(deadline or deadline_days, "deadline_required", _("请填写整改期限。"), "deadline")
    if deadline is not None and deadline <= local_today():
        raise DomainError("deadline_in_past", _("整改期限必须晚于今天。"), status=400, field="deadline")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="assign") as hazard:
        deadline = rectification_deadline(region_code=hazard.region_id, start=local_today(), date=deadline,
                                          days=deadline_days)
        if assigned_inspector is not None and not region_in_jurisdiction(assigned_inspector, hazard.region_id):
            raise DomainError("inspector_out_of_jurisdiction", _("跟踪检查员的辖区不包含该隐患。"), status=400,
                              field="assigned_inspector")
        hazard.responsible_unit = responsible_unit.strip()
        hazard.responsible_person = responsible_person.strip()
        hazard.responsible_phone = (responsible_phone or "").strip()
        hazard.measures = measures.strip()
        hazard.funds_planned = funds_planned
        hazard.original_deadline = hazard.current_deadline = deadline
        hazard.assigned_by, hazard.assigned_at = actor, timezone.now()
        hazard.assigned_inspector = assigned_inspector or hazard.found_by
        hazard.status = HazardStatus.ASSIGNED if hazard.is_major else HazardStatus.RECTIFYING
        _record(hazard, actor=actor, action=EventAction.ASSIGNED, from_status=HazardStatus.CONFIRMED, comment=comment,
                changes={"current_deadline": [None, deadline.isoformat()], "responsible_unit": [None, hazard.responsible_unit]})
    return hazard


PLAN_FIELDS = (
    "goals_and_tasks", "methods_and_measures", "funds_and_materials", "people_in_charge", "time_limits",
    "safety_and_emergency",
)


def hazard_submit_plan(*, hazard_id: int, actor: User, expected_version: int, plan: dict, comment: str = "") -> Hazard:
    """重大隐患治理方案: all six parts are required; rectification starts with it."""
    for name in PLAN_FIELDS:
        label = RectificationPlan._meta.get_field(name).verbose_name
        _require(plan.get(name), "plan_incomplete", _("治理方案缺少“%(part)s”。") % {"part": label}, name)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="submit_plan") as hazard:
        RectificationPlan.objects.update_or_create(
            hazard=hazard,
            defaults={**{n: plan[n].strip() for n in PLAN_FIELDS}, "submitted_by": actor, "submitted_at": timezone.now()},
        )
        hazard.status = HazardStatus.RECTIFYING
        _record(hazard, actor=actor, action=EventAction.PLAN_SUBMITTED, from_status=HazardStatus.ASSIGNED, comment=comment)
    return hazard


def hazard_list_for_supervision(
    *, hazard_id: int, actor: User, expected_version: int, listing_level: str, doc_no: str,
    listing_date: datetime.date, production_suspended: bool = False, comment: str = "",
) -> Hazard:
    """挂牌督办 of a major hazard, at the actor's level or a lower one."""
    _require(doc_no, "doc_no_required", _("请填写督办文号。"), "doc_no")
    _require(listing_date, "listing_date_required", _("请填写挂牌日期。"), "listing_date")
    level = ListingLevel(listing_level)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="list_supervision") as hazard:
        # After the visibility check: a hazard outside the jurisdiction is a 404 before anything else.
        if actor.region_id and len(actor.region_id) > REGION_CODE_LENGTH[level]:
            raise DomainError("listing_level_too_high", _("您不能以高于本级的层级挂牌督办。"), status=403,
                              field="listing_level")
        before = _snapshot(hazard, ["listing_level", "listing_doc_no", "listing_date", "production_suspended"])
        hazard.listing_level, hazard.listing_doc_no = level, doc_no.strip()
        hazard.listing_date, hazard.production_suspended = listing_date, production_suspended
        _record(hazard, actor=actor, action=EventAction.LISTED, from_status=hazard.status, comment=comment,
                changes=_diff(before, hazard))
    return hazard


def hazard_request_extension(*, hazard_id: int, actor: User, expected_version: int,
                             requested_deadline: datetime.date | None = None, reason: str,
                             requested_days: int | None = None) -> ExtensionRequest:
    """延期申请: to a date, or by a number of days after the current deadline, as the region counts them."""
    _require(reason, "reason_required", _("请填写延期理由。"), "reason")
    _require(requested_deadline or requested_days, "deadline_required", _("请填写申请延期至的日期。"),
             "requested_deadline")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="request_extension") as hazard:
        requested_deadline = rectification_deadline(
            region_code=hazard.region_id, start=hazard.current_deadline, date=requested_deadline,
            days=requested_days, field="requested_deadline")
        if requested_deadline <= hazard.current_deadline:
            raise DomainError("deadline_not_later", _("申请的期限必须晚于当前整改期限（%(d)s）。") % {"d": hazard.current_deadline},
                              status=400, field="requested_deadline")
        request = ExtensionRequest.objects.create(
            hazard=hazard, requested_by=actor, reason=reason.strip(), previous_deadline=hazard.current_deadline,
            requested_deadline=requested_deadline,
        )
        _record(hazard, actor=actor, action=EventAction.EXTENSION_REQUESTED, from_status=hazard.status, comment=reason,
                changes={"requested_deadline": [hazard.current_deadline.isoformat(), requested_deadline.isoformat()]})
    return request


def hazard_decide_extension(*, hazard_id: int, actor: User, expected_version: int, approve: bool,
                            approved_deadline: datetime.date | None = None, comment: str = "") -> Hazard:
    """Approve (the current deadline moves, the original stays) or refuse (a reason is required)."""
    if not approve:
        _require(comment, "reason_required", _("不予批准时请填写理由。"), "comment")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="decide_extension") as hazard:
        request = hazard.extension_requests.select_for_update().get(status=ExtensionStatus.PENDING)
        request.decided_by, request.decided_at, request.decision_comment = actor, timezone.now(), comment
        if approve:
            new_deadline = approved_deadline or request.requested_deadline
            if approved_deadline:
                rectification_deadline(region_code=hazard.region_id, start=hazard.current_deadline,
                                       date=approved_deadline, field="approved_deadline")
            if new_deadline <= hazard.current_deadline:
                raise DomainError("deadline_not_later", _("批准的期限必须晚于当前整改期限。"), status=400,
                                  field="approved_deadline")
            before = _snapshot(hazard, ["current_deadline"])
            request.status, request.approved_deadline = ExtensionStatus.APPROVED, new_deadline
            hazard.current_deadline = new_deadline
            action, changes = EventAction.EXTENSION_APPROVED, _diff(before, hazard)
        else:
            request.status, action, changes = ExtensionStatus.REFUSED, EventAction.EXTENSION_REFUSED, {}
        request.save()
        _record(hazard, actor=actor, action=action, from_status=hazard.status, comment=comment, changes=changes)
    return hazard


def hazard_report_rectification(
    *, hazard_id: int, actor: User, expected_version: int, report: str, after_photos=(),
    funds_spent: Decimal | None = None, assessment_report: str = "", documents=(),
) -> Hazard:
    """申请复查: what was done, with after-photos (and, for major hazards, the assessment report)."""
    _require(report, "report_required", _("请填写整改情况。"), "report")
    uploads = _check_uploads(after_photos, kind=AttachmentKind.AFTER)
    uploads += _check_uploads(documents, kind=AttachmentKind.DOCUMENT, images_only=False)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="report_rectification") as hazard:
        if not uploads and not hazard.attachments.filter(kind=AttachmentKind.AFTER).exists():
            raise DomainError("after_photo_required", _("请上传至少一张整改后照片。"), status=400, field="after_photos")
        if hazard.is_major and not (assessment_report or "").strip():
            raise DomainError("assessment_required", _("重大事故隐患须提交整改评估报告。"), status=400,
                              field="assessment_report")
        hazard.rectification_report = report.strip()
        hazard.funds_spent = funds_spent
        if assessment_report:
            hazard.assessment_report = assessment_report.strip()
        hazard.rectification_reported_by, hazard.rectification_reported_at = actor, timezone.now()
        hazard.verified_by = hazard.verified_at = None
        hazard.status = HazardStatus.RECTIFICATION_REPORTED
        _record(hazard, actor=actor, action=EventAction.RECTIFICATION_REPORTED, from_status=HazardStatus.RECTIFYING,
                comment=report, uploads=uploads)
    return hazard


def hazard_verify(*, hazard_id: int, actor: User, expected_version: int, passed: bool, comment: str = "",
                  photos=()) -> Hazard:
    """复查 on site: pass → ready for sign-off; fail → back to rectifying, reasons required (and an
    application to resume production still waiting lapses: there is nothing to resume yet)."""
    if not passed:
        _require(comment, "reason_required", _("复查不通过时请写明原因。"), "comment")
    uploads = _check_uploads(photos, kind=AttachmentKind.AFTER)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="verify") as hazard:
        hazard.verification_comment = (comment or "").strip()
        changes = {}
        if passed:
            hazard.status = HazardStatus.VERIFIED
            hazard.verified_by, hazard.verified_at = actor, timezone.now()
            action = EventAction.VERIFIED
        else:
            hazard.status = HazardStatus.RECTIFYING
            action = EventAction.VERIFICATION_FAILED
            lapsed = hazard.resume_applications.filter(status=ResumeReviewStatus.PENDING).update(
                status=ResumeReviewStatus.WITHDRAWN)
            if lapsed:
                changes["resume_review"] = [ResumeReviewStatus.PENDING.value, ResumeReviewStatus.WITHDRAWN.value]
        _record(hazard, actor=actor, action=action, from_status=HazardStatus.RECTIFICATION_REPORTED, comment=comment,
                changes=changes, uploads=uploads)
    return hazard


def hazard_apply_resume(*, hazard_id: int, actor: User, expected_version: int, content: str) -> ResumeApplication:
    """申请复产: a major hazard under 停产停业, rectified and assessed, asks to resume production —
    the enterprise, or an inspector on its behalf. The regulator's on-site review is due within
    RESUME_REVIEW_DAYS."""
    _require(content, "content_required", _("请填写复产申请内容。"), "content")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="apply_resume") as hazard:
        submitted_at = timezone.now()
        application = ResumeApplication.objects.create(
            hazard=hazard, submitted_by=actor, submitted_at=submitted_at, content=content.strip(),
            review_due=resume_review_due(timezone.localtime(submitted_at).date(), hazard.region_id),
        )
        _record(hazard, actor=actor, action=EventAction.RESUME_APPLIED, from_status=hazard.status, comment=content,
                changes={"review_due": [None, application.review_due.isoformat()]})
    return application


def hazard_review_resume(*, hazard_id: int, actor: User, expected_version: int, passed: bool, opinion: str = "",
                         review_date: datetime.date | None = None) -> Hazard:
    """复产审查 on site, by a supervisor of the listing level or above: pass → 停产停业 lifted, the
    sign-off may follow; fail → production stays suspended, reasons required, the enterprise may
    apply again. A review after the due date is recorded and marked late, not refused."""
    if not passed:
        _require(opinion, "reason_required", _("审查不合格时请写明原因。"), "opinion")
    today = local_today()
    review_date = review_date or today
    if review_date > today:
        raise DomainError("review_date_in_future", _("现场审查日期不能晚于今天。"), status=400, field="review_date")
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="review_resume") as hazard:
        application = hazard.resume_applications.select_for_update().get(status=ResumeReviewStatus.PENDING)
        applied_on = timezone.localtime(application.submitted_at).date()
        if review_date < applied_on:
            raise DomainError("review_before_application", _("现场审查日期不能早于申请复产的日期（%(d)s）。")
                              % {"d": applied_on.isoformat()}, status=400, field="review_date")
        before = _snapshot(hazard, ["production_suspended"])
        result = ResumeReviewStatus.PASSED if passed else ResumeReviewStatus.FAILED
        application.status = result
        application.reviewed_by, application.reviewed_at = actor, timezone.now()
        application.review_date, application.review_opinion = review_date, (opinion or "").strip()
        application.save()
        if passed:
            hazard.production_suspended = False
        changes = {
            "resume_review": [ResumeReviewStatus.PENDING.value, result.value],
            "review_date": [None, review_date.isoformat()],
            **_diff(before, hazard),
        }
        _record(hazard, actor=actor, action=EventAction.RESUME_APPROVED if passed else EventAction.RESUME_REFUSED,
                from_status=hazard.status, comment=opinion, changes=changes)
    return hazard


def hazard_sign_off(*, hazard_id: int, actor: User, expected_version: int, comment: str = "") -> Hazard:
    """销号. 隐患不消除不销号: the rules refuse it without verification and evidence, and a major
    hazard under 停产停业 until its resume review passed (hazard_review_resume lifts it)."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="sign_off") as hazard:
        hazard.status = HazardStatus.SIGNED_OFF
        hazard.signed_off_by, hazard.signed_off_at = actor, timezone.now()
        _record(hazard, actor=actor, action=EventAction.SIGNED_OFF, from_status=HazardStatus.VERIFIED, comment=comment)
    return hazard
