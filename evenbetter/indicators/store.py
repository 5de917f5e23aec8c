"""The store writer: staged observations into the store, with the catalogue they need.

Every way a value arrives (a file an importer reads, a form a school fills in, a measure
the platform computes) ends here, so that each is checked, counted and written the same
way: only what changed is written, a value corrected after a dispute stays corrected, and
a few changes are described in plain words for the preview.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q

from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Observation
from evenbetter.indicators.problems import Problem
from evenbetter.indicators.services import data_glance_dropped
from evenbetter.schools.models import School

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
    headline: bool = False
    standard: float | None = None
    standard_label: str = ""
    cohort_indicator: str = ""
    is_public: bool = True

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
            "headline": self.headline,
            "standard": self.standard,
            "standard_label": self.standard_label,
            "cohort_indicator": self.cohort_indicator,
            "is_public": self.is_public,
        }


def local_definition(
    code: str,
    name: str,
    unit: str,
    direction: str,
    domain: str,
    comparison: str,
    description: str,
    *,
    source: str,
    headline: bool = False,
    decimals: int = 0,
    maximum: float | None = None,
) -> IndicatorDefinition:
    """An indicator from local records (partnership life, a workforce return, a staff survey):
    a count or share from 0, and not published data, so only the school's own people and those
    who see it in full see it."""
    return IndicatorDefinition(
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        domain=domain,
        comparison=comparison,
        source=source,
        description=description,
        decimal_places=decimals,
        minimum=0.0,
        maximum=maximum,
        headline=headline,
        is_public=False,
    )


class StagedObservation(NamedTuple):
    # A named tuple, not a dataclass: millions are made in a large import.
    school_id: int
    indicator: str
    period: str
    period_start: dt.date
    value: float | None
    status: str
    provisional: bool
    line: int
    column: str


EXAMPLES_KEPT = 25


@dataclass
class CommitCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # A few changes in plain words, for the preview before an import is confirmed.
    examples: list[str] = field(default_factory=list)

    def example(self, text: str) -> None:
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(text)


class SeenKeys:
    """The (school, indicator, period) keys already written in this import, packed in ints."""

    def __init__(self) -> None:
        self.keys: set[int] = set()
        self.periods: dict[str, int] = {}

    def key(self, school_id: int, indicator_id: int, period: str) -> int:
        period_id = self.periods.setdefault(period, len(self.periods))
        return (school_id << 32) | (indicator_id << 12) | period_id


def catalogue_sync(definitions: Iterable[IndicatorDefinition], *, counts: CommitCounts | None = None) -> dict[str, int]:
    """Create or update indicator definitions (the shipped ones a format carries, or an
    authority's own from its catalogue file); return code -> id. ``counts``, if given, counts
    the definitions created, updated and unchanged. A catalogue that changed renews the
    figures' generation once it commits: names, labels, units, headlines and which indicators
    exist are kept with the figures (the explorer's choices, the profile's trends)."""
    definitions = list(definitions)
    counts = counts if counts is not None else CommitCounts()
    existing = {i.code: i for i in Indicator.objects.filter(code__in=[d.code for d in definitions])}
    changed = False
    for definition in definitions:
        fields = definition.catalogue_fields()
        indicator = existing.get(definition.code)
        if indicator is None:
            existing[definition.code] = Indicator.objects.create(code=definition.code, **fields)
            counts.created += 1
            changed = True
        elif any(getattr(indicator, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(indicator, name, value)
            indicator.save()
            counts.updated += 1
            changed = True
        else:
            counts.unchanged += 1
    if changed:
        figures_changed()
    return {code: indicator.pk for code, indicator in existing.items()}


def _corrected_values() -> dict[int, tuple[float | None, str]]:
    # A value a system lead corrected after a dispute stays corrected while the source
    # goes on saying what it said then; a source that changes its value wins again.
    return {
        observation_id: (value, status)
        for observation_id, value, status in Dispute.objects.filter(status=Dispute.Status.CORRECTED)
        .order_by("resolved_at")
        .values_list("observation_id", "value_before", "status_before")
    }


SCHOOLS_PER_QUERY = 500
# Records that are a sparse few of their schools x indicators x periods (the rows an import
# staged in SQL leaves to the Python rules, such as the SUPP markers of a re-imported file) are
# looked up by their keys, a hundred a query: the product would fetch every value of the file.
KEYS_PER_QUERY = 100
SPARSE = 20
STORED_COLUMNS = ("pk", "school_id", "indicator_id", "period", "value", "status", "provisional", "import_run_id")


def _stored_rows(
    records: list[StagedObservation],
    indicator_ids: dict[str, int],
    school_ids: list[int],
    wanted_indicators: set[int],
    wanted_periods: set[str],
) -> Iterator[Iterable[tuple[Any, ...]]]:
    """The store's rows (``STORED_COLUMNS``) for at least the records' keys, a query at a time."""
    keys = sorted({(r.school_id, indicator_ids[r.indicator], r.period) for r in records})
    if len(school_ids) * len(wanted_indicators) * len(wanted_periods) > SPARSE * len(keys):
        for start in range(0, len(keys), KEYS_PER_QUERY):
            condition = Q(
                *(
                    Q(school_id=school_id, indicator_id=indicator_id, period=period)
                    for school_id, indicator_id, period in keys[start : start + KEYS_PER_QUERY]
                ),
                _connector=Q.OR,
            )
            yield Observation.objects.filter(condition).values_list(*STORED_COLUMNS)
        return
    for start in range(0, len(school_ids), SCHOOLS_PER_QUERY):
        yield Observation.objects.filter(
            school_id__in=school_ids[start : start + SCHOOLS_PER_QUERY],
            indicator_id__in=wanted_indicators,
            period__in=wanted_periods,
        ).values_list(*STORED_COLUMNS)


def observations_write(
    records: list[StagedObservation],
    indicator_ids: dict[str, int],
    run: ImportRun | None,
    *,
    counts: CommitCounts | None = None,
    seen: SeenKeys | None = None,
    problems: list[Problem] | None = None,
    file_name: str = "",
) -> CommitCounts:
    """Write staged observations: create the new, update the changed, leave the rest.

    With ``seen`` (a streaming import), a key already written earlier in the same file
    is not written again; a different value for it is reported in ``problems``.
    """
    counts = counts if counts is not None else CommitCounts()
    if not records:
        return counts
    corrected = _corrected_values()
    wanted_indicators = {indicator_ids[r.indicator] for r in records}
    wanted_periods = {r.period for r in records}
    school_ids = sorted({r.school_id for r in records})
    existing: dict[tuple[int, int, str], tuple[int, float | None, str, bool, int | None]] = {}
    for rows in _stored_rows(records, indicator_ids, school_ids, wanted_indicators, wanted_periods):
        for pk, school_id, indicator_id, period, value, status, provisional, run_id in rows:
            existing[(school_id, indicator_id, period)] = (pk, value, status, provisional, run_id)
    this_run = run.pk if run is not None else None
    new_rows: list[tuple[StagedObservation, int]] = []
    updates: list[tuple[StagedObservation, int, int, str]] = []
    # None of these keys is in the store yet (a first import): every record is new.
    for record in records if existing else ():
        indicator_id = indicator_ids[record.indicator]
        current = existing.get((record.school_id, indicator_id, record.period))
        if seen is not None and current is not None:
            # A row this import already wrote from an earlier chunk carries its run; one
            # it found unchanged is remembered in ``seen``. Either way, this line repeats it.
            key = seen.key(record.school_id, indicator_id, record.period)
            if current[4] == this_run or key in seen.keys:
                if (current[1], current[2]) != (record.value, record.status):
                    (problems if problems is not None else []).append(
                        Problem(
                            file_name,
                            record.line,
                            record.column,
                            f"an earlier line of this file gives {shown_value(current[1], current[2])} for "
                            f"{record.indicator} in {record.period} for the same school; this line says "
                            f"{shown_value(record.value, record.status)}",
                        )
                    )
                continue
            seen.keys.add(key)
        if current is None:
            new_rows.append((record, indicator_id))
        elif (current[1], current[2], current[3]) != (
            record.value,
            record.status,
            record.provisional,
        ) and corrected.get(current[0]) != (record.value, record.status):
            updates.append((record, indicator_id, current[0], shown_value(current[1], current[2])))
        else:
            counts.unchanged += 1
    if not existing:
        new_rows = [(record, indicator_ids[record.indicator]) for record in records]
    if problems is not None and any(p.severity == "error" for p in problems):
        return counts
    _describe_changes(counts, new_rows[:EXAMPLES_KEPT], updates[:EXAMPLES_KEPT], indicator_ids)
    _insert(new_rows, run)
    _update(updates, run)
    counts.created += len(new_rows)
    counts.updated += len(updates)
    if new_rows or updates:
        figures_changed()  # every figure cached from the values held is out of date once this commits
        data_glance_dropped({row[0].school_id for row in new_rows} | {row[0].school_id for row in updates})
    return counts


INSERTED_COLUMNS = (
    "school_id", "indicator_id", "period", "period_start", "value", "status", "provisional", "import_run_id",
)  # fmt: skip


def _insert(new_rows: list[tuple[StagedObservation, int]], run: ImportRun | None) -> None:
    """Write new rows through the database driver: model instances cost more than the write.

    PostgreSQL takes them as one COPY (its bulk load, which the server works through while
    the next rows are still being read); SQLite as plain INSERTs, many to a call.
    """
    if not new_rows:
        return
    table = connection.ops.quote_name(Observation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in INSERTED_COLUMNS)
    run_id = run.pk if run is not None else None
    if connection.vendor == "postgresql":
        # The error wrapper turns a key another import wrote meanwhile into IntegrityError.
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            write = copy.write_row
            for record, indicator_id in new_rows:
                write(
                    (
                        record.school_id,
                        indicator_id,
                        record.period,
                        record.period_start,
                        record.value,
                        record.status,
                        record.provisional,
                        run_id,
                    )
                )
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608 (names are ours)
    adapt = connection.ops.adapt_datefield_value
    starts: dict[dt.date, Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(new_rows), BATCH * 5):
            cursor.executemany(
                sql,
                [
                    (
                        record.school_id,
                        indicator_id,
                        record.period,
                        starts[record.period_start]
                        if record.period_start in starts
                        else starts.setdefault(record.period_start, adapt(record.period_start)),
                        record.value,
                        record.status,
                        record.provisional,
                        run_id,
                    )
                    for record, indicator_id in new_rows[start : start + BATCH * 5]
                ],
            )


def observations_insert_select(
    rows_select: str, run: ImportRun | None, counts: CommitCounts, *, provisional: bool
) -> None:
    """Write, as one INSERT … SELECT, the new values an import checked in SQL (on SQLite, a
    long file's plain values: ``ingest.sqlstaging``). ``rows_select`` gives (school_id,
    indicator_id, period, period_start, value) in the file's order, each a value (status
    "value") for a key the store does not hold.

    Raises IntegrityError when a key is already in the store (a key on two rows of the
    file): the caller undoes its savepoint."""
    table = connection.ops.quote_name(Observation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in INSERTED_COLUMNS)
    examples_wanted = EXAMPLES_KEPT - len(counts.examples)
    with connection.cursor() as cursor:
        if examples_wanted > 0:
            # Described before they are written, as observations_write does.
            cursor.execute(f"{rows_select} LIMIT %s", [examples_wanted])
            new = cursor.fetchall()
            names = dict(School.objects.filter(pk__in={row[0] for row in new}).values_list("pk", "name"))
            codes = dict(Indicator.objects.filter(pk__in={row[1] for row in new}).values_list("pk", "code"))
            for school_id, indicator_id, period, _, value in new:
                counts.example(
                    f"{names.get(school_id)}: {codes.get(indicator_id)} {period} new "
                    f"{shown_value(value, Observation.Status.VALUE)}"
                )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT school_id, indicator_id, period, period_start, value, "  # noqa: S608 (names are ours)
            f"%s, %s, %s FROM ({rows_select})",
            [Observation.Status.VALUE, provisional, run.pk if run is not None else None],
        )
        created = cursor.rowcount
    counts.created += created
    if created:
        figures_changed()  # every figure cached from the values held is out of date once this commits
        data_glance_dropped()  # the schools are in the file's SQL: every kept glance of the data


def _update(updates: list[tuple[StagedObservation, int, int, str]], run: ImportRun | None) -> None:
    """Write changed values by primary key: PostgreSQL copies them into a temporary table and
    updates from it in one statement; SQLite runs one prepared UPDATE many times."""
    if not updates:
        return
    table = connection.ops.quote_name(Observation._meta.db_table)
    run_id = run.pk if run is not None else None
    rows = ((pk, record.value, record.status, record.provisional, run_id) for record, _, pk, _ in updates)
    if connection.vendor == "postgresql":
        # In a transaction of its own (a savepoint inside an import's), so that the temporary
        # table goes with it whatever happens.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE observation_changes (id bigint, value double precision, "
                "status varchar(10), provisional boolean, import_run_id bigint)"
            )
            with connection.wrap_database_errors, cursor.cursor.copy("COPY observation_changes FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS o SET value = c.value, status = c.status, provisional = c.provisional, "  # noqa: S608 (names are ours)
                "import_run_id = c.import_run_id FROM observation_changes AS c WHERE o.id = c.id"
            )
            cursor.execute("DROP TABLE observation_changes")
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET value = %s, status = %s, provisional = %s, import_run_id = %s WHERE id = %s",  # noqa: S608 (names are ours)
            [(value, status, provisional, run_id, pk) for pk, value, status, provisional, run_id in rows],
        )


def shown_value(value: float | None, status: str) -> str:
    return f"{value:g}" if value is not None else status


def _describe_changes(
    counts: CommitCounts,
    created: list[tuple[StagedObservation, int]],
    updated: list[tuple[StagedObservation, int, int, str]],
    indicator_ids: dict[str, int],
) -> None:
    ids = {r[0].school_id for r in created} | {u[0].school_id for u in updated}
    names = dict(School.objects.filter(pk__in=ids).values_list("pk", "name"))
    for record, _, _, before in updated:
        counts.example(
            f"{names.get(record.school_id)}: {record.indicator} {record.period} "
            f"{before} → {shown_value(record.value, record.status)}"
        )
    for record, _ in created:
        counts.example(
            f"{names.get(record.school_id)}: {record.indicator} {record.period} new {shown_value(record.value, record.status)}"
        )
