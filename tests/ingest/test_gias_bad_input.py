"""Bad register files are rejected whole, with file, line and column, and change nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "fixtures" / "gias_sample.csv"


def _snapshot() -> dict[str, object]:
    return {
        "schools": sorted((model_to_dict(s) for s in School.objects.all()), key=lambda d: d["urn"]),
        "localities": Locality.objects.count(),
        "partnerships": Partnership.objects.count(),
        "memberships": PartnershipMembership.objects.count(),
    }


def _reject(content: bytes, file_name: str = "bad_register.csv") -> ImportRun:
    before = _snapshot()
    run = import_file(content=content, file_name=file_name, source_format="gias")
    assert run.status == ImportRun.Status.FAILED
    assert run.records_created == run.records_updated == 0
    assert _snapshot() == before, "a rejected file must write nothing"
    return run


def _lines() -> list[bytes]:
    return SAMPLE.read_bytes().split(b"\n")


def _only_error(run: ImportRun) -> dict[str, object]:
    assert run.errors, run.problems
    return run.errors[0]


@pytest.fixture(params=["empty database", "register already loaded"])
def state(request: pytest.FixtureRequest) -> str:
    if request.param == "register already loaded":
        request.getfixturevalue("register")
    return str(request.param)


def test_a_missing_required_column_is_named(state: str) -> None:
    lines = _lines()
    lines[0] = lines[0].replace(b'"EstablishmentName"', b'"SchoolTitle"')
    error = _only_error(_reject(b"\n".join(lines)))
    assert error["file"] == "bad_register.csv"
    assert error["line"] == 1
    assert error["column"] == "EstablishmentName"
    assert "missing" in str(error["message"])


def test_a_non_numeric_urn_is_rejected_with_its_line(state: str) -> None:
    lines = _lines()
    lines[3] = b"11586X" + lines[3][len(b"115864") :]
    error = _only_error(_reject(b"\n".join(lines)))
    assert (error["line"], error["column"]) == (4, "URN")
    assert "11586X" in str(error["message"])


def test_a_truncated_last_line_is_rejected(state: str) -> None:
    lines = SAMPLE.read_bytes().rstrip(b"\r\n").split(b"\n")
    fields = lines[-1].split(b",")
    lines[-1] = b",".join(fields[:40])  # the file ends part-way through the line
    error = _only_error(_reject(b"\n".join(lines)))
    assert error["line"] == len(lines)
    assert "cut short" in str(error["message"])
    header = next(csv.reader([lines[0].decode()]))
    fields_left = next(csv.reader([lines[-1].decode()]))
    assert error["column"] == header[len(fields_left)], "the message names where the line stops"


def test_a_line_cut_inside_a_quoted_value_is_rejected(state: str) -> None:
    content = SAMPLE.read_bytes().rstrip(b"\r\n")
    cut = content[: content.rfind(b'"Good"') + 3]  # ends inside an open quote
    error = _only_error(_reject(cut))
    assert error["line"] == cut.count(b"\n") + 1
    assert error["column"] == "OfstedRating (name)"


def test_an_encoding_neither_utf8_nor_windows_1252_is_rejected_with_line_and_column(state: str) -> None:
    lines = _lines()
    # 0x81 is a byte Windows-1252 leaves undefined (and not UTF-8 on its own either).
    lines[2] = lines[2].replace(b"Anstey Junior School", b"Anstey Junior \x81cole")
    error = _only_error(_reject(b"\n".join(lines)))
    assert error["line"] == 3
    assert error["column"] == "EstablishmentName"
    assert "neither UTF-8 nor Windows-1252" in str(error["message"])


@pytest.mark.parametrize("content", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_rejected(state: str, content: bytes) -> None:
    error = _only_error(_reject(content, file_name="empty.csv"))
    assert error["file"] == "empty.csv"
    assert "empty" in str(error["message"])


def test_a_header_without_rows_is_rejected(state: str) -> None:
    error = _only_error(_reject(_lines()[0] + b"\n"))
    assert "no rows" in str(error["message"])


def test_a_duplicate_urn_is_rejected_naming_both_lines(state: str) -> None:
    lines = _lines()
    lines.insert(5, lines[1])
    error = _only_error(_reject(b"\n".join(lines)))
    assert error["line"] == 6
    assert "line 2" in str(error["message"])


def test_an_unknown_status_is_rejected(state: str) -> None:
    lines = _lines()
    lines[1] = lines[1].replace(b'"Open"', b'"Opne"', 1)
    error = _only_error(_reject(b"\n".join(lines)))
    assert (error["line"], error["column"]) == (2, "EstablishmentStatus (name)")


def test_every_error_in_a_file_is_reported_not_only_the_first(state: str) -> None:
    lines = _lines()
    lines[2] = b"ABC" + lines[2][6:]
    lines[4] = b"-5" + lines[4][6:]
    run = _reject(b"\n".join(lines))
    assert [(e["line"], e["column"]) for e in run.errors] == [(3, "URN"), (5, "URN")]


def test_an_unreadable_optional_value_is_a_warning_and_the_rest_loads(db: None) -> None:
    lines = _lines()
    lines[1] = lines[1].replace(b'"138","78","60","21.7"', b'"lots","78","60","21.7"')
    run = import_file(content=b"\n".join(lines), file_name="gias.csv", source_format="gias")
    assert run.status == ImportRun.Status.SUCCEEDED
    assert [(w["line"], w["column"]) for w in run.warnings] == [(2, "NumberOfPupils")]
    assert School.objects.get(urn=115850).pupils_on_roll is None
    assert School.objects.count() == 13


def test_a_garbled_optional_value_does_not_wipe_the_value_held(register: ImportRun) -> None:
    lines = _lines()
    lines[1] = lines[1].replace(b'"138","78","60","21.7"', b'"lots","78","60","21.7"')
    run = import_file(content=b"\n".join(lines), file_name="gias.csv", source_format="gias")
    assert run.status == ImportRun.Status.SUCCEEDED
    assert "kept" in str(run.warnings[0]["message"])
    assert School.objects.get(urn=115850).pupils_on_roll == 138


def test_a_refused_file_still_says_how_many_rows_it_read(db: None) -> None:
    lines = SAMPLE.read_bytes().rstrip(b"\r\n").split(b"\n")
    lines[-1] = b",".join(lines[-1].split(b",")[:40])
    run = import_file(content=b"\n".join(lines), file_name="cut.csv", source_format="gias")
    assert run.status == ImportRun.Status.FAILED
    assert run.rows_read == len(lines) - 1  # every line after the header, the cut one included
