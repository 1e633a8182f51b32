"""A county supervisor on a phone narrows the ledger: picks a township by name from the filter
bar, sees a bad date refused beside its field, sorts by 逾期天数 and by 整改期限, and a desktop
user sorts by a column header and changes the page size — axe-core checks every page."""
from __future__ import annotations

import datetime
import re

from django.utils import timezone

from hazards.choices import HazardStatus
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, HazardFactory, days_from_today, region, supervisor


def _ledger(n_late_niangxi: int = 3):
    region("430522", "新邵县")
    niangxi, yantang = region("430522100", "酿溪镇"), region("430522101", "严塘镇")
    region("430407100", "石鼓街道")  # another city: never offered
    supervisor("430522", username="county")
    hazards = {}
    for i, days in enumerate((-9, -2, -5)[:n_late_niangxi]):
        hazards[f"n{i}"] = HazardFactory(
            code=f"YH-N{i}", title=f"酿溪隐患{i}", status=HazardStatus.RECTIFYING,
            enterprise=EnterpriseFactory(name=f"酿溪镇第{i}机砖厂", region=niangxi),
            original_deadline=days_from_today(days), current_deadline=days_from_today(days),
            found_at=timezone.now() - datetime.timedelta(days=20 + i))
    hazards["y"] = HazardFactory(code="YH-Y0", title="严塘隐患", status=HazardStatus.RECTIFYING,
                                 enterprise=EnterpriseFactory(name="严塘镇石灰厂", region=yantang),
                                 original_deadline=days_from_today(-30), current_deadline=days_from_today(-30))
    return hazards


def _row_codes(page) -> list[str]:
    return [t.strip() for t in page.locator("table.ledger tbody tr td:first-child a").all_inner_texts()]


def test_phone_filters_the_ledger_by_region_name_and_sorts_it(live_server, phone_page):
    _ledger()
    page = phone_page
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/hazards/")

    # The bar fits the phone: nothing wider than the screen, "更多筛选" closed.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("details.more-filters").get_attribute("open") is None
    options = page.locator("select[name=region] option").all_inner_texts()
    assert [o.strip() for o in options] == ["全部区划", "新邵县", "酿溪镇", "严塘镇"]

    # Pick the township by its name (the select is labelled, so by label too).
    page.get_by_label("所属区划（含下级）").select_option(label="\u00a0\u00a0酿溪镇")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert "region=430522100" in page.url
    assert page.locator("[data-testid=ledger-count]").inner_text() == "共 3 条"
    assert "YH-Y0" not in _row_codes(page)
    screenshot(page, "ledger-phone-region")

    # Sort on the phone: the strip above the cards, most overdue first.
    with page.expect_navigation():
        page.locator("nav.sort-bar").get_by_role("link", name=re.compile("^逾期天数")).click()
    assert "ordering=-overdue_days" in page.url and "region=430522100" in page.url
    assert _row_codes(page) == ["YH-N0", "YH-N2", "YH-N1"]
    first_card = page.locator("table.ledger tbody tr").first
    assert "9 天" in first_card.locator("td[data-label=逾期天数]").inner_text()
    # Again: the other way round.
    with page.expect_navigation():
        page.locator("nav.sort-bar").get_by_role("link", name=re.compile("^逾期天数")).click()
    assert _row_codes(page) == ["YH-N1", "YH-N2", "YH-N0"]
    screenshot(page, "ledger-phone-sorted")

    # A wrong date in "更多筛选" (typed into the address): refused beside its field, disclosure open.
    page.goto(f"{live_server.url}/hazards/?region=430522100&found_after=2026-13-01")
    assert page.locator("details.more-filters").get_attribute("open") is not None
    error = page.locator("#id_found_after_error")
    assert error.inner_text() == "输入一个有效的日期。"
    assert page.locator("#id_found_after").get_attribute("aria-describedby") == "id_found_after_error"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "ledger-phone-bad-date")


def test_desktop_sorts_by_a_column_header_and_changes_the_page_size(live_server, desktop_page):
    _ledger()
    HazardFactory.create_batch(25, enterprise=EnterpriseFactory(region=region("430522101")))
    page = desktop_page
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/hazards/?level=general")
    header = page.locator("th", has=page.locator("a[data-sort=deadline]"))
    assert header.get_attribute("aria-sort") is None
    with page.expect_navigation():
        page.locator("a[data-sort=deadline]").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert _row_codes(page)[0] == "YH-Y0"  # the earliest deadline
    assert "level=general" in page.url
    # Page numbers and 50 rows a page keep the filter and the order.
    assert page.locator(".page-numbers a", has_text="2").count() == 1
    with page.expect_navigation():
        page.locator("nav.page-sizes").get_by_role("link", name="50 条").click()
    assert "ordering=deadline" in page.url and "page_size=50" in page.url
    assert len(_row_codes(page)) == 29 and page.locator(".page-numbers a").count() == 0
    screenshot(page, "ledger-desktop-sorted")
