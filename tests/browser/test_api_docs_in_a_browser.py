"""The API's docs page and the API tokens page in a real Chromium, with no Content-Security-Policy
violation: from the docs page a signed-in person opens the tokens page, makes a token, copies it
from the page that shows it once, reads the API with it, revokes it and is refused with it. Both
token pages are axe-clean at a desk (1280 px) and on a phone (360 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from tests.api.conftest import World, world  # noqa: F401  (the API's small world of schools, as a fixture here)
from tests.browser.conftest import Axe, screenshot, sign_in
from tests.browser.test_content_security_policy import LISTEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _axe_clean(page: Page, where: str) -> None:
    for width in (None, PHONE):
        if width:
            page.set_viewport_size(width)
        result = Axe().run(page)
        assert result.violations_count == 0, f"{where} at {width or 'desk width'}:\n{result.generate_report()}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_token_made_on_the_page_reads_the_api_until_it_is_revoked(
    live_server,
    page: Page,
    world: World,  # noqa: F811  (the fixture imported above)
    governor: User,
    output_dir: Path,
) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(LISTEN)
    sign_in(page, live_server.url, "governor")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="Even Better API", level=1)).to_be_visible()
    page.get_by_role("link", name="Make or revoke your API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no token yet.")).to_be_visible()
    _axe_clean(page, "the tokens page, empty")

    page.get_by_label("What the token is for").fill("Governors' spreadsheet")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("alert")).to_contain_text("Copy the token now")
    raw = page.get_by_label("The token").input_value()
    assert raw.startswith("eb_") and len(raw) > 40
    screenshot(page, output_dir / "token-made.png", full_page=True)
    _axe_clean(page, "the new token's page")

    read = page.request.get(f"{live_server.url}/api/v1/schools/", headers={"Authorization": f"Bearer {raw}"})
    assert read.status == 200 and "Alton Infant School" in read.text()

    page.get_by_role("link", name="Back to your tokens").click()
    row = page.get_by_role("row", name="Governors' spreadsheet")
    expect(row).to_contain_text("Works")
    assert raw not in page.content()  # shown that once only
    _axe_clean(page, "the tokens page with a token")
    screenshot(page, output_dir / "tokens.png", full_page=True)

    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("no longer works with the API")
    expect(page.get_by_role("row", name="Governors' spreadsheet")).to_contain_text("Revoked")
    refused = page.request.get(f"{live_server.url}/api/v1/schools/", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status == 401
    page.wait_for_load_state("networkidle")
    assert [*page.evaluate("window.__cspViolations"), *problems] == []
