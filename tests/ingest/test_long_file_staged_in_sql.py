"""On SQLite a long file's plain values are checked in SQL (``ingest.sqlstaging``), the rest by
the Python rules: whatever the file, the import ends exactly as reading it row by row does —
the same run (status, counts, problems with their lines and columns), the same values in the
store, to the last bit of every double. On PostgreSQL both are the row-by-row reading."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from evenbetter.indicators import store
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest import sqlstaging
from evenbetter.ingest.formats.generic import LongFile
from evenbetter.ingest.runner import import_file

pytestmark = pytest.mark.django_db

CATALOGUE = (
    b"code,name,unit,direction,domain,comparison,minimum,maximum\n"
    b"staff_trust,Staff who trust leaders,%,higher,wellbeing,percent,0,100\n"
    b"balance,Budget balance,GBP,higher,context,score,,\n"
)
HEADER = "school_id,period,indicator,value"
# Every way a value is written in real and hand-made files: plain numbers of every shape,
# markers, numbers only the Python rules read, and garbage.
VALUES = [
    "45", "45.0", "0.5", ".5", "5.", "-3.25", "-0.5", "-.5", "-0", "-0.0", "0", "007", "00.50", "100", "100.0",
    "101", "-1", "0.1", "0.3", "2.675", "1.0000000000001", "99.99999999999999", "123456789012345",
    "1234567890123456", "999999999999999", "0.000000000000001", "1e3", "+5", " 45", "45 ", "1_000", "inf", "nan",
    "1.2.3", "--5", "5-", "-", ".", "-.", "", " ", "SUPP", "supp", "c", "x", "NA", ":", "12,3", "50%", "£1,000",
    "٣", "½",
]  # fmt: skip
SCHOOLS = ["115850", "115851", "125116", " 115850", "999999", "", "abc"]
PERIODS = ["2018/19", "2017/18", "2018-19", "2019-03-01", "2018", "2018/20", ""]
INDICATORS = ["staff_trust", "balance", " staff_trust", "unknown", ""]


@pytest.fixture
def catalogue(register: ImportRun) -> None:
    run = import_file(content=CATALOGUE, file_name="c.csv", source_format="indicator_catalogue")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems


class _Undo(Exception):
    pass


def _store() -> set[tuple[Any, ...]]:
    return {
        (school_id, code, period, str(start), None if value is None else struct.pack("<d", value), status, provisional)
        for school_id, code, period, start, value, status, provisional in Observation.objects.values_list(
            "school_id", "indicator__code", "period", "period_start", "value", "status", "provisional"
        )
    }


def _import(content: bytes, *, staged: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    monkeypatch.setattr(LongFile, "staged_in_sql", staged)
    run = import_file(content=content, file_name="long.csv", source_format="long")
    return (
        run.status,
        run.rows_read,
        run.rows_accepted,
        run.rows_rejected,
        run.records_created,
        run.records_updated,
        run.records_unchanged,
        run.problems,
        sorted(run.examples),
    )


def _outcome(files: list[bytes], *, staged: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """Each import's run, and the store after the last, imported one after another and undone."""
    result: tuple[Any, ...] = ()
    try:
        with transaction.atomic():
            runs = [_import(content, staged=staged, monkeypatch=monkeypatch) for content in files]
            result = (runs, _store())
            raise _Undo
    except _Undo:
        pass
    return result


def _same_either_way(files: list[bytes], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    by_sql = _outcome(files, staged=True, monkeypatch=monkeypatch)
    by_rows = _outcome(files, staged=False, monkeypatch=monkeypatch)
    assert by_sql == by_rows
    return by_sql


def _long(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _row(*cells: str) -> str:
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


@pytest.fixture
def staging_spied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each staging's steps: "staged", "repeats held" (every row of a repeated key held back for
    the Python rules), "settled" (written), "repeated key" (a settled row met a held one), or
    why it could not be."""
    ended: list[str] = []

    def spied(name: str, outcome: str | None) -> None:
        step = getattr(sqlstaging, name)

        def spy(*args: Any, **kwargs: Any) -> Any:
            try:
                result = step(*args, **kwargs)
            except sqlstaging.CannotStage as why:
                ended.append(str(why))
                raise
            except sqlstaging.RepeatedKey:
                ended.append("repeated key")
                raise
            if outcome:
                ended.append(outcome)
            return result

        monkeypatch.setattr(f"evenbetter.ingest.observations.{name}", spy)
        if name == "hold_repeated_keys":  # called by the staging too
            monkeypatch.setattr(sqlstaging, name, spy)

    spied("stage_raw_rows", "staged")
    spied("hold_repeated_keys", "repeats held")
    spied("write_settled", "settled")
    return ended


def test_every_shape_of_value_ends_as_reading_row_by_row(
    catalogue: None, monkeypatch: pytest.MonkeyPatch, staging_spied: list[str]
) -> None:
    rows = [
        _row(urn, f"{1970 + n}/{(71 + n) % 100:02d}", code, value)
        for n, value in enumerate(VALUES)
        for urn, code in (("115850", "staff_trust"), ("125116", "balance"))
    ]
    runs, store = _same_either_way([_long(*rows)], monkeypatch)
    assert runs[0][0] == ImportRun.Status.FAILED  # "101", "1e3" … out of range, "1.2.3" … not numbers
    if connection.vendor == "sqlite":
        assert staging_spied == ["staged"]  # and nothing written: the Python rules found errors
    assert len(runs[0][7]) == 29  # every value not a number, or out of range, named with its line
    assert store == set()


def test_a_clean_file_then_a_changed_one_end_as_reading_row_by_row(
    catalogue: None, monkeypatch: pytest.MonkeyPatch, staging_spied: list[str]
) -> None:
    first = [
        f"{urn},2018/19,{code},{value}"
        for urn in ("115850", "115851", "125116")
        for code, value in (("staff_trust", "71.5"), ("balance", "-1234.25"))
    ]
    first += ["115850,2017/18,staff_trust,SUPP", "115851,2017/18,staff_trust,64", " 125116 ,2017/18,balance,12"]
    second = [
        *first[:3],
        "115851,2018/19,balance,-1234.5",
        "125116,2018/19,staff_trust,SUPP",
        "125116,2018/19,balance,x",
    ]
    second += ["115850,2017/18,staff_trust,70", "115851,2017/18,staff_trust,64.0", "115850,2016/17,staff_trust,1"]
    runs, store = _same_either_way([_long(*first), _long(*second), _long(*second)], monkeypatch)
    assert [run[0] for run in runs] == [ImportRun.Status.SUCCEEDED] * 3
    assert [run[4:7] for run in runs] == [(9, 0, 0), (1, 4, 4), (0, 0, 9)]
    assert len(store) == 10
    if connection.vendor == "sqlite":
        assert staging_spied == ["staged", "settled"] * 3


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        (["115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust"], "Incorrect number of bindings"),
        (["115850,2018/19,staff_trust,45", "", "115851,2018/19,staff_trust,45"], "Incorrect number of bindings"),
        (['115850,2018/19,staff_trust,"4\n5"', "115851,2018/19,staff_trust,45"], "spans several lines"),
        (['115850,2018/19,staff_trust,"45', "115851,2018/19,staff_trust,45"], "unexpected end of data"),
    ],
    ids=["ragged", "blank line", "field across lines", "quote left open"],
)
def test_what_sql_cannot_stage_is_read_row_by_row(
    catalogue: None, monkeypatch: pytest.MonkeyPatch, staging_spied: list[str], rows: list[str], why: str
) -> None:
    _same_either_way([_long(*rows, "125116,2018/19,balance,7")], monkeypatch)
    if connection.vendor == "sqlite":
        assert why in staging_spied[-1], staging_spied


SETTLED = [f"{urn},2018/19,balance,{n}" for n, urn in enumerate(("115850", "115851", "125116"))]


@pytest.mark.parametrize(
    ("rows", "status", "steps"),
    [
        # Both rows plain and new: SQL would settle both; the second meets the first when written.
        (
            ["115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust,45.0"],
            ImportRun.Status.SUCCEEDED,
            ["staged", "repeated key", "repeats held", "settled"],
        ),
        # A leftover (not plain) repeats a key SQL would have settled, with the same value.
        (
            ["115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust, 45"],
            ImportRun.Status.SUCCEEDED,
            ["staged", "repeated key", "repeats held", "settled"],
        ),
        # Two leftovers on one key, identical: the staging holds the key's rows back at once.
        (
            ["115850,2018/19,staff_trust,SUPP", "115851,2018/19,staff_trust,1", "115850,2018/19,staff_trust,SUPP"],
            ImportRun.Status.SUCCEEDED,
            ["repeats held", "staged", "settled"],
        ),
        # Refused repeats: read row by row after all, for their very words.
        (
            ["115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust,46"],
            ImportRun.Status.FAILED,
            ["staged", "repeated key", "repeats held"],
        ),
        (
            ["115850,2018/19,staff_trust,SUPP", "115850,2018/19,staff_trust,45"],
            ImportRun.Status.FAILED,
            ["staged", "repeated key", "repeats held"],
        ),
        (
            ["115850,2018/19,staff_trust,SUPP", "115850,2018/19,staff_trust,x"],
            ImportRun.Status.FAILED,
            ["repeats held", "staged"],
        ),
        # A leftover repeats a settled key in a file refused for another row: the Python rules
        # never meet the settled row, so the file is read row by row to name the repeat too.
        (
            ["115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust,SUPP", "999999,2018/19,staff_trust,1"],
            ImportRun.Status.FAILED,
            ["staged"],
        ),
    ],
    ids=[
        "identical plain repeat",
        "leftover repeats a settled key",
        "identical leftovers",
        "two values",
        "marker then value",
        "two markers",
        "repeat in a file refused otherwise",
    ],
)
def test_a_repeated_key_is_read_by_the_python_rules_on_all_its_rows(
    catalogue: None,
    monkeypatch: pytest.MonkeyPatch,
    staging_spied: list[str],
    rows: list[str],
    status: ImportRun.Status,
    steps: list[str],
) -> None:
    runs, store = _same_either_way([_long(*SETTLED, *rows)], monkeypatch)
    assert runs[0][0] == status, runs[0][7]
    if status == ImportRun.Status.FAILED:
        repeats = ("already has", "an earlier line of this file gives")
        assert any(words in problem["message"] for problem in runs[0][7] for words in repeats), runs[0][7]
        assert store == set()
    else:
        assert runs[0][4] == len(SETTLED) + len({row.rsplit(",", 1)[0] for row in rows})  # each key once
    if connection.vendor == "sqlite":
        assert staging_spied == steps  # no whole-file fallback unless refused


def test_a_repeated_key_the_store_holds_unchanged_is_counted_once(
    catalogue: None, monkeypatch: pytest.MonkeyPatch, staging_spied: list[str]
) -> None:
    first = _long(*SETTLED, "115850,2018/19,staff_trust,45")
    again = _long(*SETTLED, "115850,2018/19,staff_trust,45", "115850,2018/19,staff_trust,45.0")
    runs, store = _same_either_way([first, again], monkeypatch)
    assert [run[4:7] for run in runs] == [(4, 0, 0), (0, 0, 4)]
    assert len(store) == 4
    if connection.vendor == "sqlite":
        assert staging_spied == ["staged", "settled", "repeats held", "staged", "settled"]


CELL = st.sampled_from


@settings(max_examples=25)
@given(
    files=st.lists(
        st.lists(
            st.tuples(CELL(SCHOOLS), CELL(PERIODS), CELL(INDICATORS), CELL(VALUES)).map(lambda cells: _row(*cells)),
            min_size=1,
            max_size=12,
        ).map(lambda rows: _long(*rows)),
        min_size=1,
        max_size=2,
    )
)
def test_any_long_file_ends_as_reading_row_by_row(catalogue: None, files: list[bytes]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_either_way(files, monkeypatch)


def test_the_store_read_by_keys_or_by_their_product_ends_the_same(
    catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``observations_write`` reads the stored values of a few records spread wide (a staged
    file's leftovers) by their keys, of many by the product of their schools, indicators and
    periods: the same imports end the same either way."""
    first = [f"{urn},{period},{code},{n}" for n, (urn, period, code) in enumerate(
        (urn, period, code)
        for urn in ("115850", "115851", "125116")
        for period in ("2016/17", "2017/18", "2018/19")
        for code in ("staff_trust", "balance")
    )]  # fmt: skip
    second = [*first[:5], "115850,2018/19,balance,SUPP", "115851,2017/18,balance, 7", "125116,2016/17,balance,x"]
    second += [first[7], first[7].replace(",7", ",7.0")]  # a repeat, identical
    files = [_long(*first), _long(*second), _long(*second)]
    outcomes = []
    for sparse in (0, 10**9):  # always by keys; never
        monkeypatch.setattr(store, "SPARSE", sparse)
        outcomes.append([_outcome(files, staged=staged, monkeypatch=monkeypatch) for staged in (True, False)])
    assert outcomes[0] == outcomes[1]
    runs, _ = outcomes[0][0]
    assert [run[0] for run in runs] == [ImportRun.Status.SUCCEEDED] * 3, [run[7] for run in runs]
    assert [run[4:7] for run in runs] == [(18, 0, 0), (0, 3, 6), (0, 0, 9)]
