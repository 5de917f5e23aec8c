"""The shared machinery for formats that carry indicator values for schools.

A format says which column identifies the school, which period the file (or each row)
is for, and which columns are which indicators; this module does the rest the same way
for every format: it reads every cell with the shared value rules, keeps suppressed and
missing values distinct from zero, checks ranges, refuses two different values for the
same school, indicator and period, and writes only what changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import connection, transaction

from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import (
    BATCH,
    CommitCounts,
    IndicatorDefinition,
    SeenKeys,
    StagedObservation,
    catalogue_sync,
    observations_write,
    shown_value,
)
from evenbetter.ingest.csvfile import CsvRow, CsvStream, CsvTable, read_csv
from evenbetter.ingest.registry import Loaded, Progress, SourceFormat, Staged
from evenbetter.ingest.sqlstaging import (
    CannotStage,
    RepeatedKey,
    StagedRows,
    drop_staging,
    hold_repeated_keys,
    repeats_a_key,
    stage_raw_rows,
    write_settled,
)
from evenbetter.ingest.values import as_urn, is_missing, parse_decimal
from evenbetter.ingest.xlsxfile import XLSX_MAGIC
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import parse_period

SUPPRESSED_MARKERS = frozenset({"supp", "supp%", "c", "low"})


def percent(
    code: str,
    name: str,
    source: str,
    *,
    direction: str,
    domain: str,
    description: str = "",
    headline: bool = False,
) -> IndicatorDefinition:
    return IndicatorDefinition(
        code,
        name,
        "%",
        direction,
        domain,
        Indicator.Comparison.PERCENT,
        source,
        description,
        1,
        0.0,
        100.0,
        headline=headline,
    )


@dataclass(frozen=True)
class Measure:
    """One column of a file that holds one indicator."""

    column: str
    indicator: str
    # Turns the raw text into a number; the default reads numbers with %, £ and commas.
    parse: Callable[[str], float | None] | None = None


def read_number(raw: str) -> float | None:
    text = raw.strip()
    try:
        # The common case, and the fast one: a plain number.
        value = float(text)
    except ValueError:
        decimal = parse_decimal(raw)
        return None if decimal is None else float(decimal)
    if not math.isfinite(value) or "_" in text:
        raise ValueError(f'"{text}" is not a number')
    return value


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
    # The publisher ends rows early when their last fields are empty (see CsvStream).
    short_rows_are_blank: ClassVar[bool] = False

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
        return read_csv(content, file_name, pad_short_rows=self.short_rows_are_blank)

    def unknown_school_is_an_error(self) -> bool:
        return self.unknown_school_is_error

    def header_names(self, header: list[str], file_name: str) -> list[str]:
        """The header as this format reads it: the same, unless a mapping names the key columns."""
        return header

    # --- the shared machinery ------------------------------------------------------
    def parse(self, content: bytes, file_name: str) -> Staged:
        table = self.read_table(content, file_name)
        stager = Stager(self, file_name, table)
        staged: dict[tuple[int, str, str], StagedObservation] = {}
        stager.stage(table.rows, staged)
        stager.finish()
        return Staged(
            records=list(staged.values()),
            rows_read=len(table.rows),
            problems=stager.problems,
            rows_accepted=stager.accepted_rows,
        )

    def resolve_schools(self, rows: list[CsvRow], file_name: str) -> dict[str, int]:
        """Map the school column's values to school ids (URNs by default)."""
        urns = {row.values[self.school_column].strip() for row in rows}
        numeric = [urn for urn in map(as_urn, urns) if urn is not None]
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
        value: float | None = None
        if measure.parse is None and "_" not in raw:
            try:
                # The common case first, and the fast one: a plain number.
                value = float(raw)
            except ValueError:
                value = None
            else:
                value = value if math.isfinite(value) else None
        if value is not None:
            status: str = Observation.Status.VALUE
        else:
            cell = cell_status(raw)
            if cell is None:
                return None
            status = cell
            if status == Observation.Status.VALUE:
                try:
                    value = (measure.parse or read_number)(raw)
                except ValueError as error:
                    problems.append(Problem(file_name, row.line, measure.column, str(error)))
                    return None
                if value is None:
                    status = Observation.Status.MISSING
        if value is not None:
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


class Stager:
    """Turns rows into staged observations, chunk by chunk, collecting every problem."""

    def __init__(self, source: ObservationFormat, file_name: str, table: CsvTable):
        self.source, self.file_name = source, file_name
        needed = [source.school_column, *source.required_columns]
        missing = [name for name in needed if name not in table.header]
        if missing:
            raise ImportRejected([Problem(file_name, 1, name, "this required column is missing") for name in missing])
        self.measures = source.measures(table)
        if not self.measures:
            raise ImportRejected(
                [Problem(file_name, 1, None, "no column of this file is an indicator this format knows")]
            )
        self.definitions = source.definitions()
        self.problems: list[Problem] = []
        self.accepted_rows = 0
        self.unnamed_rows = 0
        self.first_unnamed_line = 0
        self.unknown: dict[str, int] = {}
        self.schools: dict[str, int | None] = {}
        self.periods: dict[str, tuple[str, dt.date] | str] = {}

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def restart(self) -> None:
        """Forget the rows read (their problems and counts), to read them again; what was
        looked up (schools, periods) is kept."""
        self.problems = []
        self.accepted_rows = self.unnamed_rows = self.first_unnamed_line = 0
        self.unknown = {}

    def school_ids(self, keys: Iterable[str]) -> dict[str, int | None]:
        """The school id of every key (a school column's text, stripped) seen so far, None when
        not found; each key is looked up once."""
        new_keys = set(keys) - self.schools.keys()
        if new_keys:
            column = self.source.school_column
            found = self.source.resolve_schools([CsvRow(0, {column: key}) for key in sorted(new_keys)], self.file_name)
            self.schools.update({key: found.get(key) for key in new_keys})
        return self.schools

    def period(self, raw: str) -> tuple[str, dt.date] | str:
        """The period for a raw text, or the error message; worked out once per text."""
        known = self.periods.get(raw)
        if known is None:
            try:
                known = parse_period(raw)
            except ValueError as error:
                known = str(error)
            self.periods[raw] = known
        return known

    def stage(self, rows: Iterable[CsvRow], staged: dict[tuple[int, str, str], StagedObservation]) -> None:
        source, file_name, column = self.source, self.file_name, self.source.school_column
        if type(source).keep_row is not ObservationFormat.keep_row:
            rows = [row for row in rows if source.keep_row(row)]
        # Each row's school key, read once. (The loops below run for every row of files of
        # millions: what they use is looked up once, before them.)
        named: list[tuple[CsvRow, str]] = []
        for row in rows:
            key = row.values[column].strip()
            if key:
                named.append((row, key))
            else:
                # National and local totals and notes carry no school identifier.
                self.unnamed_rows += 1
                self.first_unnamed_line = self.first_unnamed_line or row.line
        schools = self.school_ids(key for _, key in named)
        problems, definitions, measures = self.problems, self.definitions, self.measures
        period_of, row_measures, observation_of = source.period_of, source.row_measures, source._observation
        periods, accepted = self.periods, 0
        for row, key in named:
            school_id = schools[key]
            if school_id is None:
                if source.unknown_school_is_an_error():
                    problems.append(Problem(file_name, row.line, column, f'school "{key}" is not on the register'))
                else:
                    self.unknown.setdefault(key, row.line)
                continue
            raw_period = period_of(row, file_name)
            period = periods.get(raw_period) or self.period(raw_period)
            if isinstance(period, str):
                problems.append(Problem(file_name, row.line, None, period))
                continue
            accepted += 1
            period_code, period_start = period
            for measure in row_measures(row, measures, file_name, problems):
                observation = observation_of(
                    row, measure, definitions, school_id, period_code, period_start, file_name, problems
                )
                if observation is None:
                    continue
                identity = (school_id, measure.indicator, period_code)
                earlier = staged.get(identity)
                if earlier is not None and (earlier.value, earlier.status) != (observation.value, observation.status):
                    problems.append(
                        Problem(
                            file_name,
                            row.line,
                            measure.column,
                            f"school {key} already has {shown_value(earlier.value, earlier.status)} for "
                            f"{measure.indicator} in {period_code} on line {earlier.line}; this line says "
                            f"{shown_value(observation.value, observation.status)}",
                        )
                    )
                    continue
                staged[identity] = observation
        self.accepted_rows += accepted

    def finish(self) -> None:
        column = self.source.school_column
        if self.unnamed_rows:
            n = self.unnamed_rows
            self.problems.append(
                Problem(
                    self.file_name,
                    self.first_unnamed_line,
                    column,
                    f"{n} row{'s have' if n != 1 else ' has'} no {column} (totals or notes, not a school) and "
                    f"{'were' if n != 1 else 'was'} skipped",
                    "warning",
                )
            )
        if self.unknown:
            self.problems.append(unknown_schools_warning(self.file_name, self.unknown, column))


def unknown_schools_warning(file_name: str, unknown: dict[str, int], column: str) -> Problem:
    """One warning for the schools a file names that the register lacks (by the line each is first on)."""
    n = len(unknown)
    sample = ", ".join(sorted(unknown)[:10])
    more = f" and {n - 10} more" if n > 10 else ""
    return Problem(
        file_name,
        min(unknown.values()),
        column,
        f"{n} school{'s are' if n != 1 else ' is'} not on the register and "
        f"{'were' if n != 1 else 'was'} skipped: {sample}{more}",
        "warning",
    )


STREAM_CHUNK = 50_000


class StreamingObservations(ObservationFormat):
    """An observation format that reads a CSV file row by row and writes it in chunks,
    inside the runner's one transaction: a file of millions of rows never sits in memory.
    Every problem is still found and reported; after the first error nothing more is
    written, and the transaction writes nothing at all.

    A format of one value a row (``staged_in_sql``) is staged in SQL on SQLite: the rows go
    into a temporary table, SQL settles the plain values, and the rest are read here, as
    rows (see ``ingest.sqlstaging``).
    """

    staged_in_sql: ClassVar[bool] = False

    def indicator_ids(self) -> dict[str, int]:
        return catalogue_sync(self.indicators)

    def load(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None = None) -> Loaded:
        if content.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
            return super().load(content, file_name, run, progress)  # workbooks are read whole
        # The cyclic garbage collector would walk every live row again and again while
        # millions are made; nothing here makes reference cycles, so it can rest.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with _large_page_cache():
                if self._can_stage_in_sql():
                    loaded = self._load_staged(content, file_name, run, progress)
                    if loaded is not None:
                        return loaded
                stream, stager = self._stream(content, file_name)
                return self._load_stream(stream, stager, file_name, run, progress)
        finally:
            if collecting:
                gc.enable()

    def _stream(self, content: bytes, file_name: str) -> tuple[CsvStream, Stager]:
        stream = CsvStream(content, file_name, pad_short_rows=self.short_rows_are_blank)
        stream.header = self.header_names(stream.header, file_name)
        return stream, Stager(self, file_name, CsvTable(file_name, stream.header, []))

    def _can_stage_in_sql(self) -> bool:
        # SQL settles what the shared rules would: only for a format that keeps them as they are.
        cls = type(self)
        return (
            self.staged_in_sql
            and connection.vendor == "sqlite"
            and not self.short_rows_are_blank
            and cls.keep_row is ObservationFormat.keep_row
            and cls._observation is ObservationFormat._observation
        )

    def _load_staged(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None) -> Loaded | None:
        """The file staged in SQL; None when it cannot be (read it row by row: nothing was written)."""
        stream, stager = self._stream(content, file_name)
        indicator_ids = self.indicator_ids()
        staged: StagedRows | None = None
        try:
            with transaction.atomic():
                try:
                    staged = stage_raw_rows(self, stream, stager, indicator_ids, chunk=STREAM_CHUNK, progress=progress)
                    # Every row has been read by then: the rows checked next never count it back.
                    read = staged.rows_read
                    onwards = None if progress is None else lambda rows: progress(max(rows, read))
                    try:
                        with transaction.atomic():
                            loaded = self._load_stream(
                                staged, stager, file_name, run, onwards, indicator_ids=indicator_ids
                            )
                            write_settled(staged, run, loaded.counts, provisional=self.provisional)
                    except RepeatedKey:
                        # A row the Python rules read repeats a key SQL settled: all that was
                        # written is undone; they read the held rows again, each repeated key's
                        # rows among them.
                        hold_repeated_keys(staged)
                        stager.restart()
                        loaded = self._load_stream(staged, stager, file_name, run, onwards, indicator_ids=indicator_ids)
                        write_settled(staged, run, loaded.counts, provisional=self.provisional)
                    loaded.rows_accepted += staged.settled
                except ImportRejected:
                    if staged is not None and (staged.repeats_held or repeats_a_key(staged)):
                        # A refused repeat is worded by where its lines fall in the chunks read,
                        # and one a settled row makes is not seen by the Python rules at all:
                        # reading row by row gives every problem in its very words.
                        raise CannotStage("a refused file repeats a key") from None
                    raise
                finally:
                    drop_staging()
        except CannotStage:
            return None
        return loaded

    def _load_stream(
        self,
        stream: CsvStream | StagedRows,
        stager: Stager,
        file_name: str,
        run: ImportRun,
        progress: Progress | None,
        *,
        indicator_ids: dict[str, int] | None = None,
    ) -> Loaded:
        indicator_ids = indicator_ids if indicator_ids is not None else self.indicator_ids()
        counts = CommitCounts()
        seen = SeenKeys()
        chunk: list[CsvRow] = []

        def flush() -> None:
            staged: dict[tuple[int, str, str], StagedObservation] = {}
            stager.stage(chunk, staged)
            if not stager.has_errors and not stream.problems:
                observations_write(
                    list(staged.values()),
                    indicator_ids,
                    run,
                    counts=counts,
                    seen=seen,
                    problems=stager.problems,
                    file_name=file_name,
                )
            chunk.clear()
            if progress is not None:
                progress(stream.rows_seen)

        for row in stream.rows():
            chunk.append(row)
            if len(chunk) >= STREAM_CHUNK:
                flush()
        flush()
        stager.finish()
        problems = stream.problems + stager.problems
        if any(p.severity == "error" for p in problems):
            raise ImportRejected(problems, rows_read=stream.rows_seen)
        return Loaded(counts, stream.rows_seen, stager.accepted_rows, problems)


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a page cache big enough for the indexes while millions of rows go in."""
    if connection.vendor != "sqlite":
        yield
        return
    size = f"-{int(settings.EVENBETTER_IMPORT_CACHE_MB) * 1024}"
    with connection.cursor() as cursor:
        # The temporary tables a long file is staged in (ingest.sqlstaging) have a cache of their own.
        before = {}
        for schema in ("main", "temp"):
            cursor.execute(f"PRAGMA {schema}.cache_size")
            before[schema] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {schema}.cache_size={size}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for schema, pages in before.items():
                cursor.execute(f"PRAGMA {schema}.cache_size={int(pages)}")


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
