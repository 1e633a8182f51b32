"""Notices when work arrives, on phones (issue 15 item 4): one person acts in their browser, the
one who must act next sees the bell count rise, finds the item in their 待办 and opens the hazard
from the notice in their inbox."""
from __future__ import annotations

import re

from accounts.choices import Role
from hazards.choices import HazardStatus
from tests.browser.conftest import login, screenshot
from tests.browser.test_hazard_journey import PHOTO, _act, _open
from tests.factories import (
    EnterpriseFactory, HazardFactory, UserFactory, days_from_today, inspector, jpeg_bytes, region, supervisor,
)


def _people():
    region("430522100", "酿溪镇")
    enterprise = EnterpriseFactory(name="新邵县示范矿业有限公司", region=region("430522100"), contact_name="王经理")
    people = {
        "inspector": inspector("430522", username="inspector", full_name="张检查"),
        "verifier": inspector("430522", username="verifier", full_name="李复查"),
        "supervisor": supervisor("430522", username="supervisor", full_name="刘科长"),
        "enterprise": UserFactory(username="enterprise", full_name="王经理", role=Role.ENTERPRISE, region=None,
                                  enterprise=enterprise),
    }
    return enterprise, people


def _hazard(enterprise, people, status: str, **kw):
    return HazardFactory(enterprise=enterprise, title="井口配电箱未接地", status=status, found_by=people["inspector"],
                         assigned_inspector=people["inspector"], responsible_unit=enterprise.name, **kw)


def _bell(page) -> int:
    count = page.locator("[data-testid=bell-count]")
    return int(count.inner_text()) if count.count() else 0


def _todo(page, key: str) -> int:
    item = page.locator(f"[data-testid=todo-{key}]")
    return int(item.locator(".num").inner_text()) if item.count() else 0


def _receives(page, live_server, *, todo: str, text: str, hazard, before: tuple[int, int], shot: str) -> None:
    """On `page` (the recipient, logged in): the bell and the 待办 item rose by one; the inbox
    reads the notice; tapping it opens the hazard."""
    page.goto(f"{live_server.url}/")
    assert _bell(page) == before[0] + 1
    assert _todo(page, todo) == before[1] + 1
    assert page.locator("[data-testid=bell]").get_attribute("aria-label").endswith(f"{before[0] + 1} 条")
    page.locator("[data-testid=bell]").click()
    page.wait_for_url(re.compile(r"/notices/$"))
    item = page.locator("[data-testid=inbox] li", has_text=hazard.code).first
    assert text in item.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, shot)
    with page.expect_navigation():
        item.locator("[data-testid=notice-link]").click()
    assert page.url.endswith(f"/hazards/{hazard.pk}/")
    assert hazard.code in page.locator(".hazard-head").inner_text()


def test_an_assignment_reaches_the_enterprise_contact(live_server, browser, phone_page):
    enterprise, people = _people()
    hazard = _hazard(enterprise, people, HazardStatus.CONFIRMED)
    firm = login(phone_page, live_server, "enterprise")
    firm.goto(f"{live_server.url}/")
    before = (_bell(firm), _todo(firm, "to_rectify"))

    boss = _open(browser, live_server, "supervisor")
    boss.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    _act(boss, "assign", fill={"measures": "立即安装接地线并检测", "deadline": days_from_today(7).isoformat()})
    assert boss.locator("[data-testid=status]").inner_text() == "整改中"

    _receives(firm, live_server, todo="to_rectify", text="刘科长 交办隐患", hazard=hazard, before=before,
              shot="notice_journey_enterprise_inbox")
    assert days_from_today(7).isoformat() in firm.locator("body").inner_text()


def test_an_extension_request_reaches_the_supervisor(live_server, browser, phone_page):
    enterprise, people = _people()
    hazard = _hazard(enterprise, people, HazardStatus.RECTIFYING, original_deadline=days_from_today(5),
                     current_deadline=days_from_today(5))
    boss = login(phone_page, live_server, "supervisor")
    boss.goto(f"{live_server.url}/")
    before = (_bell(boss), _todo(boss, "extensions"))

    firm = _open(browser, live_server, "enterprise")
    firm.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    _act(firm, "request_extension", fill={"requested_deadline": days_from_today(20).isoformat(),
                                          "reason": "接地设备采购周期长"})

    _receives(boss, live_server, todo="extensions", text="申请将隐患", hazard=hazard, before=before,
              shot="notice_journey_supervisor_inbox")


def test_a_rectification_report_reaches_an_inspector_who_may_verify_it(live_server, browser, phone_page):
    enterprise, people = _people()
    hazard = _hazard(enterprise, people, HazardStatus.RECTIFYING, original_deadline=days_from_today(5),
                     current_deadline=days_from_today(5))
    checker = login(phone_page, live_server, "verifier")  # not the assigned inspector: a colleague
    checker.goto(f"{live_server.url}/")
    before = (_bell(checker), _todo(checker, "to_verify"))

    firm = _open(browser, live_server, "enterprise")
    firm.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    _act(firm, "report_rectification", fill={"report": "已安装接地线，检测合格"},
         files={"after_photos": {**PHOTO, "name": "整改后.jpg", "buffer": jpeg_bytes(600, 800, (30, 160, 30))}})
    assert firm.locator("[data-testid=status]").inner_text() == "申请复查"

    _receives(checker, live_server, todo="to_verify", text="已整改完成，待现场复查", hazard=hazard, before=before,
              shot="notice_journey_inspector_inbox")
    assert checker.locator("#action-verify").count() == 1  # and may verify it from there
