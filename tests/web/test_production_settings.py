"""Production settings: `check --deploy` is clean, DEBUG is off unless asked for, an unknown
address gets the project's own 404 page, and sign-in throttling is set from the environment.

What a server does with its settings (the deploy checks, answering a request) runs manage.py in
a fresh process, so that settings.py is read from the environment the way a server reads it
(pytest-django would otherwise force DEBUG off by itself): three processes in all. What the
environment makes of a setting is read by running ``config/settings.py`` itself in this process
with exactly that environment (``_settings_from``): the same file, the same reading, without
the two to four seconds of starting Django again for each."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

# Same on any database: each process is given a SQLite file of its own (DATABASE_URL below),
# so a PostgreSQL run would run the very same thing again.
pytestmark = pytest.mark.same_on_any_database

ROOT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path, **environment: str) -> dict[str, str]:
    """Nothing inherited from the test run but PATH: the environment a server would be given."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "EVENBETTER_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        **environment,
    }


def _settings_from(tmp_path: Path, **environment: str) -> dict[str, Any]:
    """``config/settings.py`` run afresh in this process with exactly this environment: its
    module-level names, as a server started with that environment would have them."""
    with mock.patch.dict(os.environ, _environment(tmp_path, **environment), clear=True):
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


def _manage(tmp_path: Path, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = _environment(tmp_path, **environment)
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
    # HSTS switched off through the environment reaches the setting, and the same deploy check
    # complains about it.
    production = _settings_from(tmp_path, **_production(tmp_path))
    insecure = _settings_from(tmp_path, **{**_production(tmp_path), "SECURE_HSTS_SECONDS": "0"})
    assert production["SECURE_HSTS_SECONDS"] > 0
    assert insecure["SECURE_HSTS_SECONDS"] == 0
    with (
        override_settings(SECURE_HSTS_SECONDS=insecure["SECURE_HSTS_SECONDS"]),
        pytest.raises(SystemCheckError, match=r"security\.W004"),
    ):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        _settings_from(tmp_path, **{**_production(tmp_path), "SECRET_KEY": ""})
    # Outside production a key is made once and kept in the var folder.
    made = _settings_from(tmp_path, SECRET_KEY="")
    assert len(made["SECRET_KEY"]) > 40
    assert _settings_from(tmp_path)["SECRET_KEY"] == made["SECRET_KEY"]


COLLECT_STATIC = """
from django.core.management import call_command
call_command("collectstatic", "--noinput", verbosity=0)
"""
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
    show = SHOW
    if production:
        # Without HTTPS the production server would redirect; the 404 page is what is tested here.
        environment["SECURE_SSL_REDIRECT"] = "0"
        # Production serves hashed static files from a manifest that collectstatic writes
        # (in the same process, before the first request).
        show = COLLECT_STATIC + SHOW
    result = _manage(tmp_path, "shell", "--no-imports", "-c", show, **environment)
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
    assert _settings_from(tmp_path)["DEBUG"] is False
    assert _settings_from(tmp_path, DEBUG="1")["DEBUG"] is True


def test_sign_in_throttling_is_set_from_the_environment(tmp_path: Path) -> None:
    default = _settings_from(tmp_path)
    assert (default["AXES_FAILURE_LIMIT"], str(default["AXES_COOLOFF_TIME"])) == (5, "0:30:00")
    tuned = _settings_from(tmp_path, AXES_FAILURE_LIMIT="8", AXES_COOLOFF_MINUTES="90")
    assert (tuned["AXES_FAILURE_LIMIT"], str(tuned["AXES_COOLOFF_TIME"])) == (8, "1:30:00")
