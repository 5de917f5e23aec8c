"""Ofsted's latest ratings on the real national file: grades as inspections and as an indicator."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Inspection, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

GRADES = {"Outstanding": 1, "Good": 2, "Requires Improvement": 3, "Satisfactory": 3, "Inadequate": 4}


@pytest.fixture
def ratings_file(real_data_dir: Path) -> Path:
    return real_data_dir / "national-2019" / "ofsted_ratings.csv"


def test_every_rating_is_read_and_unknown_is_no_grade(db: None, ratings_file: Path) -> None:
    with ratings_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    School.objects.bulk_create([School(urn=int(r["URN"]), name=f"School {r['URN']}", status="open") for r in rows])

    run = import_file(
        content=ratings_file.read_bytes(), file_name=ratings_file.name, source_format="ofsted_ratings", period="2018/19"
    )

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    counts = Counter(r["Rating"] for r in rows)
    graded = sum(n for label, n in counts.items() if label != "Unknown")
    assert Inspection.objects.count() == graded
    assert Observation.objects.filter(status="value").count() == graded
    assert Observation.objects.filter(status="missing").count() == counts["Unknown"] == 1811
    for grade in set(GRADES.values()):
        assert Inspection.objects.filter(grade=grade).count() == sum(
            n for lab, n in counts.items() if GRADES.get(lab) == grade
        )
    sample = rows[3]  # Good,100049
    assert Inspection.objects.get(school__urn=int(sample["URN"])).grade == GRADES[sample["Rating"]]
    again = import_file(
        content=ratings_file.read_bytes(), file_name=ratings_file.name, source_format="ofsted_ratings", period="2018/19"
    )
    assert (again.records_created, again.records_updated) == (0, 0)
    assert Inspection.objects.count() == graded


def test_an_unknown_rating_word_is_refused_with_line_and_column(register: ImportRun) -> None:
    run = import_file(
        content=b"Rating,URN\nGood,115850\nExcellent,115851\n",
        file_name="r.csv",
        source_format="ofsted_ratings",
        period="2018/19",
    )
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(3, "Rating")]
    assert not Inspection.objects.filter(source__startswith="Ofsted").exists()
