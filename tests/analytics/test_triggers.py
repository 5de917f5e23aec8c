"""Early-warning triggers on small hand-made histories (no database).

Severities are worked out by hand from the rule in ``evenbetter.analytics.triggers``:
how far past the threshold, over the condition's scale, capped at 1; an inclusive
threshold ("at most", "at least", on whole numbers) counts the threshold itself as one
past. Strict thresholds ("under", "more than") do not fire at the threshold.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.triggers.evaluation import evaluate_triggers, trigger_states
from evenbetter.analytics.triggers.framework import (
    ASSESSMENT_COLUMNS,
    LAGGING,
    LEADING,
    RESULT_COLUMNS,
    Snapshot,
    TriggerData,
    TriggerSettings,
    all_triggers,
    register_trigger,
)
from evenbetter.analytics.triggers.lagging import robust_spread
from evenbetter.analytics.triggers.leading import Isolation

P1, P2, P3, P4 = "2016/17", "2017/18", "2018/19", "2019/20"

DIRECTIONS = {
    "peers_12m": "higher",
    "days_since_contact": "lower",
    "contact_outside_partnership": "higher",
    "challenges_per_meeting": "higher",
    "board_meetings_12m": "higher",
    "board_attendance": "higher",
    "governor_vacancy_rate": "lower",
    "actions_completion": "higher",
    "actions_overdue": "lower",
    "partnership_attendance": "higher",
    "head_vacant": "lower",
    "deputy_vacant": "lower",
    "senco_vacant": "lower",
    "teacher_vacancies": "lower",
    "sickness_days_per_fte": "lower",
    "staff_turnover": "lower",
    "leadership_changes": "lower",
    "survey_trust": "higher",
    "survey_raise_problems": "higher",
    "survey_shared_values": "higher",
    "data_confidence": "higher",
    "absence_overall": "lower",
    "absence_persistent": "lower",
    "att8": "higher",
    "progress": "higher",
    "pupils": "neither",
}

Row = tuple[int, str, str, float]


def _data(
    rows: list[Row],
    *,
    inspections: list[tuple[int, str, int]] | None = None,
    headline: frozenset[str] = frozenset(),
    domains: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
    directions: dict[str, str] | None = None,
) -> TriggerData:
    observations = pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"])
    return TriggerData(
        observations=observations,
        directions=DIRECTIONS if directions is None else directions,
        inspections=None
        if inspections is None
        else pd.DataFrame(inspections, columns=["school_id", "period", "grade"]),
        headline=headline,
        domains=domains or {},
        names=names or {},
    )


def _result(data: TriggerData, trigger: str, school_id: int = 1, period: str = P3, **settings: Any) -> pd.Series:
    """One school's row for one trigger; ``settings`` override the default thresholds."""
    results = evaluate_triggers(data, period, settings=TriggerSettings(**settings), only=[trigger])
    return results.set_index("school_id").loc[school_id]


# --- the registry -------------------------------------------------------------------------


def test_the_twelve_triggers_are_registered_leading_ones_first_with_their_kinds() -> None:
    kinds = {trigger.code: trigger.kind for trigger in all_triggers()}
    assert kinds == {
        "isolation": LEADING,
        "governance_scrutiny": LEADING,
        "weak_partnership": LEADING,
        "breadth_of_decline": LEADING,
        "staffing": LEADING,
        "low_trust": LEADING,
        "low_wellbeing": LEADING,
        "collective_concerns": LEADING,
        "data_confidence": LEADING,
        "falling_attainment": LAGGING,
        "rising_absence": LAGGING,
        "weak_inspection": LAGGING,
    }
    assert [trigger.kind for trigger in all_triggers()] == [LEADING] * 9 + [LAGGING] * 3


def test_the_registry_rejects_a_second_trigger_with_the_same_code() -> None:
    before = all_triggers()
    with pytest.raises(ValueError, match="isolation"):

        @register_trigger
        class AnotherIsolation(Isolation):
            code = "isolation"

    assert all_triggers() == before


def test_the_registry_rejects_a_kind_that_is_neither_leading_nor_lagging() -> None:
    before = all_triggers()
    with pytest.raises(ValueError, match="kind"):

        @register_trigger
        class Sideways(Isolation):
            code = "sideways_test_only"
            kind = "sideways"

    assert all_triggers() == before


def test_each_trigger_names_the_indicators_it_reads() -> None:
    read = {trigger.code: trigger.indicators for trigger in all_triggers()}
    assert read["isolation"] == ("peers_12m", "days_since_contact", "contact_outside_partnership")
    assert set(read["staffing"]) == {
        "head_vacant",
        "deputy_vacant",
        "senco_vacant",
        "teacher_vacancies",
        "sickness_days_per_fte",
        "staff_turnover",
        "leadership_changes",
    }
    assert read["rising_absence"] == ("absence_overall", "absence_persistent")


# --- the shape of the results ------------------------------------------------------------


def test_one_row_per_school_and_trigger_with_the_result_columns() -> None:
    data = _data(
        [
            (2, "peers_12m", P3, 5.0),
            (1, "peers_12m", P3, 0.0),
            # School 3 has a value only after the period: it is listed, and nothing is measured.
            (3, "peers_12m", P4, 0.0),
        ],
    )
    results = evaluate_triggers(data, P3)
    assert list(results.columns) == RESULT_COLUMNS
    assert len(results) == 3 * len(all_triggers())
    count = len(all_triggers())
    assert results["school_id"].tolist() == [1] * count + [2] * count + [3] * count
    assert results["trigger"].tolist()[:count] == [trigger.code for trigger in all_triggers()]
    first = results[results["school_id"] == 1].set_index("trigger")
    assert first.loc["isolation", "name"] == Isolation.name
    assert first.loc["isolation", "kind"] == LEADING
    assert not results.loc[results["school_id"] == 3, "measured"].any()


def test_severity_is_zero_and_explanation_empty_unless_fired() -> None:
    data = _data(
        [(1, "peers_12m", P3, 0.0), (2, "peers_12m", P3, 8.0), (1, "data_confidence", P3, 90.0)],
        inspections=[(1, P2, 4), (2, P2, 1)],
    )
    results = evaluate_triggers(data, P3)
    quiet = results[~results["fired"]]
    assert (quiet["severity"] == 0).all()
    assert (quiet["explanation"] == "").all()
    loud = results[results["fired"]]
    assert set(loud["trigger"]) == {"isolation", "weak_inspection"}
    assert ((loud["severity"] > 0) & (loud["severity"] <= 1)).all()
    assert (loud["explanation"] != "").all()
    assert results["measured"].dtype == bool and results["fired"].dtype == bool


def test_only_evaluates_the_triggers_asked_for_and_rejects_an_unknown_code() -> None:
    data = _data([(1, "peers_12m", P3, 0.0)])
    results = evaluate_triggers(data, P3, only=["weak_inspection", "isolation"])
    assert results["trigger"].tolist() == ["isolation", "weak_inspection"]  # registry order
    with pytest.raises(KeyError, match="no_such_trigger"):
        evaluate_triggers(data, P3, only=["no_such_trigger"])


def test_one_trigger_evaluates_alone_as_it_does_among_all() -> None:
    data = _data([(1, "peers_12m", P3, 1.0), (2, "days_since_contact", P3, 200.0)])
    alone = Isolation().evaluate(data, P3, TriggerSettings())
    assert list(alone.columns) == ASSESSMENT_COLUMNS
    among = evaluate_triggers(data, P3, only=["isolation"])[ASSESSMENT_COLUMNS]
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), among.reset_index(drop=True))


def test_an_unknown_direction_is_refused() -> None:
    data = _data([(1, "peers_12m", P3, 1.0)], directions={"peers_12m": "up"})
    with pytest.raises(ValueError, match="up"):
        evaluate_triggers(data, P3)


# --- thresholds, one value at a time ---------------------------------------------------------

# (trigger, indicator, value, fired, severity worked out by hand)
THRESHOLDS = [
    # isolation: peers at most 1 (inclusive), scale 2
    ("isolation", "peers_12m", 2.0, False, 0.0),
    ("isolation", "peers_12m", 1.0, True, 0.5),  # at the threshold: (1 - 1 + 1) / 2
    ("isolation", "peers_12m", 0.0, True, 1.0),
    # isolation: days since contact more than 180 (strict), scale 180
    ("isolation", "days_since_contact", 180.0, False, 0.0),
    ("isolation", "days_since_contact", 270.0, True, 0.5),  # (270 - 180) / 180
    ("isolation", "days_since_contact", 500.0, True, 1.0),  # capped
    # governance: challenges under 1.5, scale 1.5
    ("governance_scrutiny", "challenges_per_meeting", 1.5, False, 0.0),
    ("governance_scrutiny", "challenges_per_meeting", 0.75, True, 0.5),
    # governance: board meetings under 3, scale 3
    ("governance_scrutiny", "board_meetings_12m", 3.0, False, 0.0),
    ("governance_scrutiny", "board_meetings_12m", 2.0, True, 1 / 3),
    # governance: attendance under 65%, scale 25 points
    ("governance_scrutiny", "board_attendance", 65.0, False, 0.0),
    ("governance_scrutiny", "board_attendance", 55.0, True, 0.4),
    # governance: vacancy rate more than 20%, scale 20 points
    ("governance_scrutiny", "governor_vacancy_rate", 20.0, False, 0.0),
    ("governance_scrutiny", "governor_vacancy_rate", 30.0, True, 0.5),
    # partnership: completion under 50%, scale 50
    ("weak_partnership", "actions_completion", 50.0, False, 0.0),
    ("weak_partnership", "actions_completion", 40.0, True, 0.2),
    # partnership: overdue at least 3 (inclusive), scale 3
    ("weak_partnership", "actions_overdue", 2.0, False, 0.0),
    ("weak_partnership", "actions_overdue", 3.0, True, 1 / 3),
    ("weak_partnership", "actions_overdue", 5.0, True, 1.0),
    # partnership: attendance under 50%, scale 50
    ("weak_partnership", "partnership_attendance", 50.0, False, 0.0),
    ("weak_partnership", "partnership_attendance", 25.0, True, 0.5),
    # staffing: key posts (a flag, at least 1): head scale 1, deputy and SENCO scale 2
    ("staffing", "head_vacant", 0.0, False, 0.0),
    ("staffing", "head_vacant", 1.0, True, 1.0),
    ("staffing", "deputy_vacant", 1.0, True, 0.5),
    ("staffing", "senco_vacant", 1.0, True, 0.5),
    # staffing: teacher vacancies at least 2, scale 3
    ("staffing", "teacher_vacancies", 1.0, False, 0.0),
    ("staffing", "teacher_vacancies", 2.0, True, 1 / 3),
    ("staffing", "teacher_vacancies", 4.0, True, 1.0),
    # staffing: sickness more than 8 days, scale 8
    ("staffing", "sickness_days_per_fte", 8.0, False, 0.0),
    ("staffing", "sickness_days_per_fte", 10.0, True, 0.25),
    # staffing: turnover more than 20%, scale 20
    ("staffing", "staff_turnover", 20.0, False, 0.0),
    ("staffing", "staff_turnover", 25.0, True, 0.25),
    # staffing: leadership changes at least 2, scale 2
    ("staffing", "leadership_changes", 1.0, False, 0.0),
    ("staffing", "leadership_changes", 2.0, True, 0.5),
    # low trust: under 60% agreeing, scale 30
    ("low_trust", "survey_trust", 60.0, False, 0.0),
    ("low_trust", "survey_trust", 45.0, True, 0.5),
    ("low_trust", "survey_raise_problems", 57.0, True, 0.1),
    ("low_trust", "survey_shared_values", 20.0, True, 1.0),
    # low wellbeing or trust (pulse surveys): under 60% agreeing, scale 30
    ("low_wellbeing", "pulse_pupils_happy", 60.0, False, 0.0),
    ("low_wellbeing", "pulse_pupils_happy", 54.0, True, 0.2),
    ("low_wellbeing", "pulse_pupils_safe", 30.0, True, 1.0),
    ("low_wellbeing", "pulse_parents_happy", 45.0, True, 0.5),
    ("low_wellbeing", "pulse_parents_safe", 59.0, True, 1 / 30),
    ("low_wellbeing", "pulse_staff_trust", 81.0, False, 0.0),
    ("low_wellbeing", "pulse_staff_raise_problems", 36.0, True, 0.8),
    # data confidence: under 60, scale 30
    ("data_confidence", "data_confidence", 60.0, False, 0.0),
    ("data_confidence", "data_confidence", 51.0, True, 0.3),
]


@pytest.mark.parametrize(("trigger", "indicator", "value", "fired", "severity"), THRESHOLDS)
def test_a_threshold_fires_past_it_and_not_before(
    trigger: str, indicator: str, value: float, fired: bool, severity: float
) -> None:
    result = _result(_data([(1, indicator, P3, value)]), trigger)
    assert result["measured"]
    assert result["fired"] == fired
    assert result["severity"] == pytest.approx(severity)
    assert (result["explanation"] != "") == fired


def test_thresholds_come_from_the_settings() -> None:
    data = _data([(1, "peers_12m", P3, 2.0)])
    assert not _result(data, "isolation")["fired"]
    raised = _result(data, "isolation", isolation_peers_at_most=2)
    assert raised["fired"]
    assert raised["severity"] == pytest.approx(0.5)  # (2 - 2 + 1) / 2
    assert "(threshold: at most 2)" in raised["evidence"]


# --- isolation -------------------------------------------------------------------------------


def test_isolation_evidence_and_explanation_say_the_values() -> None:
    result = _result(_data([(1, "peers_12m", P3, 1.0), (1, "days_since_contact", P3, 30.0)]), "isolation")
    assert "peer schools in contact 2018/19: 1 (threshold: at most 1)" in result["evidence"]
    assert "days since contact with another school 2018/19: 30 (threshold: more than 180)" in result["evidence"]
    assert "contact outside its partnerships 2018/19: not recorded" in result["evidence"]
    assert result["explanation"] == "Little contact with other schools: 1 peer school in the last 12 months."


def test_isolation_lists_every_condition_that_fired_and_takes_the_most_severe() -> None:
    result = _result(_data([(1, "peers_12m", P3, 1.0), (1, "days_since_contact", P3, 300.0)]), "isolation")
    assert result["explanation"] == (
        "Little contact with other schools: 1 peer school in the last 12 months. "
        "No contact with another school for 300 days."
    )
    assert result["severity"] == pytest.approx(max(0.5, 120 / 180))


@pytest.mark.parametrize(
    ("peers", "outside", "fired", "severity"),
    [
        (3.0, 9.0, True, min((3 - 3 + 1) / 4, (10 - 9) / 10)),  # the lesser of the two
        (2.0, 0.0, True, min((3 - 2 + 1) / 4, 1.0)),
        (3.0, 10.0, False, 0.0),  # under 10% is strict
        (4.0, 0.0, False, 0.0),  # more than 3 peers
    ],
)
def test_isolation_fires_for_few_peers_all_inside_the_partnership(
    peers: float, outside: float, fired: bool, severity: float
) -> None:
    data = _data([(1, "peers_12m", P3, peers), (1, "contact_outside_partnership", P3, outside)])
    result = _result(data, "isolation")
    assert result["fired"] == fired
    assert result["severity"] == pytest.approx(severity)
    assert (
        f"peer schools in contact 2018/19: {int(peers)} and contact outside its partnerships 2018/19: "
        f"{int(outside)}% (threshold: at most 3 and under 10%)"
    ) in result["evidence"]
    if fired:
        assert f"{int(outside)}% of contact with schools outside it" in result["explanation"]


# --- governance, partnership, staffing, trust, data: wording ----------------------------------


def test_governance_explanation_lists_each_condition_that_fired() -> None:
    data = _data(
        [
            (1, "challenges_per_meeting", P3, 0.5),
            (1, "board_meetings_12m", P3, 6.0),
            (1, "board_attendance", P3, 60.0),
            (1, "governor_vacancy_rate", P3, 10.0),
        ]
    )
    result = _result(data, "governance_scrutiny")
    assert result["explanation"] == (
        "Little challenge from governors: 0.5 challenges recorded per board meeting. "
        "Governors often absent: 60% present at board meetings."
    )
    assert result["severity"] == pytest.approx(max(1.0 / 1.5, 5 / 25))
    for shown in (
        "challenges recorded per board meeting 2018/19: 0.5 (threshold: under 1.5)",
        "governing board meetings in 12 months 2018/19: 6 (threshold: under 3)",
        "governors present at board meetings 2018/19: 60% (threshold: under 65%)",
        "governor seats empty 2018/19: 10% (threshold: more than 20%)",
    ):
        assert shown in result["evidence"]


def test_partnership_and_staffing_explanations_use_the_values() -> None:
    data = _data(
        [
            (1, "actions_overdue", P3, 4.0),
            (1, "teacher_vacancies", P3, 1.0),
            (1, "head_vacant", P3, 1.0),
            (1, "staff_turnover", P3, 22.5),
        ]
    )
    partnership = _result(data, "weak_partnership")
    assert partnership["explanation"] == "Partnership actions overdue: 4 actions past their due date."
    staffing = _result(data, "staffing")
    assert staffing["explanation"] == (
        "The headteacher post is vacant or covered on an interim basis. "
        "High staff turnover: 22.5% of staff left in the year."
    )
    assert "teacher vacancies 2018/19: 1 (threshold: at least 2)" in staffing["evidence"]
    assert "deputy head post vacant (1 = yes) 2018/19: not recorded" in staffing["evidence"]


def test_low_wellbeing_explains_each_low_answer_and_leaves_a_suppressed_result_unmeasured() -> None:
    data = _data([(1, "pulse_pupils_safe", P3, 48.5), (1, "pulse_staff_trust", P3, 52.0), (2, "peers_12m", P3, 4.0)])
    result = _result(data, "low_wellbeing")
    assert result["fired"]
    assert result["explanation"] == (
        "Pupils do not feel safe: only 48.5% say they feel safe at school. "
        "Low trust: only 52% of staff say they trust leaders and colleagues."
    )
    assert "pupils who say they feel happy at school 2018/19: not recorded" in result["evidence"]
    # A school with no pulse result (none run, or fewer than ten answers: kept without a value) is
    # not measured rather than called well.
    assert not _result(data, "low_wellbeing", school_id=2)["measured"]


def test_low_trust_and_data_confidence_explanations() -> None:
    data = _data([(1, "survey_trust", P3, 41.0), (1, "data_confidence", P3, 42.0)])
    assert _result(data, "low_trust")["explanation"] == ("Low trust: only 41% of staff trust leaders and colleagues.")
    assert _result(data, "data_confidence")["explanation"] == (
        "Low confidence in the school's data: a confidence score of 42 out of 100."
    )


# --- a missing source turns a trigger off ------------------------------------------------------


def test_a_trigger_with_none_of_its_indicators_is_off_while_others_still_work() -> None:
    data = _data(
        [
            # School 1: no contact records at all, a weak board.
            (1, "board_meetings_12m", P3, 1.0),
            # School 2: isolated, no governance records; its governance value is missing (NaN).
            (2, "peers_12m", P3, 0.0),
            (2, "challenges_per_meeting", P3, float("nan")),
        ]
    )
    results = evaluate_triggers(data, P3).set_index(["school_id", "trigger"])
    for school_id, trigger in ((1, "isolation"), (2, "governance_scrutiny"), (1, "low_trust"), (2, "staffing")):
        row = results.loc[(school_id, trigger)]
        assert not row["measured"]
        assert not row["fired"]
        assert row["severity"] == 0
        assert row["explanation"] == ""
    assert results.loc[(1, "governance_scrutiny"), "fired"]
    assert results.loc[(2, "isolation"), "fired"]
    assert "peer schools in contact 2018/19: not recorded" in results.loc[(1, "isolation"), "evidence"]


def test_a_value_from_an_earlier_period_is_not_carried_forward() -> None:
    # A vacancy two years ago says nothing about this year's staffing.
    data = _data([(1, "head_vacant", P1, 1.0), (1, "staff_turnover", P3, 10.0), (2, "head_vacant", P1, 1.0)])
    assert not _result(data, "staffing")["fired"]
    assert _result(data, "staffing")["measured"]
    assert not _result(data, "staffing", school_id=2)["measured"]


def test_no_inspection_means_weak_inspection_is_not_measured() -> None:
    data = _data([(1, "peers_12m", P3, 5.0)])
    result = _result(data, "weak_inspection")
    assert not result["measured"]
    assert not result["fired"]
    assert result["evidence"] == "no inspection on or before 2018/19"


# --- nothing after the period ------------------------------------------------------------------


def _history() -> list[Row]:
    rows: list[Row] = []
    for school_id, att8 in ((1, 50.0), (2, 40.0), (3, 45.0), (4, 55.0), (5, 60.0)):
        rows += [(school_id, "att8", P2, att8), (school_id, "att8", P3, att8 - 1.0)]
        rows += [(school_id, "absence_overall", P2, 5.0), (school_id, "absence_overall", P3, 5.2)]
        rows += [(school_id, "peers_12m", P3, 4.0), (school_id, "survey_trust", P3, 80.0)]
        rows += [(school_id, code, P2, 10.0) for code in ("progress", "board_attendance", "actions_completion")]
        rows += [(school_id, code, P3, 11.0) for code in ("progress", "board_attendance", "actions_completion")]
    return rows


def _later(school_id: int) -> list[Row]:
    """Values in the period after: each would change the result at P3 if it were read."""
    return [
        (school_id, "peers_12m", P4, 0.0),
        (school_id, "survey_trust", P4, 10.0),
        (school_id, "att8", P4, 0.0),
        (school_id, "absence_overall", P4, 20.0),
        (school_id, "progress", P4, 0.0),
        (school_id, "board_attendance", P4, 0.0),
        (school_id, "actions_completion", P4, 0.0),
    ]


def test_a_later_period_does_not_change_the_result_at_an_earlier_one() -> None:
    inspections = [(1, P2, 2)]
    domains = {"att8": "outcomes"}
    without = _data(_history(), inspections=inspections, domains=domains)
    later_rows = [row for school_id in (1, 2, 3, 4, 5) for row in _later(school_id)]
    with_later = _data(_history() + later_rows, inspections=[*inspections, (1, P4, 4)], domains=domains)
    pd.testing.assert_frame_equal(evaluate_triggers(without, P3), evaluate_triggers(with_later, P3))
    # The later values do matter once the period is reached, so the test can fail.
    at_p4 = evaluate_triggers(with_later, P4).set_index(["school_id", "trigger"])
    assert at_p4.loc[(1, "isolation"), "fired"] and at_p4.loc[(1, "weak_inspection"), "fired"]
    assert at_p4.loc[(1, "falling_attainment"), "fired"] and at_p4.loc[(1, "breadth_of_decline"), "fired"]


def test_rows_given_out_of_period_order_are_read_the_same() -> None:
    rows = _history() + [row for school_id in (1, 2) for row in _later(school_id)]
    ordered = evaluate_triggers(_data(rows, domains={"att8": "outcomes"}), P3)
    shuffled = evaluate_triggers(_data(rows[::-1], domains={"att8": "outcomes"}), P3)
    pd.testing.assert_frame_equal(ordered, shuffled)


def test_one_data_read_at_several_periods_gives_what_a_fresh_read_of_each_gives() -> None:
    """The observations are numbered once per ``TriggerData`` and kept for every period's
    snapshot (the early warning reads ten): what one period read leaves behind must not change
    another's results, in any order, with rows out of period and indicator order."""
    rows = (_history() + [row for school_id in (1, 2, 3) for row in _later(school_id)])[::-1]
    rows += [(6, "att8", P1, 30.0), (6, "att8", P4, 20.0)]  # a school with values two periods apart
    domains = {"att8": "outcomes"}
    shared = _data(rows, inspections=[(1, P2, 2), (1, P4, 4)], domains=domains)
    for period in (P4, P2, P3, P1, P4):
        fresh = _data(rows, inspections=[(1, P2, 2), (1, P4, 4)], domains=domains)
        pd.testing.assert_frame_equal(evaluate_triggers(shared, period), evaluate_triggers(fresh, period))
    # The periods' results differ, so reading the wrong period's numbers would fail.
    assert not evaluate_triggers(shared, P3).equals(evaluate_triggers(shared, P4))


# --- breadth of decline ------------------------------------------------------------------------


def _changes(pairs: dict[str, tuple[float, float]], previous: str = P2) -> list[Row]:
    return [row for code, (old, new) in pairs.items() for row in ((1, code, previous, old), (1, code, P3, new))]


BREADTH_NAMES = {
    "att8": "Attainment 8",
    "progress": "Progress 8",
    "board_attendance": "Governors' attendance",
    "actions_completion": "Actions done",
    "survey_trust": "Staff trust",
    "absence_overall": "Overall absence",
}


def test_breadth_fires_at_exactly_sixty_percent_worse() -> None:
    data = _data(
        _changes(
            {
                "att8": (50.0, 40.0),  # worse by 20%
                "progress": (10.0, 5.0),  # worse by 50%
                "absence_overall": (5.0, 5.5),  # lower is better: worse by 10%
                "survey_trust": (70.0, 80.0),  # better
                "board_attendance": (70.0, 70.0),  # unchanged is not worse
                "pupils": (200.0, 100.0),  # no direction: not compared
            }
        ),
        names=BREADTH_NAMES,
    )
    result = _result(data, "breadth_of_decline")
    assert result["measured"] and result["fired"]
    assert result["severity"] == pytest.approx(1 / 3)  # 3 worse of 5, 3 needed: (3 - 3 + 1) / (5 - 3 + 1)
    assert result["evidence"].startswith("3 of 5 indicators worse in 2018/19 than in 2017/18")
    # Named worst first, by relative change.
    assert result["evidence"].endswith(
        "fell most: Progress 8 10 in 2017/18 to 5 in 2018/19, Attainment 8 50 in 2017/18 to 40 in 2018/19, "
        "Overall absence 5 in 2017/18 to 5.5 in 2018/19"
    )
    assert result["explanation"] == (
        "Many things got worse at once: 3 of 5 measures fell since 2017/18, "
        "most of all Progress 8, Attainment 8 and Overall absence."
    )


def test_breadth_does_not_fire_below_sixty_percent() -> None:
    data = _data(
        _changes(
            {
                "att8": (50.0, 40.0),
                "progress": (10.0, 5.0),
                "absence_overall": (5.0, 4.0),
                "survey_trust": (70.0, 80.0),
                "board_attendance": (70.0, 71.0),
            }
        )
    )
    result = _result(data, "breadth_of_decline")
    assert result["measured"] and not result["fired"]
    assert result["evidence"].startswith("2 of 5 indicators worse")


def test_breadth_is_not_measured_with_fewer_than_five_compared() -> None:
    data = _data(_changes(dict.fromkeys(("att8", "progress", "board_attendance", "actions_completion"), (50.0, 10.0))))
    result = _result(data, "breadth_of_decline")
    assert not result["measured"] and not result["fired"]
    assert _result(data, "breadth_of_decline", min_indicators=4)["fired"]


def test_breadth_names_at_most_five_and_compares_with_the_schools_own_previous_period() -> None:
    # Nothing at all in 2017/18: the previous period is 2016/17.
    codes = ["att8", "progress", "board_attendance", "actions_completion", "survey_trust", "data_confidence"]
    data = _data(_changes({code: (50.0, 10.0 + i) for i, code in enumerate(codes)}, previous=P1))
    result = _result(data, "breadth_of_decline")
    assert result["fired"]
    assert result["severity"] == pytest.approx(1.0)
    assert "6 of 6 indicators worse in 2018/19 than in 2016/17" in result["evidence"]
    named = result["evidence"].split("fell most: ")[1].split(", ")
    assert len(named) == 5
    assert named[0] == "att8 50 in 2016/17 to 10 in 2018/19"
    assert "data_confidence" not in result["evidence"]  # the smallest fall of the six


# --- falling attainment ------------------------------------------------------------------------

# Attainment 8 across five schools in 2018/19: quartiles 40 and 53.49, so the spread is
# 13.49 / 1.349 = 10 and a fall of more than 5 points is large.
OTHERS_P3 = {2: 30.0, 3: 40.0, 4: 53.49, 5: 60.0}


def _attainment(history: dict[str, float], code: str = "att8") -> list[Row]:
    rows = [(1, code, period, value) for period, value in history.items()]
    return rows + [(school_id, code, P3, value) for school_id, value in OTHERS_P3.items()]


def test_the_spread_is_the_iqr_over_1349_or_the_standard_deviation() -> None:
    assert robust_spread(np.array([45.0, *OTHERS_P3.values()])) == pytest.approx(10.0)
    assert robust_spread(np.array([5.0, 5.0, 5.0, 5.0, 9.0, np.nan])) == pytest.approx(np.std([5, 5, 5, 5, 9], ddof=1))
    assert math.isnan(robust_spread(np.array([5.0, 5.0, 5.0])))


@pytest.mark.parametrize(
    ("last", "fired", "severity"),
    [
        (50.0, False, 0.0),  # fall 5 = 0.5 spreads: at the threshold, not past it
        (52.5, True, 0.5),  # fall 7.5 = 0.75 spreads: (0.75 - 0.5) / 0.5
        (55.0, True, 1.0),  # fall 10 = 1 spread
        (40.0, False, 0.0),  # rose
    ],
)
def test_a_large_fall_in_a_headline_result_fires(last: float, fired: bool, severity: float) -> None:
    data = _data(_attainment({P2: last, P3: 45.0}), headline=frozenset({"att8"}))
    if not fired and last == 50.0:
        # Set the threshold to exactly this fall, as the trigger computes it, so that
        # "more than" is tested at equality rather than through rounding.
        spread = robust_spread(np.array([45.0, *OTHERS_P3.values()]))
        result = _result(data, "falling_attainment", attainment_fall_sd=5.0 / spread)
    else:
        result = _result(data, "falling_attainment")
    assert result["measured"]
    assert result["fired"] == fired
    assert result["severity"] == pytest.approx(severity)


def test_a_large_fall_is_explained_with_the_values_and_the_spread() -> None:
    data = _data(_attainment({P2: 55.0, P3: 45.0}), headline=frozenset({"att8"}), names={"att8": "Attainment 8"})
    result = _result(data, "falling_attainment")
    assert result["evidence"] == (
        "Attainment 8 2018/19: 45, 2017/18: 55 "
        "(threshold: a fall of more than 0.5 x spread 10 = 5, or worse in each of the last two changes)"
    )
    assert result["explanation"] == (
        "Results fell: Attainment 8 from 55 in 2017/18 to 45 in 2018/19, "
        "a large fall for one year compared with the spread between schools."
    )


def test_a_small_fall_two_years_running_fires_with_the_steady_decline_severity() -> None:
    data = _data(_attainment({P1: 46.0, P2: 45.5, P3: 45.0}), headline=frozenset({"att8"}))
    result = _result(data, "falling_attainment")
    assert result["fired"]
    assert result["severity"] == pytest.approx(0.25)
    assert (
        result["explanation"]
        == "Results have fallen two years running: att8 46 in 2016/17, 45.5 in 2017/18, 45 in 2018/19."
    )
    # Up, then down: one fall, and a small one.
    data = _data(_attainment({P1: 45.0, P2: 45.5, P3: 45.0}), headline=frozenset({"att8"}))
    assert not _result(data, "falling_attainment")["fired"]


def test_where_lower_is_better_a_rise_is_a_fall() -> None:
    directions = {**DIRECTIONS, "att8": "lower"}
    data = _data(_attainment({P2: 35.0, P3: 45.0}), headline=frozenset({"att8"}), directions=directions)
    result = _result(data, "falling_attainment")
    assert result["fired"]
    assert result["severity"] == pytest.approx(1.0)


def test_headline_results_default_to_the_outcomes_domain() -> None:
    rows = [*_attainment({P2: 55.0, P3: 45.0}), (1, "absence_overall", P2, 5.0), (1, "absence_overall", P3, 5.0)]
    in_outcomes = _data(rows, domains={"att8": "outcomes", "absence_overall": "attendance"})
    assert _result(in_outcomes, "falling_attainment")["fired"]
    elsewhere = _data(rows, domains={"att8": "context", "absence_overall": "attendance"})
    result = _result(elsewhere, "falling_attainment")
    assert not result["measured"] and not result["fired"]


def test_falling_attainment_is_not_measured_without_an_earlier_result() -> None:
    data = _data(_attainment({P3: 45.0}), headline=frozenset({"att8"}))
    result = _result(data, "falling_attainment")
    assert not result["measured"]
    assert result["evidence"] == "no headline result for 2018/19 that can be compared with an earlier period"


# --- rising absence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "old", "new", "fired", "severity"),
    [
        ("absence_overall", 5.0, 5.5, False, 0.0),  # up 0.5: at the threshold
        ("absence_overall", 5.0, 5.75, True, 0.25),  # (0.75 - 0.5) / 1
        ("absence_overall", 5.0, 4.0, False, 0.0),
        ("absence_persistent", 10.0, 12.0, False, 0.0),  # up 2: at the threshold
        ("absence_persistent", 10.0, 14.0, True, 0.5),  # (4 - 2) / 4
        ("absence_persistent", 10.0, 20.0, True, 1.0),
    ],
)
def test_rising_absence(code: str, old: float, new: float, fired: bool, severity: float) -> None:
    result = _result(_data([(1, code, P2, old), (1, code, P3, new)]), "rising_absence")
    assert result["measured"]
    assert result["fired"] == fired
    assert result["severity"] == pytest.approx(severity)


def test_rising_absence_evidence_and_explanation() -> None:
    data = _data(
        [(1, "absence_overall", P2, 5.0), (1, "absence_overall", P3, 5.75), (1, "absence_persistent", P3, 9.0)]
    )
    result = _result(data, "rising_absence")
    assert result["evidence"] == (
        "overall absence 2018/19: 5.75%, 2017/18: 5%, change 0.75 points (threshold: up by more than 0.5 points); "
        "persistent absence 2018/19: 9%, no earlier value (threshold: up by more than 2 points)"
    )
    assert result["explanation"] == "Absence is rising: overall absence up 0.75 points, from 5% in 2017/18 to 5.75%."


def test_rising_absence_needs_two_periods() -> None:
    result = _result(_data([(1, "absence_overall", P3, 9.0)]), "rising_absence")
    assert not result["measured"] and not result["fired"]


# --- weak inspection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inspections", "measured", "fired", "severity"),
    [
        ([(1, P2, 2)], True, False, 0.0),
        ([(1, P2, 3)], True, True, 0.5),
        ([(1, P3, 4)], True, True, 1.0),  # in the period itself: on or before
        ([(1, P1, 4), (1, P2, 2)], True, False, 0.0),  # the latest counts
        ([(1, P2, 2), (1, P2, 3)], True, True, 0.5),  # two in one year: the worse
        ([(1, P4, 4)], False, False, 0.0),  # after the period
        ([(2, P2, 4)], False, False, 0.0),  # another school's
    ],
)
def test_weak_inspection(inspections: list[tuple[int, str, int]], measured: bool, fired: bool, severity: float) -> None:
    data = _data([(1, "peers_12m", P3, 5.0), (2, "peers_12m", P3, 5.0)], inspections=inspections)
    result = _result(data, "weak_inspection")
    assert result["measured"] == measured
    assert result["fired"] == fired
    assert result["severity"] == pytest.approx(severity)


def test_weak_inspection_evidence_and_explanation() -> None:
    data = _data([(1, "peers_12m", P3, 5.0)], inspections=[(1, P1, 3)])
    result = _result(data, "weak_inspection")
    assert result["evidence"] == (
        "latest inspection on or before 2018/19: 2016/17, grade 3 Requires improvement (threshold: grade 3 or worse)"
    )
    assert result["explanation"] == "The latest inspection, in 2016/17, judged the school Requires improvement."


# --- trigger states ----------------------------------------------------------------------------


def test_trigger_states_are_one_row_per_school_and_one_column_per_trigger() -> None:
    data = _data(
        [(1, "peers_12m", P3, 0.0), (2, "peers_12m", P3, 6.0), (3, "survey_trust", P3, 90.0)],
        inspections=[(2, P2, 4)],
    )
    states = trigger_states(evaluate_triggers(data, P3))
    assert states.shape == (3, len(all_triggers()))
    assert states.index.tolist() == [1, 2, 3]
    assert states.columns.tolist() == [trigger.code for trigger in all_triggers()]
    assert states.loc[1, "isolation"] == 1.0
    assert states.loc[2, "isolation"] == 0.0
    assert math.isnan(states.loc[3, "isolation"])
    assert states.loc[2, "weak_inspection"] == 1.0
    assert math.isnan(states.loc[1, "weak_inspection"])
    assert states.loc[3, "low_trust"] == 0.0
    assert states.dtypes.eq(float).all()


def test_trigger_states_follow_only() -> None:
    data = _data([(1, "peers_12m", P3, 0.0)])
    states = trigger_states(evaluate_triggers(data, P3, only=["isolation", "staffing"]))
    assert states.columns.tolist() == ["isolation", "staffing"]
    assert states.loc[1, "isolation"] == 1.0 and math.isnan(states.loc[1, "staffing"])


# --- the snapshot ------------------------------------------------------------------------------


def test_the_snapshot_reads_each_schools_own_previous_periods() -> None:
    data = _data(
        [
            (1, "att8", P1, 1.0),
            (1, "att8", P2, 2.0),
            (1, "att8", P3, 3.0),
            (2, "att8", P1, 10.0),  # nothing in 2017/18: its previous period is 2016/17
            (2, "progress", P3, 30.0),
            (3, "att8", P4, 99.0),  # after the period only
        ]
    )
    snapshot = Snapshot.build(data, P3)
    assert snapshot.school_ids.tolist() == [1, 2, 3]
    assert snapshot.previous_period.tolist() == [P2, P1, ""]
    assert snapshot.before_period.tolist() == [P1, "", ""]
    np.testing.assert_array_equal(snapshot.value("att8"), [3.0, np.nan, np.nan])
    np.testing.assert_array_equal(snapshot.previous_value("att8"), [2.0, 10.0, np.nan])
    np.testing.assert_array_equal(snapshot.before_value("att8"), [1.0, np.nan, np.nan])
    np.testing.assert_array_equal(snapshot.value("not_held"), [np.nan, np.nan, np.nan])
