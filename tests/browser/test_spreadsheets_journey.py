"""A county office brings its Excel ledger in on a phone: upload, preview with the bad rows,
import the valid ones, watch the progress bar, and export the ledger again."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from spreadsheets.choices import ImportStatus
from spreadsheets.models import ImportJob
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, region, supervisor
from tests.spreadsheets.conftest import county, eager_tasks  # noqa: F401 (fixtures)
from tests.spreadsheets.workbooks import XLSX, hazard_file, hazard_row, read_sheets


@pytest.fixture
def office(db):
    enterprise = EnterpriseFactory(name="新邵县示范矿业有限公司", region=region("430522100", "酿溪镇"))
    return enterprise, supervisor("430522", username="supervisor", full_name="刘科长")


def test_a_ledger_is_uploaded_previewed_imported_and_exported_on_a_phone(live_server, phone_page, office, eager_tasks):  # noqa: F811
    enterprise, _user = office
    page = phone_page
    login(page, live_server, "supervisor")
    page.click("text=Excel导入")
    rows = [hazard_row(original_code="XS-1", enterprise_name=enterprise.name, title="配电箱未接地"),
            hazard_row(original_code="XS-2", enterprise_name="不存在的单位", title="消防通道堵塞"),
            hazard_row(original_code="XS-3", enterprise_name=enterprise.name, title="安全出口锁闭", status="已销号",
                       signed_off_at="2024-04-01")]
    page.set_input_files("input[name=file]", {"name": "2024年台账.xlsx", "mimeType": XLSX, "buffer": hazard_file(rows)})
    with page.expect_navigation():
        page.click("form.upload-form button[type=submit]")

    assert page.locator("[data-testid=job-status]").inner_text() == "校验完成，等待确认"
    assert "在您的辖区内找不到名为“不存在的单位”的单位" in page.locator("table.issues").inner_text()
    screenshot(page, "spreadsheets-preview")
    page.check("input[value=valid_rows]")
    with page.expect_navigation():
        page.click("text=开始导入")

    assert page.locator("[data-testid=job-status]").inner_text() == "导入完成"
    assert page.locator("[data-testid=imported]").inner_text() == "2"
    with page.expect_download() as report:
        page.click("[data-testid=error-report]")
    assert read_sheets(open(report.value.path(), "rb").read())["错误报告"][1][0] == 3

    page.goto(f"{live_server.url}/hazards/?q=XS-")
    with page.expect_download() as exported:
        page.click("[data-testid=export-xlsx]")
    ledger = read_sheets(open(exported.value.path(), "rb").read())["隐患台账"]
    assert sorted(r[2] for r in ledger[1:]) == ["安全出口锁闭", "配电箱未接地"]


def test_the_progress_bar_follows_a_running_import_and_shows_the_result(live_server, phone_page, office):
    _enterprise, user = office
    job = ImportJob.objects.create(kind="hazards", uploaded_by=user, region_id="430522", original_name="大台账.xlsx",
                                   status=ImportStatus.IMPORTING, total_rows=1000, processed_rows=250, valid_rows=1000)
    page = phone_page
    login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/spreadsheets/imports/{job.pk}/")
    assert page.locator("[data-progress-bar]").get_attribute("value") == "25"

    ImportJob.objects.filter(pk=job.pk).update(processed_rows=600)
    # expect() polls from Playwright's own script: the page's CSP forbids the eval that
    # wait_for_function(<string>) needs.
    expect(page.locator("[data-progress-bar]")).to_have_js_property("value", 60)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed_rows=1000, imported_rows=1000)

    page.wait_for_selector("[data-testid=imported]")  # the page reloaded itself with the result
    assert page.locator("[data-testid=job-status]").inner_text() == "导入完成"
    screenshot(page, "spreadsheets-done")


def test_a_county_ledger_with_a_near_enterprise_name_is_imported_once_the_suggestion_is_accepted(
        live_server, phone_page, county, eager_tasks):  # noqa: F811
    from hazards.models import Hazard
    from tests.spreadsheets.test_import_county_ledger import county_ledger

    limestone = EnterpriseFactory(name="新邵县湘源石灰石矿", region=region("430522100"))
    page = phone_page
    login(page, live_server, "county_supervisor")
    page.goto(f"{live_server.url}/spreadsheets/")
    page.set_input_files("input[name=file]", {"name": "新邵县隐患台账.xlsx", "mimeType": XLSX, "buffer": county_ledger()})
    with page.expect_navigation():
        page.click("form.upload-form button[type=submit]")

    assert page.locator("[data-testid=job-status]").inner_text() == "校验完成，等待确认"
    assert page.locator("[data-testid=ignored-columns]").inner_text() == "以下列不导入：“序号”、“检查人员”。"
    assert page.locator("[data-testid=blank-rows]").inner_text() == "2"
    assert page.locator("[data-testid=suggested-rows]").inner_text() == "1"
    suggestions = page.locator("[data-testid=suggestions]")
    expect(suggestions).to_contain_text("湘源石灰石矿")
    expect(suggestions).to_contain_text("新邵县湘源石灰石矿")
    # the broken row is named once, with its three problems
    problems = page.locator("table.issues:not([data-testid]) tbody tr", has_text="白云镇")
    assert page.locator("table.issues tbody tr td:first-child", has_text="10").count() >= 3
    assert problems.count() == 1
    screenshot(page, "spreadsheets-suggestion")

    page.check("input[name=accept]")
    with page.expect_navigation():
        page.click("text=接受所选建议")
    expect(page.locator("[data-testid=suggestions]")).to_contain_text("已接受")
    assert page.locator("[data-testid=suggested-rows]").count() == 0

    page.check("input[value=valid_rows]")
    with page.expect_navigation():
        page.click("text=开始导入")
    assert page.locator("[data-testid=job-status]").inner_text() == "导入完成"
    assert page.locator("[data-testid=imported]").inner_text() == "4"
    assert Hazard.objects.get(original_code="XS-2024-003").enterprise == limestone
