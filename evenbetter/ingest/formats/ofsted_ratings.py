"""Ofsted's latest overall effectiveness per school (``national-2019/ofsted_ratings.csv``).

Columns ``Rating, URN``; no inspection date, so each grade is kept as at the period the
import is told (``period``): as an inspection event and as the ordinal indicator
``ofsted_overall`` (1 Outstanding … 4 Inadequate). "Unknown" means no grade.
"""

from __future__ import annotations

from typing import Any

from evenbetter.indicators.models import ImportRun, Indicator, Inspection
from evenbetter.ingest.csvfile import CsvTable
from evenbetter.ingest.grades import OFSTED_LABELS, ofsted_grade
from evenbetter.ingest.observations import IndicatorDefinition, Measure, PeriodOption
from evenbetter.ingest.registry import CommitCounts, Staged, register

SOURCE = "Ofsted state-funded schools inspections and outcomes"


def _grade(raw: str) -> float | None:
    if raw.strip().lower() == "unknown":
        return None
    grade = ofsted_grade(raw)
    return None if grade is None else float(grade)


@register
class OfstedRatings(PeriodOption):
    code = "ofsted_ratings"
    name = "Ofsted ratings: latest overall effectiveness (CSV)"
    description = "One row per school: Rating, URN."
    required_columns = ["Rating"]
    indicators = [
        IndicatorDefinition(
            code="ofsted_overall",
            name="Ofsted overall effectiveness",
            unit="grade",
            direction=Indicator.Direction.LOWER_IS_BETTER,
            domain=Indicator.Domain.OUTCOMES,
            comparison=Indicator.Comparison.ORDINAL,
            source=SOURCE,
            description="The latest graded inspection: 1 Outstanding, 2 Good, 3 Requires improvement, 4 Inadequate.",
            decimal_places=0,
            minimum=1.0,
            maximum=4.0,
            ordinal_labels=OFSTED_LABELS,
            headline=True,
        )
    ]

    def measures(self, table: CsvTable) -> list[Measure]:
        return [Measure("Rating", "ofsted_overall", _grade)]

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = super().commit(staged, run)
        _inspections_write(staged.records, run)
        return counts


def _inspections_write(records: list[Any], run: ImportRun | None) -> None:
    """An inspection event per graded school, as at the period; unchanged ones stay as they are."""
    graded = [r for r in records if r.value is not None]
    existing = {
        (i.school_id, i.as_at): i
        for i in Inspection.objects.filter(source=SOURCE, school_id__in=[r.school_id for r in graded])
    }
    new, changed = [], []
    for record in graded:
        grade = int(record.value)
        current = existing.get((record.school_id, record.period))
        if current is None:
            new.append(
                Inspection(
                    school_id=record.school_id,
                    as_at=record.period,
                    grade=grade,
                    grade_label=OFSTED_LABELS[str(grade)],
                    source=SOURCE,
                    import_run=run,
                )
            )
        elif current.grade != grade:
            current.grade, current.grade_label, current.import_run = grade, OFSTED_LABELS[str(grade)], run
            changed.append(current)
    Inspection.objects.bulk_create(new)
    Inspection.objects.bulk_update(changed, ["grade", "grade_label", "import_run"])
