"""The daily backup, as a job for the schedules: one file a day in EVENBETTER_BACKUP_DIR; and the
school pages' glances drawn ahead for system leads, the refresh's last step and a job of its own
(queued each night once the day's contact summaries are kept: ``partnerships.jobs``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, register_kind, register_step
from evenbetter.ops.backup import backup
from evenbetter.ops.drawn_ahead import glances_drawn_ahead


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


SCHOOL_PAGES = "school_pages"


@register_step
class SchoolPagesStep(RefreshStep):
    code = SCHOOL_PAGES
    name = "the school pages drawn ahead"
    order = 900  # last: after everything the glance shows was worked out (the risk run, 400)

    def is_wanted(self) -> bool:
        return bool(settings.EVENBETTER_DRAW_SCHOOL_PAGES_AHEAD)

    def run(self) -> None:
        glances_drawn_ahead(progress=lambda done, total: self.progress(done=done, total=total))


@register_kind
class SchoolPages(JobKind):
    code = SCHOOL_PAGES
    name = "School pages drawn ahead"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        if not settings.EVENBETTER_DRAW_SCHOOL_PAGES_AHEAD:
            progress(step="off in the settings (EVENBETTER_DRAW_SCHOOL_PAGES_AHEAD)")
            return
        progress(step="every school's glance, as system leads see it")
        drawn = glances_drawn_ahead(progress=lambda done, total: progress(done=done, total=total))
        progress(step=f"{drawn:,} glances drawn (the rest were kept already)")
