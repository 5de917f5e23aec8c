"""The journey of issue 17, "everyone takes part", in a real browser, one person after another.

First half (people): a system lead invites a headteacher by e-mail; the headteacher opens the
link, chooses a password, lands on their home page, and invites a governor of their school, who
accepts in turn. Second half (concerns): the headteacher raises a concern about a neighbour
in the same locality, and the neighbour's leader answers it on the school's concerns page;
the headteacher reads the answer at home, and a school elsewhere sees none of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.schools.models import School
from tests.browser.conftest import Axe, screenshot, sign_in, signed_in_page
from tests.conftest import make_user
from tests.people.conftest import mailed_link

HEAD_PASSWORD = "plum-orchard-lantern-97"
GOVERNOR_PASSWORD = "copper-heron-meadow-35"


def new_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()


def open_people(page: Page) -> None:
    """The header's "Data & admin" menu, then People."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Data & admin").click()
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
def raise_concern(page: Page, base: str, school: School, *, area: str, text: str) -> None:
    """From the school's page: "Raise a concern", an area, a few words."""
    page.goto(base + school.get_absolute_url())
    page.get_by_role("link", name="Raise a concern").click()
    page.get_by_label(area).check()
    page.get_by_label("In a few words").fill(text)
    assert_axe_clean(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text(f"Your concern about {school.name} is raised")).to_be_visible()


def answer_concern(page: Page, school: School, *, answer: str) -> None:
    """From the home page's "Waiting for your answer", to the school's concerns, and answer."""
    waiting = page.get_by_role("region", name="Concerns raised by people")
    expect(waiting.get_by_text("Waiting for your answer")).to_be_visible()
    waiting.get_by_role("link", name=school.name).click()
    expect(page.get_by_text("not named to you")).to_be_visible()
    page.get_by_role("textbox", name="The school's answer").fill(answer)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer is saved")).to_be_visible()
    assert_axe_clean(page)


def assert_axe_clean(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]


@pytest.mark.django_db(transaction=True)
def test_everyone_takes_part(
    live_server,
    browser: Browser,
    page: Page,
    system_lead: User,
    school_a: School,
    school_c: School,
    school_leader_b: User,
    output_dir: Path,
) -> None:
    base = live_server.url

    # A system lead invites the headteacher of Alton Infant School.
    sign_in(page, base, "system_lead")
    invite(page, email="head@alton.example.org", role="School leader", urn=school_a.urn)
    expect(page.get_by_role("cell", name="head@alton.example.org")).to_be_visible()  # waiting
    screenshot(page, output_dir / "1-invited.png", full_page=True)

    # The headteacher accepts, chooses a password, and is signed in on their home page.
    head = new_page(browser)
    accept(
        head, base, email="head@alton.example.org", first="Nia", last="Okafor", username="nia", password=HEAD_PASSWORD
    )
    expect(head.get_by_text("Welcome. You are now school leader of Alton Infant School")).to_be_visible()
    expect(head.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    screenshot(head, output_dir / "2-head-home.png", full_page=True)

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
    screenshot(governor, output_dir / "3-governor-home.png", full_page=True)

    assert set(Membership.objects.values_list("user__username", "role", "school")) >= {
        ("nia", Role.SCHOOL_LEADER, school_a.pk),
        ("sam", Role.GOVERNOR, school_a.pk),
    }

    # The headteacher's People page lists the governor, whose role is theirs to change.
    open_people(head)
    sam = head.get_by_role("row").filter(has_text="governor@alton.example.org")
    expect(sam.get_by_role("button", name="Change role")).to_be_visible()
    expect(sam.get_by_role("button", name="Switch off the account of Sam Reid")).to_be_visible()
    screenshot(head, output_dir / "4-head-people.png", full_page=True)

    # The headteacher raises a concern about a neighbour in East Hampshire ...
    make_user("leader_c", Role.SCHOOL_LEADER, school=school_c)
    raise_concern(
        head, base, school_c, area="Governance: Governors are not challenging, meeting or attending.",
        text="Their board has not met since July and two governor posts are empty.",
    )  # fmt: skip
    screenshot(head, output_dir / "5-concern-raised.png", full_page=True)
    # ... whose leader reads it (not told who raised it) and answers it ...
    neighbour = signed_in_page(browser, base, "leader_c")
    answer_concern(neighbour, school_c, answer="The board met on 3 October; both posts are being recruited.")
    screenshot(neighbour, output_dir / "6-concern-answered.png", full_page=True)
    # ... and the headteacher reads the answer on their home page.
    head.goto(f"{base}/")
    expect(head.get_by_text("The board met on 3 October")).to_be_visible()
    # A school elsewhere sees none of it.
    elsewhere = signed_in_page(browser, base, "school_leader_b", home=False)
    response = elsewhere.goto(f"{base}/schools/id/{school_c.pk}/concerns/")
    assert response is not None and response.status == 403
    elsewhere.goto(f"{base}/concerns/")
    expect(elsewhere.get_by_text("There are no concerns for you to see.")).to_be_visible()
