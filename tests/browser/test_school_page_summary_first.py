"""The school page reads summary first: At a glance fills the first screen, each section opens
in place when asked (htmx) or on its own page without JavaScript, and the page is axe-clean
for a school leader and a governor at desk and phone widths. Screenshots at both widths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from evenbetter.benchmarks.services import RefreshResult
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.browser.conftest import Axe, hand_over, new_context, screenshot, sign_in, sign_in_by_cookie

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESK, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}


def _axe_clean(page: Page, where: str) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, f"{where}:\n{result.generate_report()}"


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_reads_the_summary_then_opens_a_section(
    live_server, page: Page, school_a: School, output_dir: Path
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")

    glance = page.locator("#at-a-glance")
    expect(glance.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(glance.get_by_role("heading", name="Strengths")).to_be_visible()
    expect(glance.get_by_role("heading", name="Trouble ahead")).to_be_visible()  # its own school's risk
    expect(glance.get_by_role("heading", name="Help asked and given")).to_be_visible()
    expect(glance.locator("p.freshness")).to_be_visible()  # the data's "as at"
    box = glance.bounding_box()
    assert box is not None and box["y"] + box["height"] <= DESK["height"], f"At a glance ends at {box}"
    # Nothing of a section is on the page until it is opened: no chart drawn twice.
    expect(page.locator("section.even-better")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Sections of this page")).to_be_visible()
    screenshot(page, output_dir / "school-page.png", full_page=True)
    _axe_clean(page, "the school page as it first paints, 1280 px")

    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Open even better").click()
    panel = page.locator("#section-even-better section.even-better")
    expect(panel.get_by_role("heading", name="Even better: against schools like this one")).to_be_focused()
    expect(panel.locator('canvas[data-chart="bench-reading"]')).to_have_attribute("data-rendered", "true")
    assert page.evaluate("window.notReloaded") is True  # opened in place
    expect(page.get_by_role("link", name="Open even better")).to_have_count(0)
    page.get_by_role("link", name="Open data").click()
    data = page.locator("#section-data")
    expect(data.get_by_role("heading", name="Published data")).to_be_visible()
    expect(data.get_by_role("heading", name="Generated for the demo")).to_have_count(0)  # none here
    _axe_clean(page, "the school page with two sections open, 1280 px")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than a phone
    screenshot(page, output_dir / "school-page-phone.png", full_page=True)
    _axe_clean(page, "the school page as it first paints, 360 px")
    assert not problems, problems
    if os.environ.get("EVENBETTER_UPDATE_SCREENSHOTS"):  # the README's pictures, only when asked
        SCREENSHOTS.mkdir(exist_ok=True)
        for name in ("school-page.png", "school-page-phone.png"):
            shutil.copyfile(output_dir / name, SCREENSHOTS / name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["school_leader_a", "governor"])
def test_the_whole_school_page_is_axe_clean_at_desk_and_phone_widths(
    live_server, page: Page, school_a: School, persona: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(persona)
    sign_in_by_cookie(page, live_server.url, persona)
    for size in (DESK, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{school_a.get_absolute_url()}?sections=all")  # every section open
        expect(page.locator("#section-data")).to_be_visible()
        _axe_clean(page, f"{persona}, the whole page, {size['width']} px")


@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_section_opens_on_its_own_page(live_server, browser: Browser, school_a: School) -> None:
    page = browser.new_context(viewport=DESK, java_script_enabled=False).new_page()
    sign_in_by_cookie(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    page.get_by_role("link", name="Open even better").click()
    assert page.url.endswith(f"/schools/id/{school_a.pk}/sections/even-better/")
    expect(page.get_by_role("heading", name="Even better: against schools like this one")).to_be_visible()
    index = page.get_by_role("navigation", name="Sections of this page")
    expect(index.get_by_role("link", name="Even better")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Back to the school's summary").click()
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    page.context.close()


@pytest.fixture(autouse=True)
def _benchmarked(register, alton_cluster, school_leader_a, governor) -> RefreshResult:
    """Three years of reading, a headline (charted) indicator, as the benchmark panel's test has."""
    return build_benchmarked(
        shifts={2016: -8, 2017: -3, 2018: 0},
        reading={"name": "Reading: expected standard", "headline": True, "standard": 65.0},
    )


# Everyone who may open school A's page: a system lead, the leads of its partnership and its
# locality, its own leader, governor and member of staff, and the agency working in its locality.
ROLES = ["system_lead", "partnership_lead", "locality_lead", "school_leader_a", "governor", "staff_member",
         "partner_agency"]  # fmt: skip
HEIGHT_BEFORE = 10_077  # the school page before issue 20, signed in as a head (the demo)


@pytest.mark.django_db(transaction=True)
def test_every_role_that_may_open_the_school_page_reads_the_summary_first(
    live_server, browser: Browser, school_a: School, request: pytest.FixtureRequest
) -> None:
    page = new_context(browser).new_page()  # one after another, each role with only its own session
    for persona in ROLES:
        request.getfixturevalue(persona)
        hand_over(page, live_server.url, persona)
        page.set_viewport_size(DESK)
        page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
        box = page.locator("#at-a-glance").bounding_box()
        assert box is not None and box["y"] + box["height"] <= DESK["height"], f"{persona}: At a glance ends at {box}"
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < HEIGHT_BEFORE / 2, f"{persona}: the page is {height} px"
        page.set_viewport_size(PHONE)
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{persona}: wider than a phone"
        _axe_clean(page, f"{persona}, the school page at 360 px")  # at 1280 px: the every-page walk
    page.context.close()
