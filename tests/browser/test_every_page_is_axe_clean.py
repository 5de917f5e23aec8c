"""Every page, for every role, axe-clean: for each persona, Chromium opens every GET of the
declared permission policy (``tests/web/policy.py``, the one list of the site's URLs) that the
persona may open (answered 200) and that answers a page (HTML), and axe-core finds no
violation of any impact on it.

At 1280 px only: the phone width (360 px) is checked where layouts change, on each role's home
page and on the school page (``test_header_and_home_pages.py``, ``test_school_page_summary_first.py``).
Nothing is skipped: the GETs that write (an audited read: the school page, the risk pages, the
watch list) are opened too, their writes are the audit log's. Not walked: downloads (CSV, PDF,
JSON, pictures), which are not pages; htmx fragments (HTML with no document around it, e.g. a
job's progress), checked inside the page they are swapped into (``test_filters_and_inline_steps.py``);
and Swagger UI's page for trying the API (``NOT_OURS``; the API's docs page itself is walked). One test per persona, so that
pytest-xdist spreads them; one browser page per persona, reused from URL to URL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.browser.conftest import sign_in
from tests.conftest import PERSONAS
from tests.web.policy import OK, POLICY, World

# Swagger UI draws its page itself, from its vendored script: axe finds its own markup wanting
# (buttons inside its operations' summary buttons, the contrast of its version badges), which this
# site cannot change short of patching Swagger UI. It is the second page for trying an operation;
# the API's docs page itself (api_docs) is the site's own markup and is walked.
NOT_OURS = {"api_docs_try"}


def _summary(violations: list[dict[str, Any]]) -> str:
    """Each rule broken, its impact and the first few elements that break it: short enough to read
    for some dozens of pages (``AxeResults.generate_report`` gives every element in full)."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:3]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … and {len(violation['nodes']) - 3} more")
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_may_open_is_axe_clean(
    persona: str, live_server: Any, browser: Browser, request: pytest.FixtureRequest, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {**settings.STORAGES["uploads"], "OPTIONS": {"location": str(tmp_path / "uploads")}},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World({p: request.getfixturevalue(p) for p in PERSONAS if p != "anonymous"})
    # The records the entries point at are made before the walk, in the live server's database.
    pages = {
        key: entry.url(world)
        for key, entry in POLICY.items()
        if entry.method == "GET" and entry.answer(persona) == OK and key not in NOT_OURS
    }
    assert len(pages) > (3 if persona in ("anonymous", "outsider") else 20), f"{persona}: too few pages to walk"

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    if persona != "anonymous":
        sign_in(page, live_server.url, persona)
    axe, walked, problems = Axe(), 0, []
    started = time.perf_counter()
    for key, url in pages.items():
        # Asked first without opening it, with the same session: a download is not a page.
        answer = page.request.get(live_server.url + url, max_redirects=0)
        if answer.status != OK:
            problems.append(f"{key} {url}: answered {answer.status}, the policy says 200")
            continue
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # a download
        if not answer.text().lstrip()[:15].lower().startswith("<!doctype html"):
            continue  # an htmx fragment
        page.goto(live_server.url + url)
        result = axe.run(page)
        walked += 1
        if result.violations_count:
            problems.append(f"{key} {url}:\n{_summary(result.response['violations'])}")
    page.context.close()
    print(f"\n{persona}: {walked} pages walked in {time.perf_counter() - started:.1f} s")
    assert not problems, f"{persona}, {len(problems)} of {walked} pages:\n" + "\n".join(problems)
