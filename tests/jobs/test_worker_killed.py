"""A worker killed outright (SIGKILL) before it claimed its job, or in the middle of a step: the
job is not lost, nothing of the step is written, and the next worker takes the job back, retries
it, and finishes it, the data whole."""

from __future__ import annotations

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


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _report(database: str) -> dict[str, object]:
    """The refresh job, its task's state and the rows the slow step wrote, read in the test's
    process (the workers' processes write them; a process to read them costs seconds)."""
    sql = [
        "SELECT status, attempts, error, task_id FROM jobs_job WHERE kind = 'refresh'",
        "SELECT COUNT(*) FROM jobs_schedulefiring WHERE schedule = 'slow-write'",
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
    ]
    if database.startswith("sqlite:///"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as shared:
            (status, attempts, error, task_id), (rows,) = (shared.execute(q).fetchone() for q in sql[:2])
            # SQLite keeps a UUID as 32 hex digits without dashes.
            task = shared.execute(sql[2].replace("%s", "?"), [task_id.replace("-", "")]).fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql[0])
            status, attempts, error, task_id = cursor.fetchone()
            cursor.execute(sql[1])
            (rows,) = cursor.fetchone()
            cursor.execute(sql[2], [task_id])
            task = cursor.fetchone()
    return {"status": status, "attempts": attempts, "error": error, "rows": rows, "task": task and task[0]}


def test_workers_killed_before_the_claim_and_mid_step_leave_nothing_and_the_job_is_finished(
    register: ImportRun, tmp_path: Path
) -> None:
    job_request("refresh", reason="a test")  # joins the one the register's import asked for
    marker = tmp_path / "step-started"
    database = _shared_database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SLOW_STEP_MARKER": str(marker),
        "SLOW_STEP_SECONDS": "60",
        "EVENBETTER_JOB_RETRY_SECONDS": "0",
        # The next worker takes a task left running at once as lost (production waits minutes).
        "EVENBETTER_JOB_CLAIM_SECONDS": "0",
    }
    # 1. Killed after taking the task, before claiming the job: the job is still queued, its
    # task says running, and without recovery no worker would ever take it again.
    first = _worker({**env, "DIE_BEFORE_CLAIM": "1"})
    first.communicate(timeout=120)
    assert first.returncode == -signal.SIGKILL
    assert _report(database) == {"status": Job.Status.QUEUED, "attempts": 0, "error": "", "rows": 0, "task": "RUNNING"}

    # 2. The next worker queues it again (no attempt spent), claims it, and is killed mid-step.
    second = _worker(env)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert second.poll() is None, second.communicate()
        assert time.monotonic() < deadline, "the second worker never started the step"
        time.sleep(0.1)
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=10)
    assert _report(database) == {"status": Job.Status.RUNNING, "attempts": 1, "error": "", "rows": 0, "task": "RUNNING"}

    # 3. The next takes it back and finishes it: the step's rows written once, whole.
    third = _worker({**env, "SLOW_STEP_SECONDS": "0"})
    _out, errors = third.communicate(timeout=300)
    assert third.returncode == 0, errors
    finished = _report(database)
    assert finished == {"status": Job.Status.SUCCEEDED, "attempts": 2, "error": "", "rows": 2, "task": "SUCCESSFUL"}
