"""The strict Content-Security-Policy breaks nothing: a supervisor walks through the main pages
(and the API docs) in Chromium, the page scripts work, and the browser reports no violation."""
from __future__ import annotations

from hazards import services
from tests.browser.conftest import login
from tests.factories import EnterpriseFactory, inspector, photo, region, supervisor

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
  e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""


def test_the_main_pages_run_under_the_strict_csp_without_violations(live_server, desktop_page):
    enterprise = EnterpriseFactory(region=region("430522100"), name="新邵县化工有限公司")
    hazard = services.hazard_create(actor=inspector("430522"), data={"title": "储罐区防火堤破损", "enterprise": enterprise},
                                    before_photos=[photo()])
    supervisor("430522", username="wang")
    page = desktop_page
    page.add_init_script(WATCH)
    console = []
    page.on("console", lambda msg: console.append(msg.text))

    login(page, live_server, "wang")
    violations = []
    for path in ("/", "/hazards/", f"/hazards/{hazard.pk}/", "/hazards/new/", "/notices/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]

    assert "default-src 'self'" in page.context.request.get(f"{live_server.url}/").headers["content-security-policy"]
    # Scripts from our own files still run: the photo preview and the enterprise search are wired.
    page.goto(f"{live_server.url}/hazards/new/")
    assert page.locator("input[data-enterprise-search]").get_attribute("list") == "enterprise-options"
    # The Swagger UI (its init script comes from a URL, its styles from a file) renders.
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=30_000)
    violations += [f"/api/docs/: {v}" for v in page.evaluate("window.__cspViolations")]

    assert not violations, violations
    assert not [m for m in console if "Content Security Policy" in m], console
