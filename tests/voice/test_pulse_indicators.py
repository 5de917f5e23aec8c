"""Pulse results kept as indicators: a year's answers of a group pooled per school, the share
agreeing worked out by hand, fewer than ten kept as suppressed (no value), and the whole written
through the one computed-indicator lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.accounts.models import User
from evenbetter.indicators.computed import all_computed, computed_refresh
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.schools.models import School
from evenbetter.voice.indicators import PulseSurveys, measure_pulse
from evenbetter.voice.models import PulseSurvey

from .conftest import answer, open_survey


def test_primary_and_secondary_pupils_are_pooled_and_each_question_counted() -> None:
    rows = [(1, "pupils-primary", "2025/26", {"happy": "yes_a_bit", "safe": "no"})] * 6 + [
        (1, "pupils-secondary", "2025/26", {"happy": "disagree", "safe": "strongly_agree"})
    ] * 5
    found = {(school, code, period): value for school, code, period, value in measure_pulse(rows)}
    # happy: 6 agreeing of 11 = 54.5%; safe: 5 of 11 = 45.5%.
    assert found == {
        (1, "pulse_pupils_answers", "2025/26"): 11,
        (1, "pulse_pupils_happy", "2025/26"): 54.5,
        (1, "pulse_pupils_safe", "2025/26"): 45.5,
    }


def test_fewer_than_ten_answers_are_kept_without_a_value_in_every_indicator() -> None:
    rows = [(2, "staff", "2025/26", {"trust": "agree", "workload": "disagree"})] * 9
    rows += [(2, "staff", "2024/25", {"trust": "agree", "workload": "disagree"})] * 10
    found = {(code, period): value for _, code, period, value in measure_pulse(rows)}
    assert found[("pulse_staff_trust", "2025/26")] is None
    assert found[("pulse_staff_workload", "2025/26")] is None
    assert found[("pulse_staff_answers", "2025/26")] is None
    assert found[("pulse_staff_trust", "2024/25")] == 100.0
    assert found[("pulse_staff_workload", "2024/25")] == 0.0


def test_the_pulse_surveys_are_a_registered_computed_indicator() -> None:
    assert PulseSurveys in all_computed()


@pytest.mark.django_db
def test_the_refresh_keeps_results_and_suppressed_values_as_observations(
    school_leader_a: User, school_a: School, school_leader_b: User, school_b: School
) -> None:
    survey_a = open_survey(school_leader_a, school_a, audience="parents-carers")
    answer(survey_a, agreeing=7, total=12)
    survey_b = open_survey(school_leader_b, school_b, audience="parents-carers")
    answer(survey_b, agreeing=7, total=9)
    opened = dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC)
    PulseSurvey.objects.update(opened_at=opened)

    run = computed_refresh(PulseSurveys())
    assert run.status == ImportRun.Status.SUCCEEDED and run.rows_read == 21

    happy_a = Observation.objects.get(school=school_a, indicator__code="pulse_parents_happy")
    assert (happy_a.period, happy_a.value, happy_a.status) == ("2025/26", 58.3, Observation.Status.VALUE)
    assert Observation.objects.get(school=school_a, indicator__code="pulse_parents_answers").value == 12
    for observation in Observation.objects.filter(school=school_b):
        assert (observation.value, observation.status) == (None, Observation.Status.SUPPRESSED)
    assert Observation.objects.filter(school=school_b).count() == 6  # five questions and the count

    indicator = Indicator.objects.get(code="pulse_parents_happy")
    assert not indicator.is_public and indicator.cohort_indicator == "pulse_parents_answers"
    assert indicator.domain == Indicator.Domain.WELLBEING and indicator.direction == "higher"
