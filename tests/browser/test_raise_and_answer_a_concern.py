"""A headteacher raises a concern about a neighbouring school; the neighbour's leader reads it
on their home page and answers it; the first reads the answer. Another school sees nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from evenbetter.accounts.models import Role, User
from evenbetter.concerns.models import Concern
from evenbetter.schools.models import School
from tests.browser.conftest import signed_in_page
from tests.conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_a_headteacher_raises_a_concern_about_a_neighbour_who_answers_it(
    live_server, browser: Browser, school_leader_a: User, school_leader_b: User, school_c: School, output_dir: Path
) -> None:
    make_user("leader_c", Role.SCHOOL_LEADER, school=school_c)
    base = live_server.url

    raiser: Page = signed_in_page(browser, base, "school_leader_a")
    raiser.goto(f"{base}{school_c.get_absolute_url()}")
    raiser.get_by_role("link", name="Raise a concern").click()
    expect(raiser.get_by_role("heading", level=1)).to_have_text(f"Raise a concern about {school_c.name}")
    raiser.get_by_label("Governance: Governors are not challenging, meeting or attending.").check()
    raiser.get_by_label("In a few words").fill("Their board has not met since July and two governor posts are empty.")
    violations = Axe().run(raiser).response["violations"]
    assert not violations, [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]
    raiser.get_by_role("button", name="Raise the concern").click()
    expect(raiser.get_by_text(f"Your concern about {school_c.name} is raised")).to_be_visible()
    raiser.screenshot(path=str(output_dir / "concern-raised.png"), full_page=True)

    neighbour: Page = signed_in_page(browser, base, "leader_c")
    waiting = neighbour.get_by_role("region", name="Concerns raised by people")
    expect(waiting.get_by_text("Waiting for your answer")).to_be_visible()
    waiting.get_by_role("link", name=school_c.name).click()
    expect(neighbour.get_by_text("Their board has not met since July")).to_be_visible()
    expect(neighbour.get_by_text("not named to you")).to_be_visible()
    neighbour.get_by_role("textbox", name="The school's answer").fill(
        "The board met on 3 October; both posts are being recruited."
    )
    neighbour.get_by_role("button", name="Send the answer").click()
    expect(neighbour.get_by_text("Your answer is saved")).to_be_visible()
    violations = Axe().run(neighbour).response["violations"]
    assert not violations, [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]
    neighbour.screenshot(path=str(output_dir / "concern-answered.png"), full_page=True)

    raiser.goto(f"{base}/")
    expect(raiser.get_by_text("The board met on 3 October")).to_be_visible()
    assert Concern.objects.get().status == Concern.Status.ANSWERED

    other: Page = signed_in_page(browser, base, "school_leader_b")
    response = other.goto(f"{base}/schools/id/{school_c.pk}/concerns/")
    assert response is not None and response.status == 403
    other.goto(f"{base}/concerns/")
    expect(other.get_by_text("There are no concerns for you to see.")).to_be_visible()
