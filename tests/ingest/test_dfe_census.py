"""The DfE school census on the real national file (``national-2019/england_census.csv``).

Expected numbers are worked out here from the file with the csv module, not copied
from what the importer said. The file's only "no value" code is ``NA`` (independent
schools give no language or free school meals figures); it has no blanks, ``%``, ``£``
or thousands separators.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

PERIOD = "2018/19"
IDENTITY = {"URN", "LA", "ESTAB", "SCHOOLTYPE"}


@pytest.fixture
def census_file(real_data_dir: Path) -> Path:
    return real_data_dir / "national-2019" / "england_census.csv"


# Every twelfth school of the national file, with the first Dorset school under its old code (835),
# the first special school and the schools the assertions below name: about 2,000 schools, so that
# adding every school the register lacks writes 2,000 schools, not 24,000 (a national import is
# measured by bench/load_test.py and built by the demo; here it is what is added that counts).
# The lines are the file's own, header and all.
def _national_slice(census_file: Path, folder: Path) -> Path:
    header, *lines = census_file.read_text(encoding="utf-8-sig").splitlines()
    fields = [line.split(",", 4) for line in lines]
    named = {"100000", "100001", "115850", "125116"}
    first = {
        next(i for i, f in enumerate(fields) if f[1] == "835"),
        next(i for i, f in enumerate(fields) if f[3] == "State-funded special school"),
    }
    kept = [line for i, line in enumerate(lines) if i % 12 == 0 or i in first or fields[i][0] in named]
    sliced = folder / "england_census.csv"
    sliced.write_text("\n".join([header, *kept]) + "\n", encoding="utf-8")
    return sliced


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _measure_columns(rows: list[dict[str, str]]) -> list[str]:
    return [column for column in rows[0] if column not in IDENTITY]


def _value(urn: int, code: str) -> Observation:
    return Observation.objects.get(school__urn=urn, indicator__code=code, period=PERIOD)


def _real_lines(path: Path, *urns: str) -> tuple[str, dict[str, str]]:
    """The header line and the real lines of the given schools, by URN."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return lines[0], {line.split(",", 1)[0]: line for line in lines[1:] if line.split(",", 1)[0] in urns}


def _import(content: str, **options: Any) -> ImportRun:
    return import_file(
        content=content.encode(), file_name="census.csv", source_format="dfe_census", period=PERIOD, **options
    )


def test_against_the_local_register_its_schools_are_read_and_the_rest_skipped(
    register: ImportRun, census_file: Path
) -> None:
    rows = _rows(census_file)
    on_register = {str(urn) for urn in School.objects.values_list("urn", flat=True)}
    ours = [r for r in rows if r["URN"] in on_register]
    others = {r["URN"] for r in rows if r["URN"].isdigit() and r["URN"] not in on_register}
    expected = sum(1 for r in ours for c in _measure_columns(rows) if r[c].strip())
    schools_before = School.objects.count()

    run = import_path(path=census_file, source_format="dfe_census", period=PERIOD)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert run.rows_read == len(rows) == 23942
    assert (run.rows_accepted, run.rows_rejected) == (len(ours), len(rows) - len(ours))
    assert run.records_created == Observation.objects.count() == expected
    (skipped,) = [w for w in run.warnings if "not on the register" in str(w["message"])]
    assert str(skipped["message"]).startswith(f"{len(others)} schools are not on the register")
    assert not any("NAT" in str(w["message"]) for w in run.warnings), "the national rows are totals, not schools"
    assert School.objects.count() == schools_before, "without add_missing_schools no school is added"
    # Alton Infant School: 115850,850,2000,State-funded primary,158,72,86,45.6,54.4,1,0.6,15,9.5,14,144,0,8.9,…,22,25,15.8
    assert _value(115850, "pupils_on_roll").value == 158
    assert _value(115850, "percent_ehc_plan").value == 0.6  # PSENELSE
    assert _value(115850, "percent_sen").value == 9.5  # PSENELK
    assert _value(115850, "percent_eal").value == 8.9
    assert _value(115850, "percent_fsm").value == 15.8
    assert _value(115850, "pupils_language_unclassified").value == 0
    # Ash Grange Nursery and Primary School: NOR 292, 29.5% SEN support, 40.4% FSM ever.
    assert (_value(125116, "pupils_on_roll").value, _value(125116, "percent_sen").value) == (292, 29.5)
    assert _value(125116, "percent_fsm").value == 40.4
    assert all(o.period_start.isoformat() == "2018-09-01" and not o.provisional for o in Observation.objects.all())

    again = import_path(path=census_file, source_format="dfe_census", period=PERIOD)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, expected)
    assert Observation.objects.filter(import_run=run).count() == expected, "an unchanged value keeps its provenance"


def test_add_missing_schools_adds_every_census_school_the_register_lacks(
    register: ImportRun, census_file: Path, tmp_path: Path
) -> None:
    census_file = _national_slice(census_file, tmp_path)
    rows = _rows(census_file)
    measures = _measure_columns(rows)
    schools = [r for r in rows if r["URN"].isdigit()]
    on_register = {str(urn) for urn in School.objects.values_list("urn", flat=True)}
    missing_from_register = {r["URN"] for r in schools} - on_register
    cells = [r[c].strip() for r in schools for c in measures]
    na_cells = sum(1 for cell in cells if cell == "NA")
    number_cells = sum(1 for cell in cells if cell and cell != "NA")
    schools_before = School.objects.count()

    run = import_path(path=census_file, source_format="dfe_census", period=PERIOD, add_missing_schools=True)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert School.objects.count() == schools_before + len(missing_from_register) == 13 + 1998
    assert (run.rows_accepted, run.records_created) == (len(schools), na_cells + number_cells)
    assert not any("not on the register" in str(w["message"]) for w in run.warnings)
    assert any(f"{len(missing_from_register):,} schools" in example for example in run.examples)
    # NA is missing, never 0; every other cell is a value.
    assert Observation.objects.filter(status="missing", value__isnull=True).count() == na_cells == 1547
    assert Observation.objects.filter(status="value", value__isnull=False).count() == number_cells
    assert not Observation.objects.exclude(status__in=["value", "missing"]).exists()
    # 100000,201,3614,State-funded primary,285,…,16.2
    first = School.objects.get(urn=100000)
    assert (first.name, first.la_code, first.la_name, first.establishment_number) == (
        "URN 100000 (name not in the census)",
        "201",
        "City of London",
        "3614",
    )
    assert (first.type_name, first.phase, first.status) == ("State-funded primary", "Primary", "open")
    assert (_value(100000, "pupils_on_roll").value, _value(100000, "percent_fsm").value) == (285, 16.2)
    # 100001,201,6005,Independent school,752,752,0,100,0,0,0,58,7.7,NA,…: no phase, NA is missing.
    independent = School.objects.get(urn=100001)
    assert (independent.type_name, independent.phase) == ("Independent school", "")
    assert (_value(100001, "percent_girls").value, _value(100001, "percent_boys").value) == (100, 0)
    assert (_value(100001, "percent_eal").status, _value(100001, "percent_eal").value) == ("missing", None)
    # Dorset's old code (835): the DfE's list of authorities has only the 2019 ones.
    dorset = next(r["URN"] for r in schools if r["LA"] == "835")
    assert School.objects.get(urn=int(dorset)).la_name == "Dorset"
    special = next(r["URN"] for r in schools if r["SCHOOLTYPE"] == "State-funded special school")
    assert School.objects.get(urn=int(special)).phase == "Special"
    # Schools already on the register keep what the register says.
    assert School.objects.get(urn=115850).name == "Alton Infant School"

    again = import_path(path=census_file, source_format="dfe_census", period=PERIOD, add_missing_schools=True)
    assert again.status == ImportRun.Status.SUCCEEDED
    assert (again.records_created, again.records_updated) == (0, 0)
    assert School.objects.count() == schools_before + len(missing_from_register)


def test_na_is_missing_and_0_is_a_value(register: ImportRun, census_file: Path) -> None:
    header, lines = _real_lines(census_file, "115850")
    cells = lines["115850"].split(",")
    columns = header.split(",")
    cells[columns.index("PNUMEAL")] = "NA"
    cells[columns.index("NUMFSM")] = " na "
    run = _import(f"{header}\n{','.join(cells)}\n")
    assert run.status == ImportRun.Status.SUCCEEDED, run.errors
    assert (_value(115850, "percent_eal").value, _value(115850, "percent_eal").status) == (None, "missing")
    assert (_value(115850, "pupils_fsm").value, _value(115850, "pupils_fsm").status) == (None, "missing")
    unclassified = _value(115850, "pupils_language_unclassified")  # the real cell is 0
    assert (unclassified.value, unclassified.status) == (0.0, "value")


def test_a_value_out_of_range_is_refused_with_where_and_nothing_is_written(
    register: ImportRun, census_file: Path
) -> None:
    header, lines = _real_lines(census_file, "115850", "115851")
    bad = lines["115851"].replace(",26.3", ",126.3")  # PNUMFSMEVER, the last column
    run = _import(f"{header}\n{lines['115850']}\n{bad}\n", add_missing_schools=True)
    assert run.status == ImportRun.Status.FAILED
    assert [(e["file"], e["line"], e["column"]) for e in run.errors] == [("census.csv", 3, "PNUMFSMEVER")]
    assert "126.3 is outside the range" in str(run.errors[0]["message"])
    assert not Observation.objects.exists()


def test_the_same_school_twice_with_different_values_is_refused(register: ImportRun, census_file: Path) -> None:
    header, lines = _real_lines(census_file, "115850")
    changed = lines["115850"].replace(",158,", ",159,", 1)  # NOR
    run = _import(f"{header}\n{lines['115850']}\n{changed}\n")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(3, "NOR")]
    assert "already has 158" in str(run.errors[0]["message"])
    assert not Observation.objects.exists()


def test_a_file_without_urns_or_measures_is_refused_at_its_header(register: ImportRun, census_file: Path) -> None:
    header, lines = _real_lines(census_file, "115850")
    no_urn = _import(f"{header.replace('URN', 'URN number', 1)}\n{lines['115850']}\n")
    assert no_urn.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in no_urn.errors] == [(1, "URN")]
    no_measures = _import("URN,LA,ESTAB,SCHOOLTYPE,PUPILS\n115850,850,2000,State-funded primary,158\n")
    assert no_measures.status == ImportRun.Status.FAILED
    assert [e["line"] for e in no_measures.errors] == [1]
    no_period = import_file(
        content=f"{header}\n{lines['115850']}\n".encode(), file_name="census.csv", source_format="dfe_census"
    )
    assert no_period.status == ImportRun.Status.FAILED
    assert "give the period" in str(no_period.errors[0]["message"])
    assert not Observation.objects.exists()


def test_a_column_it_does_not_know_is_named_in_a_warning(register: ImportRun, census_file: Path) -> None:
    header, lines = _real_lines(census_file, "115850")
    run = _import(f"{header},PNUMFSM\n{lines['115850']},12.0\n")
    assert run.status == ImportRun.Status.SUCCEEDED
    (warning,) = [w for w in run.warnings if w["column"] == "PNUMFSM"]
    assert (warning["line"], "not read" in str(warning["message"])) == (1, True)


def test_schools_added_by_a_refused_import_or_a_dry_run_are_not_kept(register: ImportRun, census_file: Path) -> None:
    header, lines = _real_lines(census_file, "100000", "100001")
    good = f"{header}\n{lines['100000']}\n{lines['100001']}\n"
    dry = _import(good, add_missing_schools=True, dry_run=True)
    assert dry.status == ImportRun.Status.DRY_RUN
    assert dry.records_created == 2 * 18
    assert any("2 schools" in example for example in dry.examples)
    bad = good.replace(",16.2\n", ",-16.2\n")
    refused = _import(bad, add_missing_schools=True)
    assert refused.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in refused.errors] == [(2, "PNUMFSMEVER")]
    assert not School.objects.filter(urn__in=[100000, 100001]).exists()
    assert not Observation.objects.exists()
