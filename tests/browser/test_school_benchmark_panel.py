"""A school leader opens their school's benchmark panel: the charts draw, and it is screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from evenbetter.benchmarks.services import RefreshResult
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.browser.conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_opens_the_benchmark_panel(
    live_server, page: Page, school_leader_a: User, school_a: School, output_dir: Path
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    page.get_by_role("link", name="Open even better").click()  # a section of the page, opened in place

    panel = page.locator("section.even-better")
    expect(panel.get_by_role("heading", name="Even better: against schools like this one")).to_be_visible()
    chart = panel.locator('canvas[data-chart="bench-reading"]')
    expect(chart).to_have_attribute("data-rendered", "true")
    # The text alternative says what the chart shows.
    assert "The median of 9 similar schools" in (chart.get_attribute("aria-label") or "")
    expect(panel.get_by_role("heading", name="Its family of similar schools")).to_be_visible()
    expect(panel.get_by_role("link", name="Anstey Junior School")).to_be_visible()
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(output_dir / "benchmark-panel.png"))  # always: its size says the charts drew
    assert (output_dir / "benchmark-panel.png").stat().st_size > 20_000
    assert not problems, problems


@pytest.fixture(autouse=True)
def _benchmarked(register, alton_cluster) -> RefreshResult:
    """Like tests/benchmarks' platform, over three years, with reading a headline (charted) indicator."""
    return build_benchmarked(
        shifts={2016: -8, 2017: -3, 2018: 0},
        reading={
            "name": "Reading: expected standard",
            "headline": True,
            "standard": 65.0,
            "standard_label": "National average (65%)",
        },
    )
