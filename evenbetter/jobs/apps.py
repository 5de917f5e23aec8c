from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.module_loading import autodiscover_modules

from evenbetter.indicators.figures_cache import JOB_RECORDS, records_changed

# The kind of job that works out the figures again (``jobs.services.refresh_wanted``): the one
# kind anything kept shows (how fresh the figures are: the newest refresh, and whether one is
# under way).
REFRESH = "refresh"
# How fresh the figures are (``jobs.selectors.freshness``), kept beside the generations it is
# worked out from: the newest refresh and import.
FRESHNESS = "freshness"


def job_records_changed(*, kind: str | None = None, **kwargs: Any) -> None:
    """A job was queued, claimed, finished, failed or changed: what is kept of jobs is out of
    date once that commits (connected below to every row saved; a write without that signal
    calls it itself, with the job's kind where it knows it: tests/pages/test_glance_record_writers.py
    checks every one). A job of another kind than the refresh (a backup, the digest, the nightly
    check) renews nothing: nothing kept shows it, and every school page's kept glance would
    otherwise be drawn again after each."""
    instance = kwargs.get("instance")
    kind = instance.kind if instance is not None else kind
    if kind is not None and kind != REFRESH:
        return
    records_changed(JOB_RECORDS)


class JobsConfig(AppConfig):
    name = "evenbetter.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # The jobs' own steps and kinds (data quality, computed indicators, the refresh, the
        # staleness check), then every installed app's ``jobs`` module, which registers its
        # steps and kinds on import (benchmarks, the early warning, the digest, the backup).
        from evenbetter.jobs import steps  # noqa: F401

        autodiscover_modules("jobs")
        from evenbetter.jobs.models import Job

        post_save.connect(job_records_changed, sender=Job, dispatch_uid="job-records")
        from evenbetter.indicators.figures_cache import IMPORT_RECORDS, kept_beside_register
        from evenbetter.jobs.selectors import freshness_worked_out

        kept_beside_register(FRESHNESS, freshness_worked_out, after=(JOB_RECORDS, IMPORT_RECORDS))
