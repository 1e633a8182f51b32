"""An inspector whose Chinese is not enough switches the phone UI to English and back."""
from __future__ import annotations

from tests.browser.conftest import login, screenshot
from tests.factories import HazardFactory, inspector


def test_inspector_switches_the_phone_ui_to_english_and_back(live_server, phone_page):
    inspector(code="430522", username="inspector", full_name="李检查")
    hazard = HazardFactory()
    page = phone_page
    login(page, live_server, "inspector")
    assert "待认定隐患" in page.locator("main").inner_text()

    # Choosing English in the switch submits it at once (app.js), and the page comes back in English.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "To confirm" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # longer words still fit
    screenshot(page, "language_journey_home_en")

    # The ledger and a hazard stay in English, with the sector named in English too.
    page.goto(f"{live_server.url}/hazards/")
    assert "Hazard ledger" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    assert "Industry and trade" in page.locator("main").inner_text()
    screenshot(page, "language_journey_detail_en")

    # Strings set by app.js come from the JavaScript catalog: without a location permission
    # the browser refuses, and the message says so in English.
    page.goto(f"{live_server.url}/hazards/new/")
    page.click("[data-geolocate]")
    status = page.locator("[data-geo-status]")
    status.filter(has_text="Cannot get the location").wait_for()
    screenshot(page, "language_journey_new_en")

    # The switch names Chinese in Chinese, so the way back is easy to find.
    with page.expect_navigation():
        page.select_option("select[name=language]", label="简体中文")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "上报隐患" in page.locator("h1").inner_text()
