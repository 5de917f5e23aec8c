"""What a browser context costs Chromium, against one page handed from person to person
(``tests/browser/conftest.py``, ``hand_over``): N people each open a page with the site's own
styles and scripts (evenbetter.css, nav.js, htmx and Chart.js, a chart drawn) and fill in a field,
either each in a context of their own, or one after another in one page (cookies and the tab's
storage cleared, a session cookie given). Chromium is launched as the browser tests launch it;
each way runs in a process of its own under ``bench/cpu_with_orphans.py``, which counts
Chromium's renderers too, turn about, ROUNDS times; the figure is the CPU above Chromium's
launch with no one served.

    .venv/bin/python bench/bench_browser_contexts.py [PEOPLE=30] [ROUNDS=3]
    EVENBETTER_CHROMIUM=/usr/bin/chromium .venv/bin/python bench/bench_browser_contexts.py    # the whole browser
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "evenbetter" / "web" / "static" / "web"
PAGE = """<!doctype html><html lang="en"><head><title>A page</title><link rel="stylesheet" href="evenbetter.css">
<script src="nav.js" defer></script></head><body><header class="site-header"></header>
<main><h1>A page</h1><form><label>Name <input name="name"></label><button>Go</button></form><canvas id="chart"></canvas>
<script src="htmx.min.js"></script><script src="chart.umd.min.js"></script>
<script>document.cookie = "seen=1"; sessionStorage.setItem("kept", "1");
new Chart(document.getElementById("chart"), {type: "bar", data: {labels: ["a", "b"], datasets: [{data: [1, 2]}]},
 options: {animation: false}});</script></main></body></html>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _people(way: str, people: int) -> None:
    """Serve the page and let ``people`` people open it, ``way``: contexts, handed or none."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    folder = Path(tempfile.mkdtemp(prefix="evenbetter-bench-contexts-"))
    for name in ("evenbetter.css", "nav.js", "vendor/htmx.min.js", "vendor/chart.umd.min.js"):
        shutil.copy(STATIC / name, folder / Path(name).name)
    (folder / "page.html").write_text(PAGE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            shared = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
            for person in range(people if way != "none" else 0):
                if way == "contexts":
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                    page = context.new_page()
                else:  # handed over, as tests/browser/conftest.py's hand_over does
                    page = shared
                    if page.url.startswith(base):
                        page.evaluate("() => { sessionStorage.clear(); localStorage.clear(); }")
                    page.context.clear_cookies()
                page.context.add_cookies([{"name": "sessionid", "value": f"person-{person}", "url": base}])
                page.goto(f"{base}/page.html")
                page.get_by_label("Name").fill("A name")
                if way == "contexts":
                    page.context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _measured(way: str, people: int) -> float:
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(  # noqa: S603 — this Python, this script
            [sys.executable, str(ROOT / "bench" / "cpu_with_orphans.py"), out.name, sys.executable, __file__,
             "--way", way, str(people)],
            check=True, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        user, system = out.read().split()[-2:]
        return float(user) + float(system)


def main() -> None:
    if sys.argv[1:2] == ["--way"]:
        _people(sys.argv[2], int(sys.argv[3]))
        return
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    each: dict[str, list[float]] = {"contexts": [], "handed": []}
    for round_ in range(1, rounds + 1):
        launch = _measured("none", people)
        for way in each:
            cpu = _measured(way, people) - launch
            each[way].append(cpu)
            print(
                f"round {round_}  {way:8s}  {cpu:5.2f} CPU s above the launch ({launch:.2f}), {cpu / people:.3f} a person"
            )
    contexts, handed = (statistics.median(each[way]) for way in ("contexts", "handed"))
    print(
        f"median: a context each {contexts:.2f} CPU s, handed over {handed:.2f}; "
        f"{(contexts - handed) / people:.3f} CPU s a context saved; handed / contexts {handed / contexts:.2f}"
    )


if __name__ == "__main__":
    main()
