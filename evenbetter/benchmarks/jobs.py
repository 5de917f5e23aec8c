"""Families and benchmarks: the refresh's step after the indicators are measured."""

from __future__ import annotations

from evenbetter.benchmarks.services import benchmarks_refresh
from evenbetter.jobs.registry import RefreshStep, register_step


@register_step
class BenchmarksStep(RefreshStep):
    code = "benchmarks"
    name = "families and benchmarks"
    order = 300

    def run(self) -> None:
        # One transaction: every family and benchmark, or none. The job writes the indicators
        # done outside it (PostgreSQL: through a connection of its own).
        benchmarks_refresh(
            indicators_done=lambda done, total: self.progress(step="indicators benchmarked", done=done, total=total)
        )
