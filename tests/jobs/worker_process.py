"""A jobs worker in a process of its own, with the test's slow step registered:
``python tests/jobs/worker_process.py`` does one worker turn (take back jobs of dead workers,
run what is ready). With ``DIE_BEFORE_CLAIM`` set, the worker kills itself (SIGKILL) after taking its
first task and before claiming the job."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from evenbetter.jobs import services  # noqa: E402
from evenbetter.jobs.registry import register_step  # noqa: E402
from evenbetter.jobs.worker import jobs_run_pending, jobs_tick  # noqa: E402
from tests.jobs.slow_step import SlowWrite  # noqa: E402

register_step(SlowWrite)
settings.EVENBETTER_SCHEDULES = []  # only the test's job: a backup due at this hour would run too
if os.environ.get("DIE_BEFORE_CLAIM"):
    services.job_execute = lambda job_id: os.kill(os.getpid(), signal.SIGKILL)  # type: ignore[assignment]

jobs_tick()
jobs_run_pending()
