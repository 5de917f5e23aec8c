"""Ofsted's latest overall effectiveness per school (``national-2019/ofsted_ratings.csv``).

Columns ``Rating, URN``; no inspection date, so each grade is kept as at the period the
import is told (``period``): as an inspection event (no date, ``as_at`` the period, the
label as Ofsted wrote it) and as the ordinal indicator ``ofsted_overall`` (1 Outstanding
… 4 Inadequate; Serious Weaknesses and Special Measures are 4, the old Satisfactory 3).
"Unknown" means Ofsted holds no grade for the school: a missing value, and no
inspection event, since nothing says one took place. Any other text is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun, Indicator, Inspection
from evenbetter.indicators.store import CommitCounts, IndicatorDefinition, StagedObservation
from evenbetter.ingest.csvfile import CsvTable
from evenbetter.ingest.observations import Measure, PeriodOption
from evenbetter.ingest.registry import Staged, register
from evenbetter.vocabulary.grades import OFSTED_LABELS, ofsted_grade

SOURCE = "Ofsted state-funded schools inspections and outcomes"
NO_GRADE = "unknown"


def _grade(raw: str) -> float | None:
    if raw.strip().lower() == NO_GRADE:
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

    # The rating as written on each line of the file being read.
    _written: dict[int, str] = {}

    def measures(self, table: CsvTable) -> list[Measure]:
        return [Measure("Rating", "ofsted_overall", _grade)]

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        table = super().read_table(content, file_name)
        self._written = {row.line: row.values.get("Rating", "").strip() for row in table.rows}
        return table

    def parse(self, content: bytes, file_name: str) -> Staged:
        staged = super().parse(content, file_name)
        return RatingsStaged(
            records=staged.records,
            rows_read=staged.rows_read,
            problems=staged.problems,
            rows_accepted=staged.rows_accepted,
            labels={(r.school_id, r.period): self._written[r.line] for r in staged.records},
        )

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = super().commit(staged, run)
        labels = staged.labels if isinstance(staged, RatingsStaged) else {}
        _inspections_write(staged.records, labels, run)
        return counts


@dataclass
class RatingsStaged(Staged):
    # The rating as Ofsted wrote it, by (school id, period): the inspection's label.
    labels: dict[tuple[int, str], str] = field(default_factory=dict)


def _inspections_write(
    records: list[StagedObservation], labels: dict[tuple[int, str], str], run: ImportRun | None
) -> None:
    """An inspection event per graded school as at the period; what is unchanged stays as it is."""
    existing = {
        (i.school_id, i.as_at): i
        for i in Inspection.objects.filter(source=SOURCE, as_at__in={r.period for r in records})
    }
    new, changed, withdrawn = [], [], []
    for record in records:
        current = existing.get((record.school_id, record.period))
        if record.value is None:
            # The same source, for the same date, now holds no grade: its earlier word goes.
            if current is not None:
                withdrawn.append(current.pk)
            continue
        grade = int(record.value)
        label = labels.get((record.school_id, record.period)) or OFSTED_LABELS[str(grade)]
        if current is None:
            new.append(
                Inspection(
                    school_id=record.school_id,
                    inspected_on=None,
                    as_at=record.period,
                    grade=grade,
                    grade_label=label,
                    source=SOURCE,
                    import_run=run,
                )
            )
        elif (current.grade, current.grade_label) != (grade, label):
            current.grade, current.grade_label, current.import_run = grade, label, run
            changed.append(current)
    Inspection.objects.filter(pk__in=withdrawn).delete()
    Inspection.objects.bulk_create(new)
    Inspection.objects.bulk_update(changed, ["grade", "grade_label", "import_run"])
    import_records_changed()  # the school page keeps its inspections until an import is recorded
