"""The strict Content-Security-Policy breaks nothing: a real Chromium opens the pages with
charts (Chart.js canvases, server-drawn SVG) and reports no violation, while an inline style
slipped into the page is reported, so the listener is known to hear one."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from evenbetter.benchmarks.services import RefreshResult
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


@pytest.mark.django_db(transaction=True)
def test_pages_with_charts_raise_no_policy_violation(
    live_server, page: Page, system_lead: User, school_a: School, output_dir: Path
) -> None:
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: console.append(str(error)))
    page.add_init_script(LISTEN)

    def violations() -> list[str]:
        page.wait_for_load_state("networkidle")
        return [*page.evaluate("window.__cspViolations"), *console]

    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    assert violations() == []
    page.get_by_label("Username").fill("system_lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="The whole system")).to_be_visible()
    assert violations() == [], "home page"

    page.goto(f"{live_server.url}{school_a.get_absolute_url()}?sections=all")
    expect(page.locator('canvas[data-chart="bench-reading"]')).to_have_attribute("data-rendered", "true")
    expect(page.locator("svg.spark").first).to_be_visible()
    screenshot(page, output_dir / "school-page.png", full_page=True)
    assert violations() == [], "school page"
    # A section opened in place by htmx draws its chart under the same policy.
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    page.get_by_role("link", name="Open even better").click()
    expect(page.locator('canvas[data-chart="bench-reading"]')).to_have_attribute("data-rendered", "true")
    assert violations() == [], "a section opened by htmx"

    page.goto(f"{live_server.url}/explore/?indicator=reading&period=2018/19")
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-rendered", "true")
    assert violations() == [], "explorer"

    page.goto(f"{live_server.url}/localities/east-hampshire/network/")
    expect(page.locator("figure.network svg")).to_be_visible()
    assert violations() == [], "network picture"

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    assert violations() == [], "audit log"

    # The canary: an inline style attribute is blocked and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">canary</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("style-src") for v in page.evaluate("window.__cspViolations"))
    color = page.get_by_text("canary").evaluate("element => getComputedStyle(element).color")
    assert color != "rgb(255, 0, 0)"


@pytest.fixture(autouse=True)
def _benchmarked(register, alton_cluster) -> RefreshResult:
    return build_benchmarked(
        shifts={2016: -8, 2017: -3, 2018: 0},
        reading={"name": "Reading: expected standard", "headline": True, "standard": 65.0},
    )
