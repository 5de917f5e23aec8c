"""Production settings: `check --deploy` is clean, DEBUG is off unless asked for, an unknown
address gets the project's own 404 page, and sign-in throttling is set from the environment.

Each runs manage.py in a fresh process, so that settings.py is read from the environment the
way a server reads it (pytest-django would otherwise force DEBUG off by itself)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Same on any database: each process is given a SQLite file of its own (DATABASE_URL below),
# so a PostgreSQL run would run the very same thing again.
pytestmark = pytest.mark.same_on_any_database

ROOT = Path(__file__).resolve().parents[2]


def _manage(tmp_path: Path, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "EVENBETTER_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        **environment,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production(tmp_path: Path) -> dict[str, str]:
    return {
        "EVENBETTER_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.org",
    }


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **_production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_fail_on_an_insecure_setting(tmp_path: Path) -> None:
    # The same check, with HSTS switched off through the environment: it must complain.
    environment = {**_production(tmp_path), "SECURE_HSTS_SECONDS": "0"}
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    environment = {**_production(tmp_path), "SECRET_KEY": ""}
    result = _manage(tmp_path, "check", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


SHOW = """
from django.conf import settings
from django.test import Client
print("DEBUG", settings.DEBUG)
response = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0]).get("/no-such-page/")
print("STATUS", response.status_code)
print("OWN_PAGE", b"Page not found" in response.content and b"Even Better" in response.content)
print("DEBUG_PAGE", b"Using the URLconf" in response.content or b"Traceback" in response.content)
print("CSP", response.get("Content-Security-Policy", ""))
bad_host = Client(HTTP_HOST="attacker.example").get("/")
print("BAD_HOST", bad_host.status_code, b"Even Better" in bad_host.content)
"""


@pytest.mark.parametrize("production", [False, True], ids=["default", "production"])
def test_debug_is_off_by_default_and_an_unknown_address_gets_the_own_404_page(tmp_path: Path, production: bool) -> None:
    environment = _production(tmp_path) if production else {}
    if production:
        # Without HTTPS the production server would redirect; the 404 page is what is tested here.
        environment["SECURE_SSL_REDIRECT"] = "0"
        # Production serves hashed static files from a manifest that collectstatic writes.
        collected = _manage(tmp_path, "collectstatic", "--noinput", "-v0", **environment)
        assert collected.returncode == 0, collected.stderr
    result = _manage(tmp_path, "shell", "--no-imports", "-c", SHOW, **environment)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["DEBUG"] == "False"
    assert lines["STATUS"] == "404"
    assert lines["OWN_PAGE"] == "True"
    assert lines["DEBUG_PAGE"] == "False"
    assert "default-src 'self'" in lines["CSP"]
    # A Host header not in ALLOWED_HOSTS gets the project's own 400 page, not a crash.
    assert lines["BAD_HOST"] == "400 True"


def test_debug_can_be_switched_on_for_development_only_by_asking(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.DEBUG)"
    result = _manage(tmp_path, "shell", "--no-imports", "-c", show, DEBUG="1")
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_sign_in_throttling_is_set_from_the_environment(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    assert _manage(tmp_path, "shell", "--no-imports", "-c", show).stdout.strip() == "5 0:30:00"
    tuned = _manage(tmp_path, "shell", "--no-imports", "-c", show, AXES_FAILURE_LIMIT="8", AXES_COOLOFF_MINUTES="90")
    assert tuned.stdout.strip() == "8 1:30:00"
