"""Every page, for every role, axe-clean: for each persona, the walk asks for every GET of the
declared permission policy (``tests/web/policy.py``, the one list of the site's URLs) that the
persona may open (answered 200) and that answers a page (HTML), and axe-core, in Chromium,
finds no violation of any impact on it.

One walk for all the personas, in two rounds. First every page is read (asked for by Django's
test client with the persona's session, the browser's own, not opened) and its *shape* taken
(``page_shape.py``): the frame around ``<main>`` (header and navigation, which differ by role
and section) and the main part itself — tags, classes, styles, roles, ARIA, id patterns,
duplicated ids, pointers to missing ids, and which texts and names are empty; never the words,
figures or addresses. Two pages of the same frame and main part differ only in what axe-core's
rules do not read (school A's page and school B's for a reader who sees both in full; the
practice list for two people of the same rights). Then as few pages are opened in the browser as
check every frame and every main part at least once (``page_shape.pages_to_open``: a page checks
a frame and a main part together, so a new frame rides along with a new main part where one
can): of 630 pages read, 217 are opened (81 frames, 201 main parts), where opening a page
whenever its frame or main part was new, in the walk's order, opened 237. Each is opened as its
persona, with the very answer read (handed over through the DevTools protocol; its styles and
scripts fetched from the server or the browser's cache), axe-core in the document before its own
scripts. The walk prints how many pages it read and how many it opened, and fails if a frame or
a main part read was left unchecked.

At 1280 px only: the phone width (360 px) is checked where layouts change, on each role's home
page and on the school page (``test_header_and_home_pages.py``, ``test_school_page_summary_first.py``);
every table sits in a box that scrolls by keyboard at any width (``{% scroll_region %}``, checked
over every template by ``tests/web/test_tables_scroll.py``).
Nothing is skipped: the GETs that write (an audited read: the school page, the risk pages, the
watch list) are asked for too, their writes are the audit log's. Not walked: downloads (CSV,
PDF, JSON, pictures), which are not pages; htmx fragments (HTML with no document around it, e.g.
a job's progress), checked inside the page they are swapped into
(``test_filters_and_inline_steps.py``). Every page is the site's own: the API's docs page and
its tokens page are walked like any other."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import Axe, axe_in_every_page, hand_over, new_context
from tests.browser.page_shape import page_shape, pages_to_open
from tests.conftest import PERSONAS, signed_in
from tests.web.policy import OK, POLICY, World

# The persona who may open the most first: the others' pages are then mostly shapes already seen.
WALK_ORDER = ["system_lead", *[p for p in PERSONAS if p != "system_lead"]]


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


@dataclass
class _Read:
    """A page as the walk read it: who asked, which entry, its answer and its shape."""

    persona: str
    key: str
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    frame: str
    main: str


class _Tab:
    """A persona's page, handed each document the walk opens from what was read, through the
    DevTools protocol's Fetch domain with only documents paused. Playwright's ``page.route``
    pauses every request and turns the browser's cache off while a route is set: each page
    opened then fetched its styles and scripts from the server again (7 a page) and compiled
    them again: 20 pages opened and checked took 12.2 CPU s, browser and server together, against
    10.0-10.9 s so (docs/benchmarks.md, make test, session 10 — the browser)."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.session = context.new_cdp_session(self.page)
        self.session.on("Fetch.requestPaused", self._paused)
        self.session.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document"}]})
        self.address, self.read = "", cast("_Read | None", None)

    def _paused(self, event: dict[str, Any]) -> None:
        read, request_id = self.read, event["requestId"]
        if read is None or event["request"]["url"] != self.address:
            self.session.send("Fetch.continueRequest", {"requestId": request_id})  # not the walk's
            return
        # Its body was read already decoded, so the header saying it was compressed goes.
        headers = [
            {"name": name, "value": value}
            for name, value in read.headers
            if name.lower() not in ("content-encoding", "content-length")
        ]
        body = base64.b64encode(read.body).decode()
        self.session.send(
            "Fetch.fulfillRequest",
            {"requestId": request_id, "responseCode": read.status, "responseHeaders": headers, "body": body},
        )

    def open(self, address: str, read: _Read) -> Page:
        self.address, self.read = address, read
        self.page.goto(address)
        self.address, self.read = "", None
        return self.page


@pytest.mark.django_db(transaction=True)
def test_every_page_every_persona_may_open_is_axe_clean(
    live_server: Any, browser: Browser, request: pytest.FixtureRequest, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {**settings.STORAGES["uploads"], "OPTIONS": {"location": str(tmp_path / "uploads")}},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # The records the entries point at are made before the walk, in the live server's database.
    world = World({p: request.getfixturevalue(p) for p in PERSONAS if p != "anonymous"})
    axe, problems, reads = Axe(), [], []
    started = time.perf_counter()
    clients: dict[str, Client] = {}
    # Every page read first, persona after persona, and its shape taken.
    for persona in WALK_ORDER:
        pages = {
            key: entry.url(world)
            for key, entry in POLICY.items()
            if entry.method == "GET" and entry.answer(persona) == OK
        }
        assert len(pages) > (3 if persona in ("anonymous", "outsider") else 20), f"{persona}: too few pages to walk"
        client = clients[persona] = Client(HTTP_HOST=urlsplit(live_server.url).netloc)
        if persona != "anonymous":  # the browser is given the same session (hand_over, below)
            signed_in(client, world.users[persona])
        for key, url in pages.items():
            # Asked first without opening it, with the same session: a download is not a page.
            # Asked by Django's test client, in this process: through the browser's request API
            # each read waited about 50 ms more on the live server's thread (docs/benchmarks.md).
            answer = client.get(url)
            if answer.status_code != OK:
                problems.append(f"{persona}: {key} {url}: answered {answer.status_code}, the policy says 200")
                answer.close()
                continue
            if not answer.headers.get("content-type", "").startswith("text/html") or answer.streaming:
                answer.close()
                continue  # a download
            html = answer.content.decode()
            if not html.lstrip()[:15].lower().startswith("<!doctype html"):
                continue  # an htmx fragment
            # Its headers as the server sends them: its own, and a cookie it sets (the CSRF token).
            headers = [*answer.headers.items(), *(("Set-Cookie", c.OutputString()) for c in answer.cookies.values())]
            reads.append(_Read(persona, key, url, answer.status_code, headers, answer.content, *page_shape(html)))
    # Then as few of them opened as check every frame and every main part at least once.
    chosen = [reads[index] for index in pages_to_open([(read.frame, read.main) for read in reads])]
    # One browser context, one tab, handed from persona to persona (the pages chosen come persona
    # after persona, in the order read): each persona's pages opened with its session alone, as in
    # a context of its own, without Chromium's cost of one (``hand_over``).
    context = axe_in_every_page(new_context(browser))
    tab, persona = _Tab(context), ""
    for read in chosen:
        if read.persona != persona:
            persona = read.persona
            hand_over(tab.page, live_server.url, clients[persona])
        # The browser is given the very answer just read, not a second one drawn by the server
        # (its styles and scripts come from the server, or the browser's cache, with the persona's
        # session).
        page = tab.open(live_server.url + read.url, read)
        result = axe.run(page)
        if result.violations_count:
            problems.append(f"{read.persona}: {read.key} {read.url}:\n{_summary(result.response['violations'])}")
    context.close()
    opened = len(chosen)
    print(f"\n{len(reads)} pages read, {opened} opened and checked in {time.perf_counter() - started:.1f} s")
    assert {read.frame for read in chosen} == {read.frame for read in reads}, "a frame was left unchecked"
    assert {read.main for read in chosen} == {read.main for read in reads}, "a main part was left unchecked"
    assert opened > 100, f"only {opened} pages opened: the shapes are too coarse"
    assert not problems, f"{len(problems)} of {opened} pages:\n" + "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_walk_checks_the_very_answer_it_read_and_lets_other_documents_through(
    live_server: Any, browser: Browser
) -> None:
    """The walk can fail: the document axe checks is the answer read, so a violation planted in
    that answer (an image with no text) is found; a page the walk did not read comes from the
    server as usual."""
    context = axe_in_every_page(new_context(browser))
    address = live_server.url + "/accounts/login/"
    answer = Client(HTTP_HOST=urlsplit(live_server.url).netloc).get("/accounts/login/")
    planted = answer.content.replace(b"</main>", b'<img src="/static/web/favicon.svg" id="planted"></main>')
    read = _Read("anonymous", "login", "/accounts/login/", 200, list(answer.headers.items()), planted, "", "")
    page = _Tab(context).open(address, read)
    assert page.locator("#planted").count() == 1
    assert [violation["id"] for violation in Axe().run(page).response["violations"]] == ["image-alt"]
    page.goto(address)
    assert page.locator("#planted").count() == 0
    assert Axe().run(page).violations_count == 0
    context.close()
