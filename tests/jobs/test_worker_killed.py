"""A worker killed outright (SIGKILL) in the middle of a step: nothing of the step is written,
and the next worker takes the job back, retries it, and finishes it, the data whole."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_request

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).with_name("worker_process.py")


def _shared_database(tmp_path: Path) -> str:
    """A DATABASE_URL for the test's database that another process can open: the PostgreSQL
    test database itself, or (SQLite's test database lives in memory) a copy in a file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        # HOST may be a Unix socket's folder (make test-postgres): its slashes written %2F.
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{quote(s['HOST'], safe='')}:{s['PORT']}/{s['NAME']}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def _worker(env: dict[str, str], action: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), action], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_worker_killed_mid_step_leaves_nothing_and_the_job_is_finished_by_the_next(
    register: ImportRun, tmp_path: Path
) -> None:
    job_request("refresh", reason="a test")  # joins the one the register's import asked for
    marker = tmp_path / "step-started"
    env = {
        **os.environ,
        "DATABASE_URL": _shared_database(tmp_path),
        "SLOW_STEP_MARKER": str(marker),
        "SLOW_STEP_SECONDS": "60",
        "EVENBETTER_JOB_RETRY_SECONDS": "0",
    }
    first = _worker(env, "run")
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first worker never started the step"
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    killed = json.loads(
        subprocess.run(
            [sys.executable, str(SCRIPT), "report"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert killed == {"status": Job.Status.RUNNING, "attempts": 1, "error": "", "rows": 0}

    second = _worker({**env, "SLOW_STEP_SECONDS": "0"}, "run")
    _out, errors = second.communicate(timeout=300)
    assert second.returncode == 0, errors
    finished = json.loads(
        subprocess.run(
            [sys.executable, str(SCRIPT), "report"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert finished == {"status": Job.Status.SUCCEEDED, "attempts": 2, "error": "", "rows": 2}
