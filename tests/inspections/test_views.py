"""The inspection pages as an inspector meets them on a phone: start, answer item by item
(with or without the page's script), finish, documents; the enterprise page; list query counts."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.choices import RiskColour
from hazards.models import Hazard
from inspections import services
from inspections.choices import InspectionStatus, ItemResult
from inspections.models import Inspection, InspectionFrequency
from inspections.selectors import add_months
from tests import factories
from tests.factories import EnterpriseFactory, InspectionFactory, photo
from tests.hazards.test_views import _count_queries

from .conftest import answer, item, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, team):
    client.force_login(team.inspector)
    return client


def test_the_list_uses_the_same_number_of_queries_for_10_and_100_rows(logged_in, team):
    InspectionFactory.create_batch(10, enterprise=team.enterprise, created_by=team.inspector)
    small = _count_queries(logged_in, reverse("inspections:list") + "?page_size=20")
    InspectionFactory.create_batch(90, enterprise=team.enterprise, created_by=team.inspector)
    large = _count_queries(logged_in, reverse("inspections:list") + "?page_size=100")
    assert small == large


def test_the_list_shows_only_the_county_and_filters_by_status(logged_in, team):
    InspectionFactory(enterprise=team.enterprise, created_by=team.inspector)
    far = EnterpriseFactory(name="石鼓区某公司", region=factories.region("430407001"))
    InspectionFactory(enterprise=far, created_by=team.outsider)
    page = logged_in.get(reverse("inspections:list")).content.decode()
    assert team.enterprise.name in page and "石鼓区某公司" not in page
    page = logged_in.get(reverse("inspections:list") + "?status=finished").content.decode()
    assert team.enterprise.name not in page


def test_starting_an_inspection_from_the_form(logged_in, team):
    response = logged_in.post(reverse("inspections:new"), {
        "enterprise": team.enterprise.name, "type": "routine", "date": factories.days_from_today(0).isoformat(),
        "inspectors": [team.inspector.pk, team.partner.pk], "template": "",
    })
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:detail", args=[inspection.pk])
    assert inspection.template_version.template.code == "industry-trade-2023"  # the enterprise's sector
    assert set(inspection.inspectors.all()) == {team.inspector, team.partner}


def test_a_lone_enforcement_inspector_is_told_why_and_keeps_the_form(logged_in, team):
    response = logged_in.post(reverse("inspections:new"), {
        "enterprise": team.enterprise.name, "type": "unannounced", "date": factories.days_from_today(0).isoformat(),
        "inspectors": [team.inspector.pk],
    })
    html = response.content.decode()
    assert response.status_code == 400 and "不得少于2人" in html and team.enterprise.name in html
    assert not Inspection.objects.exists()


def test_answering_without_a_script_reloads_at_the_item(logged_in, team):
    inspection = start(team)
    first = item(inspection, position=1)
    url = reverse("inspections:record", args=[inspection.pk, first.pk])
    response = logged_in.post(url, {"result": "pass", "expected": ""})
    assert response.status_code == 302 and response.url.endswith(f"#item-{first.pk}")
    page = logged_in.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "已填 1 / 18 项" in page


def test_a_failed_item_with_a_photo_becomes_a_hazard_from_the_page(logged_in, team):
    inspection = start(team)
    target = item(inspection, position=5)
    url = reverse("inspections:record", args=[inspection.pk, target.pk])
    response = logged_in.post(url, {"result": "fail", "note": "安全出口被货物堵塞", "expected": "",
                                    "photos": [photo()]}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200 and response["X-Progress"] == "1/18"
    hazard = Hazard.objects.get()
    assert hazard.code in response.content.decode() and hazard.attachments.count() == 1


def test_a_refused_answer_comes_back_on_its_item_with_what_was_typed(logged_in, team):
    inspection = start(team, template_code="industry-trade-2023")
    major = item(inspection, major=True)
    url = reverse("inspections:record", args=[inspection.pk, major.pk])
    response = logged_in.post(url, {"result": "fail", "note": "未签订安全管理协议", "rectified_on_spot": "on",
                                    "after_photos": [photo()], "expected": ""}, HTTP_X_REQUESTED_WITH="fetch")
    html = response.content.decode()
    assert response.status_code == 400 and "重大事故隐患不能按立行立改处理" in html and "未签订安全管理协议" in html
    response = logged_in.post(url, {"result": "fail", "note": "", "expected": ""})
    assert response.status_code == 400 and "请写明具体情况" in response.content.decode()


def test_finishing_and_issuing_documents_from_the_page(logged_in, team):
    inspection = start(team)
    for checklist_item in inspection.template_version.items.all():
        note = "疏散指示标志损坏" if checklist_item.position == 6 else ""
        answer(team, inspection, checklist_item, ItemResult.FAIL if note else ItemResult.PASS, note=note)
    logged_in.post(reverse("inspections:finish", args=[inspection.pk]), {"conclusion": "", "version": 19})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FINISHED
    logged_in.post(reverse("inspections:document-issue", args=[inspection.pk, "order"]),
                   {"deadline": factories.days_from_today(10).isoformat()})
    pdf = logged_in.get(reverse("inspections:document-pdf", args=[inspection.pk, "order"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "责令限期整改指令书" in logged_in.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()


def test_a_stale_finish_is_refused(logged_in, team):
    inspection = start(team)
    for checklist_item in inspection.template_version.items.all():
        answer(team, inspection, checklist_item, ItemResult.PASS)
    response = logged_in.post(reverse("inspections:finish", args=[inspection.pk]), {"version": 1}, follow=True)
    assert "已被他人修改" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_the_enterprise_page_shows_inspections_hazards_colour_and_next_due_date(logged_in, team):
    team.enterprise.risk_colour = RiskColour.RED
    team.enterprise.save()
    inspection = start(team)
    for checklist_item in inspection.template_version.items.all():
        note = "室内消火栓无水" if checklist_item.position == 9 else ""
        answer(team, inspection, checklist_item, ItemResult.FAIL if note else ItemResult.PASS, note=note)
    services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector)
    html = logged_in.get(reverse("inspections:enterprise", args=[team.enterprise.pk])).content.decode()
    assert "风险等级：红" in html and Hazard.objects.get().code in html
    assert add_months(inspection.date, 1).isoformat() in html  # red: monthly


def test_the_enterprise_page_counts_the_days_overdue_of_its_rows_in_one_query(logged_in, team):
    late = factories.days_from_today(-4)
    url = reverse("inspections:enterprise", args=[team.enterprise.pk])

    def overdue(n):
        factories.HazardFactory.create_batch(n, enterprise=team.enterprise, status="rectifying",
                                             original_deadline=late, current_deadline=late)

    overdue(2)
    few = _count_queries(logged_in, url)
    overdue(18)
    html = logged_in.get(url).content.decode()
    assert _count_queries(logged_in, url) == few
    assert html.count('class="num">4 天</td>') == 20


def test_a_region_can_set_its_own_frequency(team):
    from inspections.selectors import frequency_months

    assert frequency_months(region_code="430522100", risk_colour="blue") == 12
    InspectionFrequency.objects.create(region=factories.region("430522"), risk_colour="blue", months=24)
    assert frequency_months(region_code="430522100", risk_colour="blue") == 24
    assert frequency_months(region_code="430407001", risk_colour="blue") == 12


def test_months_are_added_the_calendar_way():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_another_countys_inspection_is_404(client, team):
    inspection = start(team)
    client.force_login(team.outsider)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("inspections:enterprise", args=[team.enterprise.pk])).status_code == 404


def test_the_hazard_page_names_the_inspection_it_came_from(logged_in, team):
    inspection = start(team)
    row = answer(team, inspection, item(inspection, position=3), ItemResult.FAIL, note="未组织疏散演练")
    html = logged_in.get(reverse("hazards:detail", args=[row.hazard_id])).content.decode()
    assert "来源检查" in html and reverse("inspections:detail", args=[inspection.pk]) in html


def test_a_supervisor_plans_draws_and_publishes_from_the_pages(client, team):
    for colour in ("red", "orange", "blue"):
        EnterpriseFactory(region=factories.region("430522100"), risk_colour=colour)
    client.force_login(team.supervisor)
    response = client.post(reverse("inspections:plan-new"), {
        "name": "第三季度双随机抽查", "region": "430522", "size": 2, "inspectors_per_enterprise": 2,
        "start_date": factories.days_from_today(1).isoformat(), "end_date": factories.days_from_today(9).isoformat(),
    })
    assert response.status_code == 302, response.content.decode()
    plan_url = response.url
    client.post(plan_url + "draw/", {"seed": "季度抽查"})
    page = client.get(plan_url).content.decode()
    assert "季度抽查" in page and "结果与抽取结果一致" in page
    client.post(plan_url + "publish/")
    assert "已公开" in client.get(plan_url).content.decode()


def test_registering_a_conflict_of_interest_from_the_page(client, team):
    client.force_login(team.supervisor)
    response = client.post(reverse("inspections:conflicts"), {
        "inspector": team.partner.pk, "enterprise": team.enterprise.name, "reason": "近亲属在该单位任职"})
    assert response.status_code == 302
    assert "近亲属在该单位任职" in client.get(reverse("inspections:conflicts")).content.decode()
    again = client.post(reverse("inspections:conflicts"), {
        "inspector": team.partner.pk, "enterprise": team.enterprise.name, "reason": "重复"})
    assert again.status_code == 400 and "该回避关系已登记" in again.content.decode()
    client.force_login(team.inspector)
    refused = client.post(reverse("inspections:conflicts"), {
        "inspector": team.partner.pk, "enterprise": team.enterprise.name, "reason": "x"})
    assert refused.status_code == 400 and "只有审核督办人员或管理员" in refused.content.decode()
