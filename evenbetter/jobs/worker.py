"""The worker: between tasks it recovers dead jobs and fires due schedules; then it runs every
task that is ready with django-tasks-db's own worker (the loop of ``manage.py db_worker``).

``manage.py jobs_worker`` runs ``jobs_work`` until stopped; any number of them may run, on
any machines sharing the database (see docs/operations.md). Tests call ``jobs_run_pending``
to run what is queued, in the test's process, through the same worker class.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from evenbetter.jobs.schedules import schedules_fire_due
from evenbetter.jobs.services import jobs_recover

logger = logging.getLogger(__name__)


def _worker(worker_id: str | None = None) -> Worker:
    return Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,  # run what is ready, then come back here
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )


def jobs_tick(*, now: dt.datetime | None = None) -> None:
    """What a worker does between tasks: take back jobs whose worker died, fire due schedules."""
    recovered = jobs_recover(now=now)
    if recovered:
        logger.warning("Took back %s job(s) whose worker had stopped", recovered)
    for job in schedules_fire_due(now=now):
        logger.info("Queued %s (%s)", job, job.reason)


def jobs_run_pending(*, worker_id: str | None = None) -> None:
    """Run every task that is ready, one after another, then return."""
    _worker(worker_id).run()


def jobs_work(*, interval: float, worker_id: str | None = None) -> None:
    """Until stopped: a turn of ``jobs_tick``, then every ready task, then a pause. The first
    Ctrl-C (or SIGTERM) lets the task under way finish; a second one stops it (it is retried)."""
    worker = _worker(worker_id)
    worker.configure_signals()
    logger.info("Jobs worker %s started", worker.worker_id)
    while worker.running:
        jobs_tick()
        worker.run()
        if worker.running:
            time.sleep(interval)
