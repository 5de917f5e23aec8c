"""Confidence in the evidence base: data quality measured and kept as indicators.

The measures are computed by ``evenbetter.analytics.quality`` from every value the
platform holds; this module feeds it from the database and writes the results back as
observations of five indicators (the score and its four parts), so that benchmarks and
the early warning read them like any other indicator, with an ImportRun for provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils import timezone

from evenbetter.analytics.quality import QualityReport, quality_report
from evenbetter.indicators.computed import ComputedIndicators, Measured, Phases, computed_refresh, register
from evenbetter.indicators.figures_cache import figures_cached, figures_store
from evenbetter.indicators.frames import quality_frames
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.store import IndicatorDefinition, StagedObservation
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import parse_period

SOURCE = "Computed by Even Better from every value it holds"
DOMAIN = Indicator.Domain.DATA_QUALITY


def _share(code: str, name: str, description: str) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code,
        name=name,
        unit="%",
        direction=Indicator.Direction.HIGHER_IS_BETTER,
        domain=DOMAIN,
        comparison=Indicator.Comparison.PERCENT,
        source=SOURCE,
        description=description,
        decimal_places=0,
        minimum=0.0,
        maximum=100.0,
        headline=code == "data_confidence",
    )


QUALITY_INDICATORS = [
    _share(
        "data_confidence",
        "Confidence in the evidence base",
        "0-100: completeness 40%, timeliness 30%, plausibility 20%, agreement 10%.",
    ),
    _share("data_completeness", "Data completeness", "Of the values most schools of the phase have, the share held."),
    _share("data_timeliness", "Data timeliness", "Of the school's indicators, the share up to the latest period."),
    _share("data_plausibility", "Data plausibility", "Share of the school's values that are not outliers."),
    _share("data_agreement", "Data agreement", "Share of the school's values the school does not dispute."),
]
QUALITY_CODES = {definition.code for definition in QUALITY_INDICATORS}
COLUMNS = {
    "data_confidence": "score",
    "data_completeness": "completeness",
    "data_timeliness": "timeliness",
    "data_plausibility": "plausibility",
    "data_agreement": "agreement",
}


def data_quality_period(observations: pd.DataFrame) -> str:
    """The latest academic year the data reaches (quality is judged as at then)."""
    years = [p for p in observations["period"].unique() if "/" in str(p)] if not observations.empty else []
    if years:
        return str(max(years, key=lambda p: parse_period(str(p))[1]))
    return timezone.localdate().isoformat()


@register
class DataQuality(ComputedIndicators):
    code = "data_quality"
    name = "Confidence in the evidence base"
    owner = "indicators"
    definitions = QUALITY_INDICATORS

    def __init__(self) -> None:
        self.report: QualityReport | None = None

    def measure(self) -> Measured:
        observations, schools, disputed = quality_frames(exclude=QUALITY_CODES)
        report = self.report = quality_report(observations, schools, disputed)
        period = data_quality_period(observations)
        period_text, period_start = parse_period(period)
        staged = [
            StagedObservation(
                int(row["school_id"]),
                code,
                period_text,
                period_start,
                round(float(row[column]) * (1 if column == "score" else 100), 1),
                Observation.Status.VALUE,
                False,
                0,
                column,
            )
            for _, row in report.per_school.iterrows()
            for code, column in COLUMNS.items()
        ]
        return Measured(staged, len(observations), {"period": period_text}, rows_accepted=len(report.per_school))


def data_quality_refresh(*, phases: Phases | None = None) -> tuple[ImportRun, QualityReport]:
    computed = DataQuality()
    run = computed_refresh(computed, phases=phases)
    assert computed.report is not None  # noqa: S101 (set by measure, which has run)
    if run.status == ImportRun.Status.SUCCEEDED:
        # The overview page's summary, worked out now from the report just made, so that no
        # request reads every value held again (12.9 s on the demo when each request did).
        figures_store(SUMMARY, quality_summary(computed.report), version=run.pk)
    return run, computed.report


SUMMARY = "data-quality-summary"
OUTLIERS_SHOWN = 200


@dataclass(frozen=True)
class QualitySummary:
    """What the data-quality page lists: indicators by coverage, and values to check."""

    indicators: list[dict[Any, Any]]
    outliers: list[dict[Any, Any]]


def quality_summary(report: QualityReport, *, outlier_limit: int = OUTLIERS_SHOWN) -> QualitySummary:
    names = dict(Indicator.objects.values_list("code", "name"))
    indicators = [
        row | {"name": names.get(str(row["indicator"]), row["indicator"])}
        for row in report.per_indicator.sort_values("schools_with_value").to_dict("records")
    ]
    shown = report.outliers.head(outlier_limit)
    school_names = dict(School.objects.filter(pk__in=shown["school_id"].tolist()).values_list("pk", "name"))
    outliers = [
        row
        | {
            "name": names.get(str(row["indicator"]), row["indicator"]),
            "school": school_names.get(int(row["school_id"]), ""),
        }
        for row in shown.to_dict("records")
    ]
    return QualitySummary(indicators, outliers)


def quality_summary_of(run: ImportRun | None) -> QualitySummary:
    """The summary of a data-quality run: kept by the refresh that made it; worked out again
    (and kept) only if the cache lost it. No run yet: the values held now, not kept."""

    def work_out() -> QualitySummary:
        observations, schools, disputed = quality_frames(exclude=QUALITY_CODES)
        if observations.empty:
            return QualitySummary([], [])
        return quality_summary(quality_report(observations, schools, disputed))

    if run is None:
        return work_out()
    return figures_cached(SUMMARY, work_out, version=run.pk)
