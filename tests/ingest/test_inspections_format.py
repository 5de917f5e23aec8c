"""The ``inspections`` format (and ``ofsted_history``, the same under Ofsted's name): grades as
words and numbers, the old "Satisfactory", dates checked, repeats ignored and said, unknown
schools reported, a second import changing nothing, Windows-1252 read and said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Inspection
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School, SchoolIdentifier

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures"
HISTORY = FIXTURES / "inspections_ofsted_history.csv"


@pytest.fixture
def schools() -> dict[int, School]:
    return {
        urn: School.objects.create(urn=urn, name=f"School {urn}", status=School.Status.OPEN)
        for urn in (100000, 100001, 100002)
    }


def _held(school: School) -> list[tuple[str, str, int | None, str]]:
    return [
        (i.inspected_on.isoformat() if i.inspected_on else "", i.as_at, i.grade, i.grade_label)
        for i in Inspection.objects.filter(school=school).order_by("inspected_on")
    ]


def _messages(run: ImportRun, severity: str) -> list[str]:
    return [str(p["message"]) for p in run.problems if p["severity"] == severity]


def test_ofsteds_history_file_reads_as_it_is(schools: dict[int, School]) -> None:
    run = import_path(path=HISTORY, source_format="ofsted_history")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert _held(schools[100000]) == [
        ("2005-09-21", "2005/06", 2, "Good"),
        ("2008-09-26", "2008/09", 1, "Outstanding"),
        ("2013-04-18", "2012/13", 1, "Outstanding"),
    ]
    # Satisfactory is grade 3, kept under the name Ofsted gave it then.
    assert _held(schools[100001]) == [
        ("2011-03-01", "2010/11", 3, "Satisfactory"),
        ("2014-06-18", "2013/14", 3, "Requires Improvement"),
    ]
    assert set(Inspection.objects.values_list("source", flat=True)) == {"Ofsted inspection history"}
    assert (run.rows_read, run.records_created) == (10, 7)


def test_repeated_lines_are_read_once_and_the_run_says_which(schools: dict[int, School]) -> None:
    run = import_path(path=HISTORY, source_format="ofsted_history")
    # Line 7 repeats line 6 exactly; line 9 gives the same day's grade 3 by its old name.
    (repeats,) = [m for m in _messages(run, "warning") if "repeat" in m]
    assert "2 lines repeat" in repeats
    assert "line 7 (as line 6)" in repeats and "line 9 (as line 8)" in repeats
    assert _held(schools[100002]) == [
        ("2013-12-04", "2013/14", 3, "Requires Improvement"),
        ("2015-03-10", "2014/15", 4, "Inadequate"),
    ]


def test_a_school_not_on_the_register_is_skipped_and_named(schools: dict[int, School]) -> None:
    run = import_path(path=HISTORY, source_format="ofsted_history")
    (unknown,) = [p for p in run.problems if "not on the register" in str(p["message"])]
    assert unknown["severity"] == "warning"
    assert (unknown["line"], unknown["column"]) == (11, "URN")
    assert "999999" in str(unknown["message"])
    assert run.rows_accepted == 7


def test_a_second_import_changes_nothing(schools: dict[int, School]) -> None:
    first = import_path(path=HISTORY, source_format="ofsted_history")
    held = {s.urn: _held(s) for s in schools.values()}
    ids = set(Inspection.objects.values_list("pk", flat=True))
    second = import_path(path=HISTORY, source_format="ofsted_history")
    assert second.status == ImportRun.Status.SUCCEEDED
    assert (second.records_created, second.records_updated, second.records_unchanged) == (0, 0, 7)
    assert {s.urn: _held(s) for s in schools.values()} == held
    assert set(Inspection.objects.values_list("pk", flat=True)) == ids
    assert set(Inspection.objects.values_list("import_run", flat=True)) == {first.pk}


def test_a_corrected_grade_is_updated_in_place(schools: dict[int, School]) -> None:
    import_path(path=HISTORY, source_format="ofsted_history")
    corrected = HISTORY.read_bytes().replace(b"100000,Good,20050921", b"100000,Satisfactory,20050921")
    run = import_file(content=corrected, file_name="history.csv", source_format="ofsted_history")
    assert (run.records_created, run.records_updated) == (0, 1)
    assert _held(schools[100000])[0] == ("2005-09-21", "2005/06", 3, "Satisfactory")
    assert any("Good → Satisfactory" in example for example in run.examples)


def test_two_inspections_in_one_academic_year_are_both_kept(schools: dict[int, School]) -> None:
    content = b"URN,Rating,Inspection Date\n100000,Inadequate,20180925\n100000,Requires Improvement,20190612\n"
    run = import_file(content=content, file_name="year.csv", source_format="ofsted_history")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert _held(schools[100000]) == [
        ("2018-09-25", "2018/19", 4, "Inadequate"),
        ("2019-06-12", "2018/19", 3, "Requires Improvement"),
    ]


def test_bad_dates_and_grades_are_named_with_line_and_column_and_nothing_is_written(
    schools: dict[int, School],
) -> None:
    import_path(path=HISTORY, source_format="ofsted_history")
    before = list(Inspection.objects.order_by("pk").values())
    run = import_path(path=FIXTURES / "inspections_bad.csv", source_format="inspections")
    assert run.status == ImportRun.Status.FAILED
    assert list(Inspection.objects.order_by("pk").values()) == before
    errors = {(e["line"], e["column"]): str(e["message"]) for e in run.errors}
    assert "not a real date" in errors[(2, "Inspection Date")]
    assert "not a date" in errors[(3, "Inspection Date")]
    assert "in the future" in errors[(4, "Inspection Date")]
    assert "not a grade" in errors[(5, "Rating")]
    assert "1 (best) to 4" in errors[(6, "Rating")]
    # The same day twice with two different grades (written two ways: ISO and day first).
    assert "already has an inspection on 01 January 2015 on line 7" in errors[(8, "Rating")]
    assert len(errors) == 6


def test_generic_file_by_an_authoritys_own_identifiers_with_type_and_sub_judgements(
    schools: dict[int, School],
) -> None:
    for value, urn in (("HX-1", 100000), ("HX-2", 100001)):
        SchoolIdentifier.objects.create(scheme="hx", value=value, school=schools[urn])
    run = import_path(path=FIXTURES / "inspections_generic.csv", source_format="inspections", scheme="hx")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    latest = Inspection.objects.get(school=schools[100001], inspected_on=dt.date(2020, 1, 20))
    assert (latest.grade, latest.grade_label, latest.inspection_type) == (1, "Outstanding", "Section 5")
    assert latest.judgements == {"quality_of_education": 1, "sixth_form_provision": 1}
    earlier = Inspection.objects.get(school=schools[100001], inspected_on=dt.date(2017, 6, 1))
    assert (earlier.grade, earlier.grade_label) == (4, "Special measures")
    numbered = Inspection.objects.get(school=schools[100000], inspected_on=dt.date(2019, 10, 2))
    assert (numbered.grade, numbered.grade_label, numbered.judgements) == (2, "Good", {"quality_of_education": 2})
    warnings = _messages(run, "warning")
    assert any("head_teacher" in m and "not read" in m for m in warnings)
    assert any("HX-3" in m and "not on the register" in m for m in warnings)


def test_a_file_without_a_grade_column_is_refused_naming_it(schools: dict[int, School]) -> None:
    run = import_file(content=b"URN,Inspection Date\n100000,20190101\n", file_name="x.csv", source_format="inspections")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(1, "grade")]
    assert "rating" in str(run.errors[0]["message"])


def test_a_windows_1252_file_is_read_and_the_run_says_so(schools: dict[int, School]) -> None:
    run = import_path(path=FIXTURES / "inspections_windows_1252.csv", source_format="inspections")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    (note,) = [p for p in run.problems if "Windows-1252" in str(p["message"])]
    assert (note["severity"], note["line"], note["column"]) == ("warning", 2, "type")
    held = Inspection.objects.get(school=schools[100000])
    assert held.inspection_type == "Section 5 – full inspection"


def test_a_file_in_neither_encoding_is_refused_and_says_so(schools: dict[int, School]) -> None:
    content = b"school_id,date,grade,type\n100000,2019-10-02,2,Section \x81 5\n"
    run = import_file(content=content, file_name="odd.csv", source_format="inspections")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(2, "type")]
    assert "neither UTF-8 nor Windows-1252" in str(run.errors[0]["message"])
    assert not Inspection.objects.exists()


def test_an_old_undated_grade_and_dated_history_live_side_by_side(schools: dict[int, School]) -> None:
    """The latest-rating format (no dates) still keeps one grade per period beside the history."""
    ratings = b"Rating,URN\nGood,100000\n"
    first = import_file(content=ratings, file_name="r.csv", source_format="ofsted_ratings", period="2018/19")
    assert first.status == ImportRun.Status.SUCCEEDED, first.problems
    again = import_file(content=ratings, file_name="r.csv", source_format="ofsted_ratings", period="2018/19")
    assert again.status == ImportRun.Status.SUCCEEDED, again.problems
    import_path(path=HISTORY, source_format="ofsted_history")
    undated = Inspection.objects.filter(school=schools[100000], inspected_on__isnull=True)
    assert [(i.as_at, i.grade) for i in undated] == [("2018/19", 2)]
    assert Inspection.objects.filter(school=schools[100000], inspected_on__isnull=False).count() == 3


def test_the_real_history_file_reads_whole(real_data_dir: Path) -> None:
    """Ofsted's 60,134 graded inspections (Sep 2005 - Feb 2020): no line refused, its three
    repeats named, and a school's whole history kept (a few schools on the register)."""
    for urn in (100000, 131288, 133646, 137699):
        School.objects.create(urn=urn, name=f"School {urn}", status=School.Status.OPEN)
    run = import_path(
        path=real_data_dir / "history-2005-2020" / "ofsted_ratings_2018.csv", source_format="ofsted_history"
    )
    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert run.rows_read == 60_134
    (repeats,) = [m for m in _messages(run, "warning") if "repeat" in m]
    assert repeats.startswith("3 lines repeat")
    (unknown,) = [m for m in _messages(run, "warning") if "not on the register" in m]
    assert unknown.startswith("20610 schools are not on the register")
    assert _held(School.objects.get(urn=100000)) == [
        ("2005-09-21", "2005/06", 2, "Good"),
        ("2008-09-26", "2008/09", 1, "Outstanding"),
        ("2013-04-18", "2012/13", 1, "Outstanding"),
    ]
    # Graded "Requires Improvement" and "Satisfactory" on the same day: one inspection, grade 3.
    assert [(day, grade) for day, _, grade, _ in _held(School.objects.get(urn=137699))].count(("2013-12-04", 3)) == 1


def test_an_excel_history_with_real_dates_and_number_grades_reads(schools: dict[int, School]) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["URN", "Inspection date", "Overall effectiveness"])
    sheet.append([100000, dt.datetime(2019, 10, 2), 2])
    sheet.append([100001, dt.datetime(2017, 3, 9), "Satisfactory"])
    buffer = io.BytesIO()
    book.save(buffer)
    run = import_file(content=buffer.getvalue(), file_name="history.xlsx", source_format="inspections")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert _held(schools[100000]) == [("2019-10-02", "2019/20", 2, "Good")]
    assert _held(schools[100001]) == [("2017-03-09", "2016/17", 3, "Satisfactory")]
