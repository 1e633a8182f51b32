"""On a phone: the enterprise contact's 待办 says how many days each hazard has left (or how
long it is overdue) and opens it; a county supervisor reads last night's run of their county
and the rule that applied. axe-core checks every page (conftest AxeWatch)."""
from __future__ import annotations

import datetime

from hazards.choices import HazardStatus
from hazards.escalation import run_escalation
from notices.models import EscalationRun
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, HazardFactory, days_from_today, enterprise_contact, region, supervisor


def test_the_enterprise_contact_sees_days_left_and_the_supervisor_reads_the_run(live_server, phone_page):
    enterprise = EnterpriseFactory(region=region("430522100"), name="新邵县化工有限公司")
    enterprise_contact(enterprise, username="liu")
    supervisor("430522", username="wang")
    late = HazardFactory(enterprise=enterprise, title="储罐区防火堤破损", status=HazardStatus.RECTIFYING,
                         original_deadline=days_from_today(-8), current_deadline=days_from_today(-8))
    HazardFactory(enterprise=enterprise, title="配电房门口堆放杂物", status=HazardStatus.RECTIFYING,
                  original_deadline=days_from_today(2), current_deadline=days_from_today(2))
    run_escalation(as_of=days_from_today(0))

    page = login(phone_page, live_server, "liu")
    page.goto(f"{live_server.url}/todo/")
    rows = page.locator("[data-testid=todo-to_rectify-hazards] li")
    assert rows.count() == 2
    assert "逾期 8 天" in rows.nth(0).inner_text() and "剩 2 天" in rows.nth(1).inner_text()
    screenshot(page, "15-todo-days-left-phone")
    rows.nth(0).locator("a").click()
    page.wait_for_url(f"**/hazards/{late.pk}/")

    page.context.clear_cookies()
    page = login(page, live_server, "wang")
    page.goto(f"{live_server.url}/notices/runs/")
    run = EscalationRun.objects.get(as_of=days_from_today(0))
    assert page.locator("[data-testid=mine-level2]").first.inner_text() == "1"
    page.locator(f"[data-testid=run-{run.pk}]").click()
    page.wait_for_url(f"**/notices/runs/{run.pk}/")
    row = page.locator(f"[data-testid=escalation-{late.code}]")
    assert "系统默认规则：逾期 7 天起" in row.inner_text()
    screenshot(page, "15-run-detail-phone")
