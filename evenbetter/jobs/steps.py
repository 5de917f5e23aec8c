"""The jobs' own kinds and the first steps of the refresh: the ones ``indicators`` knows.

Steps of higher apps (families and benchmarks 300, the early warning 400) are registered from
their own ``jobs`` modules; ``indicators`` is below ``jobs``, so its steps are declared here.
"""

from __future__ import annotations

from evenbetter.indicators.computed import all_computed, computed_refresh
from evenbetter.indicators.quality import DataQuality, data_quality_refresh
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import JobKind, Progress, RefreshStep, refresh_steps, register_kind, register_step
from evenbetter.jobs.services import REFRESH, staleness_check


@register_step
class DataQualityStep(RefreshStep):
    code = "data_quality"
    name = "data quality"
    order = 100

    def run(self) -> None:
        data_quality_refresh()  # one transaction: values and run commit together


@register_step
class ComputedIndicatorsStep(RefreshStep):
    code = "computed_indicators"
    name = "computed indicators (partnership life …)"
    order = 200

    def run(self) -> None:
        # Every registered computed indicator but data quality, measured just before; each one
        # writes all or nothing (indicators.computed's one lifecycle).
        for computed in all_computed():
            if computed is not DataQuality:
                computed_refresh(computed())


@register_kind
class Refresh(JobKind):
    """Everything derived from the data, recomputed in order after imports (coalesced)."""

    code = REFRESH
    name = "Refresh after import"
    coalesce = True

    def run(self, job: Job, progress: Progress) -> None:
        steps = [step for step in refresh_steps() if step.is_wanted()]
        for done, step in enumerate(steps):
            progress(step=step.name, done=done, total=len(steps))
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
