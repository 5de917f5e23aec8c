"""Generic files any authority can produce, in any country: catalogue, school list, long, wide."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School, SchoolIdentifier
from evenbetter.schools.selectors import register_stamp

pytestmark = pytest.mark.django_db

CATALOGUE = b"""code,name,unit,direction,domain,comparison,description,minimum,maximum
staff_trust,Staff who trust leaders,%,higher,wellbeing,percent,From the annual staff survey,0,100
governor_vacancies,Governor vacancies,posts,lower,governance,count,,0,
"""


def _import(content: bytes, source_format: str, file_name: str = "data.csv", **options: object) -> ImportRun:
    return import_file(content=content, file_name=file_name, source_format=source_format, **options)


def _ok(run: ImportRun) -> ImportRun:
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    return run


def _rejected(run: ImportRun) -> dict[str, object]:
    assert run.status == ImportRun.Status.FAILED
    assert run.errors, run.problems
    return run.errors[0]


@pytest.fixture
def catalogue(db: None) -> None:
    _ok(_import(CATALOGUE, "indicator_catalogue", "indicators.csv"))


def _values(indicator: str) -> dict[tuple[int | None, str], tuple[float | None, str]]:
    return {
        (o.school.urn, o.period): (o.value, o.status)
        for o in Observation.objects.filter(indicator__code=indicator).select_related("school")
    }


def test_the_catalogue_defines_indicators_and_reimporting_changes_nothing(catalogue: None) -> None:
    trust = Indicator.objects.get(code="staff_trust")
    assert (trust.unit, trust.direction, trust.domain, trust.maximum) == ("%", "higher", "wellbeing", 100.0)
    assert Indicator.objects.get(code="governor_vacancies").maximum is None
    again = _ok(_import(CATALOGUE, "indicator_catalogue", "indicators.csv"))
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 2)


def test_a_catalogue_row_with_a_wrong_choice_is_rejected_with_line_and_column(db: None) -> None:
    bad = CATALOGUE.replace(b"lower,governance", b"down,governance")
    error = _rejected(_import(bad, "indicator_catalogue", "indicators.csv"))
    assert (error["line"], error["column"]) == (3, "direction")
    assert not Indicator.objects.exists()


def test_a_long_file_by_urn_keeps_suppressed_and_missing_apart_from_zero(register: ImportRun, catalogue: None) -> None:
    content = b"""school_id,period,indicator,value
115850,2023/24,staff_trust,72.5
115850,2024-25,staff_trust,SUPP
115851,2023/24,staff_trust,0
115851,2023/24,governor_vacancies,NA
125116,2023/24,governor_vacancies,2
"""
    run = _ok(_import(content, "long"))
    assert (run.rows_read, run.rows_accepted, run.records_created) == (5, 5, 5)
    assert _values("staff_trust") == {
        (115850, "2023/24"): (72.5, "value"),
        (115850, "2024/25"): (None, "suppressed"),
        (115851, "2023/24"): (0.0, "value"),
    }
    assert _values("governor_vacancies") == {
        (115851, "2023/24"): (None, "missing"),
        (125116, "2023/24"): (2.0, "value"),
    }
    assert Observation.objects.filter(import_run=run).count() == 5
    again = _ok(_import(content, "long"))
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 5)


@pytest.mark.parametrize(
    ("row", "line", "column", "words"),
    [
        (b"999999,2023/24,staff_trust,50", 3, "school_id", "not on the register"),
        (b"115851,2023/24,staff_wellbeing,50", 3, "indicator", "not an indicator in the catalogue"),
        (b"115851,2023/24,staff_trust,150", 3, "value", "outside the range"),
        (b"115851,2023/24,staff_trust,lots", 3, "value", "not a number"),
        (b"115851,2023,staff_trust,50", 3, None, "ambiguous"),
        (b"115850,2023/24,staff_trust,60", 3, "value", "already has 72.5"),
    ],
    ids=["unknown school", "unknown indicator", "out of range", "not a number", "ambiguous period", "two values"],
)
def test_a_bad_long_file_is_rejected_whole_naming_the_problem(
    register: ImportRun, catalogue: None, row: bytes, line: int, column: str | None, words: str
) -> None:
    content = b"school_id,period,indicator,value\n115850,2023/24,staff_trust,72.5\n" + row + b"\n"
    error = _rejected(_import(content, "long"))
    assert (error["line"], error["column"]) == (line, column)
    assert words in str(error["message"])
    assert not Observation.objects.exists()


def test_an_identical_duplicate_row_is_harmless(register: ImportRun, catalogue: None) -> None:
    content = b"school_id,period,indicator,value\n115850,2023/24,staff_trust,72.5\n115850,2023/24,staff_trust,72.5\n"
    run = _ok(_import(content, "long"))
    assert run.records_created == 1


def test_mixed_encodings_and_a_huge_field_are_rejected(register: ImportRun, catalogue: None) -> None:
    mixed = (
        b"school_id,period,indicator,value\n115850,2023/24,staff_trust,72.5\n"
        + "115851,2023/24,staff_trust,5 – é\n".encode("cp1252")
    )
    error = _rejected(_import(mixed, "long"))
    assert (error["line"], error["column"]) == (3, "value")
    huge = b'school_id,period,indicator,value\n115850,2023/24,staff_trust,"' + b"9" * 200_000 + b'"\n'
    error = _rejected(_import(huge, "long"))
    assert error["line"] == 2
    assert not Observation.objects.exists()


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_long_excel_file_imports_like_its_csv(register: ImportRun, catalogue: None) -> None:
    content = _workbook(
        [
            ["school_id", "period", "indicator", "value"],
            [115850, "2023/24", "staff_trust", 64.0],
            [125116, "2023/24", "governor_vacancies", 1],
        ]
    )
    run = _ok(_import(content, "long", "returns.xlsx"))
    assert run.records_created == 2
    assert _values("staff_trust") == {(115850, "2023/24"): (64.0, "value")}


def test_a_file_named_xlsx_that_is_not_one_is_rejected(catalogue: None) -> None:
    error = _rejected(_import(b"school_id,period\n1,2023/24\n", "long", "returns.xlsx"))
    assert "not one" in str(error["message"])


def test_a_wide_file_with_a_mapping(register: ImportRun, catalogue: None) -> None:
    content = b"school_id,period,Trust in leaders (%),Vacancies on the board,Notes\n115850,2023/24,70,1,fine\n125116,2023/24,55.5,0,\n"
    mapping = b"column,indicator\nTrust in leaders (%),staff_trust\nVacancies on the board,governor_vacancies\n"
    run = _ok(_import(content, "wide", mapping=mapping))
    assert run.records_created == 4
    assert _values("staff_trust") == {(115850, "2023/24"): (70.0, "value"), (125116, "2023/24"): (55.5, "value")}


def test_a_wide_file_without_a_mapping_needs_indicator_codes_as_headers(register: ImportRun, catalogue: None) -> None:
    ok = b"school_id,period,staff_trust\n115850,2023/24,70\n"
    assert _ok(_import(ok, "wide")).records_created == 1
    error = _rejected(_import(b"school_id,period,Trust\n115850,2023/24,70\n", "wide"))
    assert (error["line"], error["column"]) == (1, "Trust")
    assert "mapping" in str(error["message"])


def test_schools_outside_england_by_their_own_identifiers(catalogue: None, system_lead: User) -> None:
    schools = b"local_id,name,phase,town\nDE-1001,Escola Bairro Alto,Primary,Lisboa\nDE-1002,Escola do Castelo,Primary,Lisboa\n"
    listed = _ok(_import(schools, "school_list", "escolas.csv", scheme="lisboa-dge"))
    assert listed.records_created == 2
    castelo = School.objects.get(identifiers__scheme="lisboa-dge", identifiers__value="DE-1002")
    assert castelo.urn is None
    assert (castelo.name, castelo.town) == ("Escola do Castelo", "Lisboa")
    values = b"school_id,period,indicator,value\nDE-1001,2023/24,staff_trust,81\nDE-1002,2023-09-15,staff_trust,77\n"
    run = _ok(_import(values, "long", "inquerito.csv", scheme="lisboa-dge"))
    assert run.records_created == 2
    assert Observation.objects.get(school=castelo).period == "2023-09-15"
    assert _ok(_import(schools, "school_list", "escolas.csv", scheme="lisboa-dge")).records_unchanged == 2
    # A school renamed by its list is a change of the register: what is kept over it is renewed.
    stamp = register_stamp()
    renamed = schools.replace(b"Escola do Castelo", b"Escola do Castelo de S. Jorge")
    assert _ok(_import(renamed, "school_list", "escolas.csv", scheme="lisboa-dge")).records_updated == 1
    assert register_stamp() != stamp
    castelo.refresh_from_db()
    client = Client()
    client.force_login(system_lead)
    page = client.get(castelo.get_absolute_url())
    assert page.status_code == 200
    assert b"Escola do Castelo de S. Jorge" in page.content


def test_a_school_list_maps_local_ids_to_urns_and_refuses_unknown_urns(register: ImportRun) -> None:
    good = b"local_id,urn\nH-2000,115850\nS-2940,125116\n"
    _ok(_import(good, "school_list", scheme="hants-surrey"))
    assert SchoolIdentifier.objects.get(scheme="hants-surrey", value="H-2000").school.urn == 115850
    error = _rejected(_import(b"local_id,urn\nX-1,999999\n", "school_list", scheme="hants-surrey"))
    assert (error["line"], error["column"]) == (2, "urn")
    assert SchoolIdentifier.objects.count() == 2


def test_an_unknown_local_identifier_is_an_error_naming_the_scheme(register: ImportRun, catalogue: None) -> None:
    _ok(_import(b"local_id,urn\nH-2000,115850\n", "school_list", scheme="hants"))
    error = _rejected(
        _import(b"school_id,period,indicator,value\nH-2001,2023/24,staff_trust,50\n", "long", scheme="hants")
    )
    assert (error["line"], error["column"]) == (2, "school_id")


def test_a_wrong_scheme_name_is_refused(catalogue: None) -> None:
    error = _rejected(
        _import(b"school_id,period,indicator,value\n1,2023/24,staff_trust,5\n", "long", scheme="Not A Slug")
    )
    assert "scheme" in str(error["message"])


def test_the_command_line_imports_a_wide_file_with_its_mapping(
    register: ImportRun, catalogue: None, tmp_path: Path
) -> None:
    from django.core.management import call_command

    (tmp_path / "w.csv").write_bytes(b"school_id,period,T\n115850,2023/24,70\n")
    (tmp_path / "m.csv").write_bytes(b"column,indicator\nT,staff_trust\n")
    call_command(
        "import_data",
        str(tmp_path / "w.csv"),
        "--format",
        "wide",
        "--mapping",
        str(tmp_path / "m.csv"),
        stdout=io.StringIO(),
    )
    assert _values("staff_trust") == {(115850, "2023/24"): (70.0, "value")}
