"""Large generic files are read row by row and written in chunks, in one transaction."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest import observations
from evenbetter.ingest.runner import import_file

pytestmark = pytest.mark.django_db

CATALOGUE = (
    b"code,name,unit,direction,domain,comparison,minimum,maximum\nscore_a,Score A,score,higher,outcomes,score,0,100\n"
)
URNS = [115850, 115851, 115864, 115865, 115869, 115900, 116275, 116294, 125116, 124935]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observations, "STREAM_CHUNK", 7)


@pytest.fixture
def catalogue(register: ImportRun) -> None:
    run = import_file(content=CATALOGUE, file_name="c.csv", source_format="indicator_catalogue")
    assert run.status == ImportRun.Status.SUCCEEDED


def _long(rows: list[str]) -> bytes:
    return ("school_id,period,indicator,value\n" + "\n".join(rows) + "\n").encode()


def _rows() -> list[str]:
    return [
        f"{urn},{year}/{(year + 1) % 100:02d},score_a,{(urn + year) % 97}"
        for urn in URNS
        for year in (2016, 2017, 2018)
    ]


def test_a_file_in_many_chunks_writes_every_row_once(catalogue: None, small_chunks: None) -> None:
    seen_progress: list[int] = []
    run = import_file(content=_long(_rows()), file_name="l.csv", source_format="long", progress=seen_progress.append)
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert (run.rows_read, run.records_created) == (30, 30)
    assert seen_progress[-1] == 30 and len(seen_progress) >= 4
    assert Observation.objects.get(school__urn=115850, period="2017/18").value == (115850 + 2017) % 97
    again = import_file(content=_long(_rows()), file_name="l.csv", source_format="long")
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 30)


def test_a_different_value_for_the_same_key_in_a_later_chunk_rejects_the_whole_file(
    catalogue: None, small_chunks: None
) -> None:
    rows = _rows()
    rows.append("115850,2016/17,score_a,99")  # line 32, far from the first 115850 2016/17 (line 2)
    run = import_file(content=_long(rows), file_name="l.csv", source_format="long")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(32, "value")]
    assert "earlier line" in str(run.errors[0]["message"])
    assert not Observation.objects.exists(), "rows written from earlier chunks are rolled back"


def test_an_identical_repeat_in_a_later_chunk_is_harmless(catalogue: None, small_chunks: None) -> None:
    rows = [*_rows(), _rows()[0]]
    run = import_file(content=_long(rows), file_name="l.csv", source_format="long")
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.records_created == 30


def test_an_error_late_in_the_file_is_reported_with_all_others_and_nothing_is_written(
    catalogue: None, small_chunks: None
) -> None:
    rows = _rows()
    rows[3] = "115851,2016/17,score_a,101"
    rows[25] = "999999,2016/17,score_a,5"
    run = import_file(content=_long(rows), file_name="l.csv", source_format="long")
    assert [(e["line"], e["column"]) for e in run.errors] == [(5, "value"), (27, "school_id")]
    assert run.rows_read == 30
    assert not Observation.objects.exists()


def test_the_command_line_shows_progress(catalogue: None, small_chunks: None, tmp_path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(_long(_rows()))
    err = io.StringIO()
    call_command("import_data", str(path), "--format", "long", stdout=io.StringIO(), stderr=err)
    assert "30 rows read so far" in err.getvalue()


def test_a_repeat_of_an_unchanged_row_with_another_value_is_caught_on_reimport(
    catalogue: None, small_chunks: None
) -> None:
    assert import_file(content=_long(_rows()), file_name="l.csv", source_format="long").status == "succeeded"
    rows = [*_rows(), "115850,2016/17,score_a,1"]  # unchanged on line 2, contradicted on line 32
    run = import_file(content=_long(rows), file_name="l2.csv", source_format="long")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(32, "value")]
    assert Observation.objects.get(school__urn=115850, period="2016/17").value == (115850 + 2016) % 97
