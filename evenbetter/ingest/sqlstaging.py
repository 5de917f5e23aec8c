"""A long file on SQLite: its raw rows into a temporary table, the plain ones checked in SQL.

Read row by row, a file of millions of values spends most of its import in Python: a
dictionary for every row, a staged observation for every value, a tuple for the driver.
On SQLite (which writes inside our own process, so nothing else can overlap), the rows of a
one-value-a-row file instead go straight from the CSV reader into a temporary table (the
driver iterates the reader in C), and SQL settles the rows it can settle exactly:

- the school, the period and the indicator, each read by the Python rules once per distinct
  text in the file (the format's ``resolve_schools``, ``period_of`` and ``row_measures``,
  ``parse_period``) and joined by that text;
- a value written as a plain decimal number (digits, at most one point, a leading minus;
  at most 15 characters): SQL computes it as the whole number of its digits divided by a
  power of ten, both exact as doubles, so the one rounding of the division gives the very
  double Python's ``float()`` reads;
- within the indicator's range;
- for a key not in the store yet (a new value), or in it with that same value (unchanged).

Every other row — a marker such as ``SUPP``, a number written otherwise, a value out of
range, an unknown school or indicator, a key in the store with another value — goes
through the Python rules (``Stager`` and ``observations_write``) as a file read row by row
does: they stay the one home of every check and every message. The rows SQL settled are
written after those, once no row has an error, by ``observations_insert_select``.

A key on two rows of the file is caught by a unique index (of the keys held back, and the
store's own for the new ones). Then every row of every key the file repeats is held back
too (``hold_repeated_keys``: one more pass over the file, only then) and the held rows are
read by the Python rules again, so that they see each repeated key on all its rows, in the
file's order, as reading row by row does: an identical repeat is taken once, as it always
has been. A repeat they refuse is worded by where the two lines fall in the chunks read
(``observations_write`` across chunks, the ``Stager`` within one), and a settled row is
never read by them: so a refused file that repeats a key (``repeats_a_key``, asked only of
a refused file) is read row by row after all, for every problem in its very words; so is a file whose
rows cannot be staged line for line: a ragged row, a blank line, a field across lines, a
quote left open.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.indicators.store import CommitCounts, observations_insert_select
from evenbetter.ingest.csvfile import CsvRow, CsvStream, is_blank_record
from evenbetter.ingest.registry import Progress

if TYPE_CHECKING:
    from evenbetter.ingest.observations import Stager, StreamingObservations

RAW, SCHOOLS, PERIODS, INDICATORS = "ingest_raw", "ingest_raw_schools", "ingest_raw_periods", "ingest_raw_indicators"
HELD, KEYS, REPEATED = "ingest_held", "ingest_held_keys", "ingest_repeated_keys"
TABLES = (RAW, SCHOOLS, PERIODS, INDICATORS, HELD, KEYS, REPEATED)
# Rows held back from the INSERT … SELECT: read by the Python rules, or unchanged in the store.
FOR_PYTHON, UNCHANGED = -1, 1


class CannotStage(Exception):
    """The file cannot be settled in SQL as a whole: it is read row by row instead."""


class RepeatedKey(Exception):
    """A key SQL settled is on a row the Python rules read too: undo what they wrote, hold back
    every row of a repeated key (``hold_repeated_keys``) and read the held rows again."""


def plain_number(text: str) -> str:
    """SQL true when ``text`` is a plain decimal number: digits (at least one) with at most one
    point among them and a leading minus, at most 15 characters (so at most 15 digits, below
    2**53: exact as a double). Not a negative zero, which Python reads as -0.0."""
    return (
        f"({text} NOT GLOB '*[^0-9.-]*' AND {text} GLOB '*[0-9]*' AND instr(substr({text}, 2), '-') = 0 "
        f"AND length({text}) <= 15 AND length({text}) - length(replace({text}, '.', '')) <= 1 "
        f"AND (substr({text}, 1, 1) <> '-' OR {text} GLOB '*[1-9]*'))"
    )


def number_of(text: str) -> str:
    """SQL for the double a plain number (``plain_number``) is: its digits as a whole number,
    divided by ten to the number of decimals — both exact, one rounding, as Python's float()."""
    decimals = f"(CASE WHEN instr({text}, '.') = 0 THEN 0 ELSE length({text}) - instr({text}, '.') END)"
    return (
        f"(CAST(CAST(replace({text}, '.', '') AS INTEGER) AS REAL) "
        f"/ CAST(substr('1000000000000000', 1, {decimals} + 1) AS INTEGER))"
    )


class StagedRows:
    """The rows the Python rules must read, as ``CsvStream`` gives them (``rows()``,
    ``problems``, ``rows_seen``); ``settled`` rows were settled in SQL."""

    def __init__(self, header: list[str], rows_read: int, settled: int, new_rows_select: str, keys_select: str):
        self.header = header
        self.rows_read = rows_read  # records in the raw table
        self.settled = settled
        self.rows_seen = settled
        self.problems: list = []
        self.new_rows_select = new_rows_select
        self.keys_select = keys_select  # (ordinal, school_id, indicator_id, period) of every row SQL keys
        self.repeats_held = False  # every row of a repeated key is held back for the Python rules

    def rows(self) -> Iterator[CsvRow]:
        columns = ", ".join(f"r.c{index}" for index in range(len(self.header)))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT h.ordinal, {columns} FROM temp.{HELD} AS h JOIN temp.{RAW} AS r "  # noqa: S608 (names are ours)
                f"ON r.rowid = h.ordinal WHERE h.settled = {FOR_PYTHON} ORDER BY h.ordinal"
            )
            header = self.header
            while batch := cursor.fetchmany(10_000):
                for ordinal, *record in batch:
                    if is_blank_record(record):
                        continue
                    self.rows_seen += 1
                    # The header is line 1 and every record one line (checked when read).
                    yield CsvRow(ordinal + 1, dict(zip(header, record, strict=True)))


def stage_raw_rows(
    source: StreamingObservations,
    stream: CsvStream,
    stager: Stager,
    indicator_ids: dict[str, int],
    *,
    chunk: int,
    progress: Progress | None = None,
) -> StagedRows:
    """Read the rest of ``stream`` into temporary tables and settle what SQL can settle.

    Raises CannotStage when the file cannot be staged line for line (read it row by row)."""
    header = stream.header
    school, period, indicator, value = (
        header.index(name) for name in (source.school_column, "period", "indicator", "value")
    )
    reader = stream.reader
    if reader.line_num != 1:
        raise CannotStage("the header is on more than one line")
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {RAW} ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
        _read_raw(reader, len(header), chunk, progress)
        cursor.execute(f"SELECT max(rowid), count(*) FROM temp.{RAW}")  # noqa: S608 (names are ours)
        last, count = cursor.fetchone()
        if not count or last != count or reader.line_num != 1 + count:
            raise CannotStage("a record spans several lines, or there are none")

        # The keys, each distinct text read once by the Python rules.
        cursor.execute(f"SELECT DISTINCT c{school} FROM temp.{RAW}")  # noqa: S608
        texts = [text for (text,) in cursor.fetchall()]
        known = stager.school_ids(text.strip() for text in texts if text.strip())
        schools = [(text, known[text.strip()]) for text in texts if text.strip() and known[text.strip()] is not None]
        cursor.execute(f"SELECT DISTINCT c{period} FROM temp.{RAW}")  # noqa: S608
        periods = []
        for (text,) in cursor.fetchall():
            parsed = stager.period(source.period_of(CsvRow(0, {"period": text}), stream.file_name))
            if not isinstance(parsed, str):
                periods.append((text, parsed[0], connection.ops.adapt_datefield_value(parsed[1])))
        cursor.execute(f"SELECT DISTINCT c{indicator} FROM temp.{RAW}")  # noqa: S608
        indicators = []
        for (text,) in cursor.fetchall():
            scratch: list = []  # its problems are reported when the Python rules read the row
            measures = source.row_measures(CsvRow(0, {"indicator": text}), stager.measures, stream.file_name, scratch)
            if len(measures) != 1 or measures[0].parse is not None or measures[0].column != "value":
                continue
            code = measures[0].indicator
            if code in indicator_ids and code in stager.definitions:
                definition = stager.definitions[code]
                indicators.append((text, indicator_ids[code], definition.minimum, definition.maximum))
        for table, columns, rows in (
            (SCHOOLS, "school_id INTEGER", schools),
            (PERIODS, "period TEXT, period_start TEXT", periods),
            (INDICATORS, "indicator_id INTEGER, minimum REAL, maximum REAL", indicators),
        ):
            # WITHOUT ROWID: a row is found in one lookup of its key, not two.
            cursor.execute(f"CREATE TEMPORARY TABLE {table} (raw TEXT PRIMARY KEY, {columns}) WITHOUT ROWID")
            if rows:
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"INSERT INTO temp.{table} VALUES ({marks})", rows)  # noqa: S608

        # Held back from the INSERT … SELECT: the rows for the Python rules (an unknown
        # school, period or indicator, a value not plain or out of range, a key the store
        # holds with another value) and the ones the store holds unchanged.
        v = f"r.c{value}"
        joins = (
            f"temp.{RAW} AS r LEFT JOIN temp.{SCHOOLS} AS s ON s.raw = r.c{school} "
            f"LEFT JOIN temp.{PERIODS} AS p ON p.raw = r.c{period} "
            f"LEFT JOIN temp.{INDICATORS} AS i ON i.raw = r.c{indicator}"
        )
        store = connection.ops.quote_name(Observation._meta.db_table)
        parameters: list[Any] = []
        if _store_holds_any(cursor, store):
            in_store = (
                f"coalesce((SELECT CASE WHEN o.status = %s AND o.value = k.value AND o.provisional = %s "  # noqa: S608
                f"THEN {UNCHANGED} ELSE {FOR_PYTHON} END FROM {store} AS o WHERE o.school_id = k.school_id "
                "AND o.indicator_id = k.indicator_id AND o.period = k.period), 0)"
            )
            parameters += [Observation.Status.VALUE, source.provisional]
        else:
            in_store = "0"
        cursor.execute(
            f"CREATE TEMPORARY TABLE {HELD} (ordinal INTEGER PRIMARY KEY, settled INTEGER, "
            "school_id INTEGER, indicator_id INTEGER, period TEXT)"
        )
        # (OFFSET 0 keeps each subquery's columns worked out once a row, not once a use.)
        cursor.execute(
            f"INSERT INTO temp.{HELD} SELECT ordinal, settled, school_id, indicator_id, period FROM ("  # noqa: S608
            f"SELECT k.*, CASE WHEN k.school_id IS NULL OR k.period IS NULL OR k.indicator_id IS NULL "
            f"OR k.value IS NULL OR k.value NOT BETWEEN coalesce(k.minimum, -1e300) AND coalesce(k.maximum, 1e300) "
            f"THEN {FOR_PYTHON} ELSE {in_store} END AS settled FROM ("
            f"SELECT r.rowid AS ordinal, s.school_id, i.indicator_id, p.period, i.minimum, i.maximum, "
            f"CASE WHEN {plain_number(v)} THEN {number_of(v)} END AS value FROM {joins} "
            "LIMIT -1 OFFSET 0) AS k LIMIT -1 OFFSET 0) WHERE settled <> 0 ORDER BY ordinal",
            parameters,
        )
        # A key on two rows: the keys held back into a unique index (a new one meets the
        # store's own when it is written, after the rows the Python rules wrote).
        cursor.execute(
            f"CREATE TEMPORARY TABLE {KEYS} (school_id INTEGER, indicator_id INTEGER, period TEXT, "
            "UNIQUE (school_id, indicator_id, period))"
        )
        try:
            with transaction.atomic():
                cursor.execute(
                    f"INSERT INTO temp.{KEYS} SELECT school_id, indicator_id, period FROM temp.{HELD} "  # noqa: S608
                    "WHERE school_id IS NOT NULL AND indicator_id IS NOT NULL AND period IS NOT NULL"
                )
            repeated = False
        except IntegrityError:
            repeated = True
    keys = (
        f"SELECT r.rowid AS ordinal, s.school_id, i.indicator_id, p.period "  # noqa: S608 (names are ours)
        f"FROM temp.{RAW} AS r JOIN temp.{SCHOOLS} AS s ON s.raw = r.c{school} "
        f"JOIN temp.{PERIODS} AS p ON p.raw = r.c{period} JOIN temp.{INDICATORS} AS i ON i.raw = r.c{indicator}"
    )
    new_rows = (
        f"SELECT s.school_id, i.indicator_id, p.period, p.period_start, {number_of(v)} AS value "  # noqa: S608 (names are ours)
        f"FROM temp.{RAW} AS r JOIN temp.{SCHOOLS} AS s ON s.raw = r.c{school} "
        f"JOIN temp.{PERIODS} AS p ON p.raw = r.c{period} JOIN temp.{INDICATORS} AS i ON i.raw = r.c{indicator} "
        f"WHERE NOT EXISTS (SELECT 1 FROM temp.{HELD} AS h WHERE h.ordinal = r.rowid) ORDER BY r.rowid"
    )
    staged = StagedRows(header, count, count, new_rows, keys)
    if repeated:
        hold_repeated_keys(staged)
    else:
        _count_held(staged)
    return staged


def _count_held(staged: StagedRows) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM temp.{HELD} WHERE settled = {FOR_PYTHON}")  # noqa: S608
        (for_python,) = cursor.fetchone()
    staged.settled = staged.rows_seen = staged.rows_read - for_python
    staged.problems = []


def hold_repeated_keys(staged: StagedRows) -> None:
    """Hold back, for the Python rules, every row of every key on more than one row of the file,
    and make ``staged`` ready to be read again (nothing of its first reading kept).

    Reading row by row, the Python rules see a key's rows in the file's order, take an identical
    repeat once and refuse another; holding back all its rows, they see just the same rows in
    the same order. SQL then settles only keys on one row, which no other row can meet."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{REPEATED}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {REPEATED} (school_id INTEGER, indicator_id INTEGER, period TEXT, "
            "PRIMARY KEY (school_id, indicator_id, period)) WITHOUT ROWID"
        )
        cursor.execute(
            f"INSERT INTO temp.{REPEATED} SELECT school_id, indicator_id, period FROM ({staged.keys_select}) "  # noqa: S608
            "GROUP BY school_id, indicator_id, period HAVING count(*) > 1"
        )
        cursor.execute(
            f"INSERT OR REPLACE INTO temp.{HELD} (ordinal, settled, school_id, indicator_id, period) "  # noqa: S608
            f"SELECT k.ordinal, {FOR_PYTHON}, k.school_id, k.indicator_id, k.period FROM ({staged.keys_select}) AS k "
            f"JOIN temp.{REPEATED} AS d ON d.school_id = k.school_id AND d.indicator_id = k.indicator_id "
            "AND d.period = k.period"
        )
    staged.repeats_held = True
    _count_held(staged)


def _read_raw(reader: Any, width: int, chunk: int, progress: Progress | None) -> None:
    """The CSV reader's records into the raw table, through the driver, ``chunk`` at a time."""
    insert = connection.connection.cursor()
    sql = f"INSERT INTO temp.{RAW} VALUES ({', '.join('?' * width)})"  # noqa: S608 (names are ours)
    read = 0
    try:
        while True:
            insert.executemany(sql, islice(reader, chunk))
            if insert.rowcount <= 0:
                break
            read += insert.rowcount
            if progress is not None:
                progress(read)
    except (sqlite3.ProgrammingError, csv.Error) as error:
        # A record with another number of fields (a ragged row, a blank line) or one the CSV
        # reader refuses: reading row by row says where and what.
        raise CannotStage(str(error)) from None
    finally:
        insert.close()


def _store_holds_any(cursor: Any, store: str) -> bool:
    """Whether the store holds any value of the file's indicators in its periods (a first import
    holds none: then no row need be looked up)."""
    cursor.execute(
        f"SELECT 1 FROM temp.{INDICATORS} AS i JOIN temp.{PERIODS} AS p JOIN {store} AS o "  # noqa: S608 (names are ours)
        "ON o.indicator_id = i.indicator_id AND o.period = p.period LIMIT 1"
    )
    return cursor.fetchone() is not None


def repeats_a_key(staged: StagedRows) -> bool:
    """Whether a key is on two rows of the file (asked of a refused file only: one more pass)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM ({staged.keys_select}) GROUP BY school_id, indicator_id, period "  # noqa: S608
            "HAVING count(*) > 1 LIMIT 1"
        )
        return cursor.fetchone() is not None


def write_settled(staged: StagedRows, run: ImportRun, counts: CommitCounts, *, provisional: bool) -> None:
    """Write the new rows SQL settled and count the unchanged ones. When a new key meets one
    already written (a key on two rows of the file): RepeatedKey, or CannotStage once every
    repeated key is held back (a key SQL could not see, which cannot happen: to be safe)."""
    try:
        with transaction.atomic():
            observations_insert_select(staged.new_rows_select, run, counts, provisional=provisional)
    except IntegrityError:
        if staged.repeats_held:  # pragma: no cover - every row of a repeated key is held back
            raise CannotStage("a key is on two rows") from None
        raise RepeatedKey from None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM temp.{HELD} WHERE settled = {UNCHANGED}")  # noqa: S608
        counts.unchanged += cursor.fetchone()[0]


def drop_staging() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
