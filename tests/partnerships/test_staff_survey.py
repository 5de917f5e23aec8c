"""A survey tool's export: per-response rows become the share of staff agreeing, per school."""

from __future__ import annotations

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file as import_bytes
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db
HEADER = "Timestamp,School URN,I trust my leaders and colleagues,I share the school's values,I can raise a problem or concern\n"


def _survey(rows: list[str]) -> bytes:
    return (HEADER + "".join(f"2019-03-0{i % 9 + 1},{row}\n" for i, row in enumerate(rows))).encode()


def test_share_agreeing_per_school_and_small_groups_suppressed(school_a: School, school_b: School) -> None:
    rows = [
        "115850,Strongly agree,Agree,Disagree",
        "115850,Agree,Agree,Agree",
        "115850,Neither agree nor disagree,Disagree,Agree",
        "115850,Disagree,Strongly agree,",
        "115850,5,4,2",
        "125116,Agree,Agree,Agree",
        "125116,Agree,Agree,Agree",
    ]
    run = import_bytes(content=_survey(rows), file_name="survey.csv", source_format="staff_survey", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    values = {
        (o.school_id, o.indicator.code): (o.value, o.status) for o in Observation.objects.select_related("indicator")
    }
    # Alton: trust 3 of 5 agree; values 4 of 5; raise problems 2 of 4 answered (too few: suppressed).
    assert values[(school_a.pk, "survey_trust")] == (60.0, "value")
    assert values[(school_a.pk, "survey_shared_values")] == (80.0, "value")
    assert values[(school_a.pk, "survey_raise_problems")] == (None, "suppressed")
    # Ash Grange: two answers only, never a figure.
    assert values[(school_b.pk, "survey_trust")] == (None, "suppressed")


@pytest.mark.parametrize(
    ("rows", "line", "column", "message"),
    [
        (["115850,Agree,Agree,Maybe"], 2, "I can raise a problem or concern", '"maybe" is not an answer'),
        (["999999,Agree,Agree,Agree"], 2, "School URN", '"999999" is not the URN of a school held'),
    ],
)
def test_a_bad_survey_is_refused_whole_saying_where(
    school_a: School, rows: list[str], line: int, column: str, message: str
) -> None:
    good = ["115850,Agree,Agree,Agree"] * 5
    run = import_bytes(
        content=_survey(good + rows), file_name="survey.csv", source_format="staff_survey", period="2018/19"
    )
    assert run.status == ImportRun.Status.FAILED
    problem = run.errors[0]
    assert (problem["line"], problem["column"]) == (line + 5, column)
    assert message in str(problem["message"])
    assert not Observation.objects.exists()


def test_a_survey_without_its_year_or_questions_is_refused(school_a: School) -> None:
    no_year = import_bytes(
        content=_survey(["115850,Agree,Agree,Agree"]), file_name="s.csv", source_format="staff_survey"
    )
    assert no_year.status == ImportRun.Status.FAILED and "academic year" in str(no_year.errors[0]["message"])
    other = b"URN,How was lunch\n115850,Agree\n"
    no_questions = import_bytes(content=other, file_name="s.csv", source_format="staff_survey", period="2018/19")
    assert no_questions.status == ImportRun.Status.FAILED
    assert "trust" in str(no_questions.errors[0]["message"])
