"""The journey of issue 17, "everyone takes part", in a real browser, one person after another.

First half (people): a system lead invites a headteacher by e-mail; the headteacher opens the
link, chooses a password, lands on their home page, and invites a governor of their school, who
accepts in turn. Second half, to be added here: the headteacher raises a concern about a
neighbour, and the neighbour's leader answers it — each step is a function below, so the
journey grows by appending steps to ``test_everyone_takes_part``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.models import School
from tests.browser.conftest import sign_in
from tests.people.conftest import mailed_link

HEAD_PASSWORD = "plum-orchard-lantern-97"
GOVERNOR_PASSWORD = "copper-heron-meadow-35"


def new_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()


def open_people(page: Page) -> None:
    """The header's "Data and admin" menu, then People."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Data and admin").click()
    nav.get_by_role("link", name="People").click()


def invite(page: Page, *, email: str, role: str, urn: int | None = None) -> None:
    """From any page: People, then "Invite someone"."""
    open_people(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Their e-mail address").fill(email)
    page.get_by_label("Role").select_option(label=role)
    if urn is not None:
        page.get_by_label("School (its URN)").fill(str(urn))
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"Invitation sent to {email}")).to_be_visible()


def accept(page: Page, base: str, *, email: str, first: str, last: str, username: str, password: str) -> None:
    """Open the link of the e-mail (sent by the worker), choose a username and a password."""
    page.goto(base + mailed_link(email))
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("The same password again").fill(password)
    page.get_by_role("button", name="Accept and create my account").click()


@pytest.mark.django_db(transaction=True)
def test_everyone_takes_part(
    live_server, browser: Browser, page: Page, system_lead: User, school_a: School, output_dir: Path
) -> None:
    base = live_server.url

    # A system lead invites the headteacher of Alton Infant School.
    sign_in(page, base, "system_lead")
    invite(page, email="head@alton.example.org", role="School leader", urn=school_a.urn)
    expect(page.get_by_role("cell", name="head@alton.example.org")).to_be_visible()  # waiting
    page.screenshot(path=str(output_dir / "1-invited.png"), full_page=True)

    # The headteacher accepts, chooses a password, and is signed in on their home page.
    head = new_page(browser)
    accept(
        head, base, email="head@alton.example.org", first="Nia", last="Okafor", username="nia", password=HEAD_PASSWORD
    )
    expect(head.get_by_text("Welcome. You are now school leader of Alton Infant School")).to_be_visible()
    expect(head.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    head.screenshot(path=str(output_dir / "2-head-home.png"), full_page=True)

    # The headteacher invites a governor of their own school (the URN is filled in for them).
    invite(head, email="governor@alton.example.org", role="Governor")

    governor = new_page(browser)
    accept(
        governor,
        base,
        email="governor@alton.example.org",
        first="Sam",
        last="Reid",
        username="sam",
        password=GOVERNOR_PASSWORD,
    )
    expect(governor.get_by_text("Welcome. You are now governor of Alton Infant School")).to_be_visible()
    governor.screenshot(path=str(output_dir / "3-governor-home.png"), full_page=True)

    assert set(Membership.objects.values_list("user__username", "role", "school")) >= {
        ("nia", Role.SCHOOL_LEADER, school_a.pk),
        ("sam", Role.GOVERNOR, school_a.pk),
    }

    # The headteacher's People page lists the governor, whose role is theirs to change.
    open_people(head)
    sam = head.get_by_role("row").filter(has_text="governor@alton.example.org")
    expect(sam.get_by_role("button", name="Change role")).to_be_visible()
    expect(sam.get_by_role("button", name="Switch off the account of Sam Reid")).to_be_visible()
    head.screenshot(path=str(output_dir / "4-head-people.png"), full_page=True)
