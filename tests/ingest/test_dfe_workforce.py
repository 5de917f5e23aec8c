"""The DfE school workforce census on the real national file — which is cut short."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def workforce_file(real_data_dir: Path) -> bytes:
    return (real_data_dir / "national-2019" / "england_swf.csv").read_bytes()


def test_the_real_file_is_refused_whole_because_its_last_line_is_cut_short(db: None, workforce_file: bytes) -> None:
    run = import_file(
        content=workforce_file, file_name="england_swf.csv", source_format="dfe_workforce", period="2018/19"
    )
    assert run.status == ImportRun.Status.FAILED
    lines = workforce_file.count(b"\n") + 1
    assert [(e["line"], e["column"]) for e in run.errors] == [(lines, "Pupil:     Teacher Ratio")]
    assert not Observation.objects.exists()


def test_the_file_without_its_broken_line_imports_every_school(db: None, workforce_file: bytes) -> None:
    whole = workforce_file[: workforce_file.rstrip(b"\n").rfind(b"\n") + 1]
    rows = list(csv.DictReader(io.StringIO(whole.decode("utf-8-sig"))))
    School.objects.bulk_create([School(urn=int(r["URN"]), name=f"School {r['URN']}", status="open") for r in rows])
    measure_columns = [c for c in rows[0] if c not in {"LA Number", "Establishment Number", "URN", "School Phase"}]
    expected = sum(1 for r in rows for c in measure_columns if r[c].strip())

    run = import_file(content=whole, file_name="england_swf.csv", source_format="dfe_workforce", period="2018/19")

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_read, run.records_created) == (len(rows), expected)
    first = Observation.objects.filter(school__urn=100000, period="2018/19")
    values = {o.indicator.code: o.value for o in first.select_related("indicator")}
    # 201,3614,100000,Primary,24,18,30,19.1,13.4,15.9,15.0,"£45,421"
    assert values == {
        "teachers_headcount": 24,
        "tas_headcount": 18,
        "support_staff_headcount": 30,
        "teachers_fte": 19.1,
        "tas_fte": 13.4,
        "support_staff_fte": 15.9,
        "pupil_teacher_ratio": 15.0,
        "teacher_salary_mean": 45421,
    }
    again = import_file(content=whole, file_name="england_swf.csv", source_format="dfe_workforce", period="2018/19")
    assert (again.records_created, again.records_updated) == (0, 0)
