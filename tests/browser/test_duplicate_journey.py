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


def test_a_tipoff_and_a_failed_item_are_linked_to_the_open_hazard_on_a_phone(live_server, phone_page):
    from accounts.models import Department
    from inspections import services as inspection_services
    from inspections.models import ChecklistTemplate
    from tests.factories import days_from_today
    from tipoffs.models import TipOff

    region("430522100", "酿溪镇")
    plant = EnterpriseFactory(name="新邵县资江化工有限公司", region=region("430522100"),
                              latitude=Decimal("27.311000"), longitude=Decimal("111.459000"))
    department = Department.objects.create(region=region("430522", "新邵县"), name="应急管理局")
    reporter = inspector("430522", username="inspector", full_name="张检查", department=department)
    partner = inspector("430522", username="partner", full_name="李复查", department=department)
    original = services.hazard_create(actor=reporter, data={"title": "储罐区可燃气体报警器失效", "enterprise": plant})
    tip = TipOffFactory(description="资江化工储罐区可燃气体报警器坏了", latitude=Decimal("27.311300"),
                        longitude=Decimal("111.459100"))

    page = phone_page
    login(page, live_server, "inspector")
    # The queue flags the tip-off near the open hazard.
    page.goto(f"{live_server.url}/tipoffs/")
    assert "100 米内有 1 条未办结隐患" in page.locator(f"tr:has-text('{tip.tracking_code}')").inner_text()
    screenshot(page, "tipoff-queue-near-flag")

    # Accepting it for the plant shows the open hazard first; staff link it.
    page.goto(f"{live_server.url}/tipoffs/{tip.pk}/")
    box = page.locator("#action-accept")
    box.locator("summary").click()
    box.locator("[name=title]").fill("储罐区可燃气体报警器损坏")
    box.locator("[name=enterprise]").fill(plant.name)
    with page.expect_navigation():
        box.locator("button.primary[type=submit]").last.click()
    candidates = page.locator("#action-accept [data-testid=duplicate-candidates]")
    assert original.code in candidates.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "tipoff-accept-candidates")
    with page.expect_navigation():
        candidates.locator("button[name=duplicate_of]").click()
    assert TipOff.objects.get(pk=tip.pk).status == "duplicate" and Hazard.objects.count() == 1

    # A failed checklist item like the open hazard: the card lists it; the inspector links it.
    template = ChecklistTemplate.objects.get(code="fire-safety")
    first_item = template.versions.get().items.filter(is_major_criterion=False).order_by("position").first()
    services.hazard_create(actor=reporter, data={"title": f"不符合：{first_item.text}", "enterprise": plant})
    inspection = inspection_services.inspection_create(actor=reporter, enterprise=plant, type="routine",
                                                       date=days_from_today(0), inspectors=[reporter, partner],
                                                       template=template)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    card = page.locator(f"#item-{first_item.pk}")
    card.locator("label.choice-fail").click()
    assert "该单位已有相似的未办结隐患" in card.inner_text()
    card.locator("[name=note]").fill("仍未整改")
    card.locator("input[name=same_as]").first.check()
    screenshot(page, "inspection-item-candidates")
    card.locator("button[type=submit]").click()
    page.locator(f"#item-{first_item.pk} [data-testid=hazard-link]").wait_for()
    row = inspection.results.get()
    assert row.hazard.duplicate_of is not None and row.hazard.status == "rejected"
