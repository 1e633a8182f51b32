"""Resuming production after a major hazard (DOMAIN.md, "Life of a hazard"): a major hazard whose
production was suspended (停产停业) is rectified and assessed, the enterprise applies to resume
(申请复产), the regulator reviews on site within 10 days (复产审查) — and only then is it signed
off (核销). Every refusal a user can run into, through the services, the API and the page."""
from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hazards import services
from hazards.choices import EventAction, HazardLevel, HazardStatus, ListingLevel, ResumeReviewStatus
from hazardtrack.formats import cn_date
from hazards.models import RESUME_REVIEW_DAYS, Hazard, ResumeApplication
from tests import factories
from tests.factories import EnterpriseFactory, days_from_today, photo
from tests.hazards.test_lifecycle import assert_untouched as assert_untouched_lifecycle
from tests.hazards.test_lifecycle import fresh, last_event, refused

pytestmark = pytest.mark.django_db

PLAN = {
    "goals_and_tasks": "消除液氨储罐泄漏风险", "methods_and_measures": "更换阀门，加装泄漏报警",
    "funds_and_materials": "资金30万元已落实", "people_in_charge": "设备部张三", "time_limits": "60日内完成",
    "safety_and_emergency": "停用储罐区，编制专项应急预案",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    """新邵县 (430522) staff, a township supervisor under it, the 邵阳市 (4305) city supervisor,
    a 邵阳县 (430523) supervisor next door, and the contacts of two enterprises in 酿溪镇."""
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    other_enterprise = EnterpriseFactory(region=factories.region("430522100"))
    return SimpleNamespace(
        enterprise=enterprise,
        inspector=factories.inspector("430522"),
        second_inspector=factories.inspector("430522"),
        supervisor=factories.supervisor("430522"),
        township_supervisor=factories.supervisor("430522100"),
        city_supervisor=factories.supervisor("4305"),
        neighbour_supervisor=factories.supervisor("430523"),
        contact=factories.enterprise_contact(enterprise),
        other_contact=factories.enterprise_contact(other_enterprise),
    )


# --- a major hazard up to its rectification report -------------------------------------------

def rectification_reported(p, *, level=HazardLevel.MAJOR, suspended=True, listing=ListingLevel.COUNTY) -> Hazard:
    """Reported, confirmed, listed (suspending production), assigned, planned and reported as
    rectified with the assessment report, by the people who do each step."""
    hazard = services.hazard_create(actor=p.inspector, data={"title": "液氨储罐区泄漏报警失效",
                                                             "enterprise": p.enterprise, "level": level},
                                    before_photos=[photo()])
    hazard = services.hazard_confirm(hazard_id=hazard.pk, actor=p.supervisor, expected_version=hazard.version)
    if level == HazardLevel.MAJOR:
        lister = p.city_supervisor if listing == ListingLevel.CITY else p.supervisor
        hazard = services.hazard_list_for_supervision(
            hazard_id=hazard.pk, actor=lister, expected_version=hazard.version, listing_level=listing,
            doc_no="新安委办督〔2026〕7号", listing_date=days_from_today(0), production_suspended=suspended,
        )
    hazard = services.hazard_assign(
        hazard_id=hazard.pk, actor=p.supervisor, expected_version=hazard.version, responsible_unit="某化工有限公司",
        responsible_person="李四", measures="更换阀门，恢复泄漏报警", deadline=days_from_today(30),
    )
    if level == HazardLevel.MAJOR:
        hazard = services.hazard_submit_plan(hazard_id=hazard.pk, actor=p.contact, expected_version=hazard.version,
                                             plan=PLAN)
    return services.hazard_report_rectification(
        hazard_id=hazard.pk, actor=p.contact, expected_version=hazard.version, report="阀门已更换，报警恢复",
        after_photos=[photo("after.jpg")],
        assessment_report="第三方评估：隐患已消除" if level == HazardLevel.MAJOR else "",
    )


def apply(p, hazard, *, actor=None, content="已整改到位并经评估，申请恢复生产") -> ResumeApplication:
    return services.hazard_apply_resume(hazard_id=hazard.pk, actor=actor or p.contact,
                                        expected_version=fresh(hazard).version, content=content)


def review(p, hazard, *, actor=None, passed=True, opinion="现场审查合格，同意恢复生产", **kw) -> Hazard:
    return services.hazard_review_resume(hazard_id=hazard.pk, actor=actor or p.supervisor,
                                         expected_version=fresh(hazard).version, passed=passed, opinion=opinion, **kw)


def verify(p, hazard, *, passed=True, comment="现场复查合格") -> Hazard:
    return services.hazard_verify(hazard_id=hazard.pk, actor=p.inspector, expected_version=fresh(hazard).version,
                                  passed=passed, comment=comment)


def sign_off(p, hazard, *, actor=None) -> Hazard:
    return services.hazard_sign_off(hazard_id=hazard.pk, actor=actor or p.supervisor,
                                    expected_version=fresh(hazard).version)


def assert_untouched(before: Hazard):
    """The lifecycle's check, and production stays as it was."""
    assert_untouched_lifecycle(before)
    assert fresh(before).production_suspended == before.production_suspended


def applied_days_ago(application: ResumeApplication, days: int) -> ResumeApplication:
    """The same application, as if submitted `days` ago (its due date moves with it)."""
    submitted_at = application.submitted_at - datetime.timedelta(days=days)
    ResumeApplication.objects.filter(pk=application.pk).update(
        submitted_at=submitted_at, review_due=application.review_due - datetime.timedelta(days=days))
    return ResumeApplication.objects.get(pk=application.pk)


# --- applying ----------------------------------------------------------------------------------

def test_the_enterprise_applies_to_resume_and_the_review_is_due_in_10_days(people):
    hazard = fresh(rectification_reported(people))
    application = apply(people, hazard)

    application.refresh_from_db()
    assert application.status == ResumeReviewStatus.PENDING
    assert application.submitted_by == people.contact
    assert application.content == "已整改到位并经评估，申请恢复生产"
    assert RESUME_REVIEW_DAYS == 10
    assert application.review_due == timezone.localdate() + datetime.timedelta(days=10)
    assert not application.late
    after = fresh(hazard)
    assert after.status == HazardStatus.RECTIFICATION_REPORTED  # the lifecycle status does not move
    assert after.production_suspended  # still suspended until the review passes
    assert after.version == hazard.version + 1
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        EventAction.RESUME_APPLIED, people.contact, HazardStatus.RECTIFICATION_REPORTED,
        HazardStatus.RECTIFICATION_REPORTED, "已整改到位并经评估，申请恢复生产",
    )
    assert event.changes == {"review_due": [None, application.review_due.isoformat()]}


def test_an_inspector_may_apply_on_the_enterprises_behalf_after_verification(people):
    hazard = verify(people, rectification_reported(people))
    assert fresh(hazard).status == HazardStatus.VERIFIED
    application = apply(people, hazard, actor=people.second_inspector)
    assert application.submitted_by == people.second_inspector
    assert last_event(hazard).action == EventAction.RESUME_APPLIED


def test_a_general_hazard_has_no_resume_application(people):
    hazard = fresh(rectification_reported(people, level=HazardLevel.GENERAL))
    refused("not_major", apply, people, hazard)
    assert_untouched(hazard)


def test_a_major_hazard_without_suspended_production_has_nothing_to_resume(people):
    hazard = fresh(rectification_reported(people, suspended=False))
    error = refused("not_suspended", apply, people, hazard)
    assert "停产停业" in error.message
    assert_untouched(hazard)


def test_applying_before_the_rectification_is_reported_is_refused(people):
    hazard = fresh(rectification_reported(people))
    hazard = verify(people, hazard, passed=False, comment="阀门仍有渗漏")
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.RECTIFYING
    error = refused("invalid_state", apply, people, hazard)
    assert "整改中" in error.message and "申请复产" in error.message
    assert_untouched(hazard)
    assert not ResumeApplication.objects.exists()


def test_applying_without_an_assessment_report_is_refused(people):
    hazard = fresh(rectification_reported(people))
    Hazard.objects.filter(pk=hazard.pk).update(assessment_report=" ")  # e.g. imported from an old ledger
    error = refused("no_assessment", apply, people, fresh(hazard))
    assert "评估报告" in error.message


def test_an_empty_application_is_refused_on_its_field(people):
    hazard = fresh(rectification_reported(people))
    error = refused("content_required", apply, people, hazard, content="  ")
    assert (error.status, error.field) == (400, "content")
    assert_untouched(hazard)


def test_a_second_application_while_one_waits_is_refused(people):
    hazard = rectification_reported(people)
    apply(people, hazard)
    hazard = fresh(hazard)
    refused("resume_pending", apply, people, hazard, actor=people.inspector)
    assert_untouched(hazard)
    assert ResumeApplication.objects.filter(hazard=hazard).count() == 1


def test_another_jurisdiction_or_enterprise_cannot_apply_and_learns_nothing(people):
    hazard = fresh(rectification_reported(people))
    with pytest.raises(Http404):
        apply(people, hazard, actor=people.neighbour_supervisor)
    with pytest.raises(Http404):
        apply(people, hazard, actor=people.other_contact)
    assert_untouched(hazard)


def test_a_grid_worker_cannot_apply(people):
    hazard = fresh(rectification_reported(people))
    grid = factories.UserFactory(role="grid", region=factories.region("430522100"))
    error = refused("role_not_allowed", apply, people, hazard, actor=grid)
    assert error.status == 403


# --- reviewing -------------------------------------------------------------------------------

def test_a_passed_review_lifts_the_suspension_and_permits_the_sign_off(people):
    hazard = verify(people, rectification_reported(people))
    application = apply(people, hazard)
    before = fresh(hazard)
    review(people, hazard, opinion="现场审查合格，同意恢复生产")

    hazard = fresh(hazard)
    assert not hazard.production_suspended
    assert hazard.status == HazardStatus.VERIFIED
    assert hazard.version == before.version + 1
    application.refresh_from_db()
    assert application.status == ResumeReviewStatus.PASSED
    assert (application.reviewed_by, application.review_date) == (people.supervisor, timezone.localdate())
    assert application.review_opinion == "现场审查合格，同意恢复生产"
    assert not application.reviewed_late and not application.late
    event = last_event(hazard)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        EventAction.RESUME_APPROVED, people.supervisor, HazardStatus.VERIFIED, HazardStatus.VERIFIED,
        "现场审查合格，同意恢复生产",
    )
    assert event.changes == {
        "resume_review": ["pending", "passed"],
        "review_date": [None, timezone.localdate().isoformat()],
        "production_suspended": [True, False],
    }

    sign_off(people, hazard)
    hazard = fresh(hazard)
    assert hazard.status == HazardStatus.SIGNED_OFF
    assert last_event(hazard).action == EventAction.SIGNED_OFF


def test_a_failed_review_keeps_production_suspended_and_the_sign_off_refused(people):
    hazard = verify(people, rectification_reported(people))
    application = apply(people, hazard)
    refused("reason_required", review, people, fresh(hazard), passed=False, opinion=" ")

    review(people, hazard, passed=False, opinion="应急预案未演练，不具备复产条件")
    hazard = fresh(hazard)
    assert hazard.production_suspended
    application.refresh_from_db()
    assert application.status == ResumeReviewStatus.FAILED
    assert application.review_opinion == "应急预案未演练，不具备复产条件"
    event = last_event(hazard)
    assert (event.action, event.actor, event.comment) == (
        EventAction.RESUME_REFUSED, people.supervisor, "应急预案未演练，不具备复产条件")
    assert event.changes == {"resume_review": ["pending", "failed"],
                             "review_date": [None, timezone.localdate().isoformat()]}

    error = refused("resume_review_required", sign_off, people, hazard)
    assert error.status == 409
    assert "复产审查" in error.message
    assert_untouched(hazard)

    # The enterprise fixes it and applies again; the history keeps both applications.
    second = apply(people, hazard, content="已组织应急演练，再次申请复产")
    review(people, hazard)
    assert list(ResumeApplication.objects.filter(hazard=hazard).values_list("status", flat=True)) == [
        ResumeReviewStatus.PASSED, ResumeReviewStatus.FAILED]  # newest first
    assert second.pk != application.pk
    sign_off(people, hazard)
    assert fresh(hazard).status == HazardStatus.SIGNED_OFF


def test_a_suspended_major_hazard_is_not_signed_off_without_any_application(people):
    hazard = fresh(verify(people, rectification_reported(people)))
    refused("resume_review_required", sign_off, people, hazard)
    assert_untouched(hazard)


def test_nothing_to_review_without_a_pending_application(people):
    hazard = fresh(rectification_reported(people))
    refused("no_pending_resume", review, people, hazard)
    assert_untouched(hazard)


def test_the_review_needs_a_supervisor_of_the_listing_level_or_above(people):
    county_listed = rectification_reported(people)
    apply(people, county_listed)
    error = refused("reviewer_level_too_low", review, people, fresh(county_listed), actor=people.township_supervisor)
    assert error.status == 403 and "县级挂牌督办" in error.message
    refused("role_not_allowed", review, people, fresh(county_listed), actor=people.second_inspector)
    review(people, county_listed, actor=people.city_supervisor)  # above the listing level: allowed
    assert not fresh(county_listed).production_suspended

    city_listed = rectification_reported(people, listing=ListingLevel.CITY)
    apply(people, city_listed)
    error = refused("reviewer_level_too_low", review, people, fresh(city_listed), actor=people.supervisor)
    assert "市级挂牌督办" in error.message
    assert_untouched(fresh(city_listed))
    review(people, city_listed, actor=people.city_supervisor)
    assert not fresh(city_listed).production_suspended


def test_the_applicant_cannot_review_their_own_application(people):
    hazard = rectification_reported(people)
    apply(people, hazard, actor=people.supervisor)
    error = refused("same_reviewer", review, people, fresh(hazard), actor=people.supervisor)
    assert "申请人以外" in error.message
    review(people, hazard, actor=people.city_supervisor)


def test_another_jurisdiction_cannot_review(people):
    hazard = rectification_reported(people)
    apply(people, hazard)
    with pytest.raises(Http404):
        review(people, hazard, actor=people.neighbour_supervisor)
    assert fresh(hazard).production_suspended


def test_a_failed_verification_lets_a_waiting_application_lapse(people):
    hazard = rectification_reported(people)
    application = apply(people, hazard)
    verify(people, hazard, passed=False, comment="阀门仍有渗漏")
    application.refresh_from_db()
    assert application.status == ResumeReviewStatus.WITHDRAWN
    event = last_event(hazard)
    assert event.action == EventAction.VERIFICATION_FAILED
    assert event.changes == {"resume_review": ["pending", "withdrawn"]}
    assert fresh(hazard).production_suspended


# --- the 10-day due date ---------------------------------------------------------------------

def test_a_review_on_the_tenth_day_is_on_time(people):
    hazard = rectification_reported(people)
    application = applied_days_ago(apply(people, hazard), 10)
    assert application.review_due == timezone.localdate()
    assert not application.is_overdue() and not application.late
    review(people, hazard)
    application.refresh_from_db()
    assert not application.reviewed_late and not application.late


def test_a_review_after_the_due_date_is_recorded_and_marked_late(people):
    hazard = rectification_reported(people)
    application = applied_days_ago(apply(people, hazard), 12)
    assert application.review_due == days_from_today(-2)
    assert application.is_overdue() and application.late  # waiting past its due date

    review(people, hazard, review_date=days_from_today(-1))
    application.refresh_from_db()
    assert application.status == ResumeReviewStatus.PASSED
    assert application.review_date == days_from_today(-1)
    assert application.reviewed_late and application.late
    assert not application.is_overdue()
    assert not fresh(hazard).production_suspended


def test_the_review_date_lies_between_the_application_and_today(people):
    hazard = rectification_reported(people)
    applied_days_ago(apply(people, hazard), 3)
    hazard = fresh(hazard)
    error = refused("review_date_in_future", review, people, hazard, review_date=days_from_today(1))
    assert (error.status, error.field) == (400, "review_date")
    error = refused("review_before_application", review, people, hazard, review_date=days_from_today(-4))
    assert error.field == "review_date" and cn_date(days_from_today(-3)) in error.message  # 2026年12月4日
    assert_untouched(hazard)
    review(people, hazard, review_date=days_from_today(-3))


# --- the API -----------------------------------------------------------------------------------

def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, hazard, action, data):
    return client_for(user).post(f"/api/hazards/{hazard.pk}/{action}/", data, format="json")


def test_api_apply_and_review_resume(people):
    hazard = fresh(verify(people, rectification_reported(people)))

    refused_sign_off = post(people.supervisor, hazard, "sign-off", {"version": hazard.version})
    assert refused_sign_off.status_code == 409
    assert refused_sign_off.data["code"] == "resume_review_required"

    applied = post(people.contact, hazard, "apply-resume", {"version": hazard.version, "content": "申请恢复生产"})
    assert applied.status_code == 200, applied.data
    assert applied["ETag"] == f'"{hazard.version + 1}"'
    [application] = applied.data["resume_applications"]
    assert application["status"] == "pending" and application["status_label"] == "待审查"
    assert application["review_due"] == days_from_today(10).isoformat()
    assert application["submitted_by"] == people.contact.pk and application["late"] is False
    assert applied.data["events"][-1]["action"] == "resume_applied"
    assert "review_resume" not in applied.data["available_transitions"]  # the contact cannot review

    again = post(people.contact, hazard, "apply-resume", {"version": hazard.version + 1, "content": "再次申请"})
    assert again.status_code == 409 and again.data["code"] == "resume_pending"

    low = post(people.township_supervisor, hazard, "review-resume", {"version": hazard.version + 1, "passed": True})
    assert low.status_code == 403 and low.data["code"] == "reviewer_level_too_low"

    failed = post(people.supervisor, hazard, "review-resume", {"version": hazard.version + 1, "passed": False})
    assert failed.status_code == 400 and failed.data["code"] == "reason_required" and failed.data["field"] == "opinion"

    reviewed = post(people.supervisor, hazard, "review-resume", {
        "version": hazard.version + 1, "passed": True, "opinion": "同意复产",
        "review_date": timezone.localdate().isoformat(),
    })
    assert reviewed.status_code == 200, reviewed.data
    assert reviewed.data["production_suspended"] is False
    assert reviewed.data["resume_applications"][0]["status"] == "passed"
    assert reviewed.data["resume_applications"][0]["reviewed_by"] == people.supervisor.pk
    assert "sign_off" in client_for(people.supervisor).get(f"/api/hazards/{hazard.pk}/").data["available_transitions"]

    signed = post(people.supervisor, hazard, "sign-off", {"version": hazard.version + 2})
    assert signed.status_code == 200 and signed.data["status"] == "signed_off"


def test_api_refusals_for_not_major_not_suspended_wrong_state_and_other_jurisdiction(people):
    general = fresh(rectification_reported(people, level=HazardLevel.GENERAL))
    response = post(people.contact, general, "apply-resume", {"version": general.version, "content": "申请"})
    assert response.status_code == 409 and response.data["code"] == "not_major"

    running = fresh(rectification_reported(people, suspended=False))
    response = post(people.contact, running, "apply-resume", {"version": running.version, "content": "申请"})
    assert response.status_code == 409 and response.data["code"] == "not_suspended"

    suspended = fresh(rectification_reported(people))
    response = post(people.supervisor, suspended, "review-resume", {"version": suspended.version, "passed": True})
    assert response.status_code == 409 and response.data["code"] == "no_pending_resume"
    response = post(people.neighbour_supervisor, suspended, "apply-resume",
                    {"version": suspended.version, "content": "申请"})
    assert response.status_code == 404
    response = post(people.other_contact, suspended, "apply-resume", {"version": suspended.version, "content": "申请"})
    assert response.status_code == 404
    assert not ResumeApplication.objects.exists()


def test_the_schema_documents_the_resume_endpoints(people):
    paths = client_for(people.supervisor).get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("/api/hazards/{id}/apply-resume/", "/api/hazards/{id}/review-resume/"):
        assert set(paths[path]["post"]["responses"]) >= {"200", "400", "403", "404", "409"}


# --- the page ----------------------------------------------------------------------------------

def test_the_page_offers_apply_and_review_only_to_those_who_may(client, people):
    hazard = rectification_reported(people)
    page_url = reverse("hazards:detail", args=[hazard.pk])

    client.force_login(people.contact)
    page = client.get(page_url).content.decode()
    assert "action-apply_resume" in page and "action-review_resume" not in page
    client.force_login(people.supervisor)
    page = client.get(page_url).content.decode()
    assert "action-apply_resume" in page and "action-review_resume" not in page  # nothing to review yet

    client.force_login(people.contact)
    response = client.post(reverse("hazards:transition", args=[hazard.pk, "apply_resume"]),
                           {"version": fresh(hazard).version, "content": "已整改完毕，申请复产"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "：已申请复产，当前状态为" in page
    assert 'data-testid="resume-applications"' in page and "已整改完毕，申请复产" in page
    assert days_from_today(10).isoformat() in page  # the review's due date
    assert "action-apply_resume" not in page  # one application at a time

    client.force_login(people.township_supervisor)
    assert "action-review_resume" not in client.get(page_url).content.decode()  # below the listing level
    client.force_login(people.supervisor)
    page = client.get(page_url).content.decode()
    assert "action-review_resume" in page and "action-sign_off" not in page


def test_the_page_review_form_keeps_typed_text_and_shows_lateness(client, people):
    hazard = rectification_reported(people)
    applied_days_ago(apply(people, hazard), 12)
    client.force_login(people.supervisor)
    url = reverse("hazards:transition", args=[hazard.pk, "review_resume"])

    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="resume-late"' in page  # waiting past its due date
    assert "审查期限：" + cn_date(days_from_today(-2)) in page  # on the review form

    response = client.post(url, {"version": fresh(hazard).version, "result": "fail", "opinion": "",
                                 "review_date": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "审查不合格时请写明原因" in response.content.decode()

    response = client.post(url, {"version": fresh(hazard).version, "result": "fail", "opinion": "消防设施未恢复",
                                 "review_date": days_from_today(1).isoformat()})
    page = response.content.decode()
    assert response.status_code == 400
    assert "现场审查日期不能晚于今天" in page and "消防设施未恢复" in page

    response = client.post(url, {"version": fresh(hazard).version, "result": "pass", "opinion": "同意复产",
                                 "review_date": timezone.localdate().isoformat()}, follow=True)
    page = response.content.decode()
    assert "复产审查合格：隐患" in page and "审查合格，同意复产" in page
    assert 'data-testid="resume-late"' in page  # reviewed after the due date
    assert not fresh(hazard).production_suspended


def test_the_review_is_due_in_ten_working_days_where_the_region_counts_working_days(people):
    from accounts.models import Region
    from workdays.choices import CountRule, DeadlineType
    from workdays.models import RegionDayRule
    from workdays.rules import add_days

    county = Region.objects.get(code=people.enterprise.region_id[:6])
    RegionDayRule.objects.create(region=county, deadline_type=DeadlineType.RESUME_REVIEW, rule=CountRule.WORKING)
    application = apply(people, fresh(rectification_reported(people)))
    today = timezone.localdate()
    assert application.review_due == add_days(today, 10, rule=CountRule.WORKING)
    assert application.review_due >= today + datetime.timedelta(days=12)  # ten working days span two weekends
