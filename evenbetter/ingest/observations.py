"""The shared machinery for formats that carry indicator values for schools.

A format says which column identifies the school, which period the file (or each row)
is for, and which columns are which indicators; this module does the rest the same way
for every format: it reads every cell with the shared value rules, keeps suppressed and
missing values distinct from zero, checks ranges, refuses two different values for the
same school, indicator and period, and writes only what changed.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Q

from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Observation
from evenbetter.ingest.csvfile import CsvRow, CsvTable, read_csv
from evenbetter.ingest.periods import parse_period
from evenbetter.ingest.problems import ImportRejected, Problem
from evenbetter.ingest.registry import EXAMPLES_KEPT, CommitCounts, SourceFormat, Staged
from evenbetter.ingest.values import is_missing, parse_decimal
from evenbetter.schools.models import School

SUPPRESSED_MARKERS = frozenset({"supp", "supp%", "c", "low"})
BATCH = 2000


@dataclass(frozen=True)
class IndicatorDefinition:
    """An indicator a format carries, as shipped in the catalogue."""

    code: str
    name: str
    unit: str
    direction: str
    domain: str
    comparison: str
    source: str
    description: str = ""
    decimal_places: int = 1
    minimum: float | None = None
    maximum: float | None = None
    ordinal_labels: dict[str, str] = field(default_factory=dict)

    def catalogue_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "unit": self.unit,
            "direction": self.direction,
            "domain": self.domain,
            "comparison": self.comparison,
            "source": self.source,
            "decimal_places": self.decimal_places,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "ordinal_labels": self.ordinal_labels,
        }


def percent(
    code: str, name: str, source: str, *, direction: str, domain: str, description: str = ""
) -> IndicatorDefinition:
    return IndicatorDefinition(
        code, name, "%", direction, domain, Indicator.Comparison.PERCENT, source, description, 1, 0.0, 100.0
    )


@dataclass(frozen=True)
class Measure:
    """One column of a file that holds one indicator."""

    column: str
    indicator: str
    # Turns the raw text into a number; the default reads numbers with %, £ and commas.
    parse: Callable[[str], float | None] | None = None


@dataclass(frozen=True)
class StagedObservation:
    school_id: int
    indicator: str
    period: str
    period_start: dt.date
    value: float | None
    status: str
    provisional: bool
    line: int
    column: str


def read_number(raw: str) -> float | None:
    value = parse_decimal(raw)
    return None if value is None else float(value)


def cell_status(raw: str) -> str | None:
    """Observation status for a raw cell: None for blank (no observation at all)."""
    text = raw.strip().lower()
    if not text:
        return None
    if text in SUPPRESSED_MARKERS:
        return Observation.Status.SUPPRESSED
    if is_missing(text):
        return Observation.Status.MISSING
    return Observation.Status.VALUE


class ObservationFormat(SourceFormat):
    """Base for a file of indicator values keyed by school."""

    indicators: ClassVar[list[IndicatorDefinition]] = []
    school_column: ClassVar[str] = "URN"
    required_columns: ClassVar[list[str]] = []
    provisional: ClassVar[bool] = False
    # National files cover more schools than a local register: rows for other schools
    # are skipped and counted. A local file with an unknown school is an error instead.
    unknown_school_is_error: ClassVar[bool] = False

    # --- what a format says about itself -------------------------------------------
    @abstractmethod
    def measures(self, table: CsvTable) -> list[Measure]:
        """The columns of this file that are indicators."""

    @abstractmethod
    def period_of(self, row: CsvRow, file_name: str) -> str:
        """The period a row is for, as written in the file or known for the format."""

    def definitions(self) -> dict[str, IndicatorDefinition]:
        """The indicators values may be read into, by code (with their valid ranges)."""
        return {d.code: d for d in self.indicators}

    def row_measures(
        self, row: CsvRow, measures: list[Measure], file_name: str, problems: list[Problem]
    ) -> list[Measure]:
        """The measures one row holds: the same for every row, except in long files."""
        return measures

    def keep_row(self, row: CsvRow) -> bool:
        """False for rows that are not about one school (totals, notes)."""
        return True

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        return read_csv(content, file_name)

    # --- the shared machinery ------------------------------------------------------
    def parse(self, content: bytes, file_name: str) -> Staged:
        table = self.read_table(content, file_name)
        needed = [self.school_column, *self.required_columns]
        missing = [name for name in needed if name not in table.header]
        if missing:
            raise ImportRejected([Problem(file_name, 1, name, "this required column is missing") for name in missing])
        measures = self.measures(table)
        if not measures:
            raise ImportRejected(
                [Problem(file_name, 1, None, "no column of this file is an indicator this format knows")]
            )
        definitions = self.definitions()
        problems: list[Problem] = []
        rows = [row for row in table.rows if self.keep_row(row)]
        unnamed = [row for row in rows if not row.values[self.school_column].strip()]
        if unnamed:
            # National and local totals and notes carry no school identifier.
            problems.append(
                Problem(
                    file_name,
                    unnamed[0].line,
                    self.school_column,
                    f"{len(unnamed)} row{'s have' if len(unnamed) != 1 else ' has'} no {self.school_column} "
                    "(totals or notes, not a school) and "
                    f"{'were' if len(unnamed) != 1 else 'was'} skipped",
                    "warning",
                )
            )
            rows = [row for row in rows if row.values[self.school_column].strip()]
        schools = self.resolve_schools(rows, file_name)
        staged: dict[tuple[int, str, str], StagedObservation] = {}
        unknown: dict[str, int] = {}
        accepted_rows = 0
        for row in rows:
            key = row.values[self.school_column].strip()
            school_id = schools.get(key)
            if school_id is None:
                if self.unknown_school_is_error:
                    problems.append(
                        Problem(file_name, row.line, self.school_column, f'school "{key}" is not on the register')
                    )
                else:
                    unknown.setdefault(key, row.line)
                continue
            try:
                period, period_start = parse_period(self.period_of(row, file_name))
            except ValueError as error:
                problems.append(Problem(file_name, row.line, None, str(error)))
                continue
            accepted_rows += 1
            for measure in self.row_measures(row, measures, file_name, problems):
                observation = self._observation(
                    row, measure, definitions, school_id, period, period_start, file_name, problems
                )
                if observation is None:
                    continue
                identity = (school_id, measure.indicator, period)
                earlier = staged.get(identity)
                if earlier is not None and (earlier.value, earlier.status) != (observation.value, observation.status):
                    problems.append(
                        Problem(
                            file_name,
                            row.line,
                            measure.column,
                            f"school {key} already has {earlier.value if earlier.value is not None else earlier.status} "
                            f"for {measure.indicator} in {period} on line {earlier.line}; this line says "
                            f"{observation.value if observation.value is not None else observation.status}",
                        )
                    )
                    continue
                staged[identity] = observation
        if unknown:
            sample = ", ".join(sorted(unknown)[:10])
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            problems.append(
                Problem(
                    file_name,
                    min(unknown.values()),
                    self.school_column,
                    f"{len(unknown)} school{'s are' if len(unknown) != 1 else ' is'} not on the register "
                    f"and {'were' if len(unknown) != 1 else 'was'} skipped: {sample}{more}",
                    "warning",
                )
            )
        return Staged(
            records=list(staged.values()), rows_read=len(table.rows), problems=problems, rows_accepted=accepted_rows
        )

    def resolve_schools(self, rows: list[CsvRow], file_name: str) -> dict[str, int]:
        """Map the school column's values to school ids (URNs by default)."""
        urns = {row.values[self.school_column].strip() for row in rows}
        numeric = [int(u) for u in urns if u.isdigit()]
        found: dict[str, int] = {}
        for start in range(0, len(numeric), BATCH):
            for urn, pk in School.objects.filter(urn__in=numeric[start : start + BATCH]).values_list("urn", "pk"):
                found[str(urn)] = pk
        return found

    def _observation(
        self,
        row: CsvRow,
        measure: Measure,
        definitions: dict[str, IndicatorDefinition],
        school_id: int,
        period: str,
        period_start: dt.date,
        file_name: str,
        problems: list[Problem],
    ) -> StagedObservation | None:
        raw = row.values.get(measure.column, "")
        status = cell_status(raw)
        if status is None:
            return None
        value: float | None = None
        if status == Observation.Status.VALUE:
            try:
                value = (measure.parse or read_number)(raw)
            except ValueError as error:
                problems.append(Problem(file_name, row.line, measure.column, str(error)))
                return None
            if value is None:
                status = Observation.Status.MISSING
            else:
                definition = definitions[measure.indicator]
                if (definition.minimum is not None and value < definition.minimum) or (
                    definition.maximum is not None and value > definition.maximum
                ):
                    problems.append(
                        Problem(
                            file_name,
                            row.line,
                            measure.column,
                            f"{raw.strip()} is outside the range of {definition.name} "
                            f"({_bound(definition.minimum)} to {_bound(definition.maximum)})",
                        )
                    )
                    return None
        return StagedObservation(
            school_id,
            measure.indicator,
            period,
            period_start,
            value,
            status,
            self.provisional,
            row.line,
            measure.column,
        )

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        indicator_ids = catalogue_sync(self.indicators)
        return observations_write(staged.records, indicator_ids, run)


class PeriodOption(ObservationFormat):
    """A format whose files do not say which period they cover: the import is told.

    ``period`` is an import option (``--period 2018/19`` on the command line, a field on
    the upload page); without it the file is refused rather than guessed.
    """

    def parse(self, content: bytes, file_name: str) -> Staged:
        period = str(self.options.get("period") or "").strip()
        if not period:
            raise ImportRejected(
                [
                    Problem(
                        file_name,
                        None,
                        None,
                        "this file does not say which year it covers: give the period, e.g. 2018/19",
                    )
                ]
            )
        try:
            parse_period(period)
        except ValueError as error:
            raise ImportRejected([Problem(file_name, None, None, f"the period given is wrong: {error}")]) from None
        return super().parse(content, file_name)

    def period_of(self, row: CsvRow, file_name: str) -> str:
        return str(self.options["period"])


def _bound(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g}"


def catalogue_sync(definitions: Iterable[IndicatorDefinition]) -> dict[str, int]:
    """Create or update the shipped indicator definitions; return code -> id."""
    definitions = list(definitions)
    existing = {i.code: i for i in Indicator.objects.filter(code__in=[d.code for d in definitions])}
    for definition in definitions:
        fields = definition.catalogue_fields()
        indicator = existing.get(definition.code)
        if indicator is None:
            existing[definition.code] = Indicator.objects.create(code=definition.code, **fields)
        elif any(getattr(indicator, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(indicator, name, value)
            indicator.save()
    return {code: indicator.pk for code, indicator in existing.items()}


def observations_write(
    records: list[StagedObservation], indicator_ids: dict[str, int], run: ImportRun | None
) -> CommitCounts:
    """Write staged observations: create the new, update the changed, leave the rest."""
    counts = CommitCounts()
    by_period: dict[tuple[str, str], list[StagedObservation]] = {}
    for record in records:
        by_period.setdefault((record.indicator, record.period), []).append(record)
    to_create: list[Observation] = []
    to_update: list[Observation] = []
    previous: dict[int, str] = {}
    # A value a system lead corrected after a dispute stays corrected while the source
    # goes on saying what it said then; a source that changes its value wins again.
    corrected = {
        observation_id: (value, status)
        for observation_id, value, status in Dispute.objects.filter(status=Dispute.Status.CORRECTED)
        .order_by("resolved_at")
        .values_list("observation_id", "value_before", "status_before")
    }
    for (code, period), group in by_period.items():
        indicator_id = indicator_ids[code]
        existing: dict[int, Observation] = {}
        school_ids = [r.school_id for r in group]
        for start in range(0, len(school_ids), BATCH):
            for observation in Observation.objects.filter(
                Q(indicator_id=indicator_id, period=period, school_id__in=school_ids[start : start + BATCH])
            ).only("pk", "school_id", "value", "status", "provisional"):
                existing[observation.school_id] = observation
        for record in group:
            current = existing.get(record.school_id)
            if current is None:
                to_create.append(
                    Observation(
                        school_id=record.school_id,
                        indicator_id=indicator_id,
                        period=record.period,
                        period_start=record.period_start,
                        value=record.value,
                        status=record.status,
                        provisional=record.provisional,
                        import_run=run,
                    )
                )
            elif (current.value, current.status, current.provisional) != (
                record.value,
                record.status,
                record.provisional,
            ) and corrected.get(current.pk) != (record.value, record.status):
                if len(previous) < EXAMPLES_KEPT:
                    previous[current.pk] = _shown(current.value, current.status)
                current.value, current.status, current.provisional = record.value, record.status, record.provisional
                current.import_run = run
                to_update.append(current)
            else:
                counts.unchanged += 1
    _describe_changes(counts, to_create[:EXAMPLES_KEPT], to_update[:EXAMPLES_KEPT], indicator_ids, previous)
    Observation.objects.bulk_create(to_create, batch_size=BATCH)
    Observation.objects.bulk_update(to_update, ["value", "status", "provisional", "import_run"], batch_size=BATCH)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _shown(value: float | None, status: str) -> str:
    return f"{value:g}" if value is not None else status


def _describe_changes(
    counts: CommitCounts,
    created: list[Observation],
    updated: list[Observation],
    indicator_ids: dict[str, int],
    previous: dict[int, str],
) -> None:
    codes = {pk: code for code, pk in indicator_ids.items()}
    names = dict(School.objects.filter(pk__in={o.school_id for o in created + updated}).values_list("pk", "name"))
    for observation in updated:
        counts.example(
            f"{names.get(observation.school_id)}: {codes[observation.indicator_id]} {observation.period} "
            f"{previous.get(observation.pk, '?')} → {_shown(observation.value, observation.status)}"
        )
    for observation in created:
        counts.example(
            f"{names.get(observation.school_id)}: {codes[observation.indicator_id]} {observation.period} "
            f"new {_shown(observation.value, observation.status)}"
        )
