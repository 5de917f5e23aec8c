"""Reads of the data hub that views use, each starting from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Inspection, Observation
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School


def can_import_data(user: AnyUser) -> bool:
    """Imports change what everyone sees: system leads only."""
    return scope_of(user).is_system_lead


def can_see_disputes(user: AnyUser) -> bool:
    """Disputed values are seen by the school concerned (and the leads who see it in full) and system leads."""
    scope = scope_of(user)
    return scope.is_system_lead or bool(scope.full_school_ids)


def can_see_data_quality(user: AnyUser) -> bool:
    """The data quality overview (where the evidence is weakest) is for system leads."""
    return scope_of(user).is_system_lead


def import_runs_visible_to(user: AnyUser) -> QuerySet[ImportRun]:
    if not can_import_data(user):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("run_by")


RECENT_PERIODS = 3


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    points: list[Observation]

    @property
    def values(self) -> list[Observation]:
        return [p for p in self.points if p.value is not None]

    @property
    def recent(self) -> list[Observation]:
        """The latest periods, for tables: a long history is charted, not listed cell by cell."""
        return self.points[-RECENT_PERIODS:]

    @property
    def earlier_count(self) -> int:
        return max(len(self.points) - RECENT_PERIODS, 0)


def school_indicator_series(*, user: AnyUser, school: School) -> list[IndicatorSeries]:
    """Every indicator the platform holds for the school, over time, if the user may see it.

    Register facts, published results and returns are public data: anyone who may open
    the school's page sees them.
    """
    access = school_access(user, school)
    if access == SchoolAccess.NONE:
        return []
    observations = Observation.objects.filter(school=school)
    if not sees_local_records(access):
        observations = observations.filter(indicator__is_public=True)
    observations = observations.select_related("indicator").order_by(
        "indicator__domain", "indicator__name", "period_start"
    )
    series: dict[int, IndicatorSeries] = {}
    for observation in observations:
        entry = series.get(observation.indicator_id)
        if entry is None:
            entry = series[observation.indicator_id] = IndicatorSeries(observation.indicator, [])
        entry.points.append(observation)
    return list(series.values())


def sees_local_records(access: SchoolAccess) -> bool:
    """Local records (partnership life, workforce returns, staff surveys) are not published:
    the school's own people (its governors and staff) and those who see it in full see them;
    other schools and partner agencies do not."""
    return access in (SchoolAccess.FULL, SchoolAccess.GOVERNOR, SchoolAccess.STAFF)


def disputes_visible_to(user: AnyUser) -> QuerySet[Dispute]:
    """A school sees the disputes about its own values; system leads see them all."""
    scope = scope_of(user)
    disputes = Dispute.objects.select_related("observation__indicator", "observation__school", "raised_by")
    if scope.is_system_lead:
        return disputes
    return disputes.filter(observation__school_id__in=scope.full_school_ids)


def can_dispute(user: AnyUser, observation: Observation) -> bool:
    """Only the school's own leaders flag its values (DESIGN.md principle 1); the platform's
    own computed scores are not values a source gave, so there is nothing to correct."""
    return (
        observation.school_id in scope_of(user).school_ids
        and observation.indicator.domain != Indicator.Domain.DATA_QUALITY
    )


def can_resolve_disputes(user: AnyUser) -> bool:
    return scope_of(user).is_system_lead


@dataclass(frozen=True)
class QualityOverview:
    period: str | None
    lowest: list[Observation]
    indicators: list[dict[Any, Any]]
    outliers: list[dict[Any, Any]]
    computed_at: object


def data_quality_overview(*, user: AnyUser) -> QualityOverview | None:
    """For system leads: where the evidence is weakest, by school and by indicator.

    The coverage and the values to check are the latest data-quality run's (worked out by the
    refresh and kept in the figures cache under that run; ``quality_summary_of``), not the
    whole store read again for each request."""
    if not can_see_data_quality(user):
        return None
    from evenbetter.indicators.quality import quality_summary_of

    latest_run = ImportRun.objects.filter(source_format="data_quality", status=ImportRun.Status.SUCCEEDED).first()
    period = latest_run.options.get("period") if latest_run else None
    lowest = list(
        Observation.objects.filter(indicator__code="data_confidence", period=period)
        .select_related("school", "indicator")
        .order_by("value", "school__name")[:25]
    )
    summary = quality_summary_of(latest_run)
    return QualityOverview(
        period, lowest, summary.indicators, summary.outliers, latest_run.finished_at if latest_run else None
    )


def inspections_of_school_visible_to(user: AnyUser, school: School) -> QuerySet[Inspection]:
    """Inspection grades are published: anyone who may open the school's page sees them."""
    if school_access(user, school) == SchoolAccess.NONE:
        return Inspection.objects.none()
    return Inspection.objects.filter(school=school).order_by("-inspected_on", "-as_at")


def generated_values_of(school: School, *, request: HttpRequest | None = None) -> set[tuple[int, str]]:
    """(indicator, period) of the school's values that came from generated (demo) records.

    Given the request, read once for it: the school page's panels and the profile's sections
    that label generated values (the glance, benchmarks, data, trends) share one read."""
    if request is not None:
        read: dict[int, set[tuple[int, str]]] = request.__dict__.setdefault("_evenbetter_generated", {})
        if school.pk not in read:
            read[school.pk] = generated_values_of(school)
        return read[school.pk]
    return set(
        Observation.objects.filter(school=school, import_run__options__generated=True).values_list(
            "indicator_id", "period"
        )
    )
