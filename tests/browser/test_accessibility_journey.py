"""The inbox on a phone: readable notices that link to their hazard, a bell big enough to tap —
and the axe-core check behind every journey has teeth."""
from __future__ import annotations

import datetime

from hazards.choices import HazardStatus
from hazards.escalation import run_escalation
from tests.browser.conftest import PHONE, AxeWatch, login, screenshot
from tests.factories import EnterpriseFactory, HazardFactory, inspector, region


def test_an_inspector_reads_the_inbox_on_a_phone(live_server, phone_page):
    enterprise = EnterpriseFactory(region=region("430522100"), name="新邵县化工有限公司")
    user = inspector("430522", username="li")
    deadline = datetime.date(2026, 3, 10)
    hazard = HazardFactory(enterprise=enterprise, title="储罐区防火堤破损", status=HazardStatus.RECTIFYING,
                           original_deadline=deadline, current_deadline=deadline, assigned_inspector=user)
    run_escalation(as_of=deadline + datetime.timedelta(days=1))
    page = login(phone_page, live_server, "li")

    bell = page.locator("[data-testid=bell]")
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    assert bell.get_attribute("aria-label") == "消息，未读 1 条"
    screenshot(page, "15a-home-phone")
    bell.click()
    link = page.locator("[data-testid=notice-link]")
    assert link.count() == 1 and hazard.code in link.inner_text()
    # Legible: the link's text is not the card's white (axe measures the ratio on teardown).
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=notice-link]')).color") != "rgb(255, 255, 255)"
    screenshot(page, "15a-inbox-phone")
    page.locator("[data-testid=mark-read]").click()
    page.wait_for_selector("[data-testid=inbox-unread]:has-text('未读 0 条')")
    link.click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")

    # 待办: the overdue hazard they follow, one tap from the ledger rows it counts.
    page.goto(f"{live_server.url}/todo/")
    overdue = page.locator("[data-testid=todo-overdue]")
    assert overdue.locator(".num").inner_text() == "1"
    screenshot(page, "15a-todo-phone")
    overdue.click()
    page.wait_for_url("**/hazards/?**")
    assert hazard.code in page.locator("main").inner_text()


def test_the_axe_check_reports_white_text_on_a_white_card(live_server, browser):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        watch = AxeWatch(page)
        page.goto(f"{live_server.url}/accounts/login/")
        assert watch.violations() == []
        # CSSOM, not a style attribute: the strict CSP forbids inline styles.
        page.evaluate("""() => { const p = document.createElement('p'); p.textContent = '看不见的消息';
            p.style.color = '#fff'; p.style.background = '#fff'; document.querySelector('main').append(p); }""")
        problems = watch.violations()
    finally:
        context.close()
    assert any("color-contrast-equal (serious)" in p and "#ffffff on #ffffff" in p for p in problems), problems
