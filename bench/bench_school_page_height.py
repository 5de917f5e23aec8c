"""How tall the school page is at 1280 px for a school leader, in a real browser.

    EVENBETTER_VAR_DIR=<a folder with the demo's database> \
        .venv/bin/python bench/bench_school_page_height.py [base-url] [school-path]

Needs a server on the demo's database (``make run``, or ``manage.py runserver``; default
http://127.0.0.1:8000). Signs in as the demo's ``school-leader`` (a headteacher), opens their
school's page in Debian's Chromium at 1280 x 800 and prints, in the same run: the height of
the whole page as it first paints, the height of its first screen's summary ("At a glance"),
and the height once every section has been opened (the page as it was before the sections
were folded away), with the ratio of the first to the last.
Target (issue 20): the page as it first paints under half its height before (10,077 px).
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("EVENBETTER_CHROMIUM", "/usr/bin/chromium-headless-shell")  # as tests/browser/conftest.py
PASSWORD = os.environ.get("EVENBETTER_DEMO_PASSWORD", "even-better-demo")


def main(base: str, school_path: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB").new_page()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill("school-leader")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}{school_path}")
        page.wait_for_load_state("networkidle")
        first = page.evaluate("() => document.documentElement.scrollHeight")
        glance = page.locator("#at-a-glance")
        glance_height = glance.bounding_box()["height"] if glance.count() else float("nan")  # type: ignore[index]
        openers = page.locator("[data-section-open]")
        while (closed := openers.count()) > 0:
            openers.first.click()  # htmx puts the section in its place: one opener fewer
            for _ in range(300):  # the page's CSP forbids wait_for_function's eval
                if openers.count() < closed:
                    break
                page.wait_for_timeout(100)
            else:
                raise SystemExit(f"A section did not open: {openers.first.get_attribute('href')}")
        page.wait_for_load_state("networkidle")
        everything = page.evaluate("() => document.documentElement.scrollHeight")
        print(f"school page {page.url}")
        print(f"  as it first paints:        {first:>6,} px")
        print(f"  its At a glance:           {glance_height:>6,.0f} px (the screen is 800 px)")
        print(f"  with every section opened: {everything:>6,} px")
        print(f"  first paint / all opened:  {first / everything:.2f}")
        browser.close()


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
        sys.argv[2] if len(sys.argv) > 2 else "/schools/115921/",  # the demo's school leader's school
    )
