"""A system lead uploads an absence file and confirms it; the import's page links to the refresh
it queued; the job page follows it without being reloaded (htmx) while a worker runs it, its
progress bar seen moving; then the school page shows benchmarks of the new indicator.
Screenshots at desk and phone widths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import User
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import _JobProgress
from evenbetter.jobs.worker import jobs_run_pending
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.browser.conftest import Axe, screenshot, sign_in
from tests.web.policy import ABSENCE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.django_db(transaction=True)
def _watched_while_it_runs(page: Page, monkeypatch: pytest.MonkeyPatch, seen: list[float]) -> None:
    """After each report of units the worker writes (outside a step's transaction), wait until the
    page, polling on its own, shows that bar with the job running, and note how full it is; the
    worker runs in this thread, so the job cannot go on before the page has shown where it was.
    Two different fillings are enough: the bar seen moving, without a wait for every report."""
    write = _JobProgress.__call__
    progress = page.locator("#job-progress")

    def watched(self: _JobProgress, **report: int | str | None) -> None:
        write(self, **report)
        done, total = report.get("done"), report.get("total")
        if not isinstance(done, int) or not isinstance(total, int) or connection.in_atomic_block:
            return
        if len(seen) >= 2 or done / total in seen:
            return
        expect(progress).to_have_attribute("data-status", "running")
        expect(progress.locator("progress")).to_have_attribute("max", str(total))
        expect(progress.locator("progress")).to_have_attribute("value", str(done))
        seen.append(done / total)

    monkeypatch.setattr(_JobProgress, "__call__", watched)


def test_a_system_lead_follows_the_refresh_of_an_upload_to_the_new_figures(
    live_server,
    page: Page,
    system_lead: User,
    school_a: School,
    output_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_benchmarked(shifts={2018: 0})
    jobs_run_pending()  # the register's own refresh, out of the way
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "system_lead")

    upload = tmp_path / "absence-2018-19.csv"
    upload.write_bytes(ABSENCE)
    page.goto(f"{live_server.url}/data/imports/new/")
    page.get_by_label("Format of the file").select_option("dfe_absence")
    page.get_by_label("Period").fill("2018/19")
    page.get_by_label("File (CSV or Excel .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_text("Your figures are being updated:")).to_be_visible()
    page.get_by_role("link", name="follow progress →").click()

    refresh = Job.objects.get(kind="refresh", status=Job.Status.QUEUED)
    assert page.url == f"{live_server.url}/jobs/{refresh.pk}/"
    progress = page.locator("#job-progress")
    expect(page.get_by_role("heading", name=f"Refresh after import #{refresh.pk}")).to_be_visible()
    expect(progress).to_have_attribute("data-status", "queued")
    expect(progress.get_by_text("Not started yet.")).to_be_visible()
    expect(progress.get_by_role("link", name="Refresh")).to_be_visible()  # without JavaScript
    screenshot(page, output_dir / "job-queued.png", full_page=True)
    page.evaluate("window.notReloaded = true")  # lost if the page were loaded again

    seen: list[float] = []
    _watched_while_it_runs(page, monkeypatch, seen)
    jobs_run_pending()  # the worker, while the page goes on asking every second
    # The bar moved: two different points of the refresh, each shown while it was under way.
    assert len(seen) == 2 and seen[0] < seen[1], seen
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=15_000)
    expect(progress.locator("progress")).to_have_attribute("value", "1")
    expect(progress.get_by_text("Done.")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    expect(progress.get_by_role("link", name="Refresh")).to_have_count(0)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.wait_for_timeout(1500)  # longer than it waits between two requests
    assert not [url for url in requests if "/progress/" in url], "a finished job stopped polling"

    screenshot(page, output_dir / "job-progress.png", full_page=True)
    accessibility = Axe().run(page)  # axe-core: the job page as a screen reader or keyboard meets it
    assert accessibility.violations_count == 0, accessibility.generate_report()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than a phone
    screenshot(page, output_dir / "job-progress-phone.png", full_page=True)
    if os.environ.get("EVENBETTER_UPDATE_SCREENSHOTS"):  # the README's pictures, only when asked
        SCREENSHOTS.mkdir(exist_ok=True)
        for name in ("job-progress.png", "job-progress-phone.png"):
            shutil.copyfile(output_dir / name, SCREENSHOTS / name)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}?sections=all")
    panel = page.locator("section.even-better")
    expect(panel.locator('canvas[data-chart="bench-absence_overall"]')).to_have_attribute("data-rendered", "true")
    expect(panel.locator('[data-freshness="fresh"]')).to_contain_text("Figures as at")
    on_school_page = Axe().run(page)
    assert on_school_page.violations_count == 0, on_school_page.generate_report()
    assert not problems, problems
