"""On a phone, an inspector reporting a hazard the enterprise already has open is shown the
open one before anything is saved, links it as the same, and lands on the open hazard."""
from __future__ import annotations

import re
from decimal import Decimal

from hazards import services
from hazards.models import Hazard
from tests.browser.conftest import login, screenshot
from tests.factories import EnterpriseFactory, TipOffFactory, inspector, region


def test_a_near_duplicate_is_shown_and_linked_on_a_phone(live_server, phone_page):
    region("430522100", "酿溪镇")
    plant = EnterpriseFactory(name="新邵县资江化工有限公司", region=region("430522100"),
                              latitude=Decimal("27.311000"), longitude=Decimal("111.459000"))
    reporter = inspector("430522", username="inspector", full_name="张检查")
    original = services.hazard_create(actor=reporter, data={"title": "储罐区可燃气体报警器失效", "enterprise": plant})

    page = phone_page
    login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("[name=enterprise]", plant.name)
    page.fill("[name=title]", "储罐区可燃气体报警器损坏失效")
    with page.expect_navigation():
        page.click("form.quick-entry button[type=submit]")
    box = page.locator("[data-testid=duplicate-candidates]")
    assert original.code in box.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "duplicate-candidates")
    assert Hazard.objects.count() == 1

    with page.expect_navigation():
        box.locator("button[name=duplicate_of]").click()
    assert re.search(rf"/hazards/{original.pk}/$", page.url)
    assert "已关联为同一隐患" in page.locator("body").inner_text()
    assert Hazard.objects.get(duplicate_of=original).status == "rejected"

    tip = TipOffFactory(description="资江化工储罐区报警器坏了", latitude=Decimal("27.311300"),
                        longitude=Decimal("111.459100"))
    page.goto(f"{live_server.url}/tipoffs/{tip.pk}/")
    assert original.code in page.locator("[data-testid=near-hazards]").inner_text()
    screenshot(page, "tipoff-near-hazards")
