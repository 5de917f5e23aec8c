"""A partnership lead opens a locality's dashboard, changes a filter, and sees the figures
and chart change; the page is screenshotted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import Locality, Partnership, School
from tests.browser.conftest import screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_open_a_locality_dashboard_and_change_a_filter(
    live_server, page: Page, partnership_lead: User, alton_cluster: Partnership, east_hampshire: Locality,
    output_dir: Path,
) -> None:  # fmt: skip
    rwm = Indicator.objects.create(
        code="ks2_ptrwm_exp", name="Reading, writing and maths: expected standard", unit="%", direction="higher",
        domain="outcomes", comparison="percent",
    )  # fmt: skip
    schools = list(east_hampshire.schools.exclude(status=School.Status.CLOSED).order_by("urn"))
    for i, school in enumerate(schools):
        for year in (2017, 2018):
            Observation.objects.create(
                school=school, indicator=rwm, period=f"{year}/{(year + 1) % 100:02d}",
                period_start=dt.date(year, 9, 1), value=40.0 + 5 * i + (year - 2017) * 3,
            )  # fmt: skip
    # Collected, and asserted at the end: failing inside Playwright's handler would close the
    # connection and every later browser test of the session would fail with TargetClosedError.
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    sign_in(page, live_server.url, "partnership_lead")
    page.get_by_text("Outcomes", exact=True).click()  # the header's group (a <details> menu)
    page.get_by_role("link", name="Outcome dashboards").click()
    # It opens on the lead's own locality (where the cluster's schools are), and the address
    # says so, to be shared as it is.
    expect(page.get_by_label("Locality")).to_have_value(east_hampshire.slug)
    expect(page).to_have_url(f"{live_server.url}/dashboard/?locality={east_hampshire.slug}")
    # Choosing a filter marks the results as being updated at once (read in the same turn of the
    # page's script as the change), until the answer is in place: the same filters here, so only
    # the mark tells the new results from the old.
    results = page.locator("#dashboard-results")
    busy = page.get_by_label("Locality").evaluate(
        "(select, slug) => { select.value = slug; select.dispatchEvent(new Event('change', {bubbles: true}));"
        " return document.getElementById('dashboard-results').getAttribute('aria-busy'); }",
        east_hampshire.slug,
    )
    assert busy == "true"
    page.get_by_role("button", name="Show").click()
    expect(results).not_to_have_attribute("aria-busy", "true")
    canvas = page.locator("canvas[data-chart='outcome-ks2_ptrwm_exp']")
    expect(canvas).to_have_attribute("data-rendered", "true")
    first_count = page.locator(".chart-table tbody tr").last.locator("td").first.inner_text()
    assert int(first_count) == len(schools)
    screenshot(page, output_dir / "locality.png", full_page=True)

    page.get_by_label("Partnership").select_option(alton_cluster.slug)
    page.get_by_role("button", name="Show").click()
    expect(results).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".chart-table tbody tr").last.locator("td").first).to_have_text("2")
    expect(canvas).to_have_attribute("data-rendered", "true")
    assert "partnership=alton-cluster" in page.url
    # Back: the locality's results again, kept as they stood when the partnership's came (so
    # marked busy then), shown as they are now: not busy, not dimmed.
    page.go_back()
    expect(page.locator(".chart-table tbody tr").last.locator("td").first).to_have_text(str(len(schools)))
    expect(results).not_to_have_attribute("aria-busy", "true")
    screenshot(page, output_dir / "locality-and-partnership.png", full_page=True)
    assert not console_errors, f"errors in the browser console: {console_errors}"
