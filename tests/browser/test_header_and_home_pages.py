"""Each role's home page and the header, in Chromium at a desk (1280 px) and on a phone (360 px):
the header fits on one line at a desk and is a menu on a phone, both work from the keyboard
alone, and axe-core finds no violation of any impact. The map and the watch list, where axe
found the two serious violations the header's issue names, are checked the same way.
Screenshots of each home page at both widths go to test-output/ when EVENBETTER_SCREENSHOTS is
set, and to docs/screenshots/ for the README as well when EVENBETTER_UPDATE_SCREENSHOTS is set."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from evenbetter.accounts.models import User
from evenbetter.earlywarning.models import RiskResponse
from evenbetter.jobs.models import Job
from evenbetter.partnerships.models import Action
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from tests.browser.conftest import Axe, hand_over, new_context, screenshot, signed_in_page
from tests.earlywarning.conftest import make_risk_run

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESK, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 740}
ROLES = {
    "system_lead": "system-lead",
    "locality_lead": "locality-lead",
    "partnership_lead": "partnership-lead",
    "school_leader_a": "school-leader",
    "staff_member": "staff-member",
    "governor": "governor",
    "partner_agency": "partner-agency",
}


def _no_violations(page: Page, where: str) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, f"{where}:\n{result.generate_report()}"


def _something_for_each_home(school_a: School, school_b: School, school_c: School) -> None:
    today = dt.date.today()
    HelpRequest.objects.create(school=school_b, area="reading", title="Phonics in year 1", description="Help, please.")
    HelpRequest.objects.create(
        school=school_c, area="maths", title="Times tables", description="…",
        status=HelpRequest.Status.SUGGESTED, supporter=school_a,
    )  # fmt: skip
    Action.objects.create(
        title="Share the reading plan with Anstey", owner_school=school_a,
        agreed_on=today - dt.timedelta(days=40), due_on=today + dt.timedelta(days=4),
    )  # fmt: skip
    make_risk_run([(school_b, 0.4, None, "high"), (school_a, 0.1, None, "usual"), (school_c, 0.2, None, "usual")])
    run = make_risk_run(
        [(school_b, 0.62, 0.4, "high"), (school_a, 0.31, 0.1, "raised"), (school_c, 0.05, 0.2, "usual")],
        reasons=[["trigger_isolation", 0.8, "Little contact with other schools over the last two terms"]],
    )
    RiskResponse.objects.create(school=school_c, score=run.scores.get(school=school_c), text="We have a new head.")
    Job.objects.create(
        kind="refresh",
        status=Job.Status.FAILED,
        error="The benchmarks step ran out of memory.",
        finished_at=timezone.now(),
    )


def _header_fits_on_one_line(page: Page) -> None:
    # At 1280 px, and at 1250 px too: room for a browser's scrollbar.
    for width in (DESK["width"], 1250):
        page.set_viewport_size({"width": width, "height": DESK["height"]})
        tops = page.eval_on_selector_all(
            ".site-header .brand, .site-header .nav > li, .site-header .header-search, .site-header .account",
            "elements => elements.map(e => Math.round(e.getBoundingClientRect().top))",
        )
        assert max(tops) - min(tops) < 16, f"the header wraps at {width} px: {tops}"
        assert page.eval_on_selector(".site-header", "e => e.getBoundingClientRect().height") < 80
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the header is wider than {width} px"
        # Room to spare: a system lead's eight groups leave at least 40 px free before Account
        # at 1250 px (57 px on the demo), so a longer label or a larger font does not wrap.
        spare = page.evaluate(
            "document.querySelector('.site-header .account').getBoundingClientRect().left"
            " - document.querySelector('.site-header .header-search').getBoundingClientRect().right"
        )
        assert spare >= 40, f"only {spare:.0f} px to spare in the header at {width} px"
    page.set_viewport_size(DESK)


def _keyboard_opens_a_group(page: Page) -> None:
    """Tab to the first group with a menu, open it with Enter, reach its first link, close with Escape."""
    summary = page.locator(".nav-group details > summary").first
    if summary.count() == 0:
        return
    summary.focus()
    page.keyboard.press("Enter")
    first_link = page.locator(".nav-group details[open] .nav-menu a").first
    expect(first_link).to_be_visible()
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Escape")
    expect(page.locator(".nav-group details[open]")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_each_role_home_and_the_header_at_a_desk_and_on_a_phone(
    live_server,
    browser: Browser,
    school_a: School,
    school_b: School,
    school_c: School,
    alton_cluster: Partnership,
    system_lead: User,
    partnership_lead: User,
    school_leader_a: User,
    governor: User,
    partner_agency: User,
    locality_lead: User,
    staff_member: User,
    output_dir: Path,
) -> None:
    _something_for_each_home(school_a, school_b, school_c)
    shots: list[str] = []
    page = new_context(browser).new_page()  # one after another, each role with only its own session
    for persona, name in ROLES.items():
        hand_over(page, live_server.url, persona)
        problems: list[str] = []

        def on_error(error: object, problems: list[str] = problems) -> None:
            problems.append(str(error))

        page.on("pageerror", on_error)
        page.set_viewport_size(DESK)
        page.goto(f"{live_server.url}/")
        expect(page.locator(".menu-button")).to_be_hidden()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        _header_fits_on_one_line(page)
        _keyboard_opens_a_group(page)
        _no_violations(page, f"{persona}'s home at 1280 px")
        page.evaluate("document.activeElement.blur()")
        screenshot(page, output_dir / f"home-{name}-1280.png", full_page=True)

        page.set_viewport_size(PHONE)
        page.reload()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_hidden()  # folded into the menu
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "wider than a phone"
        screenshot(page, output_dir / f"home-{name}-360.png", full_page=True)
        _no_violations(page, f"{persona}'s home at 360 px")
        page.locator(".menu-button").focus()
        page.keyboard.press("Enter")
        expect(nav).to_be_visible()
        screenshot(page, output_dir / f"menu-{name}-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the open menu is too wide"
        _no_violations(page, f"{persona}'s menu open at 360 px")
        assert not problems, problems
        page.remove_listener("pageerror", on_error)
        shots += [f"home-{name}-1280.png", f"home-{name}-360.png"] + (
            [f"menu-{name}-360.png"] if persona == "system_lead" else []
        )
    page.context.close()
    if os.environ.get("EVENBETTER_UPDATE_SCREENSHOTS"):  # the README's pictures, only when asked
        SCREENSHOTS.mkdir(exist_ok=True)
        for shot in shots:
            shutil.copyfile(output_dir / shot, SCREENSHOTS / shot)


@pytest.mark.django_db(transaction=True)
def test_the_map_and_the_watch_list_are_clean_and_reachable_by_keyboard(
    live_server,
    browser: Browser,
    school_a: School,
    school_b: School,
    school_c: School,
    system_lead: User,
    alton_cluster: Partnership,
) -> None:
    make_risk_run(
        [(school_b, 0.62, 0.4, "high"), (school_a, 0.31, 0.1, "raised"), (school_c, 0.05, 0.2, "usual")],
        reasons=[["trigger_isolation", 0.8, "Little contact with other schools over the last two terms"]],
    )
    page = signed_in_page(browser, live_server.url, "system_lead", home=False)
    for viewport in (DESK, PHONE):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/watch-list/")
        table = page.get_by_role("region", name="Watch list, scrolls sideways")
        table.focus()
        expect(table).to_be_focused()  # the keyboard can scroll it
        _no_violations(page, f"the watch list at {viewport['width']} px")
        page.goto(f"{live_server.url}/dashboard/map/")
        links = page.locator("#school-map a")
        assert links.count() > 0  # the register's schools, each with its location
        links.first.focus()
        expect(links.first).to_be_focused()
        _no_violations(page, f"the map at {viewport['width']} px")
    # On the phone still, wide tables scroll in their own region (``{% scroll_region %}``) and
    # nothing else widens the page: the people page (its tables made it 420 px wide before they
    # sat in the box) and a meeting's form (its rows of fields did). The rest is checked in the
    # templates (``tests/web/test_tables_scroll.py``).
    for address in ("/people/", "/partnerships/alton-cluster/meetings/new/"):
        page.goto(f"{live_server.url}{address}")
        assert page.evaluate(TABLES_REACHABLE) == [], address
    page.goto(f"{live_server.url}/people/")
    region = page.get_by_role("region", name="People and their roles, scrolls sideways")
    region.focus()
    expect(region).to_be_focused()  # the keyboard scrolls it

    # On a phone a school's name fills its line and its links wrap below: close under it.
    page.goto(f"{live_server.url}/schools/id/{school_a.pk}/")
    name_bottom, links_top = page.evaluate(
        "() => [document.querySelector('.page-head h1').getBoundingClientRect().bottom,"
        " document.querySelector('.page-head .links').getBoundingClientRect().top]"
    )
    assert name_bottom - 1 <= links_top < name_bottom + 12, (name_bottom, links_top)


# Each table wider than its box must sit in a focusable, named region (``{% scroll_region %}``);
# nothing else may make the page wider than the screen.
TABLES_REACHABLE = """() => {
  const width = document.documentElement.clientWidth, problems = [];
  if (document.documentElement.scrollWidth > width) problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  for (const table of document.querySelectorAll('table')) {
    const box = table.closest('.table-wrap');
    if (!box) { if (table.getBoundingClientRect().right > width) problems.push('a table outside any box'); continue; }
    if (box.scrollWidth > box.clientWidth && !(box.tabIndex === 0 && box.getAttribute('aria-label')))
      problems.push(`a wide table in a box the keyboard cannot reach: ${box.outerHTML.slice(0, 80)}`);
  }
  return problems;
}"""
