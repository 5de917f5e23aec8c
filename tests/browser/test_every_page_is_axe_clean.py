"""Every page, for every role, axe-clean: for each persona, Chromium opens every GET of the
declared permission policy (``tests/web/policy.py``, the one list of the site's URLs) that the
persona may open (answered 200) and that answers a page (HTML), and axe-core finds no
violation of any impact on it.

At 1280 px only: the phone width (360 px) is checked where layouts change, on each role's home
page and on the school page (``test_header_and_home_pages.py``, ``test_school_page_summary_first.py``);
every table sits in a box that scrolls by keyboard at any width (``{% scroll_region %}``, checked
over every template by ``tests/web/test_tables_scroll.py``).
Nothing is skipped: the GETs that write (an audited read: the school page, the risk pages, the
watch list) are opened too, their writes are the audit log's. Not walked: downloads (CSV, PDF,
JSON, pictures), which are not pages; htmx fragments (HTML with no document around it, e.g. a
job's progress), checked inside the page they are swapped into (``test_filters_and_inline_steps.py``).
Every page is the site's own: the API's docs page and its tokens page are walked like any other. One
test per persona, so that pytest-xdist spreads them; one browser page per persona, reused from URL
to URL.

A page about a school is walked once for each way the persona sees schools on it: school A and
school B's pages are the same template with the same parts for a system lead (both in full), so
one is walked; for school A's head they differ (A in full, B as public data), so both are
(``_one_per_view``). That halves the school pages without leaving out a template or a part."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIResponse, Browser, Route

from evenbetter.schools.access import school_access
from tests.browser.conftest import sign_in
from tests.conftest import PERSONAS
from tests.web.policy import OK, POLICY, Entry, World

# A second persona of the same role walks only what can differ from the first's walk: the pages
# about a school (school B's head sees her own school in full with no partnership, school A as
# public data) and any page the first may not open. The rest are the same pages, drawn the same
# way for the same role, and were a sixth of the walk.
SAME_ROLE = {"school_leader_b": "school_leader_a"}


def _one_per_view(entries: dict[str, Entry], persona: str, world: World) -> dict[str, str]:
    """Each entry's address, leaving out an entry about a school that differs from one already
    kept only by which school it is about, when the persona sees both schools the same way."""
    user = world.users.get(persona)
    kept: dict[str, str] = {}
    seen: set[tuple[str, str, object]] = set()
    for key, entry in entries.items():
        url = entry.url(world)
        if entry.school is not None and user is not None:
            school = world.school_a if entry.school == "a" else world.school_b
            shape = url.replace(f"/{school.urn}/", "/{urn}/").replace(f"/{school.pk}/", "/{pk}/")
            view = (entry.name, shape, school_access(user, school))
            if view in seen:
                continue
            seen.add(view)
        kept[key] = url
    return kept


def _answering_with(answer: APIResponse) -> Callable[[Route], None]:
    """A route handler that hands the browser this answer. Its body was read already decoded,
    so the header saying it was compressed goes."""
    headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
    body = answer.body()

    def handle(route: Route) -> None:
        route.fulfill(status=answer.status, headers=headers, body=body)

    return handle


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
    twin = SAME_ROLE.get(persona)
    pages = _one_per_view(
        {
            key: entry
            for key, entry in POLICY.items()
            if entry.method == "GET"
            and entry.answer(persona) == OK
            and (twin is None or entry.school is not None or entry.answer(twin) != OK)
        },
        persona,
        world,
    )
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
        # The browser is given the very answer just read, not a second one drawn by the server
        # (its styles and scripts are still fetched from the server).
        address = live_server.url + url
        page.route(lambda requested, address=address: requested == address, _answering_with(answer))
        page.goto(address)
        page.unroute_all()
        result = axe.run(page)
        walked += 1
        if result.violations_count:
            problems.append(f"{key} {url}:\n{_summary(result.response['violations'])}")
    page.context.close()
    print(f"\n{persona}: {walked} pages walked in {time.perf_counter() - started:.1f} s")
    assert not problems, f"{persona}, {len(problems)} of {walked} pages:\n" + "\n".join(problems)
