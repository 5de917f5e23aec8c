"""Confidence in the evidence base: data quality measured and kept as indicators.

The measures are computed by ``evenbetter.analytics.quality`` from every value the
platform holds; this module feeds it from the database and writes the results back as
observations of five indicators (the score and its four parts), so that benchmarks and
the early warning read them like any other indicator, with an ImportRun for provenance.
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.utils import timezone

from evenbetter.analytics.quality import QualityReport, quality_report
from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Observation
from evenbetter.indicators.services import computed_observations_record
from evenbetter.ingest.observations import IndicatorDefinition, StagedObservation
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


def quality_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = (
        Observation.objects.exclude(indicator__code__in=QUALITY_CODES)
        .values_list("school_id", "indicator__code", "period", "period_start", "value", "status")
        .iterator(chunk_size=20_000)
    )
    observations = pd.DataFrame.from_records(
        rows, columns=["school_id", "indicator", "period", "period_start", "value", "status"]
    )
    observations["value"] = observations["value"].astype(float)
    schools = pd.DataFrame.from_records(
        School.objects.filter(observations__isnull=False).distinct().values_list("pk", "phase"),
        columns=["school_id", "phase"],
    )
    disputed = pd.DataFrame.from_records(
        Dispute.objects.filter(status=Dispute.Status.OPEN).values_list("observation__school_id"), columns=["school_id"]
    )
    return observations, schools, disputed


def data_quality_period(observations: pd.DataFrame) -> str:
    """The latest academic year the data reaches (quality is judged as at then)."""
    years = [p for p in observations["period"].unique() if "/" in str(p)] if not observations.empty else []
    if years:
        return str(max(years, key=lambda p: parse_period(str(p))[1]))
    return timezone.localdate().isoformat()


@transaction.atomic
def data_quality_refresh() -> tuple[ImportRun, QualityReport]:
    observations, schools, disputed = quality_frames()
    report = quality_report(observations, schools, disputed)
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
    run = computed_observations_record(
        source_format="data_quality",
        file_name="(computed)",
        staged=staged,
        definitions=QUALITY_INDICATORS,
        rows_read=len(observations),
        options={"period": period_text},
        rows_accepted=len(report.per_school),
    )
    return run, report
