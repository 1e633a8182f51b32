"""A grid worker reports a hazard on a phone and makes two mistakes: both are shown at once, on
their fields, the photo already chosen is still there (kept on the server, shown as a thumbnail),
and the corrected form is sent without choosing the photo again (issue 16)."""
from __future__ import annotations

import re

from accounts.choices import Role
from hazards.models import Hazard
from tests.browser.conftest import login
from tests.factories import UserFactory, jpeg_bytes, region, sector

PHOTO = {"name": "楼道现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)}


def _report_page(live_server, page):
    """The grid worker of 酿溪镇 on the report form."""
    region("430522100", "酿溪镇")
    sector("industry_trade")
    UserFactory(username="grid", full_name="李网格", role=Role.GRID, region=region("430522100"))
    page.set_default_timeout(45_000)
    login(page, live_server, "grid")
    page.goto(f"{live_server.url}/hazards/new/")
    return page


def test_grid_worker_sees_both_mistakes_keeps_the_photo_and_succeeds_the_second_time(live_server, phone_page):
    page = _report_page(live_server, phone_page)
    # The only township of the grid worker is chosen already; the sector is marked as required.
    assert page.locator("select[name=region]").input_value() == "430522100"
    assert page.locator("select[name=sector]").get_attribute("aria-required") == "true"

    # First submit: no title, no sector — two mistakes.
    page.fill("[name=address]", "酿溪镇东街12号楼道")
    page.set_input_files("input[name=before_photos]", PHOTO)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    body = page.locator("body").inner_text()
    assert page.locator("#id_title_error").is_visible(), body
    assert "请选择行业领域。" in page.locator("#id_sector_error").inner_text()
    assert page.locator("[name=address]").input_value() == "酿溪镇东街12号楼道"
    kept = page.locator("[data-testid=pending-uploads] img")
    assert kept.count() == 1 and "楼道现场.jpg" in page.locator("[data-testid=pending-uploads]").inner_text()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", kept.element_handle()), "thumbnail shown"

    # Second submit: the mistakes corrected, the photo not chosen again.
    page.fill("[name=title]", "楼道堆放杂物堵塞安全出口")
    page.select_option("select[name=sector]", index=1)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    assert re.search(r"/hazards/\d+/$", page.url), page.locator("body").inner_text()
    assert "已上报，等待监管部门认定" in page.locator("body").inner_text()
    assert page.locator(".gallery img").count() == 1
    hazard = Hazard.objects.get(title="楼道堆放杂物堵塞安全出口")
    assert list(hazard.attachments.values_list("original_name", flat=True)) == ["楼道现场.jpg"]


def test_a_kept_photo_can_be_removed_before_sending(live_server, phone_page):
    page = _report_page(live_server, phone_page)
    page.set_input_files("input[name=before_photos]", PHOTO)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    page.locator("[data-remove-pending]").click()
    assert page.locator("[data-pending-upload]").count() == 0
    page.fill("[name=title]", "配电箱未上锁")
    page.select_option("select[name=sector]", index=1)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    assert Hazard.objects.get(title="配电箱未上锁").attachments.count() == 0
