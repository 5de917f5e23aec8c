"""Reads of the data hub that views use, each starting from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from evenbetter.accounts.selectors import AnyUser, SchoolAccess, school_access, scope_of
from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Observation
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


def disputes_visible_to(user: AnyUser) -> QuerySet[Dispute]:
    """A school sees the disputes about its own values; system leads see them all."""
    scope = scope_of(user)
    disputes = Dispute.objects.select_related("observation__indicator", "observation__school", "raised_by")
    if scope.is_system_lead:
        return disputes
    return disputes.filter(observation__school_id__in=scope.full_school_ids)


def can_dispute(user: AnyUser, observation: Observation) -> bool:
    """Only the school's own leaders flag its values (DESIGN.md principle 1)."""
    return observation.school_id in scope_of(user).school_ids


def can_resolve_disputes(user: AnyUser) -> bool:
    return scope_of(user).is_system_lead


def observations_of_school_visible_to(user: AnyUser, school: School) -> QuerySet[Observation]:
    if school_access(user, school) == SchoolAccess.NONE:
        return Observation.objects.none()
    return Observation.objects.filter(school=school).select_related("indicator", "school")
