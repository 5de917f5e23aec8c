"""The API's docs page in a real Chromium: Swagger UI draws every operation from this
site's own files, with no Content-Security-Policy violation, and a signed-in person can
try an operation with their session."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from tests.api.conftest import World, world  # noqa: F401  (the API's small world of schools, as a fixture here)
from tests.browser.conftest import sign_in
from tests.browser.test_content_security_policy import LISTEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_works_under_the_content_security_policy(
    live_server,
    page: Page,
    world: World,  # noqa: F811  (the fixture imported above)
    system_lead: User,
    output_dir: Path,
) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(LISTEN)
    # Signed in on the web first, as a person would be before trying the API in the browser.
    sign_in(page, live_server.url, "system_lead")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/api/v1/docs/try/")
    expect(page.get_by_role("heading", name="Even Better API")).to_be_visible()
    operation = page.locator("#operations-schools-schools_list")
    expect(operation).to_be_visible()
    expect(page.locator(".opblock")).to_have_count(17)
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    body = page.locator(".live-responses-table tbody td.response-col_status").first
    expect(body).to_have_text("200")
    expect(page.locator(".live-responses-table .microlight").first).to_contain_text("Alton Infant School")
    page.screenshot(path=str(output_dir / "api-docs.png"), full_page=False)
    page.wait_for_load_state("networkidle")
    assert [*page.evaluate("window.__cspViolations"), *problems] == []
