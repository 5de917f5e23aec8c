"""Take the README's screenshots from a running demo (`make run`), with Debian's Chromium.

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Then the school page of the demo's school (Ashford Hill Primary School) as each role that may
open it first sees it, at 1280 px and at 360 px (the first screen: what the issue asks to hold
the summary), saved as 256-colour PNGs to keep them small; and each page's height, printed.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = os.environ.get("EVENBETTER_DEMO_PASSWORD", "even-better-demo")
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def sign_in(page: Page, username: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{BASE}/")


# The demo's people, each of whom may open the demo school's page (a partner agency through
# the locality it works with), and the names of their pictures.
SCHOOL = "/schools/115921/"
ROLES = {
    "system-lead": "system-lead",
    "partnership-lead": "partnership-lead",
    "locality-lead": "locality-lead",
    "school-leader": "school-leader",
    "governor": "governor",
    "staff-member": "staff-member",
    "partner-agency": "partner-agency",
}
DESK, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}


def optimised(path: Path) -> None:
    """A screenshot as a 256-colour PNG: a page's flat colours lose nothing to the eye, and the
    file is a third of the size or less."""
    with Image.open(path) as picture:
        small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def school_page_for_each_role(browser: Browser) -> None:
    for username, name in ROLES.items():
        context = browser.new_context(viewport=DESK, locale="en-GB")
        page = context.new_page()
        sign_in(page, username)
        for size, width in ((DESK, 1280), (PHONE, 360)):
            page.set_viewport_size(size)
            page.goto(f"{BASE}{SCHOOL}")
            page.wait_for_load_state("networkidle")
            glance = page.locator("#at-a-glance").bounding_box()
            height = page.evaluate("document.documentElement.scrollHeight")
            shot = OUT / f"school-page-{name}-{width}.png"
            page.screenshot(path=str(shot))
            optimised(shot)
            ends = f"{glance['y'] + glance['height']:,.0f}" if glance else "-"
            print(f"{shot.name}: page {height:,} px, At a glance ends at {ends} px, {shot.stat().st_size // 1024} KiB")
        context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("EVENBETTER_CHROMIUM", "/usr/bin/chromium-headless-shell"), args=ARGS
        )
        for username, shots in {
            "school-leader": [
                ("/", "home-school-leader.png"),
                ("/schools/115921/", "school-page.png"),
                ("/schools/115921/#indicators-heading", "school-indicators.png"),
                ("/schools/115921/#benchmarks-heading", "school-benchmarks.png"),
                ("/schools/115921/#strengths-heading", "school-strengths-family.png"),
                ("/schools/115921/#life-heading", "school-partnership-life.png"),
                ("/schools/id/72/risk/", "school-risk.png"),
            ],
            "partnership-lead": [
                ("/partnerships/cluster-newbury-schools-cluster/#life-heading", "partnership-at-work.png"),
                ("/help/", "reaching-out.png"),
                ("request:Persistent absence after the winter term#suggestions-heading", "help-suggestions.png"),
                ("/help/summary/", "help-summary.png"),
            ],
            "school-leader-b": [
                ("/practice/", "practice-library.png"),
                ("request:Catch-up phonics for Year 2#step-agree", "help-agree.png"),
            ],
            "system-lead": [
                ("/", "home-system-lead.png"),
                ("/schools/?locality=winchester", "directory.png"),
                ("/data/imports/", "imports.png"),
                ("/explore/?indicator=ks2_ptrwm_exp&period=2018%2F19&scope=locality:winchester", "explorer.png"),
                ("/localities/winchester/network/", "locality-network.png"),
                ("/watch-list/", "watch-list.png"),
                ("/dashboard/?locality=winchester", "dashboard.png"),
                ("/dashboard/map/?indicator=ks2_ptrwm_exp", "dashboard-map.png"),
                ("request:Phonics and early reading for pupils who fall behind#support-heading", "help-impact.png"),
            ],
        }.items():
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
            page = context.new_page()
            sign_in(page, username)
            for path, name in shots:
                target, _, anchor = path.partition("#")
                if target.startswith("request:"):  # a help request, found by its title (ids vary)
                    page.goto(f"{BASE}/help/")
                    page.get_by_role("link", name=target.removeprefix("request:")).first.click()
                    page.wait_for_url(re.compile(r".*/help/\d+/$"))
                else:
                    page.goto(f"{BASE}{target}")
                # Charts draw after the page loads: wait until each canvas says it has.
                page.wait_for_function(
                    "[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.rendered)"
                )
                if anchor:
                    page.locator(f"#{anchor}").scroll_into_view_if_needed()
                    page.evaluate(f"document.getElementById('{anchor}').scrollIntoView()")
                page.screenshot(path=str(OUT / name))
                print(OUT / name)
            context.close()
        school_page_for_each_role(browser)
        browser.close()


if __name__ == "__main__":
    main()
