"""The life of a hazard (DOMAIN.md): reported → confirmed → assigned → rectifying →
rectification reported → verified → signed off, with every refusal a user can run into."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import Http404

from accounts.choices import Role
from hazards import services
from hazards.choices import (
    AttachmentKind,
    EventAction,
    ExtensionStatus,
    HazardLevel,
    HazardStatus,
    ListingLevel,
)
from hazards.models import ExtensionRequest, Hazard, HazardEvent, RectificationPlan
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, days_from_today, photo

pytestmark = pytest.mark.django_db

FULL_PLAN = {
    "goals_and_tasks": "消除储罐区泄漏风险",
    "methods_and_measures": "更换阀门，加装泄漏报警",
    "funds_and_materials": "资金20万元已落实",
    "people_in_charge": "设备部张三",
    "time_limits": "30日内完成",
    "safety_and_emergency": "停用储罐，编制专项应急预案",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories set a password; production-strength hashing makes each user take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    """新邵县 (430522) staff, 邵阳市 (4305) city supervisor, a 邵阳县 (430523) inspector next
    door, and the contacts of two enterprises in 酿溪镇 (430522100)."""
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    other_enterprise = EnterpriseFactory(region=factories.region("430522100"))
    return SimpleNamespace(
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        inspector=factories.inspector("430522"),
        second_inspector=factories.inspector("430522"),
        supervisor=factories.supervisor("430522"),
        city_supervisor=factories.supervisor("4305"),
        neighbour_inspector=factories.inspector("430523"),
        neighbour_supervisor=factories.supervisor("430523"),
        contact=factories.enterprise_contact(enterprise),
        other_contact=factories.enterprise_contact(other_enterprise),
    )


# --- walking a hazard along its life ------------------------------------------------------

def report(p, *, actor=None, level=HazardLevel.GENERAL, enterprise=None, **kw) -> Hazard:
    data = {"title": "消防通道堵塞", "enterprise": enterprise or p.enterprise, "level": level}
    return services.hazard_create(actor=actor or p.inspector, data=data, before_photos=[photo()], **kw)


def confirm(p, hazard, *, actor=None, **kw) -> Hazard:
    return services.hazard_confirm(
        hazard_id=hazard.pk, actor=actor or p.supervisor, expected_version=hazard.version, **kw
    )


def assign(p, hazard, *, actor=None, deadline=None, **kw) -> Hazard:
    return services.hazard_assign(
        hazard_id=hazard.pk, actor=actor or p.supervisor, expected_version=hazard.version,
        responsible_unit="某某化工有限公司", responsible_person="李四", measures="清理消防通道",
        deadline=deadline or days_from_today(10), **kw,
    )


def submit_plan(p, hazard, *, actor=None, plan=None) -> Hazard:
    return services.hazard_submit_plan(
        hazard_id=hazard.pk, actor=actor or p.contact, expected_version=hazard.version, plan=plan or FULL_PLAN
    )


def report_rectification(p, hazard, *, actor=None, after_photos=None, **kw) -> Hazard:
    return services.hazard_report_rectification(
        hazard_id=hazard.pk, actor=actor or p.contact, expected_version=hazard.version, report="通道已清理",
        after_photos=[photo("after.jpg")] if after_photos is None else after_photos, **kw,
    )


def verify(p, hazard, *, actor=None, passed=True, comment="现场复查合格", **kw) -> Hazard:
    return services.hazard_verify(
        hazard_id=hazard.pk, actor=actor or p.inspector, expected_version=hazard.version, passed=passed,
        comment=comment, **kw,
    )


def sign_off(p, hazard, *, actor=None, **kw) -> Hazard:
    return services.hazard_sign_off(
        hazard_id=hazard.pk, actor=actor or p.supervisor, expected_version=hazard.version, **kw
    )


def request_extension(p, hazard, *, actor=None, days=20, reason="设备订货周期长") -> ExtensionRequest:
    return services.hazard_request_extension(
        hazard_id=hazard.pk, actor=actor or p.contact, expected_version=hazard.version,
        requested_deadline=days_from_today(days), reason=reason,
    )


def decide_extension(p, hazard, *, actor=None, **kw) -> Hazard:
    return services.hazard_decide_extension(
        hazard_id=hazard.pk, actor=actor or p.supervisor, expected_version=hazard.version, **kw
    )


def rectifying(p, **kw) -> Hazard:
    return assign(p, confirm(p, report(p, **kw)))


def verified(p, **kw) -> Hazard:
    return verify(p, report_rectification(p, rectifying(p, **kw)))


def major_rectifying(p) -> Hazard:
    return submit_plan(p, assign(p, confirm(p, report(p, level=HazardLevel.MAJOR))))


def fresh(hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


def last_event(hazard) -> HazardEvent:
    return HazardEvent.objects.filter(hazard_id=hazard.pk).order_by("id").last()


def refused(code: str, action, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as excinfo:
        action(*args, **kwargs)
    assert excinfo.value.code == code, excinfo.value.message
    return excinfo.value


def assert_untouched(before: Hazard):
    """A refusal changes nothing: same status and version, no new event."""
    after = fresh(before)
    assert (after.status, after.version) == (before.status, before.version)
    assert last_event(after).pk == last_event(before).pk


# --- happy paths, each with its audit event --------------------------------------------------

def test_inspector_reports_a_hazard_with_a_before_photo(people):
    hazard = report(people)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.version == 1
    assert hazard.found_by == people.inspector
    assert hazard.region_id == "430522100"  # taken from the enterprise
    assert hazard.sector == people.enterprise.sector
    assert list(hazard.attachments.values_list("kind", flat=True)) == [AttachmentKind.BEFORE]
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.CREATED, people.inspector, "", HazardStatus.REPORTED
    )
    assert hazard.attachments.get().event == event


def test_supervisor_confirms_a_hazard_and_may_raise_its_level(people):
    hazard = confirm(people, report(people), level=HazardLevel.MAJOR, comment="涉及危化品储罐")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.CONFIRMED
    assert hazard.version == 2
    assert hazard.level == HazardLevel.MAJOR
    assert hazard.confirmed_by == people.supervisor and hazard.confirmed_at is not None
    event = last_event(hazard)
    assert event.action == EventAction.CONFIRMED
    assert event.actor == people.supervisor
    assert (event.from_status, event.to_status) == (HazardStatus.REPORTED, HazardStatus.CONFIRMED)
    assert event.comment == "涉及危化品储罐"
    assert event.changes == {"level": [HazardLevel.GENERAL, HazardLevel.MAJOR]}


def test_supervisor_rejects_a_hazard_with_a_reason(people):
    hazard = report(people)
    services.hazard_reject(hazard_id=hazard.pk, actor=people.supervisor, expected_version=1, reason=" 重复上报 ")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.REJECTED
    assert hazard.rejection_reason == "重复上报"
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.REJECTED, people.supervisor, HazardStatus.REPORTED, HazardStatus.REJECTED
    )
    assert "重复上报" in event.comment


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_rejecting_without_a_reason_is_refused(people, reason):
    hazard = report(people)
    refused("reason_required", services.hazard_reject, hazard_id=hazard.pk, actor=people.supervisor,
            expected_version=1, reason=reason)
    assert_untouched(hazard)


def test_assigning_a_general_hazard_starts_rectification_at_once(people):
    deadline = days_from_today(15)
    hazard = assign(people, confirm(people, report(people)), deadline=deadline, comment="限期整改")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.original_deadline == hazard.current_deadline == deadline
    assert hazard.responsible_unit == "某某化工有限公司"
    assert hazard.assigned_by == people.supervisor
    assert hazard.assigned_inspector == people.inspector  # the finder follows it up by default
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.ASSIGNED, people.supervisor, HazardStatus.CONFIRMED, HazardStatus.RECTIFYING
    )
    assert event.comment == "限期整改"
    assert event.changes["current_deadline"] == [None, deadline.isoformat()]


@pytest.mark.parametrize("days", [-1, 0], ids=["yesterday", "today"])
def test_assigning_with_a_deadline_not_in_the_future_is_refused(people, days):
    hazard = confirm(people, report(people))
    error = refused("deadline_in_past", assign, people, hazard, deadline=days_from_today(days))
    assert error.field == "deadline"
    assert_untouched(hazard)


def test_assigning_a_follow_up_inspector_from_another_county_is_refused(people):
    hazard = confirm(people, report(people))
    refused("inspector_out_of_jurisdiction", assign, people, hazard, assigned_inspector=people.neighbour_inspector)
    assert_untouched(hazard)


def test_enterprise_contact_reports_rectification_of_their_own_hazard(people):
    hazard = rectifying(people)
    hazard = report_rectification(people, hazard, actor=people.contact, funds_spent="1200.50")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFICATION_REPORTED
    assert hazard.rectification_reported_by == people.contact
    assert hazard.rectification_report == "通道已清理"
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.RECTIFICATION_REPORTED, people.contact, HazardStatus.RECTIFYING, HazardStatus.RECTIFICATION_REPORTED
    )
    after = hazard.attachments.get(kind=AttachmentKind.AFTER)
    assert after.event == event and after.uploaded_by == people.contact


def test_reporting_rectification_without_an_after_photo_is_refused(people):
    hazard = rectifying(people)
    error = refused("after_photo_required", report_rectification, people, hazard, after_photos=[])
    assert error.field == "after_photos"
    assert_untouched(hazard)


def test_another_inspector_verifies_the_rectification_on_site(people):
    hazard = report_rectification(people, rectifying(people))
    hazard = verify(people, hazard, actor=people.second_inspector, comment="通道畅通")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.VERIFIED
    assert hazard.verified_by == people.second_inspector and hazard.verified_at is not None
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        EventAction.VERIFIED, people.second_inspector, HazardStatus.RECTIFICATION_REPORTED, HazardStatus.VERIFIED,
        "通道畅通",
    )


def test_supervisor_signs_off_a_verified_hazard(people):
    hazard = sign_off(people, verified(people), comment="同意销号")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.SIGNED_OFF
    assert hazard.signed_off_by == people.supervisor and hazard.signed_off_at is not None
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        EventAction.SIGNED_OFF, people.supervisor, HazardStatus.VERIFIED, HazardStatus.SIGNED_OFF, "同意销号"
    )


def test_the_timeline_records_every_step_in_order_and_each_step_bumps_the_version(people):
    hazard = sign_off(people, verified(people))
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("id"))
    assert [e.action for e in events] == [
        EventAction.CREATED, EventAction.CONFIRMED, EventAction.ASSIGNED, EventAction.RECTIFICATION_REPORTED,
        EventAction.VERIFIED, EventAction.SIGNED_OFF,
    ]
    # Each event starts where the previous one ended.
    assert all(prev.to_status == nxt.from_status for prev, nxt in zip(events, events[1:]))
    assert fresh(hazard).version == 6


# --- 立行立改 --------------------------------------------------------------------------------

def test_rectified_on_the_spot_is_signed_off_at_once_and_still_counted(people):
    hazard = report(people, rectified_on_spot=True, after_photos=[photo("after.jpg")], on_spot_note="当场清理")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.SIGNED_OFF
    assert hazard.rectified_on_spot
    assert hazard.rectification_report == "当场清理"
    assert hazard.signed_off_by == people.inspector and hazard.signed_off_at is not None
    assert hazard.code.startswith("YH-430522-")
    assert sorted(hazard.attachments.values_list("kind", flat=True)) == [AttachmentKind.AFTER, AttachmentKind.BEFORE]
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        (EventAction.CREATED, "", HazardStatus.REPORTED),
        (EventAction.RECTIFIED_ON_SPOT, HazardStatus.REPORTED, HazardStatus.SIGNED_OFF),
    ]
    assert all(e.actor == people.inspector for e in events)
    assert hazard.attachments.get(kind=AttachmentKind.AFTER).event == events[1]
    assert not hazard.is_overdue()


def test_rectified_on_the_spot_needs_an_after_photo(people):
    error = refused("after_photo_required", report, people, rectified_on_spot=True)
    assert error.field == "after_photos"
    assert not Hazard.objects.exists()


def test_a_major_hazard_cannot_be_rectified_on_the_spot(people):
    refused("on_spot_major", report, people, level=HazardLevel.MAJOR, rectified_on_spot=True,
            after_photos=[photo("after.jpg")])
    assert not Hazard.objects.exists()


# --- refusals: state, role, jurisdiction, version --------------------------------------------

def test_signing_off_a_hazard_that_was_only_reported_names_its_current_status(people):
    hazard = report(people)
    error = refused("invalid_state", sign_off, people, hazard)
    assert "已上报" in error.message
    assert_untouched(hazard)


def test_confirming_twice_is_refused_naming_the_current_status(people):
    hazard = confirm(people, report(people))
    error = refused("invalid_state", confirm, people, hazard)
    assert "已认定" in error.message
    assert_untouched(hazard)


def test_a_rejected_hazard_cannot_be_assigned(people):
    hazard = report(people)
    hazard = services.hazard_reject(hazard_id=hazard.pk, actor=people.supervisor, expected_version=1, reason="不构成隐患")
    error = refused("invalid_state", assign, people, hazard)
    assert "不予认定" in error.message


def test_an_inspector_cannot_confirm_assign_or_sign_off(people):
    hazard = report(people)
    refused("role_not_allowed", confirm, people, hazard, actor=people.inspector)
    hazard = confirm(people, hazard)
    refused("role_not_allowed", assign, people, hazard, actor=people.inspector)
    assert_untouched(hazard)


def test_an_inspector_cannot_sign_off(people):
    hazard = verified(people)
    error = refused("role_not_allowed", sign_off, people, hazard, actor=people.second_inspector)
    assert error.status == 403
    assert_untouched(hazard)


def test_a_grid_worker_cannot_confirm(people):
    grid = UserFactory(role=Role.GRID, region=factories.region("430522100"))
    hazard = report(people)
    refused("role_not_allowed", confirm, people, hazard, actor=grid)


def test_enterprise_contact_cannot_confirm_verify_or_sign_off_their_own_hazard(people):
    hazard = report(people)
    refused("role_not_allowed", confirm, people, hazard, actor=people.contact)
    hazard = report_rectification(people, rectifying(people))
    refused("role_not_allowed", verify, people, hazard, actor=people.contact)
    hazard = verify(people, hazard)
    refused("role_not_allowed", sign_off, people, hazard, actor=people.contact)
    assert_untouched(hazard)


def test_enterprise_contact_cannot_touch_another_enterprises_hazard(people):
    hazard = rectifying(people)
    with pytest.raises(Http404):
        report_rectification(people, hazard, actor=people.other_contact)
    with pytest.raises(Http404):
        request_extension(people, hazard, actor=people.other_contact)
    assert_untouched(hazard)


def test_inspector_of_another_county_gets_404_as_if_the_hazard_did_not_exist(people):
    hazard = report_rectification(people, rectifying(people))
    with pytest.raises(Http404):
        verify(people, hazard, actor=people.neighbour_inspector)
    assert_untouched(hazard)


def test_supervisor_of_another_county_cannot_confirm(people):
    hazard = report(people)
    with pytest.raises(Http404):
        confirm(people, hazard, actor=people.neighbour_supervisor)
    assert_untouched(hazard)


def test_an_inspector_cannot_report_a_hazard_in_another_county(people):
    neighbour_enterprise = EnterpriseFactory(region=factories.region("430523100"))
    refused("out_of_jurisdiction", report, people, enterprise=neighbour_enterprise)
    assert not Hazard.objects.exists()


def test_the_inspector_who_reported_the_fix_cannot_verify_it(people):
    hazard = report_rectification(people, rectifying(people), actor=people.inspector)
    refused("same_verifier", verify, people, hazard, actor=people.inspector)
    assert_untouched(hazard)
    verify(people, hazard, actor=people.second_inspector)


def test_a_stale_version_is_refused_and_changes_nothing(people):
    hazard = confirm(people, report(people))
    stale = Hazard.objects.get(pk=hazard.pk)
    stale.version = 1  # the form was opened before the confirmation
    error = refused("stale_version", assign, people, stale)
    assert "当前版本 2" in error.message
    assert_untouched(hazard)
    assert fresh(hazard).current_deadline is None


def test_a_missing_version_is_treated_as_stale(people):
    hazard = report(people)
    refused("stale_version", services.hazard_confirm, hazard_id=hazard.pk, actor=people.supervisor,
            expected_version=None)
    assert_untouched(hazard)


def test_services_take_keyword_arguments_only(people):
    hazard = report(people)
    with pytest.raises(TypeError):
        services.hazard_confirm(hazard.pk, people.supervisor, 1)


# --- verification failure --------------------------------------------------------------------

def test_failed_verification_goes_back_to_rectifying_and_needs_a_new_report(people):
    hazard = report_rectification(people, rectifying(people))
    hazard = verify(people, hazard, passed=False, comment="通道仍有杂物堆放")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.verified_by is None
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        EventAction.VERIFICATION_FAILED, people.inspector, HazardStatus.RECTIFICATION_REPORTED,
        HazardStatus.RECTIFYING, "通道仍有杂物堆放",
    )
    # Neither a second verification nor a sign-off without a new report.
    refused("invalid_state", verify, people, hazard)
    refused("invalid_state", sign_off, people, hazard)
    hazard = report_rectification(people, hazard)
    hazard = verify(people, hazard)
    sign_off(people, hazard)
    assert fresh(hazard).status == HazardStatus.SIGNED_OFF


def test_failed_verification_needs_the_reasons(people):
    hazard = report_rectification(people, rectifying(people))
    refused("reason_required", verify, people, hazard, passed=False, comment=" ")
    assert_untouched(hazard)


def test_sign_off_without_verification_is_impossible(people):
    hazard = report_rectification(people, rectifying(people))
    error = refused("invalid_state", sign_off, people, hazard)
    assert "申请复查" in error.message
    assert_untouched(hazard)


# --- major hazards ---------------------------------------------------------------------------

def test_a_major_hazard_waits_for_its_plan_before_rectification(people):
    hazard = assign(people, confirm(people, report(people, level=HazardLevel.MAJOR)))
    assert fresh(hazard).status == HazardStatus.ASSIGNED
    error = refused("invalid_state", report_rectification, people, hazard, assessment_report="评估合格")
    assert "已交办" in error.message
    assert_untouched(hazard)

    hazard = submit_plan(people, hazard)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    plan = RectificationPlan.objects.get(hazard=hazard)
    assert plan.submitted_by == people.contact
    assert plan.safety_and_emergency == FULL_PLAN["safety_and_emergency"]
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.PLAN_SUBMITTED, people.contact, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING
    )


@pytest.mark.parametrize(
    "missing, label",
    [("funds_and_materials", "经费和物资的落实"), ("safety_and_emergency", "安全措施和应急预案"),
     ("goals_and_tasks", "治理的目标和任务")],
)
def test_an_incomplete_plan_is_refused_naming_the_missing_part(people, missing, label):
    hazard = assign(people, confirm(people, report(people, level=HazardLevel.MAJOR)))
    error = refused("plan_incomplete", submit_plan, people, hazard, plan={**FULL_PLAN, missing: "  "})
    assert label in error.message
    assert error.field == missing
    assert_untouched(hazard)
    assert not RectificationPlan.objects.exists()


def test_a_general_hazard_has_no_plan_step(people):
    hazard = rectifying(people)
    refused("invalid_state", submit_plan, people, hazard)


def test_a_major_hazards_rectification_report_needs_the_assessment_report(people):
    hazard = major_rectifying(people)
    error = refused("assessment_required", report_rectification, people, hazard)
    assert error.field == "assessment_report"
    assert_untouched(hazard)
    hazard = report_rectification(people, hazard, assessment_report="第三方评估：隐患已消除")
    assert fresh(hazard).assessment_report == "第三方评估：隐患已消除"
    assert fresh(hazard).status == HazardStatus.RECTIFICATION_REPORTED


def test_an_unlisted_major_hazard_is_signed_off_by_the_county_supervisor(people):
    hazard = verify(people, report_rectification(people, major_rectifying(people), assessment_report="评估合格"))
    township_supervisor = factories.supervisor("430522100")
    refused("signer_level_too_low", sign_off, people, hazard, actor=township_supervisor)
    sign_off(people, hazard, actor=people.supervisor)
    assert fresh(hazard).status == HazardStatus.SIGNED_OFF


def test_a_major_hazard_listed_by_the_city_needs_a_city_supervisor_to_sign_off(people):
    hazard = major_rectifying(people)
    hazard = services.hazard_list_for_supervision(
        hazard_id=hazard.pk, actor=people.city_supervisor, expected_version=hazard.version,
        listing_level=ListingLevel.CITY, doc_no="邵安委办督〔2026〕3号", listing_date=days_from_today(0),
        production_suspended=True,
    )
    event = last_event(hazard)
    assert event.action == EventAction.LISTED and event.actor == people.city_supervisor
    assert event.changes["listing_level"] == ["", ListingLevel.CITY]
    hazard = verify(people, report_rectification(people, hazard, assessment_report="评估合格"))

    error = refused("signer_level_too_low", sign_off, people, hazard, actor=people.supervisor)
    assert error.status == 403
    assert "市级挂牌督办" in error.message
    assert_untouched(hazard)

    # Suspended production: the resume review comes first (tests/hazards/test_resume_review.py).
    refused("resume_review_required", sign_off, people, hazard, actor=people.city_supervisor)
    application = services.hazard_apply_resume(hazard_id=hazard.pk, actor=people.contact,
                                               expected_version=hazard.version, content="已整改，申请复产")
    services.hazard_review_resume(hazard_id=hazard.pk, actor=people.city_supervisor,
                                  expected_version=application.hazard.version, passed=True)

    sign_off(people, fresh(hazard), actor=people.city_supervisor)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.SIGNED_OFF
    assert hazard.signed_off_by == people.city_supervisor
    assert not hazard.production_suspended  # lifted by the resume review, not by the sign-off


def test_a_county_supervisor_cannot_list_at_city_level(people):
    hazard = major_rectifying(people)
    refused("listing_level_too_high", services.hazard_list_for_supervision, hazard_id=hazard.pk,
            actor=people.supervisor, expected_version=hazard.version, listing_level=ListingLevel.CITY,
            doc_no="新安委督〔2026〕1号", listing_date=days_from_today(0))
    assert_untouched(hazard)


def test_a_general_hazard_cannot_be_listed(people):
    hazard = rectifying(people)
    refused("not_major", services.hazard_list_for_supervision, hazard_id=hazard.pk, actor=people.supervisor,
            expected_version=hazard.version, listing_level=ListingLevel.COUNTY, doc_no="1号",
            listing_date=days_from_today(0))


# --- extensions ------------------------------------------------------------------------------

def test_an_approved_extension_moves_the_current_deadline_and_keeps_the_original(people):
    hazard = rectifying(people)
    original = fresh(hazard).current_deadline
    extension = request_extension(people, hazard, days=25)
    assert extension.status == ExtensionStatus.PENDING
    assert extension.previous_deadline == original
    assert extension.requested_by == people.contact
    event = last_event(hazard)
    assert (event.action, event.actor, event.comment) == (EventAction.EXTENSION_REQUESTED, people.contact, "设备订货周期长")
    assert fresh(hazard).status == HazardStatus.RECTIFYING  # rectification goes on meanwhile

    hazard = decide_extension(people, fresh(hazard), approve=True, comment="同意")
    hazard = fresh(hazard)
    assert hazard.original_deadline == original
    assert hazard.current_deadline == days_from_today(25)
    assert hazard.deadline_extended
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert extension.approved_deadline == days_from_today(25)
    assert extension.decided_by == people.supervisor
    event = last_event(hazard)
    assert (event.action, event.actor) == (EventAction.EXTENSION_APPROVED, people.supervisor)
    assert event.changes == {"current_deadline": [original.isoformat(), days_from_today(25).isoformat()]}


def test_a_supervisor_may_approve_a_shorter_extension_than_asked(people):
    hazard = rectifying(people)
    request_extension(people, hazard, days=30)
    hazard = decide_extension(people, fresh(hazard), approve=True, approved_deadline=days_from_today(20))
    assert fresh(hazard).current_deadline == days_from_today(20)


def test_a_refused_extension_needs_a_reason_and_leaves_the_deadline(people):
    hazard = rectifying(people)
    original = fresh(hazard).current_deadline
    extension = request_extension(people, hazard)
    hazard = fresh(hazard)
    refused("reason_required", decide_extension, people, hazard, approve=False, comment="")
    assert_untouched(hazard)

    decide_extension(people, hazard, approve=False, comment="理由不充分")
    hazard = fresh(hazard)
    assert hazard.current_deadline == hazard.original_deadline == original
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REFUSED
    assert extension.decision_comment == "理由不充分"
    assert last_event(hazard).action == EventAction.EXTENSION_REFUSED


def test_a_second_extension_request_while_one_is_pending_is_refused(people):
    hazard = rectifying(people)
    request_extension(people, hazard)
    hazard = fresh(hazard)
    refused("extension_pending", request_extension, people, hazard, actor=people.inspector, days=40)
    assert_untouched(hazard)
    assert ExtensionRequest.objects.filter(hazard=hazard).count() == 1


def test_a_new_extension_may_be_requested_once_the_first_is_decided(people):
    hazard = rectifying(people)
    request_extension(people, hazard)
    hazard = decide_extension(people, fresh(hazard), approve=False, comment="不予延期")
    request_extension(people, hazard, days=30)
    assert ExtensionRequest.objects.filter(hazard=hazard, status=ExtensionStatus.PENDING).count() == 1


def test_an_extension_must_be_later_than_the_current_deadline(people):
    hazard = rectifying(people)  # deadline in 10 days
    refused("deadline_not_later", request_extension, people, hazard, days=10)
    assert_untouched(hazard)


def test_nothing_to_decide_without_a_pending_request(people):
    hazard = rectifying(people)
    refused("no_pending_extension", decide_extension, people, hazard, approve=True)


def test_enterprise_contact_cannot_approve_their_own_extension(people):
    hazard = rectifying(people)
    request_extension(people, hazard)
    refused("role_not_allowed", decide_extension, people, fresh(hazard), actor=people.contact, approve=True)


# --- overdue and due soon ----------------------------------------------------------------------

def ledger_row(status, deadline_in_days, *, original_in_days=None):
    deadline = days_from_today(deadline_in_days)
    original = days_from_today(original_in_days) if original_in_days is not None else deadline
    return HazardFactory(status=status, original_deadline=original, current_deadline=deadline)


def test_overdue_means_past_the_deadline_and_not_yet_reported_fixed():
    yesterday_rectifying = ledger_row(HazardStatus.RECTIFYING, -1)
    yesterday_assigned = ledger_row(HazardStatus.ASSIGNED, -1)
    today = ledger_row(HazardStatus.RECTIFYING, 0)
    reported_fixed_late = ledger_row(HazardStatus.RECTIFICATION_REPORTED, -5)
    verified_late = ledger_row(HazardStatus.VERIFIED, -5)
    signed_off_late = ledger_row(HazardStatus.SIGNED_OFF, -5)
    extended = ledger_row(HazardStatus.RECTIFYING, 5, original_in_days=-5)

    overdue = set(Hazard.objects.overdue())
    assert overdue == {yesterday_rectifying, yesterday_assigned}
    for hazard in (today, reported_fixed_late, verified_late, signed_off_late, extended):
        assert hazard not in overdue
        assert not hazard.is_overdue()
    assert yesterday_rectifying.is_overdue()
    assert yesterday_rectifying.overdue_days == 1


def test_overdue_on_a_given_day():
    hazard = ledger_row(HazardStatus.RECTIFYING, 0)
    tomorrow = days_from_today(1)
    assert hazard in Hazard.objects.overdue(today=tomorrow)
    assert hazard.is_overdue(today=tomorrow)


def test_due_soon_covers_today_to_three_days_ahead():
    rows = {n: ledger_row(HazardStatus.RECTIFYING, n) for n in (-1, 0, 1, 3, 4)}
    assigned_in_two = ledger_row(HazardStatus.ASSIGNED, 2)
    reported_in_two = ledger_row(HazardStatus.RECTIFICATION_REPORTED, 2)
    due_soon = set(Hazard.objects.due_soon())
    assert due_soon == {rows[0], rows[1], rows[3], assigned_in_two}
    assert reported_in_two not in due_soon
    assert rows[4] in set(Hazard.objects.due_soon(days=7))


def test_overdue_and_due_soon_respect_jurisdiction(people):
    mine = ledger_row(HazardStatus.RECTIFYING, -2)
    elsewhere = HazardFactory(
        enterprise=EnterpriseFactory(region=factories.region("430523100")), status=HazardStatus.RECTIFYING,
        original_deadline=days_from_today(-2), current_deadline=days_from_today(-2),
    )
    assert set(Hazard.objects.visible_to(people.inspector).overdue()) == {mine}
    assert set(Hazard.objects.overdue()) == {mine, elsewhere}


def test_a_hazard_assigned_today_is_not_overdue(people):
    hazard = rectifying(people)
    assert fresh(hazard) not in set(Hazard.objects.overdue())
    assert fresh(hazard) not in set(Hazard.objects.due_soon())  # deadline in 10 days
    assert fresh(hazard) in set(Hazard.objects.overdue(today=days_from_today(11)))


# --- correcting a report, and who may report ---------------------------------------------------

def test_an_inspector_corrects_a_reported_hazard_and_the_change_is_recorded(people):
    hazard = report(people)
    hazard = services.hazard_update(
        hazard_id=hazard.pk, actor=people.second_inspector, expected_version=1,
        data={"title": "安全出口堵塞", "level": HazardLevel.MAJOR},
    )
    hazard = fresh(hazard)
    assert (hazard.title, hazard.level, hazard.version) == ("安全出口堵塞", HazardLevel.MAJOR, 2)
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        EventAction.UPDATED, people.second_inspector, HazardStatus.REPORTED, HazardStatus.REPORTED
    )
    assert event.changes == {"title": ["消防通道堵塞", "安全出口堵塞"], "level": ["general", "major"]}


def test_a_hazard_being_rectified_can_no_longer_be_edited(people):
    hazard = rectifying(people)
    error = refused("invalid_state", services.hazard_update, hazard_id=hazard.pk, actor=people.inspector,
                    expected_version=hazard.version, data={"title": "改名"})
    assert "整改中" in error.message
    assert_untouched(hazard)


def test_a_hazard_cannot_be_moved_out_of_the_editors_county(people):
    hazard = report(people)
    refused("out_of_jurisdiction", services.hazard_update, hazard_id=hazard.pk, actor=people.inspector,
            expected_version=1, data={"region": factories.region("430523100"), "enterprise": None})
    assert_untouched(hazard)
    assert fresh(hazard).region_id == "430522100"


def test_a_hazard_cannot_be_re_pointed_at_an_enterprise_of_another_county(people):
    hazard = report(people)
    elsewhere = EnterpriseFactory(region=factories.region("430523100"))
    refused("region_mismatch", services.hazard_update, hazard_id=hazard.pk, actor=people.inspector,
            expected_version=1, data={"enterprise": elsewhere})
    assert fresh(hazard).enterprise == people.enterprise
    assert not Hazard.objects.visible_to(factories.enterprise_contact(elsewhere)).exists()


def test_an_enterprise_self_report_is_always_for_its_own_enterprise(people):
    hazard = services.hazard_create(
        actor=people.contact, data={"title": "叉车制动失灵", "enterprise": people.other_enterprise}
    )
    hazard = fresh(hazard)
    assert hazard.enterprise == people.enterprise
    assert hazard.source == "self_report"
    assert hazard.status == HazardStatus.REPORTED


@pytest.mark.parametrize("role", ["enterprise", "grid"])
def test_only_regulators_may_close_a_hazard_as_rectified_on_the_spot(people, role):
    if role == "enterprise":
        actor = people.contact
    else:
        actor = UserFactory(role=Role.GRID, region=factories.region("430522100"))
    with pytest.raises(DomainError) as excinfo:
        report(people, actor=actor, rectified_on_spot=True, after_photos=[photo("after.jpg")])
    assert excinfo.value.code == "role_not_allowed"
    assert not Hazard.objects.filter(status=HazardStatus.SIGNED_OFF).exists()


# --- two people acting at once (PostgreSQL: real row locks) ------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_confirming_at_the_same_moment_one_wins_the_other_is_told_to_refresh():
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    hazard = services.hazard_create(actor=factories.inspector("430522"),
                                    data={"title": "有限空间作业无监护", "enterprise": enterprise})
    supervisors = [factories.supervisor("430522"), factories.supervisor("4305")]
    start = threading.Barrier(len(supervisors))
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(actor):
        try:
            start.wait()
            services.hazard_confirm(hazard_id=hazard.pk, actor=actor, expected_version=1)
            outcome = "confirmed"
        except DomainError as exc:
            outcome = exc.code
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(s,)) for s in supervisors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["confirmed", "stale_version"]
    hazard = fresh(hazard)
    assert (hazard.status, hazard.version) == (HazardStatus.CONFIRMED, 2)
    assert HazardEvent.objects.filter(hazard=hazard, action=EventAction.CONFIRMED).count() == 1
