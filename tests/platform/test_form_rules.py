"""Issue 16: a refused form keeps the files chosen (pending uploads, seen by their owner only,
gone after a day), shows every problem of the rules at once, marks what the rules require,
names the rule of a refusal and says what a success did; dates read 2026年12月22日."""
from __future__ import annotations

import datetime
import os
import re

import pytest
from django.utils import timezone

from accounts.choices import Role
from hazards import services
from hazards.models import Hazard
from hazardtrack.formats import cn_date, cn_money, cn_wan
from hazardtrack.models import PendingUpload
from hazardtrack.tasks import purge_pending_uploads
from hazardtrack.uploads import keep_upload
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.sector("industry_trade")
    return factories.UserFactory(role=Role.GRID, region=factories.region("430522100", "酿溪镇"), username="grid_li")


def _kept_ids(page: str) -> list[str]:
    return re.findall(r'name="before_photos__kept" value="([0-9a-f-]{36})"', page)


def test_grid_workers_two_mistakes_show_at_once_and_the_photo_stays_for_the_second_submit(client, grid):
    client.force_login(grid)
    blank = client.get("/hazards/new/")
    region = blank.context["form"]["region"]
    assert region.value() == "430522100", "the grid worker's only township is chosen already"
    assert 'aria-required="true"' in str(blank.context["form"]["sector"])

    first = client.post("/hazards/new/", {"title": "", "sector": "", "region": "430522100", "level": "general",
                                          "category": "unsafe_condition", "address": "酿溪镇东街12号",
                                          "before_photos": factories.photo("现场.jpg")})
    assert first.status_code == 400
    errors = first.context["form"].errors
    assert set(errors) >= {"title", "sector"}, errors.as_data()
    page = first.content.decode()
    assert "请选择行业领域。" in page and 'value="酿溪镇东街12号"' in page
    kept = _kept_ids(page)
    assert len(kept) == 1 and "现场.jpg" in page
    assert client.get(f"/uploads/pending/{kept[0]}/")["Content-Type"] == "image/jpeg"

    second = client.post("/hazards/new/", {"title": "楼道堆放杂物", "sector": factories.sector().pk,
                                           "region": "430522100", "level": "general", "category": "unsafe_condition",
                                           "address": "酿溪镇东街12号", "before_photos__kept": kept})
    assert second.status_code == 302
    hazard = Hazard.objects.get(title="楼道堆放杂物")
    assert list(hazard.attachments.values_list("original_name", flat=True)) == ["现场.jpg"]
    assert not PendingUpload.objects.filter(pk=kept[0]).exists(), "used: the kept copy is dropped"


def test_a_pending_upload_is_its_owners_only_even_by_its_address(client, grid):
    item = keep_upload(owner=grid, form_key="hazards.forms.HazardReportForm", field="before_photos",
                       upload=factories.photo(), images_only=True)
    colleague = factories.UserFactory(role=Role.GRID, region=factories.region("430522100"), username="grid_wang")
    client.force_login(colleague)
    assert client.get(f"/uploads/pending/{item.pk}/").status_code == 404
    # Nor can the colleague send it with a form of their own.
    response = client.post("/hazards/new/", {"title": "", "before_photos__kept": [str(item.pk)]})
    assert str(item.pk) not in response.content.decode()
    client.force_login(grid)
    assert client.get(f"/uploads/pending/{item.pk}/").status_code == 200


def test_a_pending_upload_is_gone_after_a_day(client, grid):
    old = keep_upload(owner=grid, form_key="k", field="before_photos", upload=factories.photo(), images_only=True)
    fresh = keep_upload(owner=grid, form_key="k", field="before_photos", upload=factories.photo(), images_only=True)
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    client.force_login(grid)
    assert client.get(f"/uploads/pending/{old.pk}/").status_code == 404, "expired: not shown even before the purge"
    path = old.file.path
    assert purge_pending_uploads() == 1
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not os.path.exists(path)


def _hazard(**fields):
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
    return factories.HazardFactory(enterprise=enterprise, found_by=factories.inspector(username="rules_inspector"),
                                   **fields)


def test_a_major_hazards_rectification_report_marks_and_refuses_everything_it_needs(client):
    hazard = _hazard(status="rectifying", level="major", original_deadline=factories.days_from_today(5),
                     current_deadline=factories.days_from_today(5))
    contact = factories.enterprise_contact(hazard.enterprise, username="rules_contact")
    client.force_login(contact)
    page = client.get(f"/hazards/{hazard.pk}/")
    form = next(a["form"] for a in page.context["actions"] if a["name"] == "report_rectification")
    for name in ("assessment_report", "after_photos"):
        assert 'aria-required="true"' in str(form[name]), name
    html = page.content.decode()
    assert re.search(r'class="field[^"]*required[^"]*">\s*<label for="id_assessment_report"', html)

    response = client.post(f"/hazards/{hazard.pk}/do/report_rectification/",
                           {"version": hazard.version, "report": "", "funds_spent": "一百元"})
    errors = next(a["form"] for a in response.context["actions"] if a["name"] == "report_rectification").errors
    assert response.status_code == 400
    assert set(errors) >= {"report", "funds_spent", "assessment_report", "after_photos"}, errors.as_data()
    assert "重大事故隐患须提交整改评估报告。" in response.content.decode()


def test_the_api_answers_every_problem_at_once():
    from rest_framework.test import APIClient

    hazard = _hazard(status="rectifying", level="major", original_deadline=factories.days_from_today(5),
                     current_deadline=factories.days_from_today(5))
    api = APIClient()
    api.force_authenticate(factories.supervisor(username="rules_supervisor"))
    response = api.post(f"/api/hazards/{hazard.pk}/report-rectification/",
                        {"version": hazard.version, "report": "已清理通道"}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "after_photo_required"
    assert body["errors"] == {"after_photos": ["请上传至少一张整改后照片。"],
                              "assessment_report": ["重大事故隐患须提交整改评估报告。"]}, body


def test_signing_off_from_a_stale_tab_names_the_rule(client):
    hazard = _hazard(status="rectification_reported")
    supervisor = factories.supervisor(username="rules_supervisor")
    client.force_login(supervisor)
    response = client.post(f"/hazards/{hazard.pk}/do/sign_off/", {"version": hazard.version}, follow=True)
    page = response.content.decode()
    assert "隐患尚未通过现场复查，不能销号。" in page
    assert "不能执行" not in page


def test_an_on_the_spot_report_says_it_was_signed_off(client):
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
    inspector = factories.inspector(username="rules_inspector")
    client.force_login(inspector)
    response = client.post("/hazards/new/", {
        "enterprise": enterprise.name, "title": "配电箱门未关", "level": "general", "category": "unsafe_condition",
        "source": "inspection", "rectified_on_spot": "on", "after_photos": factories.photo(), "not_duplicate": "1"},
        follow=True)
    page = response.content.decode()
    assert "已按立行立改记录并销号" in page and "已上报，" not in page


def test_the_extension_decision_shows_the_request_and_the_timeline_both_dates(client):
    deadline = factories.days_from_today(5)
    hazard = _hazard(status="rectifying", original_deadline=deadline, current_deadline=deadline)
    asked = factories.days_from_today(40)
    services.hazard_request_extension(hazard_id=hazard.pk, actor=hazard.found_by, expected_version=hazard.version,
                                      requested_deadline=asked, reason="钢材供货延迟")
    supervisor = factories.supervisor(username="rules_supervisor")
    client.force_login(supervisor)
    box = client.get(f"/hazards/{hazard.pk}/").content.decode()
    request_box = box[box.index('data-testid="extension-request"'):]
    request_box = request_box[:request_box.index("</dl>")]
    assert cn_date(asked) in request_box and cn_date(deadline) in request_box and "钢材供货延迟" in request_box

    granted = factories.days_from_today(30)
    hazard.refresh_from_db()
    response = client.post(f"/hazards/{hazard.pk}/do/decide_extension/",
                           {"version": hazard.version, "decision": "approve", "approved_deadline": granted.isoformat()},
                           follow=True)
    page = response.content.decode()
    assert f"整改期限延至 {cn_date(granted)}" in page  # the success message says what happened
    dates = re.findall(r'data-testid="timeline-dates">([^<]*)<', page)
    assert any(cn_date(asked) in d for d in dates) and any(cn_date(granted) in d for d in dates), dates


def test_chinese_conventions():
    assert cn_date(datetime.date(2026, 12, 22)) == "2026年12月22日"
    assert cn_date("2026-03-05") == "2026年3月5日"
    assert cn_money(1234567.5) == "1,234,567.50"
    assert cn_wan(1234567) == "123.46万元"
    assert cn_date(None) == ""


def test_an_enterprise_contacts_own_unit_is_chosen_on_the_report(client):
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"), name="新邵县示范建材有限公司")
    contact = factories.enterprise_contact(enterprise, username="rules_contact")
    client.force_login(contact)
    field = client.get("/hazards/new/").context["form"]["enterprise"]
    assert field.value() == "新邵县示范建材有限公司" and "disabled" in str(field)


def test_form_labels_end_with_a_full_width_colon(client, grid):
    client.force_login(grid)
    page = client.get("/hazards/new/").content.decode()
    assert '<label for="id_title">隐患名称：</label>' in page
