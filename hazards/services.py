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

from accounts.choices import REGION_CODE_LENGTH, REGULATOR_ROLES, Role
from accounts.jurisdiction import get_visible_or_404, has_role, region_in_jurisdiction
from accounts.models import Enterprise, User
from hazardtrack.dates import local_today
from hazardtrack.errors import DomainError, Problems
from hazardtrack.events import announce
from hazardtrack.events import plain as _plain
from hazardtrack.formats import cn_date
from hazardtrack.upload_checks import CheckedUpload, check_upload

from .attachments import store_attachment
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
from .models import (
    ExtensionRequest,
    Hazard,
    HazardEvent,
    RectificationPlan,
    ResumeApplication,
    resume_review_due,
)
from .ladder import rectification_deadline
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


def _record(hazard: Hazard, *, actor, action: str, from_status: str, comment: str = "",
            changes: dict | None = None, uploads: Iterable[tuple[str, CheckedUpload]] = ()) -> HazardEvent:
    event = HazardEvent.objects.create(
        hazard=hazard, action=action, actor=actor, from_status=from_status, to_status=hazard.status,
        comment=comment, changes=changes or {},
    )
    for kind, checked in uploads:
        store_attachment(hazard=hazard, event=event, kind=kind, checked=checked, actor=actor)
    announce(event)  # listeners (event notices) write in this same transaction
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


def _check_uploads(files, *, kind: str, images_only: bool = True) -> list[tuple[str, CheckedUpload]]:
    return [(kind, check_upload(f, images_only=images_only)) for f in (files or [])]


# --- create and edit -----------------------------------------------------------------------

def _check_region_matches_enterprise(region_code: str, enterprise: Enterprise | None) -> None:
    """A hazard lies in its enterprise's county: otherwise another county's contact would see it."""
    if enterprise is not None and not region_code.startswith(enterprise.region_id[:6]):
        raise DomainError("region_mismatch", _("所属区划与该单位所在区县不一致。"), status=400, field="region")


def _report_data(actor: User, data: dict) -> dict:
    """The report as it will be saved: an enterprise reports its own hazards as a self-report, a
    grid worker's source is 网格员; region and sector default to the enterprise's."""
    data = dict(data)
    enterprise: Enterprise | None = data.get("enterprise")
    if actor.role == Role.ENTERPRISE:
        enterprise = actor.enterprise
        data.update(enterprise=enterprise, source=HazardSource.SELF_REPORT)
    elif actor.role == Role.GRID:
        data["source"] = HazardSource.GRID
    if enterprise is not None:
        data["region"] = data.get("region") or enterprise.region
        data["sector"] = data.get("sector") or enterprise.sector
    return data


def hazard_create_problems(*, actor: User, data: dict, rectified_on_spot: bool = False, after_photos=(),
                           **_ignored) -> Problems:
    """Every rule a report breaks (the service raises them; the report form shows them all at once)."""
    data = _report_data(actor, data)
    problems = Problems()
    problems.require(data.get("title"), "title", "title_required", _("请填写隐患名称。"))
    region = problems.require(data.get("region"), "region", "region_required", _("请选择生产经营单位或所属区划。"))
    problems.require(data.get("sector"), "sector", "sector_required", _("请选择行业领域。"))
    if region:
        if actor.role != Role.ENTERPRISE and not region_in_jurisdiction(actor, region.code):
            problems.add("region", "out_of_jurisdiction", _("所选区划不在您的辖区内。"))
        problems.check("region", _check_region_matches_enterprise, region.code, data.get("enterprise"))
    if rectified_on_spot:
        # The one recording it becomes reporter, verifier and signer: only a regulator may.
        if not has_role(actor, REGULATOR_ROLES):
            problems.add("rectified_on_spot", "role_not_allowed", _("只有监管人员可以按立行立改记录并销号。"))
        if data.get("level") == HazardLevel.MAJOR:
            problems.add("level", "on_spot_major", _("重大事故隐患不能按立行立改处理。"))
        if not after_photos:
            problems.add("after_photos", "after_photo_required", _("立行立改须上传整改后照片。"))
    return problems


def hazard_create(
    *, actor: User, data: dict, before_photos=(), rectified_on_spot: bool = False, after_photos=(),
    on_spot_note: str = "",
) -> Hazard:
    """上报 a hazard. With `rectified_on_spot` (立行立改) a general hazard is closed at once,
    with at least one after-photo, and still counted."""
    if not has_role(actor, CREATOR_ROLES):
        raise DomainError("role_not_allowed", _("您的角色不能上报隐患。"), status=403)
    hazard_create_problems(actor=actor, data=data, rectified_on_spot=rectified_on_spot,
                           after_photos=after_photos).raise_if_any()
    data = _report_data(actor, data)
    region = data["region"]
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


def hazard_reject_problems(*, hazard: Hazard, actor: User, reason: str = "", **_ignored) -> Problems:
    problems = Problems()
    problems.require(reason, "reason", "reason_required", _("请填写不予认定的理由（如：不构成隐患、重复上报）。"))
    return problems


def hazard_reject(*, hazard_id: int, actor: User, expected_version: int, reason: str) -> Hazard:
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="reject") as hazard:
        hazard_reject_problems(hazard=hazard, actor=actor, reason=reason).raise_if_any()
        hazard.status = HazardStatus.REJECTED
        hazard.rejection_reason = reason.strip()
        hazard.confirmed_by, hazard.confirmed_at = actor, timezone.now()
        _record(hazard, actor=actor, action=EventAction.REJECTED, from_status=HazardStatus.REPORTED, comment=reason)
    return hazard


def hazard_assign_problems(*, hazard: Hazard, actor: User, responsible_unit: str = "", responsible_person: str = "",
                           measures: str = "", deadline: datetime.date | None = None,
                           deadline_days: int | None = None,
                           assigned_inspector: User | None = None, **_ignored) -> Problems:
    problems = Problems()
    problems.require(responsible_unit, "responsible_unit", "unit_required", _("请填写整改责任单位。"))
    problems.require(responsible_person, "responsible_person", "person_required", _("请填写整改责任人。"))
    problems.require(measures, "measures", "measures_required", _("请填写整改措施要求。"))
    problems.require(deadline or deadline_days, "deadline", "deadline_required", _("请填写整改期限。"))
    if deadline is not None and deadline <= local_today():
        problems.add("deadline", "deadline_in_past", _("整改期限必须晚于今天。"))
    elif deadline is not None or deadline_days is not None:
        problems.check(None, rectification_deadline, region_code=hazard.region_id, start=local_today(),
                       date=deadline, days=deadline_days)
    if assigned_inspector is not None and not region_in_jurisdiction(assigned_inspector, hazard.region_id):
        problems.add("assigned_inspector", "inspector_out_of_jurisdiction", _("跟踪检查员的辖区不包含该隐患。"))
    return problems


def hazard_assign(
    *, hazard_id: int, actor: User, expected_version: int, responsible_unit: str, responsible_person: str,
    measures: str, deadline: datetime.date | None = None, responsible_phone: str = "",
    funds_planned: Decimal | None = None, assigned_inspector: User | None = None, comment: str = "",
    deadline_days: int | None = None,
) -> Hazard:
    """交办: the rectification order, with a deadline date or a number of days counted as the
    hazard's region counts them (hazards/ladder.py). General hazards start rectifying at once;
    major hazards wait for their rectification plan."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="assign") as hazard:
        hazard_assign_problems(hazard=hazard, actor=actor, responsible_unit=responsible_unit,
                               responsible_person=responsible_person, measures=measures, deadline=deadline,
                               deadline_days=deadline_days, assigned_inspector=assigned_inspector).raise_if_any()
        deadline = rectification_deadline(region_code=hazard.region_id, start=local_today(), date=deadline,
                                          days=deadline_days)
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


def hazard_submit_plan_problems(*, hazard: Hazard, actor: User, plan: dict, **_ignored) -> Problems:
    problems = Problems()
    for name in PLAN_FIELDS:
        label = RectificationPlan._meta.get_field(name).verbose_name
        problems.require(plan.get(name), name, "plan_incomplete", _("治理方案缺少“%(part)s”。") % {"part": label})
    return problems


def hazard_submit_plan(*, hazard_id: int, actor: User, expected_version: int, plan: dict, comment: str = "") -> Hazard:
    """重大隐患治理方案: all six parts are required; rectification starts with it."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="submit_plan") as hazard:
        hazard_submit_plan_problems(hazard=hazard, actor=actor, plan=plan).raise_if_any()
        RectificationPlan.objects.update_or_create(
            hazard=hazard,
            defaults={**{n: plan[n].strip() for n in PLAN_FIELDS}, "submitted_by": actor, "submitted_at": timezone.now()},
        )
        hazard.status = HazardStatus.RECTIFYING
        _record(hazard, actor=actor, action=EventAction.PLAN_SUBMITTED, from_status=HazardStatus.ASSIGNED, comment=comment)
    return hazard


def hazard_list_for_supervision_problems(*, hazard: Hazard, actor: User, doc_no: str = "",
                                         listing_date: datetime.date | None = None, **_ignored) -> Problems:
    problems = Problems()
    problems.require(doc_no, "doc_no", "doc_no_required", _("请填写督办文号。"))
    problems.require(listing_date, "listing_date", "listing_date_required", _("请填写挂牌日期。"))
    return problems


def hazard_list_for_supervision(
    *, hazard_id: int, actor: User, expected_version: int, listing_level: str, doc_no: str,
    listing_date: datetime.date, production_suspended: bool = False, comment: str = "",
) -> Hazard:
    """挂牌督办 of a major hazard, at the actor's level or a lower one."""
    level = ListingLevel(listing_level)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="list_supervision") as hazard:
        hazard_list_for_supervision_problems(hazard=hazard, actor=actor, doc_no=doc_no,
                                             listing_date=listing_date).raise_if_any()
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


def hazard_request_extension_problems(*, hazard: Hazard, actor: User, requested_deadline: datetime.date | None = None,
                                      requested_days: int | None = None, reason: str = "",
                                      **_ignored) -> Problems:
    problems = Problems()
    problems.require(reason, "reason", "reason_required", _("请填写延期理由。"))
    if problems.require(requested_deadline or requested_days, "requested_deadline", "deadline_required",
                        _("请填写申请延期至的日期。")):
        if requested_deadline and hazard.current_deadline and requested_deadline <= hazard.current_deadline:
            problems.add("requested_deadline", "deadline_not_later", _("申请的期限必须晚于当前整改期限（%(d)s）。")
                         % {"d": cn_date(hazard.current_deadline)})
        elif hazard.current_deadline:
            problems.check(None, lambda: rectification_deadline(
                region_code=hazard.region_id, start=hazard.current_deadline, date=requested_deadline,
                days=requested_days, field="requested_deadline"))
    return problems


def hazard_request_extension(*, hazard_id: int, actor: User, expected_version: int,
                             requested_deadline: datetime.date | None = None, reason: str,
                             requested_days: int | None = None) -> ExtensionRequest:
    """延期申请: to a date, or by a number of days after the current deadline, as the region counts them."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="request_extension") as hazard:
        hazard_request_extension_problems(hazard=hazard, actor=actor, requested_deadline=requested_deadline,
                                          requested_days=requested_days, reason=reason).raise_if_any()
        requested_deadline = rectification_deadline(
            region_code=hazard.region_id, start=hazard.current_deadline, date=requested_deadline,
            days=requested_days, field="requested_deadline")
        request = ExtensionRequest.objects.create(
            hazard=hazard, requested_by=actor, reason=reason.strip(), previous_deadline=hazard.current_deadline,
            requested_deadline=requested_deadline,
        )
        _record(hazard, actor=actor, action=EventAction.EXTENSION_REQUESTED, from_status=hazard.status, comment=reason,
                changes={"requested_deadline": [hazard.current_deadline.isoformat(), requested_deadline.isoformat()]})
    return request


def hazard_decide_extension_problems(*, hazard: Hazard, actor: User, approve: bool | None,
                                     approved_deadline: datetime.date | None = None, comment: str = "",
                                     **_ignored) -> Problems:
    """`approve` None: not decided yet (the form's own error says so)."""
    problems = Problems()
    if approve is False:
        problems.require(comment, "comment", "reason_required", _("不予批准时请填写理由。"))
    if approve and approved_deadline and hazard.current_deadline and approved_deadline <= hazard.current_deadline:
        problems.add("approved_deadline", "deadline_not_later", _("批准的期限必须晚于当前整改期限（%(d)s）。")
                     % {"d": cn_date(hazard.current_deadline)})
    elif approve and approved_deadline and hazard.current_deadline:
        problems.check(None, lambda: rectification_deadline(
            region_code=hazard.region_id, start=hazard.current_deadline, date=approved_deadline,
            field="approved_deadline"))
    return problems


def hazard_decide_extension(*, hazard_id: int, actor: User, expected_version: int, approve: bool,
                            approved_deadline: datetime.date | None = None, comment: str = "") -> Hazard:
    """Approve (the current deadline moves, the original stays) or refuse (a reason is required)."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="decide_extension") as hazard:
        hazard_decide_extension_problems(hazard=hazard, actor=actor, approve=approve,
                                         approved_deadline=approved_deadline, comment=comment).raise_if_any()
        request = hazard.extension_requests.select_for_update().get(status=ExtensionStatus.PENDING)
        request.decided_by, request.decided_at, request.decision_comment = actor, timezone.now(), comment
        if approve:
            new_deadline = approved_deadline or request.requested_deadline
            before = _snapshot(hazard, ["current_deadline"])
            request.status, request.approved_deadline = ExtensionStatus.APPROVED, new_deadline
            hazard.current_deadline = new_deadline
            action, changes = EventAction.EXTENSION_APPROVED, _diff(before, hazard)
        else:
            request.status, action, changes = ExtensionStatus.REFUSED, EventAction.EXTENSION_REFUSED, {}
        request.save()
        _record(hazard, actor=actor, action=action, from_status=hazard.status, comment=comment, changes=changes)
    return hazard


def rectification_needs_after_photo(hazard: Hazard) -> bool:
    """Whether a rectification report of `hazard` must bring an after-photo (none on record yet)."""
    return not hazard.attachments.filter(kind=AttachmentKind.AFTER).exists()


def hazard_report_rectification_problems(*, hazard: Hazard, actor: User, report: str = "", after_photos=(),
                                         assessment_report: str = "", **_ignored) -> Problems:
    problems = Problems()
    problems.require(report, "report", "report_required", _("请填写整改情况。"))
    if not after_photos and rectification_needs_after_photo(hazard):
        problems.add("after_photos", "after_photo_required", _("请上传至少一张整改后照片。"))
    if hazard.is_major:
        problems.require(assessment_report, "assessment_report", "assessment_required",
                         _("重大事故隐患须提交整改评估报告。"))
    return problems


def hazard_report_rectification(
    *, hazard_id: int, actor: User, expected_version: int, report: str, after_photos=(),
    funds_spent: Decimal | None = None, assessment_report: str = "", documents=(),
) -> Hazard:
    """申请复查: what was done, with after-photos (and, for major hazards, the assessment report)."""
    uploads = _check_uploads(after_photos, kind=AttachmentKind.AFTER)
    uploads += _check_uploads(documents, kind=AttachmentKind.DOCUMENT, images_only=False)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="report_rectification") as hazard:
        hazard_report_rectification_problems(hazard=hazard, actor=actor, report=report, after_photos=after_photos,
                                             assessment_report=assessment_report).raise_if_any()
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


def hazard_verify_problems(*, hazard: Hazard, actor: User, passed: bool | None, comment: str = "",
                           **_ignored) -> Problems:
    problems = Problems()
    if passed is False:
        problems.require(comment, "comment", "reason_required", _("复查不通过时请写明原因。"))
    return problems


def hazard_verify(*, hazard_id: int, actor: User, expected_version: int, passed: bool, comment: str = "",
                  photos=()) -> Hazard:
    """复查 on site: pass → ready for sign-off; fail → back to rectifying, reasons required (and an
    application to resume production still waiting lapses: there is nothing to resume yet)."""
    uploads = _check_uploads(photos, kind=AttachmentKind.AFTER)
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version, name="verify") as hazard:
        hazard_verify_problems(hazard=hazard, actor=actor, passed=passed, comment=comment).raise_if_any()
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


def hazard_apply_resume_problems(*, hazard: Hazard, actor: User, content: str = "", **_ignored) -> Problems:
    problems = Problems()
    problems.require(content, "content", "content_required", _("请填写复产申请内容。"))
    return problems


def hazard_apply_resume(*, hazard_id: int, actor: User, expected_version: int, content: str) -> ResumeApplication:
    """申请复产: a major hazard under 停产停业, rectified and assessed, asks to resume production —
    the enterprise, or an inspector on its behalf. The regulator's on-site review is due within
    RESUME_REVIEW_DAYS."""
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="apply_resume") as hazard:
        hazard_apply_resume_problems(hazard=hazard, actor=actor, content=content).raise_if_any()
        submitted_at = timezone.now()
        application = ResumeApplication.objects.create(
            hazard=hazard, submitted_by=actor, submitted_at=submitted_at, content=content.strip(),
            review_due=resume_review_due(timezone.localtime(submitted_at).date(), hazard.region_id),
        )
        _record(hazard, actor=actor, action=EventAction.RESUME_APPLIED, from_status=hazard.status, comment=content,
                changes={"review_due": [None, application.review_due.isoformat()]})
    return application


def hazard_review_resume_problems(*, hazard: Hazard, actor: User, passed: bool | None, opinion: str = "",
                                  review_date: datetime.date | None = None, **_ignored) -> Problems:
    problems = Problems()
    if passed is False:
        problems.require(opinion, "opinion", "reason_required", _("审查不合格时请写明原因。"))
    if review_date and review_date > local_today():
        problems.add("review_date", "review_date_in_future", _("现场审查日期不能晚于今天。"))
    submitted_at = (hazard.resume_applications.filter(status=ResumeReviewStatus.PENDING)
                    .values_list("submitted_at", flat=True).first())
    if review_date and submitted_at and review_date < timezone.localtime(submitted_at).date():
        problems.add("review_date", "review_before_application", _("现场审查日期不能早于申请复产的日期（%(d)s）。")
                     % {"d": cn_date(timezone.localtime(submitted_at).date())})
    return problems


def hazard_review_resume(*, hazard_id: int, actor: User, expected_version: int, passed: bool, opinion: str = "",
                         review_date: datetime.date | None = None) -> Hazard:
    """复产审查 on site, by a supervisor of the listing level or above: pass → 停产停业 lifted, the
    sign-off may follow; fail → production stays suspended, reasons required, the enterprise may
    apply again. A review after the due date is recorded and marked late, not refused."""
    review_date = review_date or local_today()
    with _transition(hazard_id=hazard_id, actor=actor, expected_version=expected_version,
                     name="review_resume") as hazard:
        hazard_review_resume_problems(hazard=hazard, actor=actor, passed=passed, opinion=opinion,
                                      review_date=review_date).raise_if_any()
        application = hazard.resume_applications.select_for_update().get(status=ResumeReviewStatus.PENDING)
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
