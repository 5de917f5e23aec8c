"""Matching a help request to supporters, on a hand-made family with a known best supporter."""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.matching import (
    COMPONENTS,
    EXCLUDED_COLUMNS,
    SUGGESTION_COLUMNS,
    MatchSettings,
    match_supporters,
)

# The requester: a primary school asking for help with early reading.
REQUEST: dict[str, Any] = {
    "school_id": 1,
    "phase": "primary",
    "latitude": 52.0,
    "longitude": -1.0,
    "area": "early_reading",
}
# 0.1 degree of latitude along the requester's meridian.
KM_PER_TENTH = 6371.0 * math.radians(0.1)


def _candidate(school_id: int, **overrides: Any) -> dict[str, Any]:
    """A plain candidate: middling everywhere, so a test changes only what it is about."""
    row: dict[str, Any] = {
        "school_id": school_id,
        "name": f"School {school_id}",
        "phase": "primary",
        "latitude": 52.1,
        "longitude": -1.0,
        "strength_percentile": 70.0,
        "strong_in_area": False,
        "strength_evidence": "",
        "context_distance": 1.5,
        "capacity_days_left": 2.0,
        "current_supports": 1,
        "past_supports": 0,
        "past_benefit": np.nan,
        "on_watch_list_for_area": False,
    }
    row.update(overrides)
    return row


def _frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def _reasons(suggestions: pd.DataFrame, school_id: int) -> list[str]:
    """The reasons of one suggestion, from suggestions indexed by school."""
    return cast(list[str], suggestions.loc[school_id, "reasons"])


def _family() -> pd.DataFrame:
    return _frame(
        _candidate(1, strength_percentile=95.0),  # the requester itself
        # The best supporter: strong for its family, like the requester, near, with time to give.
        _candidate(
            2,
            name="Meadow Primary",
            strength_percentile=90.0,
            strong_in_area=True,
            strength_evidence="in the top quarter of its family in 3 of the last 3 years in reading progress",
            context_distance=0.5,
            latitude=52.1,
            capacity_days_left=4.0,
            current_supports=0,
            past_supports=3,
            past_benefit=0.9,
        ),
        _candidate(3, strength_percentile=80.0, context_distance=3.0, latitude=52.3),
        _candidate(4, strength_percentile=65.0),
        _candidate(5, strength_percentile=85.0, latitude=52.5, capacity_days_left=np.nan, current_supports=3),
    )


def test_the_known_best_supporter_is_first_and_says_why() -> None:
    result = match_supporters(REQUEST, _family())
    suggestions = result.suggestions
    assert list(suggestions.columns) == SUGGESTION_COLUMNS
    assert suggestions["school_id"].tolist()[0] == 2
    assert suggestions["rank"].tolist() == list(range(1, len(suggestions) + 1))
    assert suggestions["score"].is_monotonic_decreasing
    best = suggestions.iloc[0]
    assert best["reasons"] == [
        "Strong in early reading for a school like it: better than 90% of its family; "
        "in the top quarter of its family in 3 of the last 3 years in reading progress",
        "A school like yours: context distance 0.5",
        "11 km away",
        "4 days a term still to give",
        "Past support rated 4.6 of 5 by the schools it helped (3 supports)",
        "Not supporting another school at the moment",
    ]
    # The contributions are what the score is made of.
    contributions = best[[f"{name}_contribution" for name in COMPONENTS]].astype(float)
    assert contributions.sum() == pytest.approx(best["score"])
    assert 1 not in set(suggestions["school_id"])


def test_component_arithmetic_by_hand() -> None:
    best = match_supporters(REQUEST, _family()).suggestions.set_index("school_id").loc[2]
    km = KM_PER_TENTH  # 11.12 km
    by_hand = {
        "strength": 0.90,  # better than 90% of its family
        "similarity": 1 / (1 + (0.5 / 2.0) ** 2),  # 0.941
        "distance": 1 - km / 60.0,  # 0.815
        "capacity": 4.0 / 5.0,
        "load": 1.0,  # no supports under way
        "track_record": (3 * 0.9 + 2 * 0.5) / (3 + 2),  # 0.74: shrunk from 0.9 towards 0.5
    }
    weights = {
        "strength": 0.35,
        "similarity": 0.25,
        "distance": 0.15,
        "capacity": 0.10,
        "load": 0.05,
        "track_record": 0.10,
    }
    assert best["km"] == pytest.approx(km, rel=1e-9)
    for name, value in by_hand.items():
        assert best[name] == pytest.approx(value), name
        assert best[f"{name}_contribution"] == pytest.approx(value * weights[name]), name
    assert best["score"] == pytest.approx(sum(value * weights[name] for name, value in by_hand.items()))
    assert best["score"] == pytest.approx(0.8765, abs=1e-4)


def test_weights_that_do_not_sum_to_one_give_a_weighted_mean() -> None:
    doubled = MatchSettings(strength=0.7, similarity=0.5, distance=0.3, capacity=0.2, load=0.1, track_record=0.2)
    plain = match_supporters(REQUEST, _family()).suggestions
    twice = match_supporters(REQUEST, _family(), settings=doubled).suggestions
    pd.testing.assert_series_equal(plain["score"], twice["score"], check_exact=False)
    assert twice["score"].between(0, 1).all()


def test_relative_strength_beats_raw_results_from_an_advantaged_family() -> None:
    candidates = _frame(
        # Top raw results, but an advantaged intake: only middling against schools like it.
        _candidate(7, name="Hilltop", strength_percentile=62.0, raw_reading_score=98.0),
        # Lower raw results, but better than nearly all of its own family.
        _candidate(8, name="Riverside", strength_percentile=92.0, raw_reading_score=71.0),
    )
    suggestions = match_supporters(REQUEST, candidates).suggestions
    assert suggestions["school_id"].tolist() == [8, 7]
    assert suggestions.iloc[0]["strength"] == pytest.approx(0.92)
    assert suggestions.iloc[1]["strength"] == pytest.approx(0.62)
    assert suggestions.iloc[1]["reasons"][0] == (
        "Above the middle of its family in early reading: better than 62% of schools like it"
    )


@pytest.mark.parametrize(
    ("excluded", "allowed", "reason"),
    [
        ({"school_id": 1}, {"school_id": 9}, "the school asking for help"),
        (
            {"on_watch_list_for_area": True},
            {"on_watch_list_for_area": False},
            "itself on the watch list for early reading",
        ),
        (
            {"strength_percentile": 59.9},
            {"strength_percentile": 60.0},
            "not strong enough in early reading: better than 59% of its family, below the 60% asked for",
        ),
        ({"strength_percentile": np.nan}, {"strength_percentile": 99.0}, "no measure of its strength in early reading"),
        (
            {"capacity_days_left": 0.0},
            {"capacity_days_left": 0.5},
            "its offer of time is used up: no days left to give this term",
        ),
    ],
)
def test_each_exclusion_rule_both_ways(excluded: dict[str, Any], allowed: dict[str, Any], reason: str) -> None:
    school_id = excluded.get("school_id", 20)
    left_out = match_supporters(REQUEST, _frame(_candidate(**{"school_id": school_id, **excluded})))
    assert left_out.suggestions.empty
    assert list(left_out.excluded.columns) == EXCLUDED_COLUMNS
    assert left_out.excluded.to_dict("records") == [
        {"school_id": school_id, "agency_id": None, "name": f"School {school_id}", "reason": reason}
    ]

    kept_id = allowed.get("school_id", 20)
    kept = match_supporters(REQUEST, _frame(_candidate(**{"school_id": kept_id, **allowed})))
    assert kept.excluded.empty
    assert kept.suggestions["school_id"].tolist() == [kept_id]


def test_strong_is_said_only_when_the_one_rule_says_so() -> None:
    # A high percentile alone is a score, not "strong": the words follow strong_in_area.
    high = _candidate(40, strength_percentile=95.0)
    said = _candidate(41, strength_percentile=95.0, strong_in_area=True, strength_evidence="the rule's evidence")
    suggestions = match_supporters(REQUEST, _frame(high, said)).suggestions.set_index("school_id")
    assert _reasons(suggestions, 40)[0] == (
        "Above the middle of its family in early reading: better than 95% of schools like it"
    )
    assert _reasons(suggestions, 41)[0] == (
        "Strong in early reading for a school like it: better than 95% of its family; the rule's evidence"
    )


def test_a_school_strong_by_the_rule_is_not_excluded_for_a_low_mean() -> None:
    # Strong in one of the area's indicators, middling on the mean of them all.
    weak = _candidate(42, strength_percentile=50.0)
    strong = _candidate(43, strength_percentile=50.0, strong_in_area=True, strength_evidence="evidence")
    result = match_supporters(REQUEST, _frame(weak, strong))
    assert result.excluded["school_id"].tolist() == [42]
    assert result.suggestions["school_id"].tolist() == [43]


def test_every_reason_that_applies_is_given() -> None:
    excluded = match_supporters(
        REQUEST, _frame(_candidate(30, on_watch_list_for_area=True, strength_percentile=40.0, capacity_days_left=0))
    ).excluded
    assert excluded.iloc[0]["reason"] == (
        "itself on the watch list for early reading; "
        "not strong enough in early reading: better than 40% of its family, below the 60% asked for; "
        "its offer of time is used up: no days left to give this term"
    )


def test_no_offer_recorded_is_allowed_with_a_lower_capacity() -> None:
    suggestions = match_supporters(
        REQUEST, _frame(_candidate(10, capacity_days_left=np.nan), _candidate(11, capacity_days_left=1.0))
    ).suggestions.set_index("school_id")
    assert suggestions.loc[10, "capacity"] == pytest.approx(0.3)
    assert suggestions.loc[11, "capacity"] == pytest.approx(0.2)
    assert "No offer of time recorded yet" in _reasons(suggestions, 10)
    assert "1 day a term still to give" in _reasons(suggestions, 11)


def test_another_phase_is_allowed_with_half_the_similarity_and_says_so() -> None:
    suggestions = match_supporters(
        REQUEST, _frame(_candidate(12, phase="primary"), _candidate(13, phase="Secondary"))
    ).suggestions.set_index("school_id")
    same = 1 / (1 + (1.5 / 2.0) ** 2)
    assert suggestions.loc[12, "similarity"] == pytest.approx(same)
    assert suggestions.loc[13, "similarity"] == pytest.approx(same / 2)
    assert not suggestions.loc[13, "same_phase"]
    assert (
        "A school like yours: context distance 1.5; a secondary school, not primary, so its likeness counts half"
        in _reasons(suggestions, 13)
    )
    assert suggestions.index.tolist() == [12, 13]


def test_unknowns_count_a_little_below_the_middle() -> None:
    request = {**REQUEST, "latitude": np.nan}
    suggestions = match_supporters(request, _frame(_candidate(14, context_distance=np.nan))).suggestions
    row = suggestions.iloc[0]
    assert np.isnan(row["km"])
    assert row["distance"] == pytest.approx(0.3)
    assert row["similarity"] == pytest.approx(0.3)
    assert "Distance not known: no location held for one of the schools" in row["reasons"]
    assert "How alike the two schools are is not known" in row["reasons"]


def test_far_away_and_busy_count_nothing_but_are_still_suggested() -> None:
    row = match_supporters(REQUEST, _frame(_candidate(15, latitude=53.0, current_supports=4))).suggestions.iloc[0]
    assert row["km"] > 60
    assert row["distance"] == 0
    assert row["load"] == 0
    assert row["reasons"][-2:] == ["111 km away", "Already supporting 4 other schools"]


def test_a_component_weighted_zero_gives_no_reason() -> None:
    settings = MatchSettings(load=0.0)
    row = match_supporters(REQUEST, _frame(_candidate(16)), settings=settings).suggestions.iloc[0]
    assert row["load_contribution"] == 0
    assert not any("supporting" in reason for reason in row["reasons"])
    assert len(row["reasons"]) == len(COMPONENTS) - 1


def test_ties_go_to_the_lower_school_id_and_row_order_does_not_matter() -> None:
    twins = _frame(_candidate(42), _candidate(17), _candidate(23))
    first = match_supporters(REQUEST, twins).suggestions
    assert first["school_id"].tolist() == [17, 23, 42]
    assert first["score"].nunique() == 1
    shuffled = match_supporters(REQUEST, _family().sample(frac=1.0, random_state=3)).suggestions
    pd.testing.assert_frame_equal(match_supporters(REQUEST, _family()).suggestions, shuffled)


def test_only_the_top_are_returned() -> None:
    many = _frame(*(_candidate(100 + i, strength_percentile=61.0 + i) for i in range(15)))
    suggestions = match_supporters(REQUEST, many, settings=MatchSettings(top=4)).suggestions
    assert suggestions["school_id"].tolist() == [114, 113, 112, 111]
    assert suggestions["rank"].tolist() == [1, 2, 3, 4]


def test_bad_settings_and_missing_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        match_supporters(REQUEST, _family(), settings=MatchSettings(strength=-1.0))
    with pytest.raises(ValueError, match="past_benefit"):
        match_supporters(REQUEST, _family().drop(columns=["past_benefit"]))


def _agency(agency_id: int, **overrides: Any) -> dict[str, Any]:
    """An agency as a candidate: no school id, no phase, no place, no benchmark; its offer declares the area."""
    row = _candidate(0)
    row.update(
        school_id=None, agency_id=agency_id, name=f"Agency {agency_id}", phase="", latitude=np.nan,
        longitude=np.nan, strength_percentile=np.nan, context_distance=np.nan, current_supports=0,
        declared_area=True, works_with_requester=False,
    )  # fmt: skip
    row.update(overrides)
    return row


def test_an_agency_that_declares_the_area_is_suggested_with_its_declared_area_as_strength() -> None:
    # Agency 1 has the requester's school id as its agency id: it is not taken for the requester.
    result = match_supporters(REQUEST, _frame(_candidate(2, strength_percentile=80.0), _agency(1)))
    suggestions = result.suggestions.set_index("name")
    assert result.excluded.empty
    agency = suggestions.loc["Agency 1"]
    assert agency["school_id"] is None and agency["agency_id"] == 1
    assert agency["strength"] == pytest.approx(0.75)  # the default declared_area_strength
    assert agency["similarity"] == pytest.approx(0.3)  # likeness to a school does not apply: unknown
    reasons = " ".join(agency["reasons"])
    assert "offers help in early reading" in reasons and "not measured by school results" in reasons
    assert "Not a school" in reasons
    school = suggestions.loc["School 2"]
    assert school["agency_id"] is None and school["school_id"] == 2


def test_an_agency_that_does_not_offer_help_in_the_area_is_never_suggested() -> None:
    result = match_supporters(REQUEST, _frame(_agency(7, declared_area=False), _agency(8)))
    assert result.suggestions["agency_id"].tolist() == [8]
    assert result.excluded.to_dict("records") == [
        {
            "school_id": None,
            "agency_id": 7,
            "name": "Agency 7",
            "reason": "an agency that does not offer help in early reading",
        }
    ]


def test_an_agency_already_working_with_the_school_counts_as_near() -> None:
    result = match_supporters(REQUEST, _frame(_agency(7), _agency(8, works_with_requester=True)))
    ranked = result.suggestions.set_index("agency_id")
    assert result.suggestions["agency_id"].tolist() == [8, 7]
    assert ranked.loc[8, "distance"] == 1.0 and ranked.loc[7, "distance"] == pytest.approx(0.3)
    assert "Already works with your school or its locality" in ranked.loc[8, "reasons"]


def test_a_school_and_an_agency_with_the_same_score_keep_a_fixed_order() -> None:
    settings = MatchSettings(strength=1, similarity=0, distance=0, capacity=0, load=0, track_record=0)
    tied = _frame(_agency(3), _candidate(9, strength_percentile=75.0))
    result = match_supporters(REQUEST, tied, settings=settings)
    assert result.suggestions["name"].tolist() == ["School 9", "Agency 3"]  # schools first on a tie
