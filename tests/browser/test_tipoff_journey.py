"""A tip-off on phones: a visitor reports a hazard with a photo (no login; the page's script does
the proof of work), follows it by code; the county supervisor accepts it; the hazard appears in
the ledger with source 群众举报, and the visitor's tracking page says it was accepted."""
from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.browser.conftest import PHONE, login, screenshot
from tests.factories import jpeg_bytes, region, supervisor

PHOTO = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)}


@pytest.fixture(autouse=True)
def _private_rate_limit_cache(settings):
    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"tipoffs-{uuid.uuid4()}"}}


def test_visitor_reports_a_hazard_and_the_supervisor_accepts_it(live_server, browser, phone_page):
    region("430522", "新邵县")
    region("430522100", "酿溪镇")
    supervisor("430522", username="supervisor", full_name="王督办")

    # 1. A visitor on a phone, not logged in, fills the form with a photo.
    page = phone_page
    page.set_default_timeout(45_000)
    started = time.monotonic()
    page.goto(f"{live_server.url}/jubao/")
    page.fill("[name=description]", "酿溪镇某五金加工厂车间安全出口上锁，通道堆满纸箱。")
    page.fill("[name=address]", "新邵县酿溪镇工业园五金加工厂")
    page.select_option("[name=sector]", "fire")
    page.set_input_files("input[name=photos]", PHOTO)
    page.check("[name=consent]")
    # The page's script proves its work and hides the question.
    page.wait_for_selector("[data-challenge].solved")
    solved_after = time.monotonic() - started
    work_ms = page.get_attribute("[data-challenge]", "data-solved-ms")
    assert page.locator("[data-challenge-question]").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "tipoff_form_phone")
    with page.expect_navigation():
        page.click("form[data-tipoff-form] button[type=submit]")

    # 2. The tracking code, then the status page by code (no personal data there).
    assert page.url.endswith("/jubao/submitted/"), page.locator("body").inner_text()
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    with page.expect_navigation():
        page.get_by_role("link", name="查看办理进度").click()
    assert page.locator("[data-testid=status]").inner_text() == "已接收"

    # 3. The county supervisor finds it in the triage queue and accepts it.
    context = browser.new_context(**PHONE)
    context.set_default_timeout(45_000)
    boss = context.new_page()
    login(boss, live_server, "supervisor")
    boss.click("nav.mainnav >> text=举报受理")
    with boss.expect_navigation():
        boss.click(f"text={code}")
    assert "新邵县酿溪镇工业园五金加工厂" in boss.locator("body").inner_text()
    assert boss.locator(".gallery img").count() == 1
    box = boss.locator("#action-accept")
    box.locator("summary").click()
    box.locator("[name=title]").fill("五金加工厂安全出口上锁")
    with boss.expect_navigation():
        box.locator("button[type=submit]").click()
    assert boss.locator("[data-testid=status]").inner_text() == "已受理"
    hazard_code = boss.locator("[data-testid=hazard-link]").inner_text()
    assert hazard_code.startswith("YH-430522-")

    # 4. The hazard is in the ledger with source 群众举报.
    boss.goto(f"{live_server.url}/hazards/?source=tipoff")
    assert hazard_code in boss.locator("table.ledger").inner_text()
    with boss.expect_navigation():
        boss.click(f"text={hazard_code}")
    facts = boss.locator(".facts").first.inner_text()
    assert "群众举报" in facts
    assert boss.locator("[data-testid=hazard-tipoffs]").inner_text().count(code) == 1
    screenshot(boss, "tipoff_hazard_from_tipoff")
    context.close()

    # 5. The visitor's tracking page now says it was accepted.
    page.reload()
    assert page.locator("[data-testid=status]").inner_text() == "已受理"
    assert "王督办" not in page.locator("body").inner_text()
    screenshot(page, "tipoff_tracking_accepted")
    print(f"proof of work: {work_ms} ms in the page; solved {solved_after:.2f}s after the form was opened")


def test_without_javascript_the_question_is_answered_instead(live_server, browser):
    region("430522", "新邵县")
    region("430522100", "酿溪镇")
    context = browser.new_context(**PHONE, java_script_enabled=False)
    context.set_default_timeout(45_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/jubao/")
    question = page.locator("[data-challenge-question] label").inner_text()
    a, b = map(int, re.findall(r"(\d+) 加 (\d+)", question)[0])

    page.fill("[name=description]", "潭溪镇液化气站钢瓶露天暴晒")
    page.fill("[name=address]", "新邵县潭溪镇液化气站")
    page.select_option("[name=region]", "430522")
    page.check("[name=consent]")
    page.fill("[name=challenge_answer]", str(a + b))
    with page.expect_navigation():
        page.click("form[data-tipoff-form] button[type=submit]")

    assert page.url.endswith("/jubao/submitted/")
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", page.locator("[data-testid=tracking-code]").inner_text())
    context.close()
