"""An incident on phones: the county inspector records it with two deaths, reports it to the
city, updates it to three; it is re-graded 较大 and the city is notified; the city sees it on
the supervision dashboard (事故起数, 死亡人数, 同比, 双下降), drills down to it, and opens the
incident figures page from there."""
from __future__ import annotations

import datetime
import re

from django.utils import timezone

from tests.browser.conftest import PHONE, login, screenshot
from tests.factories import EnterpriseFactory, inspector, region, supervisor


def _act(page, action: str, fill: dict | None = None):
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    for name, value in (fill or {}).items():
        box.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_incident_recorded_regraded_and_seen_by_the_city(live_server, browser, phone_page):
    for code, name in (("43", "湖南省"), ("4305", "邵阳市"), ("430522", "新邵县"), ("430522100", "酿溪镇")):
        region(code, name)
    enterprise = EnterpriseFactory(name="新邵县示范建材有限公司", region=region("430522100"))
    inspector("430522", username="inspector", full_name="张检查")
    supervisor("430522", username="supervisor", full_name="王督办")
    supervisor("4305", username="city", full_name="赵市督")

    # 1. The inspector records the incident on the phone: two deaths, 一般事故.
    page = phone_page
    page.set_default_timeout(45_000)
    login(page, live_server, "inspector")
    page.click("nav.mainnav >> text=事故")
    page.click("text=记录事故")
    occurred = timezone.localtime(timezone.now() - datetime.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M")
    page.fill("[name=title]", "建材公司“11·25”高处坠落事故")
    page.fill("[name=occurred_at]", occurred)
    page.fill("[name=enterprise]", enterprise.name)
    page.select_option("[name=type]", "fall")
    page.fill("[name=deaths]", "2")
    page.fill("[name=serious_injuries]", "1")
    assert "一般事故" in page.locator("[data-grade-output]").inner_text()  # live preview
    assert _fits_the_phone(page)
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    assert re.search(r"/incidents/\d+/$", page.url), page.locator("body").inner_text()
    assert page.locator("[data-testid=grade]").inner_text() == "一般事故"
    clock = page.locator("[data-testid=clock]").inner_text()
    assert "事故单位 → 县级" in clock and "按时" in clock and "县级 → 市级" in clock and "待上报" in clock
    assert "市级 → 省级" not in clock
    assert _fits_the_phone(page)

    # 2. The county passes it up to the city: the city is notified at once.
    _act(page, "report_step", {"note": "已电话报告市应急管理局"})
    assert "赵市督" in page.locator("[data-testid=notified]").inner_text()

    # 3. A seriously injured worker dies: the inspector updates the figures to three deaths.
    _act(page, "update_figures", {"deaths": "3", "serious_injuries": "0", "comment": "一名重伤人员经抢救无效死亡"})
    assert page.locator("[data-testid=grade]").inner_text() == "较大事故"
    clock = page.locator("[data-testid=clock]").inner_text()
    assert "市级 → 省级" in clock  # 较大: up to the province, the city's two hours running
    notified = page.locator("[data-testid=notified]").inner_text()
    assert "市级" in notified and "赵市督" in notified
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "续报伤亡和损失" in timeline and "死亡人数：2 → 3" in timeline and "一般事故 → 较大事故" in timeline
    screenshot(page, "incident_regraded")

    # 4. The city sees the bell, the incident in its inbox and on the supervision dashboard.
    context = browser.new_context(**PHONE)
    city = context.new_page()
    city.set_default_timeout(45_000)
    login(city, live_server, "city")
    assert city.locator("[data-testid=bell-count]").inner_text() == "2"
    city.click("[data-testid=bell]")
    assert "较大事故" in city.locator("[data-testid=incident-inbox]").inner_text()
    # Wait for the page's load event: until the deferred supervision.js hides the custom-period
    # date inputs, they are wider than half a phone's screen.
    with city.expect_navigation():
        city.click("nav.mainnav >> text=统计分析")
    assert city.locator("h1").inner_text().startswith("邵阳市")
    assert city.locator("[data-testid=incident-incidents]").inner_text() == "1"
    assert city.locator("[data-testid=incident-deaths]").inner_text() == "3"
    assert city.locator("[data-testid=incident-prev-deaths]").inner_text() == "0"  # none last year
    assert "未实现双下降" in city.locator("[data-testid=double-decline]").inner_text()
    assert _fits_the_phone(city)
    screenshot(city, "incident_dashboard_city")
    dashboard_url = city.url
    with city.expect_navigation():
        city.click("[data-testid=incident-deaths]")
    assert "/incidents/" in city.url and "fatal=1" in city.url
    assert city.locator("[data-testid=count]").inner_text() == "共 1 起"
    assert "高处坠落事故" in city.locator("[data-testid=incidents]").inner_text()

    # 5. From the dashboard to the breakdowns on the figures page, and down to the incident again.
    city.goto(dashboard_url)
    with city.expect_navigation():
        city.click("[data-testid=incident-figures-link]")
    assert city.locator("[data-testid=total-incidents]").inner_text() == "1"
    assert city.locator("[data-testid=total-deaths]").inner_text() == "3"
    assert "新邵县" in city.locator("[data-testid=by-region]").inner_text()
    assert _fits_the_phone(city)
    screenshot(city, "incident_figures_city")
    with city.expect_navigation():
        city.click("[data-testid=total-deaths]")
    assert city.locator("[data-testid=count]").inner_text() == "共 1 起"
    assert "高处坠落事故" in city.locator("[data-testid=incidents]").inner_text()
    context.close()
