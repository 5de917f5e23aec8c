"""The DfE school census on the real national file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def census_file(real_data_dir: Path) -> Path:
    return real_data_dir / "national-2019" / "england_census.csv"


def _value(urn: int, code: str) -> Observation:
    return Observation.objects.get(school__urn=urn, indicator__code=code, period="2018/19")


def test_the_real_census_imports_for_the_schools_on_the_register(register: ImportRun, census_file: Path) -> None:
    with census_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    on_register = set(School.objects.values_list("urn", flat=True))
    ours = [r for r in rows if r["URN"].isdigit() and int(r["URN"]) in on_register]
    measure_columns = [c for c in rows[0] if c not in {"URN", "LA", "ESTAB", "SCHOOLTYPE"}]
    expected = sum(1 for r in ours for c in measure_columns if r[c].strip())

    run = import_path(path=census_file, source_format="dfe_census", period="2018/19")

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert run.rows_read == len(rows) == 23942
    assert run.rows_accepted == len(ours)
    assert run.records_created == expected
    assert any("not on the register" in str(w["message"]) for w in run.warnings)
    assert not any("NAT" in str(w["message"]) for w in run.warnings), "the national rows are totals, not schools"
    # Alton Infant School's row: NOR 158, 0.6% EHC plan, 9.5% SEN support, 8.9% EAL, 15.8% FSM ever.
    assert _value(115850, "pupils_on_roll").value == 158
    assert _value(115850, "percent_ehc_plan").value == 0.6
    assert _value(115850, "percent_sen").value == 9.5
    assert _value(115850, "percent_eal").value == 8.9
    assert _value(115850, "percent_fsm").value == 15.8
    assert _value(125116, "percent_fsm").value == 40.4

    again = import_path(path=census_file, source_format="dfe_census", period="2018/19")
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, expected)


def test_na_is_missing_not_zero_and_a_bad_percentage_is_refused(register: ImportRun) -> None:
    header = b"URN,LA,ESTAB,SCHOOLTYPE,NOR,PNUMEAL,PNUMFSMEVER\n"
    run = import_file(
        content=header + b"115850,850,2000,State-funded primary,158,NA,0\n",
        file_name="census.csv",
        source_format="dfe_census",
        period="2018/19",
    )
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (_value(115850, "percent_eal").value, _value(115850, "percent_eal").status) == (None, "missing")
    assert (_value(115850, "percent_fsm").value, _value(115850, "percent_fsm").status) == (0.0, "value")
    bad = import_file(
        content=header + b"115851,850,2001,State-funded primary,200,8.1,104.5\n",
        file_name="census.csv",
        source_format="dfe_census",
        period="2018/19",
    )
    assert bad.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in bad.errors] == [(2, "PNUMFSMEVER")]
    assert not Observation.objects.filter(school__urn=115851).exists()


def test_the_census_can_add_the_schools_the_register_lacks(register: ImportRun) -> None:
    content = (
        b"URN,LA,ESTAB,SCHOOLTYPE,NOR,PNUMFSMEVER\n"
        b"115850,850,2000,State-funded primary,158,15.8\n"
        b"100000,201,3614,State-funded primary,285,16.2\n"
        b"NAT,,PRI,State-funded primary,4727089,23\n"
    )
    skipped = import_file(content=content, file_name="c.csv", source_format="dfe_census", period="2018/19")
    assert skipped.status == ImportRun.Status.SUCCEEDED
    assert not School.objects.filter(urn=100000).exists()

    added = import_file(
        content=content, file_name="c.csv", source_format="dfe_census", period="2018/19", add_missing_schools=True
    )
    assert added.status == ImportRun.Status.SUCCEEDED
    school = School.objects.get(urn=100000)
    assert (school.la_code, school.la_name, school.establishment_number, school.phase) == (
        "201",
        "City of London",
        "3614",
        "Primary",
    )
    assert "name not in the census" in school.name
    assert _value(100000, "pupils_on_roll").value == 285
    assert not School.objects.filter(name__contains="NAT").exists()


def test_a_failed_census_import_adds_no_school(register: ImportRun) -> None:
    content = b"URN,LA,ESTAB,SCHOOLTYPE,NOR,PNUMFSMEVER\n100000,201,3614,State-funded primary,285,116.2\n"
    run = import_file(
        content=content, file_name="c.csv", source_format="dfe_census", period="2018/19", add_missing_schools=True
    )
    assert run.status == ImportRun.Status.FAILED
    assert not School.objects.filter(urn=100000).exists()
