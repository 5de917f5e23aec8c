"""A school leader signs in, finds a school in the directory and opens its page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_finds_a_school_and_opens_its_page(
    live_server, page: Page, school_leader_a: User, output_dir: Path
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill("school_leader_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your school")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Schools", exact=True).click()  # the group's menu (a <details>)
    nav.get_by_role("link", name="Find a school").click()
    page.get_by_label("Name, town, postcode, URN or local number").fill("Ash Grange")
    page.get_by_role("button", name="Search", exact=True).click()
    # The count, in the results (a screen reader also hears it from a live region after a change).
    expect(page.locator("#directory-results").get_by_text("1 school found")).to_be_visible()
    page.get_by_role("link", name="Ash Grange Nursery and Primary School").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ash Grange Nursery and Primary School")
    expect(page.get_by_text("URN 125116")).to_be_visible()
    expect(page.get_by_text("Public data")).to_be_visible()
    expect(page.get_by_role("link", name="Guildford")).to_be_visible()
    page.screenshot(path=str(output_dir / "school-page.png"), full_page=True)  # always: its size says it drew
    assert (output_dir / "school-page.png").stat().st_size > 10_000


@pytest.mark.django_db(transaction=True)
def test_a_governor_is_shown_a_clear_page_for_a_school_they_may_not_see(
    live_server, page: Page, governor: User, school_b, output_dir: Path
) -> None:
    sign_in(page, live_server.url, "governor")
    expect(page.get_by_role("heading", name="The school you govern")).to_be_visible()
    response = page.goto(f"{live_server.url}/schools/{school_b.urn}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    screenshot(page, output_dir / "forbidden.png")
