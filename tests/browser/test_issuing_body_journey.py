"""An administrator of 邵阳市 on a phone sets the issuing body (发文机关) of the city's circulars:
the page shows the defaults derived from the name, a document number in the short name is
refused in Chinese with the text kept, and the corrected settings are saved."""
from __future__ import annotations

from accounts.choices import Role
from supervision.models import IssuingBody
from tests.browser.conftest import login, screenshot
from tests.factories import UserFactory, region


def test_administrator_sets_the_issuing_body_of_the_city(live_server, phone_page):
    region("4305", "邵阳市")
    UserFactory(role=Role.ADMIN, region=region("4305"), username="cityadmin")
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, "cityadmin")
    page.goto(f"{live_server.url}/supervision/issuing-body/")
    assert "邵阳市安全生产委员会办公室" in page.get_by_test_id("issuer-current").inner_text()
    assert "邵阳市安委办〔" in page.get_by_test_id("issuer-current").inner_text()

    form = page.get_by_test_id("issuer-form")
    form.locator("input[name=short_name]").fill("邵阳市安委办〔2026〕")
    form.locator("input[name=copy_to]").fill("湖南省安全生产委员会办公室")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "机关代字只填机关简称" in page.content()
    assert page.locator("input[name=copy_to]").input_value() == "湖南省安全生产委员会办公室"
    screenshot(page, "issuing-body-refused")

    page.locator("input[name=short_name]").fill("邵阳市安委办")
    page.get_by_test_id("issuer-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "本区划自行设置" in page.get_by_test_id("issuer-source").inner_text()
    screenshot(page, "issuing-body-saved")
    body = IssuingBody.objects.get(region_id="4305")
    assert (body.short_name, body.copy_to) == ("邵阳市安委办", "湖南省安全生产委员会办公室")
    assert errors == []
