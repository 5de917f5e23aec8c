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
        benchmarks_refresh()  # one transaction: every family and benchmark, or none
