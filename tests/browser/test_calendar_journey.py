"""A province administrator on a phone is told on the home page that 2027's holiday notice is
not entered, opens the calendar, is refused a make-up workday on a weekday with the name kept,
and enters a day off that the list then shows."""
from __future__ import annotations

import datetime

from accounts.choices import Role
from tests.browser.conftest import login, screenshot
from tests.factories import UserFactory, region
from workdays.rules import is_workday


def test_province_administrator_enters_a_day_of_the_calendar(live_server, phone_page):
    UserFactory(role=Role.ADMIN, region=region("43", "湖南省"), username="provadmin")
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, "provadmin")
    page.goto(f"{live_server.url}/")
    warning = page.get_by_test_id("calendar-unpublished")
    assert "2027 年的节假日安排" in warning.inner_text()
    warning.get_by_role("link").click()
    page.wait_for_load_state()
    assert "尚未发布或尚未录入" in page.get_by_test_id("calendar-notice").inner_text()

    _send_day(page, {"day-day": "2027-01-04", "day-name": "元旦"}, kind="makeup_workday")  # a Monday
    assert "调休上班日只能是周六或周日" in page.content()
    assert page.locator("input[name=day-name]").input_value() == "元旦"
    screenshot(page, "calendar-refused")

    _send_day(page, {}, kind="holiday")
    assert "2027-01-04" in page.get_by_test_id("calendar-days").inner_text()
    screenshot(page, "calendar-saved")
    assert not is_workday(datetime.date(2027, 1, 4))
    assert errors == []


def _send_day(page, fields: dict, *, kind: str) -> None:
    """Fill the day form (what is not given stays as the page kept it) and send it."""
    form = page.get_by_test_id("calendar-day-form")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator(f"input[name=day-kind][value={kind}]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
