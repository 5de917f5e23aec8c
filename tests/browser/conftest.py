"""Browser tests drive Debian's Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, AxeResults
from axe_playwright_python.sync_playwright import Axe as _Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from evenbetter.accounts.models import User
from tests.conftest import PASSWORD, signed_in

# Playwright's sync API runs an event loop in this thread; Django's live server is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's chromium-headless-shell: Chromium's own engine (Blink and V8, the same version as
# Debian's chromium) without the browser's windows, tabs and profile machinery around it — the
# headless browser Playwright itself drives by default. The browser tests took 194 CPU s with it
# against 269 s with /usr/bin/chromium (0.72), every test passing on both (docs/benchmarks.md,
# "The browser tests' CPU, session 13"). EVENBETTER_CHROMIUM=/usr/bin/chromium runs them in
# the whole browser (its new headless mode), as they do when the shell could not be installed
# beside it (scripts/ensure-chromium.sh says so): the same tests, slower.
HEADLESS_SHELL, WHOLE_BROWSER = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
CHROMIUM = os.environ.get("EVENBETTER_CHROMIUM") or (
    WHOLE_BROWSER if not Path(HEADLESS_SHELL).exists() and Path(WHOLE_BROWSER).exists() else HEADLESS_SHELL
)
# Why each switch (docs/benchmarks.md, "The browser tests' CPU, session 13"):
CHROMIUM_ARGS = [
    "--no-sandbox",  # test machines and containers often cannot give Chromium its sandbox
    "--headless",  # no display (the headless shell is always headless; the whole browser needs it)
    "--disable-gpu",  # no GPU here: pages are drawn in software, never through a GPU emulated in software
    # No network beyond the live server: no first-run pages, updates, sync or background fetches.
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright passes all but --disable-gpu itself as well (they stay here so that what the tests
# ask of the browser does not hang on Playwright's own list), and more that others suggest:
# --disable-extensions, --disable-dev-shm-usage, --disable-renderer-backgrounding, the back-forward
# cache off, and a --disable-features list (PaintHolding, MediaRouter, OptimizationHints …) that a
# --disable-features of ours would replace, not add to. Measured and left out: --single-process
# (Chromium closes as soon as a second context opens), --in-process-gpu,
# --renderer-process-limit=1, --disable-site-isolation-trials, --process-per-site and the spare
# renderer off: none moved what each browser context costs (its own renderers, a profile in the
# browser process: 0.17 CPU s in the headless shell, 0.88 s in the whole browser; docs/benchmarks.md,
# "make test's margin, session 14") beyond the machine's noise.
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs Debian's chromium-headless-shell")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """A folder of this test's own for screenshots: test-output/<test name>/."""
    folder = OUTPUT / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Pictures of each journey for a person to look at (test-output/<test name>/), taken only when
# asked: a full-page picture costs the browser a few tenths of a second to over a second, and
# `make test` needs none of them. EVENBETTER_UPDATE_SCREENSHOTS (the README's pictures) asks too.
SCREENSHOTS_WANTED = bool(os.environ.get("EVENBETTER_SCREENSHOTS") or os.environ.get("EVENBETTER_UPDATE_SCREENSHOTS"))


def screenshot(target: Page | Locator, path: Path, **options: Any) -> None:
    """Save a picture of a page or of a part of it, when pictures are asked for."""
    if SCREENSHOTS_WANTED:
        target.screenshot(path=str(path), **options)


def new_context(browser: Browser, base: str | None = None, username: str | None = None) -> BrowserContext:
    """A browser context of its own at a desk's width; signed in as ``username`` if one is given
    (``sign_in_by_cookie``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    if username is not None:
        assert base is not None, "signing in needs the live server's address"
        sign_in_by_cookie(context, base, username)
    return context


def sign_in_by_cookie(target: BrowserContext | Page, base: str, username: str) -> Client:
    """Signed in as a persona by the session cookie the sign-in form would leave
    (``tests.conftest.signed_in``, one query), not by the form: the form, its redirect and the
    home page drawn after it took about a second a persona on a loaded machine. The form itself
    is walked (``sign_in``) where a journey starts with it or a listener watches its pages (page
    errors, console messages), and tested in tests/accounts. Returns a test client with the same
    session, asking with the live server's host name."""
    client = signed_in(Client(HTTP_HOST=urlsplit(base).netloc), User.objects.get(username=username))
    _share_session(target, base, client)
    return client


def _share_session(target: BrowserContext | Page, base: str, client: Client) -> None:
    """The browser given the test client's session cookie (none if the client has not signed in)."""
    context = target.context if isinstance(target, Page) else target
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": base, "httpOnly": True, "sameSite": "Lax"}]
        )


def hand_over(page: Page, base: str, person: str | Client | None) -> Client:
    """The same page handed to the next person, in a test where people act one after another: what
    the person before left in the browser goes (its cookies, and what this tab kept in its storage:
    htmx's copies of pages for back and forward), as in a browser context of their own, and the
    next person's session is given: a persona signed in (``sign_in_by_cookie``), a test client's
    session, or ``None``, no one (signed out). Returns a test client with the same session.
    A context of its own costs Chromium its renderers and a profile (0.17 CPU s in the headless shell,
    0.88 s in the whole browser; docs/benchmarks.md, "make test's margin, session 14")."""
    if page.url.startswith(base):
        page.evaluate("() => { sessionStorage.clear(); localStorage.clear(); }")
    page.context.clear_cookies()
    if isinstance(person, str):
        return sign_in_by_cookie(page, base, person)
    client = person if person is not None else Client(HTTP_HOST=urlsplit(base).netloc)
    _share_session(page, base, client)
    return client


class Axe(_Axe):
    """axe-core run in the page, its script put in only when the document has none yet: a page
    checked again after an htmx swap, a focus or a resize keeps the script of its first check
    (half a megabyte sent and compiled again each time, a third of a check's time). A context
    made with ``axe_in_every_page`` has it in every document from the start.

    Only the violations come back from the page (all that any test reads, ``violations_count``
    and ``generate_report`` included): the rest of axe's answer, the rules passed and not
    applicable, is about 40 KB of JSON a check that the browser, Playwright's driver and this
    process each handled, 10 ms a check in this process alone."""

    def run(
        self, page: Page, context: str | list | dict | None = None, options: dict | None = DEFAULT_OPTIONS
    ) -> AxeResults:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe_script)
        arguments = self._format_script_args(context=context, options=options)
        return AxeResults(page.evaluate(f"axe.run({arguments}).then(results => ({{violations: results.violations}}))"))


def axe_in_every_page(context: BrowserContext) -> BrowserContext:
    """The context's every document gets axe-core before its own scripts (for a walk of many pages)."""
    context.add_init_script(Axe().axe_script)
    return context


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in on the login page as a persona (every persona has the same test password)."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def signed_in_page(browser: Browser, base: str, username: str, *, home: bool = True) -> Page:
    """A page of a browser context of its own, signed in (by the session cookie: ``new_context``),
    on its home page, or on no page yet with ``home=False`` for a test that goes elsewhere first:
    for tests where several people act."""
    page = new_context(browser, base, username).new_page()
    if home:
        page.goto(f"{base}/")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # only when signed in
    return page
