"""A jobs worker in a process of its own, with the test's slow step registered:
``python tests/jobs/worker_process.py run`` does one worker turn (take back jobs of dead workers,
run what is ready); ``report`` prints the refresh job and the rows the slow step wrote, as JSON."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from evenbetter.jobs.models import Job, ScheduleFiring  # noqa: E402
from evenbetter.jobs.registry import register_step  # noqa: E402
from evenbetter.jobs.worker import jobs_run_pending, jobs_tick  # noqa: E402
from tests.jobs.slow_step import SlowWrite  # noqa: E402

register_step(SlowWrite)

if sys.argv[1] == "run":
    jobs_tick()
    jobs_run_pending()
else:
    job = Job.objects.get(kind="refresh")
    rows = ScheduleFiring.objects.filter(schedule="slow-write").count()
    print(json.dumps({"status": job.status, "attempts": job.attempts, "error": job.error, "rows": rows}))
