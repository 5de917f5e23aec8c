"""The question library (pure Python): each audience's questions in words for it, a language
on every wording, and the one rule of what may be shown (at least ten answers)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evenbetter.vocabulary.voice import (
    AUDIENCE_BY_CODE,
    MIN_ANSWERS,
    QUESTION_BY_CODE,
    Result,
    Wording,
    all_indicator_codes,
    questions_for,
    tally,
)


def test_pupils_and_parents_are_asked_about_wellbeing_and_staff_about_trust_and_workload() -> None:
    wellbeing = ["happy", "healthy", "safe", "belonging", "listened_to"]
    for audience in ("pupils-primary", "pupils-secondary", "parents-carers"):
        assert [q.code for q in questions_for(audience)] == wellbeing
    assert [q.code for q in questions_for("staff")] == ["trust", "shared_values", "raise_problems", "workload"]


def test_each_audience_reads_its_own_wording() -> None:
    happy = QUESTION_BY_CODE["happy"]
    assert happy.wording("pupils-primary") == "I feel happy at school."
    assert happy.wording("parents-carers") == "My child is happy at this school."
    assert len({happy.wording(a) for a in ("pupils-primary", "pupils-secondary", "parents-carers")}) == 3


def test_a_translation_is_one_more_wording_and_english_is_the_fallback() -> None:
    happy = QUESTION_BY_CODE["happy"]
    welsh = replace(happy, wordings=(*happy.wordings, Wording("pupils-primary", "cy", "Rwy'n hapus yn yr ysgol.")))
    assert welsh.wording("pupils-primary", "cy") == "Rwy'n hapus yn yr ysgol."
    assert welsh.wording("parents-carers", "cy") == "My child is happy at this school."


def test_primary_pupils_have_four_choices_and_others_five() -> None:
    assert len(AUDIENCE_BY_CODE["pupils-primary"].scale) == 4
    assert {len(AUDIENCE_BY_CODE[a].scale) for a in ("pupils-secondary", "parents-carers", "staff")} == {5}
    assert [c.agrees for c in AUDIENCE_BY_CODE["staff"].scale] == [True, True, False, False, False]


@pytest.mark.parametrize(("answered", "agreeing", "share"), [(9, 9, None), (10, 7, 70.0), (12, 7, 58.3), (0, 0, None)])
def test_a_result_is_shown_only_from_ten_answers(answered: int, agreeing: int, share: float | None) -> None:
    assert MIN_ANSWERS == 10
    result = Result(answered, agreeing)
    assert result.share_agreeing == share
    assert result.suppressed == (share is None)


def test_the_share_agreeing_counts_the_top_two_choices_of_the_audiences_scale() -> None:
    answers = [{"happy": c} for c in ["yes_a_lot", "yes_a_bit", "not_really", "no", "yes_a_bit"]]
    assert tally(answers, "happy", "pupils-primary") == Result(5, 3)
    assert tally([{"trust": "neither"}, {"trust": "agree"}], "trust", "staff") == Result(2, 1)


def test_every_result_has_its_indicator_and_each_group_an_answer_count() -> None:
    codes = all_indicator_codes()
    assert "pulse_pupils_happy" in codes and "pulse_staff_workload" in codes and "pulse_parents_answers" in codes
    assert len(codes) == len(set(codes)) == 5 + 1 + 5 + 1 + 4 + 1
