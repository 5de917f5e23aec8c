"""The DfE school workforce census on the real national file (``national-2019/england_swf.csv``).

The file as republished is cut short: it stops part-way through line 8,179, with no line
break after it. That row is skipped with a warning that says where; the rest is read.
Its "no value" codes: ``NA`` (missing) and ``SUPP`` (suppressed); salaries are written
"£45,421"; the ratio's header has a run of spaces ("Pupil:     Teacher Ratio").
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

PERIOD = "2018/19"
IDENTITY = {"LA Number", "Establishment Number", "URN", "School Phase"}
RATIO = "Pupil:     Teacher Ratio"


@pytest.fixture
def workforce_file(real_data_dir: Path) -> bytes:
    return (real_data_dir / "national-2019" / "england_swf.csv").read_bytes()


def _import(content: bytes, file_name: str = "england_swf.csv") -> ImportRun:
    return import_file(content=content, file_name=file_name, source_format="dfe_workforce", period=PERIOD)


def _whole_rows(content: bytes) -> tuple[list[dict[str, str]], int]:
    """The complete rows (those ending in a line break), and the line the cut-short one is on."""
    complete = content[: content.rfind(b"\n") + 1]
    rows = list(csv.DictReader(io.StringIO(complete.decode("utf-8-sig"), newline="")))
    return rows, complete.count(b"\n") + 1


def _values(urn: int) -> dict[str, Observation]:
    found = Observation.objects.filter(school__urn=urn, period=PERIOD).select_related("indicator")
    return {o.indicator.code: o for o in found}


def test_the_real_file_imports_every_whole_row_and_says_where_it_is_cut_short(db: None, workforce_file: bytes) -> None:
    assert not workforce_file.endswith(b"\n")
    rows, cut_line = _whole_rows(workforce_file)
    cut_urn = workforce_file[workforce_file.rfind(b"\n") + 1 :].split(b",")[2].decode()
    urns = [r["URN"] for r in rows] + [cut_urn]
    School.objects.bulk_create([School(urn=int(u), name=f"School {u}", status="open") for u in urns])
    measures = [c for c in rows[0] if c not in IDENTITY]
    cells = Counter(
        "blank" if not r[c].strip() else r[c] if r[c] in {"NA", "SUPP"} else "number" for r in rows for c in measures
    )

    run = _import(workforce_file)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_read, run.rows_accepted, run.rows_rejected) == (len(rows) + 1, len(rows), 1) == (8178, 8177, 1)
    assert run.records_created == cells.total() - cells["blank"] == 8177 * 8
    (cut,) = run.warnings
    assert (
        (cut["file"], cut["line"], cut["column"])
        == ("england_swf.csv", cut_line, RATIO)
        == (
            "england_swf.csv",
            8179,
            RATIO,
        )
    )
    assert "the file ends part-way through this line" in str(cut["message"])
    assert not Observation.objects.filter(school__urn=int(cut_urn)).exists(), "nothing of the cut row is kept"
    assert Counter(Observation.objects.values_list("status", flat=True)) == {
        "value": cells["number"],
        "missing": cells["NA"],
        "suppressed": cells["SUPP"],
    }
    assert not Observation.objects.filter(status__in=["missing", "suppressed"], value__isnull=False).exists()
    # 201,3614,100000,Primary,24,18,30,19.1,13.4,15.9,15.0,"£45,421"
    assert {code: o.value for code, o in _values(100000).items()} == {
        "teachers_headcount": 24,
        "tas_headcount": 18,
        "support_staff_headcount": 30,
        "teachers_fte": 19.1,
        "tas_fte": 13.4,
        "support_staff_fte": 15.9,
        "pupil_teacher_ratio": 15.0,
        "teacher_salary_mean": 45421,
    }
    # 307,5200,136737,Primary,7,7,3,6.8,6.2,3,SUPP,"£38,628"
    ratio_suppressed = _values(136737)
    assert (ratio_suppressed["pupil_teacher_ratio"].status, ratio_suppressed["pupil_teacher_ratio"].value) == (
        "suppressed",
        None,
    )
    assert ratio_suppressed["teacher_salary_mean"].value == 38628
    # 203,4003,142608,Secondary,NA,NA,NA,NA,NA,NA,NA,NA
    assert {(o.status, o.value) for o in _values(142608).values()} == {("missing", None)}

    again = _import(workforce_file)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, run.records_created)


def test_against_the_local_register_every_school_is_skipped(register: ImportRun, workforce_file: bytes) -> None:
    rows, _ = _whole_rows(workforce_file)
    run = _import(workforce_file)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.rows_accepted, run.records_created) == (0, 0)
    skipped = [w for w in run.warnings if "not on the register" in str(w["message"])]
    assert str(skipped[0]["message"]).startswith(f"{len({r['URN'] for r in rows})} schools are not on the register")
    assert not Observation.objects.exists()


def _first_rows(workforce_file: bytes, n: int) -> tuple[str, list[str]]:
    lines = workforce_file.decode("utf-8-sig").split("\n")
    School.objects.bulk_create(
        [School(urn=int(line.split(",")[2]), name="x", status="open") for line in lines[1 : n + 1]]
    )
    return lines[0], lines[1 : n + 1]


def test_headers_match_whatever_their_spacing_and_case(db: None, workforce_file: bytes) -> None:
    header, lines = _first_rows(workforce_file, 1)
    respaced = header.replace(RATIO, "PUPIL:TEACHER  RATIO").replace("(Headcount)", "( Headcount )")
    run = _import(f"{respaced}\n{lines[0]}\n".encode())
    assert run.status == ImportRun.Status.SUCCEEDED, run.errors
    assert (run.records_created, run.warnings) == (8, [])
    assert _values(100000)["pupil_teacher_ratio"].value == 15.0


def test_a_line_cut_short_before_the_end_is_still_an_error(db: None, workforce_file: bytes) -> None:
    header, lines = _first_rows(workforce_file, 3)
    cut = lines[1].rsplit(",", 3)[0]
    run = _import(f"{header}\n{lines[0]}\n{cut}\n{lines[2]}\n".encode())
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(3, RATIO)]
    assert not Observation.objects.exists()


def test_a_negative_count_a_bad_salary_or_a_second_different_row_is_refused(db: None, workforce_file: bytes) -> None:
    header, lines = _first_rows(workforce_file, 2)
    negative = lines[0].replace(",24,18,", ",-24,18,")
    bad_salary = lines[1].replace('"£37,371"', '"£37,37l"')
    changed = lines[0].replace(",15.0,", ",15.5,")
    run = _import(f"{header}\n{negative}\n{bad_salary}\n{lines[0]}\n{changed}\n".encode(), "swf.csv")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["file"], e["line"], e["column"]) for e in run.errors] == [
        ("swf.csv", 2, "Total Number of Teachers (Headcount)"),
        ("swf.csv", 3, "Mean Gross FTE Salary of All Teachers (£s)"),
        ("swf.csv", 5, RATIO),
    ]
    assert not Observation.objects.exists()


def test_a_file_without_urns_is_refused_at_its_header(db: None, workforce_file: bytes) -> None:
    header, lines = _first_rows(workforce_file, 1)
    run = _import(f"{header.replace(',URN,', ',Ref,')}\n{lines[0]}\n".encode())
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(1, "URN")]
