"""An inspection on a phone: the inspector starts it with a checklist, answers items one by one
(each saves by itself), fails two — one fixed on the spot — reloads to find everything kept,
and sees the resulting hazards in the ledger."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.models import Department
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, inspector, jpeg_bytes, region

PHOTO = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)}
AFTER = {"name": "整改后.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600, (30, 160, 30))}


def test_inspector_runs_a_checklist_on_a_phone_and_finds_the_hazards_in_the_ledger(live_server, phone_page):
    region("4305", "邵阳市")
    county = region("430522", "新邵县")
    department = Department.objects.create(region=county, name="应急管理局")
    enterprise = EnterpriseFactory(name="新邵县东升商贸城", region=region("430522100", "酿溪镇"))
    inspector("430522", username="inspector", full_name="张检查", department=department)
    inspector("430522", username="inspector3", full_name="李复查", department=department)

    page = phone_page
    page.set_default_timeout(45_000)  # generous: CI machines are small and shared
    login(page, live_server, "inspector")
    page.click("nav.mainnav >> text=监督检查")
    page.click(".insp-subnav >> text=开始检查")

    # 1. Start: the enterprise, a second officer (enforcement needs two), the fire checklist.
    page.fill("[name=enterprise]", enterprise.name)
    page.check("label:has-text('李复查') input[name=inspectors]")
    page.select_option("[name=template]", label="消防安全检查表")
    with page.expect_navigation():
        page.click("form.insp-new button[type=submit]")
    assert re.search(r"/inspections/\d+/$", page.url), page.locator("body").inner_text()
    inspection_url = page.url
    expect(page.locator("[data-testid=inspection-status]")).to_have_text("检查中")
    cards = page.locator("[data-item]")
    assert cards.count() == 18

    # 2. A passed item saves by itself, without leaving the page.
    first = cards.nth(0)
    first_id = first.get_attribute("id")
    first.locator("label.choice-pass").click()
    expect(page.locator(f"#{first_id} [data-saved]")).to_have_text("已保存：符合")
    expect(page.locator("[data-progress]")).to_have_text("已填 1 / 18 项")
    assert page.url == inspection_url

    # 3. A failed item with a photo becomes a hazard.
    exits = page.locator("[data-item]", has_text="疏散通道、安全出口畅通")
    exits_id = exits.get_attribute("id")
    exits.locator("label.choice-fail").click()
    exits.locator("[name=note]").fill("二楼东侧安全出口被货物堵塞")
    exits.locator("input[name=photos]").set_input_files(PHOTO)
    exits.locator("button[type=submit]").click()
    open_code = page.locator(f"#{exits_id} [data-testid=hazard-link]").inner_text()
    assert re.match(r"YH-430522-\d{4}-\d{6}", open_code)

    # 4. Another failed item is fixed on the spot (立行立改) with an after-photo.
    extinguishers = page.locator("[data-item]", has_text="灭火器配置合理")
    extinguishers_id = extinguishers.get_attribute("id")
    extinguishers.locator("label.choice-fail").click()
    extinguishers.locator("[name=note]").fill("2具灭火器压力不足，已当场更换")
    extinguishers.locator("input[name=photos]").set_input_files(PHOTO)
    extinguishers.locator("[name=rectified_on_spot]").check()
    extinguishers.locator("input[name=after_photos]").set_input_files(AFTER)
    extinguishers.locator("button[type=submit]").click()
    fixed = page.locator(f"#{extinguishers_id}")
    expect(fixed.locator("[data-testid=hazard-link]")).to_be_visible()
    expect(fixed).to_contain_text("立行立改")
    fixed_code = fixed.locator("[data-testid=hazard-link]").inner_text()
    expect(page.locator("[data-progress]")).to_have_text("已填 3 / 18 项")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "inspection_journey_checklist")

    # 5. Half done: coming back later, everything is still there.
    page.goto(inspection_url)
    expect(page.locator("[data-progress]")).to_have_text("已填 3 / 18 项")
    expect(page.locator(f"#{first_id} [data-saved]")).to_have_text("已保存：符合")
    expect(page.locator(f"#{exits_id} [data-testid=hazard-link]")).to_have_text(open_code)

    # 6. The ledger has both hazards: one reported, one closed on the spot.
    page.click("nav.mainnav >> text=隐患台账")
    open_row = page.locator("table.ledger tr", has_text=open_code)
    expect(open_row).to_contain_text("已上报")
    expect(open_row).to_contain_text("新邵县东升商贸城")
    fixed_row = page.locator("table.ledger tr", has_text=fixed_code)
    expect(fixed_row).to_contain_text("已销号")
    expect(fixed_row).to_contain_text("立行立改")
    open_row.locator("a").first.click()
    expect(page.locator("[data-testid=hazard-origin]")).to_contain_text("疏散通道、安全出口畅通")
    screenshot(page, "inspection_journey_hazard")
