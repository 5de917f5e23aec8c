"""The jobs' own kinds and the first steps of the refresh: the ones ``indicators`` knows.

Steps of higher apps (families and benchmarks 300, the early warning 400) are registered from
their own ``jobs`` modules; ``indicators`` is below ``jobs``, so its steps are declared here.
"""

from __future__ import annotations

from evenbetter.indicators.computed import all_computed, computed_refresh
from evenbetter.indicators.quality import DataQuality, data_quality_refresh
from evenbetter.indicators.services import data_glance_keep
from evenbetter.jobs.apps import REFRESH
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, refresh_steps, register_kind, register_step
from evenbetter.jobs.services import jobs_prune, staleness_check


@register_step
class DataQualityStep(RefreshStep):
    code = "data_quality"
    name = "data quality"
    order = 100

    def run(self) -> None:
        # One transaction: values and run commit together. Progress at each phase, outside it.
        data_quality_refresh(phases=lambda phase, done, total: self.progress(step=phase, done=done, total=total))


@register_step
class ComputedIndicatorsStep(RefreshStep):
    code = "computed_indicators"
    name = "computed indicators (partnership life …)"
    order = 200

    def run(self) -> None:
        # Every registered computed indicator but data quality, measured just before; each one
        # writes all or nothing (indicators.computed's one lifecycle). Progress at each one's
        # phases (measuring, writing: two units each), outside their transactions, so it is
        # seen while the step runs.
        kinds = [computed for computed in all_computed() if computed is not DataQuality]
        total = 2 * len(kinds)
        for number, computed in enumerate(kinds):

            def phases(phase: str, done: int, _of: int, number: int = number, name: str = computed.name) -> None:
                self.progress(step=f"{name}: {phase}", done=2 * number + done, total=total)

            computed_refresh(computed(), phases=phases)
        self.progress(done=total, total=total)


@register_step
class DataGlanceStep(RefreshStep):
    code = "data_glance"
    name = "the glance of the data"
    order = 210  # after the values written by data quality (100) and the computed indicators (200)

    def run(self) -> None:
        data_glance_keep()


def _within(progress: Progress, where: str) -> Progress:
    """A step's progress, shown under the step it is in ("step 3 of 4: … — reading")."""

    def step_progress(*, step: str | None = None, done: int | None = None, total: int | None = None) -> None:
        progress(step=f"{where} — {step}" if step else None, done=done, total=total)

    return step_progress


@register_kind
class Refresh(JobKind):
    """Everything derived from the data, recomputed in order after imports (coalesced)."""

    code = REFRESH
    name = "Refresh after import"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        steps = [step for step in refresh_steps() if step.is_wanted()]
        for number, step in enumerate(steps, start=1):
            where = f"step {number} of {len(steps)}: {step.name}"
            # Until the step counts its own units, the bar counts the steps done.
            progress(step=where, done=number - 1, total=len(steps))
            step.progress = _within(progress, where)
            step.run()
        progress(step="", done=len(steps), total=len(steps))


@register_kind
class StalenessCheck(JobKind):
    """Is any derived figure older than its inputs? Then queue a refresh."""

    code = "staleness_check"
    name = "Staleness check"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        refresh = staleness_check()
        progress(step=f"queued refresh #{refresh.pk}" if refresh else "nothing stale")


@register_kind
class JobsPrune(JobKind):
    """Forget finished work older than the settings keep (EVENBETTER_JOB_KEEP_DAYS)."""

    code = "jobs_prune"
    name = "Pruning old jobs"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        pruned = jobs_prune()
        progress(step=f"removed: jobs {pruned.jobs}, queue rows {pruned.tasks}, schedule firings {pruned.firings}")
