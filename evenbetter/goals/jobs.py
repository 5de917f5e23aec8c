"""Celebrations are found by a step of the refresh after every import, so the feed is cheap to read."""

from __future__ import annotations

from evenbetter.goals.services import celebrations_refresh
from evenbetter.jobs.registry import RefreshStep, register_step


@register_step
class CelebrationsStep(RefreshStep):
    code = "celebrations"
    name = "celebrations"
    order = 500  # after families and benchmarks (300), whose percentiles it reads, and risk (400)

    def run(self) -> None:
        celebrations_refresh()  # one transaction: all found, or none
