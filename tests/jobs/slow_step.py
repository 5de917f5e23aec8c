"""A refresh step for ``test_worker_killed``: writes two rows in one transaction with a pause
between them (``SLOW_STEP_SECONDS``), touching ``SLOW_STEP_MARKER`` once the first is written."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from evenbetter.jobs.models import ScheduleFiring
from evenbetter.jobs.registry import RefreshStep


class SlowWrite(RefreshStep):
    code = "test_slow_write"
    name = "a slow write"
    order = 50  # before data quality: a worker killed here has written nothing of the refresh

    def run(self) -> None:
        with transaction.atomic():
            now = timezone.now()
            ScheduleFiring.objects.create(schedule="slow-write", due_at=now)
            Path(os.environ["SLOW_STEP_MARKER"]).touch()
            time.sleep(float(os.environ.get("SLOW_STEP_SECONDS", "0")))
            ScheduleFiring.objects.create(schedule="slow-write", due_at=now + timezone.timedelta(seconds=1))
