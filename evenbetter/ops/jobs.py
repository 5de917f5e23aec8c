"""The daily backup, as a job for the schedules: one file a day in EVENBETTER_BACKUP_DIR."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, register_kind
from evenbetter.ops.backup import backup


def backup_path() -> Path:
    return Path(settings.EVENBETTER_BACKUP_DIR) / f"evenbetter-{timezone.localdate():%Y-%m-%d}.backup"


@register_kind
class Backup(JobKind):
    code = "backup"
    name = "Backup"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        path = backup_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        progress(step=f"backing up to {path.name}")
        backup(path, overwrite=True)  # a retry the same day writes the same file again
