from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evenbetter.jobs.worker import jobs_run_pending, jobs_tick, jobs_work


class Command(BaseCommand):
    help = (
        "Run background jobs: the refresh after imports and the schedules of EVENBETTER_SCHEDULES. "
        "Run any number, on any machines sharing the database; Ctrl-C lets the job under way finish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between looks at the queue")
        parser.add_argument("--once", action="store_true", help="One turn (schedules, then every ready job), then stop")
        parser.add_argument("--worker-id", default=None, help="A name for this worker, unique among workers")

    def handle(self, *args: Any, interval: float, once: bool, worker_id: str | None, **options: Any) -> None:
        if once:
            jobs_tick()
            jobs_run_pending(worker_id=worker_id)
            return
        jobs_work(interval=interval, worker_id=worker_id)
