"""Browser fixtures: headless Debian Chromium driven by Playwright against pytest-django's live_server.

Chromium comes from the system package (/usr/bin/chromium); Playwright never downloads a browser.
Every test here is marked `browser` (tests/conftest.py) and so skipped without Chromium outside CI.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM
from tests.factories import PASSWORD

# Playwright's sync API keeps an asyncio loop in this thread; Django would otherwise refuse the
# ORM calls the tests make to set up data ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machine has no outside network: these stop Chromium's own background connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: a loaded 2-core CI machine can take seconds to render a page.
TIMEOUT_MS = 30_000
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# axe-core, vendored for the tests only (never under static/, never served to users).
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Serious and critical violations fail the journey; each is reported with its rule, impact,
# target and (for contrast) the colours axe measured.
AXE_RUN = """async () => {
  if (document.contentType !== "text/html" || !window.axe) return null;
  const result = await window.axe.run(document, {resultTypes: ["violations", "incomplete"]});
  const report = (v, nodes) => ({id: v.id, impact: v.impact, nodes: nodes.slice(0, 5).map(n => {
    const data = (n.any[0] || {}).data || {};
    return {target: n.target.join(" "), colours: data.fgColor ? `${data.fgColor} on ${data.bgColor} (${data.contrastRatio}:1)` : ""};
  })});
  const serious = result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => report(v, v.nodes));
  // axe files text of exactly the background's colour (1:1, the inbox's old white on white) as
  // "needs review", taking it for hidden text; on our pages it is unreadable text.
  for (const v of result.incomplete.filter(v => v.id === "color-contrast")) {
    const same = v.nodes.filter(n => n.any.some(c => (c.data || {}).messageKey === "equalRatio"));
    if (same.length) serious.push(report({id: "color-contrast-equal", impact: "serious"}, same));
  }
  return serious;
}"""


# Not checked: the API docs are drf-spectacular's Swagger UI, whose markup and colours are the
# upstream's (nested buttons, its own palette); a page for developers, not a journey's.
AXE_SKIP = ("/api/docs/",)


class AxeWatch:
    """Every page a journey opens is checked with axe-core: the page it ends on as it is, then
    every other address it visited, opened again (a journey moves on faster than axe runs)."""

    def __init__(self, page):
        self.page, self.visited = page, []
        # An init script runs in every document and, like DevTools, is not subject to the site's
        # CSP: the CSP stays exactly what users get (test_csp_journey.py proves it holds).
        page.context.add_init_script(path=str(AXE))
        page.on("response", self._navigated)

    def _navigated(self, response) -> None:
        # Only documents fetched with GET can be opened again by their address; a page shown in
        # answer to a POST (a form re-rendered with its errors) is checked when a journey ends on it.
        request = response.request
        # Downloads (an error report, an export) are navigations too, but no page to check.
        if (request.is_navigation_request() and request.frame == self.page.main_frame and request.method == "GET"
                and "text/html" in response.headers.get("content-type", "")
                and response.url.startswith("http") and response.url not in self.visited):
            self.visited.append(response.url)

    def _check(self) -> list[str]:
        found = self.page.evaluate(AXE_RUN) or []
        return [f"{self.page.url}: {v['id']} ({v['impact']}) " + "; ".join(
            f"{n['target']} {n['colours']}".strip() for n in v["nodes"]) for v in found]

    def violations(self) -> list[str]:
        if self.page.is_closed():
            return []
        skip = urlsplit(self.page.url).path in AXE_SKIP
        problems, checked = [] if skip else self._check(), {self.page.url}
        for url in list(self.visited):
            if url in checked or urlsplit(url).path in AXE_SKIP:
                continue
            checked.add(url)
            self.page.goto(url)
            self.page.wait_for_load_state("load")
            problems += self._check()
        return problems


def _checked_page(context):
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = AxeWatch(page)
    yield page
    try:
        problems = watch.violations()
    finally:
        context.close()
    if problems:
        pytest.fail("axe-core: serious/critical accessibility violations:\n" + "\n".join(problems))


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh phone-sized page (375x812, touch, zh-CN) with its own cookies, checked with axe-core."""
    yield from _checked_page(browser.new_context(**PHONE))


@pytest.fixture
def desktop_page(browser, live_server):
    yield from _checked_page(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"))


def login(page, live_server, username: str, password: str = PASSWORD):
    """Log in through the real login form and wait for the page after it."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    return page


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under var/screenshots/ (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
