"""Reads of the data hub that views use, each starting from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from evenbetter.accounts.selectors import AnyUser, SchoolAccess, school_access, scope_of
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.schools.models import School


def can_import_data(user: AnyUser) -> bool:
    """Imports change what everyone sees: system leads only."""
    return scope_of(user).is_system_lead


def import_runs_visible_to(user: AnyUser) -> QuerySet[ImportRun]:
    if not can_import_data(user):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("run_by")


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    points: list[Observation]

    @property
    def values(self) -> list[Observation]:
        return [p for p in self.points if p.value is not None]

    @property
    def latest(self) -> Observation | None:
        return self.points[-1] if self.points else None


def school_indicator_series(*, user: AnyUser, school: School) -> list[IndicatorSeries]:
    """Every indicator the platform holds for the school, over time, if the user may see it.

    Register facts, published results and returns are public data: anyone who may open
    the school's page sees them.
    """
    if school_access(user, school) == SchoolAccess.NONE:
        return []
    observations = (
        Observation.objects.filter(school=school)
        .select_related("indicator")
        .order_by("indicator__domain", "indicator__name", "period_start")
    )
    series: dict[int, IndicatorSeries] = {}
    for observation in observations:
        entry = series.get(observation.indicator_id)
        if entry is None:
            entry = series[observation.indicator_id] = IndicatorSeries(observation.indicator, [])
        entry.points.append(observation)
    return list(series.values())
