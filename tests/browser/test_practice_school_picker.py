"""Sharing practice as a system lead in Chromium: the school is found by typing (htmx puts the
matching schools in the list without loading the page again), then the item is shared for it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from evenbetter.accounts.models import User
from evenbetter.practice import forms as practice_forms
from evenbetter.practice.models import PracticeItem
from evenbetter.schools.models import School
from tests.browser.conftest import Axe, signed_in_page


@pytest.mark.django_db(transaction=True)
def test_a_system_lead_finds_the_school_by_typing_and_shares_for_it(
    live_server, browser: Browser, school_a: School, system_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(practice_forms, "SCHOOLS_LISTED", 1)  # the sample's schools as a long list
    page = signed_in_page(browser, live_server.url, "system_lead", home=False)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/practice/new/")
    page.evaluate("window.notReloaded = true")  # lost if the page were loaded again
    page.get_by_label("Search by name, town or URN").fill("Bordon")
    choices = page.locator("#id_school-choices")
    expect(choices).to_contain_text("1 school matches “Bordon”")  # its junior school is closed
    page.get_by_label("The school behind it").select_option(label="Bordon Infant School (115865)")
    assert page.evaluate("window.notReloaded") is True
    assert Axe().run(page).violations_count == 0
    page.get_by_label("Idea").check()
    page.get_by_label("Title").fill("Lunchtime reading")
    page.get_by_label("In a sentence or two").fill("Books at lunch.")
    page.get_by_label("The whole of it").fill("Older pupils read with younger ones.")
    page.get_by_label("Reading").check()
    page.get_by_role("button", name="Share it").click()
    expect(page.get_by_text("is shared. Thank you.")).to_be_visible()
    assert [s.name for s in PracticeItem.objects.get().schools.all()] == ["Bordon Infant School"]
    assert not problems, problems
