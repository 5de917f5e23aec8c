"""Ofsted's latest ratings on the real national file (``national-2019/ofsted_ratings.csv``):
each grade as an inspection event and as the ordinal indicator ``ofsted_overall``.

The file's words: Outstanding, Good, Requires Improvement, Satisfactory (the old name of
grade 3), Inadequate, and Unknown (no grade: a missing value, and no inspection event).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Indicator, Inspection, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

PERIOD = "2018/19"
GRADES = {"Outstanding": 1, "Good": 2, "Requires Improvement": 3, "Satisfactory": 3, "Inadequate": 4}


@pytest.fixture
def ratings_file(real_data_dir: Path) -> Path:
    return real_data_dir / "national-2019" / "ofsted_ratings.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _import(content: bytes, period: str = PERIOD, file_name: str = "ratings.csv") -> ImportRun:
    return import_file(content=content, file_name=file_name, source_format="ofsted_ratings", period=period)


def _grade(urn: int, period: str = PERIOD) -> Observation:
    return Observation.objects.get(school__urn=urn, indicator__code="ofsted_overall", period=period)


def test_every_rating_is_read_as_an_inspection_and_an_indicator(db: None, ratings_file: Path) -> None:
    rows = _rows(ratings_file)
    School.objects.bulk_create([School(urn=int(r["URN"]), name=f"School {r['URN']}", status="open") for r in rows])
    words = Counter(r["Rating"] for r in rows)
    assert set(words) == {*GRADES, "Unknown"}, "a word this test does not know"
    graded = sum(n for word, n in words.items() if word in GRADES)

    run = _import(ratings_file.read_bytes(), file_name=ratings_file.name)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_read, run.rows_accepted, run.records_created) == (len(rows), len(rows), len(rows)) == (6396,) * 3
    assert Inspection.objects.count() == graded
    assert Observation.objects.filter(status="value").count() == graded
    assert Observation.objects.filter(status="missing", value__isnull=True).count() == words["Unknown"] == 1811
    for grade in (1, 2, 3, 4):
        in_file = sum(n for word, n in words.items() if GRADES.get(word) == grade)
        assert Inspection.objects.filter(grade=grade).count() == in_file
        assert Observation.objects.filter(value=grade).count() == in_file
    assert set(Inspection.objects.values_list("inspected_on", "as_at", "source").distinct()) == {
        (None, PERIOD, "Ofsted state-funded schools inspections and outcomes")
    }
    # Good,100049 / Requires Improvement,100078 / Inadequate,100192 / Unknown,100001
    assert (_grade(100049).value, Inspection.objects.get(school__urn=100049).grade_label) == (2, "Good")
    requires = Inspection.objects.get(school__urn=100078)
    assert (requires.grade, requires.grade_label, _grade(100078).value) == (3, "Requires Improvement", 3)
    assert Inspection.objects.get(school__urn=100192).grade == 4
    assert (_grade(100001).status, _grade(100001).value) == ("missing", None)
    assert not Inspection.objects.filter(school__urn=100001).exists()
    satisfactory = next(int(r["URN"]) for r in rows if r["Rating"] == "Satisfactory")
    assert Inspection.objects.get(school__urn=satisfactory).grade_label == "Satisfactory"
    assert _grade(satisfactory).value == 3
    indicator = Indicator.objects.get(code="ofsted_overall")
    assert (indicator.comparison, indicator.direction, indicator.domain) == ("ordinal", "lower", "outcomes")
    assert indicator.ordinal_labels == {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}

    before = set(Inspection.objects.values_list("pk", "grade", "grade_label", "import_run"))
    again = _import(ratings_file.read_bytes(), file_name=ratings_file.name)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, len(rows))
    assert set(Inspection.objects.values_list("pk", "grade", "grade_label", "import_run")) == before


def test_against_the_local_register_every_school_is_skipped(register: ImportRun, ratings_file: Path) -> None:
    rows = _rows(ratings_file)
    run = _import(ratings_file.read_bytes())
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.rows_accepted, run.records_created) == (0, 0)
    (skipped,) = run.warnings
    assert str(skipped["message"]).startswith(f"{len({r['URN'] for r in rows})} schools are not on the register")
    assert not Inspection.objects.filter(source__startswith="Ofsted").exists()
    assert not Observation.objects.exists()


def test_the_other_names_of_inadequate_are_grade_4_in_any_case(register: ImportRun) -> None:
    run = _import(b"Rating,URN\nSerious Weaknesses,115850\nspecial measures,115851\n INADEQUATE ,115864\n")
    assert run.status == ImportRun.Status.SUCCEEDED, run.errors
    ofsted = Inspection.objects.filter(source__startswith="Ofsted").select_related("school")
    assert {(i.school.urn, i.grade, i.grade_label) for i in ofsted} == {
        (115850, 4, "Serious Weaknesses"),
        (115851, 4, "special measures"),
        (115864, 4, "INADEQUATE"),
    }


def test_a_rating_it_does_not_know_is_refused_with_where_and_nothing_is_written(register: ImportRun) -> None:
    run = _import(b"Rating,URN\nGood,115850\nExcellent,115851\nGood,115864\n")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["file"], e["line"], e["column"]) for e in run.errors] == [("ratings.csv", 3, "Rating")]
    assert '"Excellent" is not an Ofsted grade' in str(run.errors[0]["message"])
    assert not Inspection.objects.filter(source__startswith="Ofsted").exists()
    assert not Observation.objects.exists()


def test_a_school_rated_twice_differently_or_a_file_without_ratings_is_refused(register: ImportRun) -> None:
    twice = _import(b"Rating,URN\nGood,115850\nOutstanding,115850\n")
    assert [(e["line"], e["column"]) for e in twice.errors] == [(3, "Rating")]
    no_rating = _import(b"Grade,URN\nGood,115850\n")
    assert [(e["line"], e["column"]) for e in no_rating.errors] == [(1, "Rating")]
    no_period = import_file(content=b"Rating,URN\nGood,115850\n", file_name="r.csv", source_format="ofsted_ratings")
    assert no_period.status == ImportRun.Status.FAILED
    assert not Inspection.objects.filter(source__startswith="Ofsted").exists()
    assert not Observation.objects.exists()


def test_a_corrected_file_for_the_same_period_corrects_the_inspection(register: ImportRun) -> None:
    _import(b"Rating,URN\nGood,115850\nGood,115851\n")
    corrected = _import(b"Rating,URN\nRequires improvement,115850\nUnknown,115851\n")
    assert corrected.status == ImportRun.Status.SUCCEEDED
    assert corrected.records_updated == 2
    ofsted = Inspection.objects.filter(source__startswith="Ofsted")
    assert [(i.school.urn, i.grade, i.grade_label, i.import_run) for i in ofsted] == [
        (115850, 3, "Requires improvement", corrected)
    ]
    assert (_grade(115851).status, _grade(115851).value) == ("missing", None)
    _import(b"Rating,URN\nOutstanding,115850\n", period="2019/20")
    assert sorted(ofsted.values_list("as_at", "grade")) == [("2018/19", 3), ("2019/20", 1)]
