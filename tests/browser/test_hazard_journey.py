"""The whole life of a hazard on phones: logged with a photo, confirmed and assigned,
rectified with an after-photo by the enterprise, verified on site, signed off."""
from __future__ import annotations

import re

from accounts.choices import Role
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, UserFactory, inspector, jpeg_bytes, region, supervisor

PHOTO = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)}


def _open(browser, live_server, username):
    from tests.browser.conftest import PHONE

    context = browser.new_context(**PHONE)
    context.set_default_timeout(45_000)
    page = context.new_page()
    login(page, live_server, username)
    return page


def _act(page, action: str, fill: dict | None = None, check: str | None = None, files: dict | None = None):
    """Open an action on the detail page, fill its form and submit it."""
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    for name, value in (fill or {}).items():
        box.locator(f"[name={name}]").fill(value)
    if check:
        box.locator(check).check()
    for name, payload in (files or {}).items():
        box.locator(f"input[name={name}]").set_input_files(payload)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def _status(page) -> str:
    return page.locator("[data-testid=status]").inner_text()


def test_hazard_from_report_to_sign_off_on_phones(live_server, browser, phone_page):
    region("430522100", "酿溪镇")
    enterprise = EnterpriseFactory(name="新邵县示范矿业有限公司", region=region("430522100"), contact_name="王经理")
    inspector("430522", username="inspector", full_name="张检查")
    supervisor("430522", username="supervisor", full_name="刘科长")
    UserFactory(username="enterprise", full_name="王经理", role=Role.ENTERPRISE, region=None, enterprise=enterprise)

    # 1. The inspector logs the hazard with a photo at the mine gate.
    page = phone_page
    page.set_default_timeout(45_000)  # generous: CI machines are small and shared
    login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("[name=enterprise]", enterprise.name)
    page.fill("[name=title]", "井口配电箱未接地")
    page.fill("[name=description]", "配电箱外壳无接地线，存在触电风险")
    page.set_input_files("input[name=before_photos]", PHOTO)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    assert re.search(r"/hazards/\d+/$", page.url), page.locator("body").inner_text()
    detail_url = page.url
    code = page.locator(".hazard-head .code").inner_text()
    assert re.match(r"YH-430522-\d{4}-000001", code)
    assert _status(page) == "已上报"
    assert page.locator(".gallery img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # 2. The county supervisor confirms it and assigns it with a deadline.
    boss = _open(browser, live_server, "supervisor")
    boss.goto(detail_url)
    _act(boss, "confirm", fill={"comment": "情况属实"})
    assert _status(boss) == "已认定"
    from tests.factories import days_from_today

    _act(boss, "assign", fill={"measures": "立即安装接地线并检测", "deadline": days_from_today(7).isoformat()})
    assert _status(boss) == "整改中"

    # 3. The enterprise reports the fix with an after-photo.
    firm = _open(browser, live_server, "enterprise")
    firm.goto(detail_url)
    _act(firm, "report_rectification", fill={"report": "已安装接地线，检测合格"},
         files={"after_photos": {**PHOTO, "name": "整改后.jpg", "buffer": jpeg_bytes(600, 800, (30, 160, 30))}})
    assert _status(firm) == "申请复查"

    # 4. The inspector verifies on site.
    page.goto(detail_url)
    _act(page, "verify", fill={"comment": "现场复查合格"}, check="input[name=result][value=pass]")
    assert _status(page) == "复查通过"

    # 5. The supervisor signs it off; the timeline shows every step.
    boss.goto(detail_url)
    _act(boss, "sign_off", fill={"comment": "同意销号"})
    assert _status(boss) == "已销号"
    timeline = boss.locator("[data-testid=timeline]").inner_text()
    for step in ("上报隐患", "认定隐患", "交办整改", "报告整改完成", "复查通过", "销号"):
        assert step in timeline, step
    for who in ("张检查", "刘科长", "王经理"):
        assert who in timeline
    screenshot(boss, "hazard_journey_signed_off")
