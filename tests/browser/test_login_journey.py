"""A county inspector logs in on a phone and lands on a Chinese home page."""
from __future__ import annotations

from tests.browser.conftest import login, screenshot
from tests.factories import inspector


def test_inspector_logs_in_on_a_phone_and_sees_the_hazard_home(live_server, phone_page):
    inspector(code="430522", username="inspector", full_name="李检查")

    login(phone_page, live_server, "inspector")

    assert phone_page.url == f"{live_server.url}/"
    body = phone_page.locator("body").inner_text()
    assert "隐患" in body
    assert "李检查" in body
    # The layout fits the phone: nothing wider than the 375px viewport.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert screenshot(phone_page, "login_journey_phone_home").stat().st_size > 0


def test_a_wrong_password_does_not_log_in(live_server, phone_page):
    inspector(code="430522", username="inspector")

    phone_page.goto(f"{live_server.url}/accounts/login/")
    phone_page.fill("input[name=username]", "inspector")
    phone_page.fill("input[name=password]", "wrong-password")
    with phone_page.expect_navigation():
        phone_page.click("form button[type=submit]")

    assert "/accounts/login/" in phone_page.url
    phone_page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in phone_page.url  # the home page still sends us to log in
