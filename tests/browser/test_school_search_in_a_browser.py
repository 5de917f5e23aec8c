"""The header's search in Chromium: a governor searches from the header and gets their own school;
on the results page the list follows what is typed without the page being loaded again
(htmx), and the address follows too, so back returns to the search before."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from tests.browser.conftest import Axe, signed_in_page


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_searches_from_the_header_and_the_results_follow_the_typing(
    live_server, browser: Browser, school_a: School, school_leader_a: User
) -> None:
    page = signed_in_page(browser, live_server.url, "school_leader_a")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.get_by_label("Find a school by name, town, URN or local number").fill("Bordon")
    page.keyboard.press("Enter")
    results = page.locator("#search-results")
    expect(results).to_contain_text("2 schools match “Bordon”")
    expect(results.get_by_role("link", name="Bordon Infant School")).to_be_visible()
    assert Axe().run(page).violations_count == 0

    page.evaluate("window.notReloaded = true")  # lost if the page were loaded again
    page.get_by_label("Name, town, URN or local number", exact=True).fill("Fordingbridge")
    expect(results).to_contain_text("3 schools match “Fordingbridge”")
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(f"{live_server.url}/schools/search/?q=Fordingbridge")
    page.get_by_label("Name, town, URN or local number", exact=True).fill("")
    expect(results).to_contain_text("Type part of a school's name, a town, a URN or a local number.")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/schools/search/?q=Fordingbridge")
    assert not problems, problems
