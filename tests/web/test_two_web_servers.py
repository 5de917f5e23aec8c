"""Two web servers and a jobs worker, three processes sharing one PostgreSQL database (and the
upload storage, as an S3 bucket would be shared) but no folder and no memory: a person signs in
on one server and goes on on the other, previews an import on one and confirms it on the other,
sees the confirmation's message wherever the next request lands, counts against one API rate
limit across both, and watches the refresh the import queued finish in the worker.

The servers are gunicorn (as in production) on two free loopback ports, each with its own
``EVENBETTER_VAR_DIR``; the database is one of the test's own on the PostgreSQL server of
``DATABASE_URL`` (the processes cannot see pytest-django's test database inside its
transaction): a copy of one ``manage.py migrate`` made once for the session (the
``migrated_database`` fixture), dropped at the end. Run under
``scripts/with-postgres.sh`` (``make test``'s PostgreSQL stage does); on SQLite it is skipped.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.scratch_database import NOT_INHERITED
from tests.web.policy import ABSENCE

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
API_RATE = 5  # requests a minute, counted across both servers

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="needs a PostgreSQL server that several processes share: run under scripts/with-postgres.sh",
)

SETUP = f"""
from pathlib import Path
from evenbetter.accounts.models import Membership, Role, User
from evenbetter.ingest.runner import import_path
run = import_path(path=Path("tests/fixtures/gias_sample.csv"), source_format="gias")
assert run.status == "succeeded", run.problems
lead = User.objects.create_user(username="system_lead", password={PASSWORD!r}, email="lead@example.org")
Membership.objects.create(user=lead, role=Role.SYSTEM_LEAD)
"""


@dataclass
class Site:
    servers: list[str]  # the two servers' base URLs
    logs: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def site(migrated_database: str, tmp_path: Path) -> Iterator[Site]:
    shared = {
        "DATABASE_URL": migrated_database,
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same on every server, as in production
        "EVENBETTER_UPLOAD_DIR": str(tmp_path / "shared-storage" / "uploads"),
        "EVENBETTER_MEDIA_DIR": str(tmp_path / "shared-storage" / "media"),
        "EVENBETTER_API_RATE": f"{API_RATE}/minute",
        "EVENBETTER_SCHEDULE_GRACE_HOURS": "0",  # no schedule fires during the test
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}

    def env(process: str) -> dict[str, str]:
        return {**base, **shared, "EVENBETTER_VAR_DIR": str(tmp_path / process)}  # nothing else in common

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env("setup"), check=True, timeout=120)

    manage("shell", "-c", SETUP)

    logs = tmp_path / "logs"
    logs.mkdir()
    ports = [_free_port(), _free_port()]
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1", "--timeout", "60"]
    commands = {f"web{n}": [*gunicorn, "--bind", f"127.0.0.1:{port}"] for n, port in enumerate(ports, start=1)}
    commands["worker"] = [sys.executable, "manage.py", "jobs_worker", "--interval", "0.5", "--worker-id", "test"]
    processes = []
    try:
        for name, command in commands.items():
            with (logs / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=env(name), stdout=log, stderr=subprocess.STDOUT)
                )
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        for server in servers:
            _wait_until(lambda server=server: _answers(server), f"{server} to answer", logs)
        yield Site(servers=servers, logs=logs)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(server: str) -> bool:
    try:
        return requests.get(f"{server}/accounts/login/", timeout=30).status_code == 200
    except requests.RequestException:  # not listening yet
        return False


def _wait_until(condition, what: str, logs: Path, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.iterdir()))
            pytest.fail(f"waited {timeout:.0f} s for {what}\n{tails}")
        time.sleep(0.3)


class _Browser(requests.Session):
    """A session whose every request gives up after 30 s, so that a stuck server fails the test."""

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        kwargs.setdefault("timeout", 30)
        return super().request(*args, **kwargs)


def _csrf(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {page.url}"
    return match.group(1)


def _job_row(page: str, reason: str) -> str:
    """The row of the jobs table for the job queued for this reason ("" if there is none)."""
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", page, flags=re.S)
    return next((row for row in rows if reason in row), "")


def test_two_web_servers_and_a_worker_share_everything_through_the_database(site: Site) -> None:
    one, two = site.servers
    browser = _Browser()  # one cookie jar: a load balancer may send any request to either server

    # Signed in on server 1 ...
    login = browser.get(f"{one}/accounts/login/")
    signed_in = browser.post(
        f"{one}/accounts/login/",
        data={"username": "system_lead", "password": PASSWORD, "csrfmiddlewaretoken": _csrf(login)},
    )
    assert signed_in.url == f"{one}/", signed_in.text[-2000:]
    assert '<li class="who">Signed in as system_lead</li>' in signed_in.text
    # ... and so on server 2, with the same session cookie (a stranger there is sent to sign in).
    home = browser.get(f"{two}/")
    assert home.url == f"{two}/"
    assert '<li class="who">Signed in as system_lead</li>' in home.text
    assert "/accounts/login/" in requests.get(f"{two}/", timeout=30).url

    # The refresh queued by the register's import (made before the servers started) is done.
    _wait_until(
        lambda: "Nothing is queued or running" in browser.get(f"{two}/jobs/").text, "the first refresh", site.logs
    )

    # A preview made on server 1, from the real form with its CSRF token ...
    form = browser.get(f"{one}/data/imports/new/")
    preview = browser.post(
        f"{one}/data/imports/new/",
        data={"source_format": "dfe_absence", "period": "2018/19", "csrfmiddlewaretoken": _csrf(form)},
        files={"data_file": ("abs.csv", ABSENCE, "text/csv")},
    )
    assert re.search(r"/data/imports/\d+/$", preview.url), preview.text[-2000:]
    assert "Confirm the import" in preview.text
    # ... is confirmed on server 2, which reads the file server 1 kept (shared storage) ...
    on_two = browser.get(preview.url.replace(one, two))
    action = re.search(r'<form method="post" action="([^"]+/confirm/)">', on_two.text)  # not the header's sign-out
    assert action, on_two.text[-2000:]
    confirmed = browser.post(
        f"{two}{action.group(1)}", data={"csrfmiddlewaretoken": _csrf(on_two)}, allow_redirects=False
    )
    assert confirmed.status_code == 302, confirmed.text[-2000:]
    # ... and the message it left is shown by server 1 (messages live in the cookie or session).
    result = browser.get(f"{one}{confirmed.headers['Location']}")
    assert "Imported abs.csv:" in result.text, result.text[-3000:]

    # One API rate limit, counted in the shared cache, whichever server answers.
    answers = [browser.get(f"{server}/api/v1/schools/").status_code for server in [one, two] * API_RATE]
    assert answers[:API_RATE] == [200] * API_RATE
    assert set(answers[API_RATE:]) == {429}

    # The refresh the import queued, run by the worker, is seen finishing from server 2.
    reason = "import of abs.csv (dfe_absence)"

    def refresh_done() -> bool:
        row = _job_row(browser.get(f"{two}/jobs/").text, reason)
        assert "Failed" not in row, row
        return "Succeeded" in row

    _wait_until(refresh_done, "the refresh after the import", site.logs)
