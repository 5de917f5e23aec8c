"""Fewer than ten answers is never shown: not on the school page, in its benchmarks as CSV or
XLSX, in the explorer's export, in the API, or in the profile. Each output is first shown to
carry a school's result of twelve answers (so the check can fail), then not to carry the
result the nine answers of another school would have given."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evenbetter.accounts.models import User
from evenbetter.benchmarks.services import benchmarks_refresh
from evenbetter.indicators.computed import computed_refresh
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import academic_year_of
from evenbetter.voice.indicators import PulseSurveys
from tests.benchmarks.conftest import build_benchmarked

from .conftest import answer, open_survey

pytestmark = pytest.mark.django_db

SHOWN = "58.3"  # 7 agreeing of 12
HIDDEN = "77.8"  # 7 agreeing of 9: must never appear


@pytest.fixture
def surveyed(
    register: object, school_leader_a: User, school_a: School, school_leader_b: User, school_b: School
) -> tuple[School, School]:
    build_benchmarked(shifts={2018: 0})
    answer(open_survey(school_leader_a, school_a, audience="parents-carers"), agreeing=7, total=12, comment="A")
    answer(
        open_survey(school_leader_b, school_b, audience="parents-carers"),
        agreeing=7,
        total=9,
        comment="Words of one of nine",
    )
    computed_refresh(PulseSurveys())
    benchmarks_refresh()
    return school_a, school_b


def _text(response: object) -> str:
    content: bytes = response.content  # type: ignore[attr-defined]
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):  # type: ignore[index]
        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(repr(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return content.decode()


def _period() -> str:
    return academic_year_of(timezone.localdate())


OUTPUTS: dict[str, Callable[[School], str]] = {
    "school page": lambda s: reverse("school_detail", args=[s.urn]) + "?sections=all",
    "voice section": lambda s: reverse("school_section", args=[s.pk, "voice"]),
    "benchmarks CSV": lambda s: reverse("school_benchmarks_csv", args=[s.pk]) + "?format=csv",
    "benchmarks XLSX": lambda s: reverse("school_benchmarks_csv", args=[s.pk]) + "?format=xlsx",
    "explorer CSV": lambda s: reverse("explorer") + f"?indicator=pulse_parents_happy&period={_period()}&format=csv",
    "explorer XLSX": lambda s: reverse("explorer") + f"?indicator=pulse_parents_happy&period={_period()}&format=xlsx",
    "API observations": lambda s: reverse("api-observation-list") + f"?school={s.pk}&indicator=pulse_parents_happy",
    "profile": lambda s: reverse("school_profile", args=[s.pk]),
}


def test_fewer_than_ten_answers_are_shown_nowhere_and_their_words_neither(
    surveyed: tuple[School, School], client_for: Callable[[str], Client]
) -> None:
    # One test over every output: the benchmarked platform is built once (it takes seconds).
    school_a, school_b = surveyed
    client = client_for("system_lead")  # sees every school in full: nothing is hidden from it but this
    for output, url in OUTPUTS.items():
        shown = client.get(url(school_a))
        assert shown.status_code == 200, output
        assert SHOWN in _text(shown), f"the {output} should carry the result of twelve answers"
        hidden = client.get(url(school_b))
        assert hidden.status_code == 200, output
        assert HIDDEN not in _text(hidden), f"the {output} shows a result of nine answers"

    # Nor the words of nine respondents, even to their own school; twelve respondents' words are
    # read by their school's leaders, and by no one else.
    own = client_for("school_leader_b").get(reverse("school_section", args=[school_b.pk, "voice"])).content.decode()
    assert "9 answers so far" in own and "Words of one of nine" not in own
    leader_a = client_for("school_leader_a").get(reverse("school_section", args=[school_a.pk, "voice"]))
    assert "What respondents wrote (12)" in leader_a.content.decode()
    # Their words are for the school's own leaders: not even a system lead reads them.
    lead = client_for("system_lead").get(reverse("school_section", args=[school_a.pk, "voice"])).content.decode()
    assert SHOWN in lead and "What respondents wrote" not in lead
