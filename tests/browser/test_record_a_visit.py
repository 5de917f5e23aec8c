"""A partnership lead records a visit between two schools and sees the network change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from evenbetter.schools.models import Partnership, School
from tests.browser.conftest import screenshot, sign_in_by_cookie


@pytest.mark.django_db(transaction=True)
def test_a_visit_recorded_shows_in_the_partnership_network(
    live_server,
    page: Page,
    partnership_lead: User,
    alton_cluster: Partnership,
    school_a: School,
    school_c: School,
    output_dir: Path,
) -> None:
    sign_in_by_cookie(page, live_server.url, "partnership_lead")

    page.goto(f"{live_server.url}{alton_cluster.get_absolute_url()}")
    network = page.locator("figure.network svg")
    expect(network.locator("line")).to_have_count(0)
    expect(network.locator("circle.isolated")).to_have_count(2)
    screenshot(page, output_dir / "network-before.png", full_page=True)

    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    page.get_by_role("link", name="Open partnership life").click()  # a section, opened in place
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("The other school's URN").fill(str(school_c.urn))
    page.get_by_label("What kind of contact").select_option("visit")
    page.get_by_label("When").fill(dt.date.today().isoformat())
    page.get_by_label("About").fill("Watched Year 1 phonics")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_text("Visit with Anstey Junior School recorded.")).to_be_visible()
    expect(page.locator("#life-heading")).to_be_visible()

    page.goto(f"{live_server.url}{alton_cluster.get_absolute_url()}")
    expect(network.locator("line")).to_have_count(1)
    # One peer each: in touch now, though still below the two peers that end isolation.
    expect(network.locator("circle")).to_have_count(2)
    titles = [title.text_content() or "" for title in network.locator("circle title").all()]
    assert any("Anstey Junior School: 1 peer in 12 months, last contact 0 days ago" in t for t in titles), titles
    screenshot(page, output_dir / "network-after.png", full_page=True)
