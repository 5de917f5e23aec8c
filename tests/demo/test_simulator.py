"""The simulator of local records: seeded, with the causal story it claims, and records
that are well-formed enough to load."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from evenbetter.demo.simulator import (
    ACTION_STATUSES,
    CHALLENGE_AREAS,
    CONTACT_KINDS,
    LocalRecords,
    SimulationSettings,
    simulate_local_records,
)

FRAMES = (
    "contacts",
    "meetings",
    "attendance",
    "actions",
    "board_meetings",
    "workforce",
    "survey",
    "drift",
    "outcome_shift",
)
SIX_YEARS = ("2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
# Six years with onsets from the third: every drifting school has two years before its onset.
LONG = SimulationSettings(periods=SIX_YEARS, earliest_onset_index=2)


def _schools(n: int, seed: int = 1) -> pd.DataFrame:
    """Schools in partnerships of about eight, spread over a region; one in seven in no
    partnership and one in twenty without coordinates."""
    rng = np.random.default_rng(seed)
    partnership = np.where(rng.random(n) < 0.85, rng.integers(1, max(n // 8, 1) + 1, n), -1).astype(float)
    partnership[partnership < 0] = np.nan
    latitude = rng.uniform(50.5, 54.5, n)
    longitude = rng.uniform(-3.0, 0.0, n)
    unknown = rng.random(n) < 0.05
    latitude[unknown] = np.nan
    longitude[unknown] = np.nan
    return pd.DataFrame(
        {
            "school_id": np.arange(100001, 100001 + n),
            "partnership_id": partnership,
            "latitude": latitude,
            "longitude": longitude,
        }
    )


@pytest.fixture(scope="module")
def schools() -> pd.DataFrame:
    return _schools(1000)


@pytest.fixture(scope="module")
def records(schools: pd.DataFrame) -> LocalRecords:
    return simulate_local_records(schools)


@pytest.fixture(scope="module")
def long_records(schools: pd.DataFrame) -> LocalRecords:
    return simulate_local_records(schools, LONG)


def _period_bounds(periods: tuple[str, ...]) -> list[tuple[str, date, date]]:
    return [(label, date(int(label[:4]), 9, 1), date(int(label[:4]) + 1, 8, 31)) for label in periods]


def _period_of(day: date, periods: tuple[str, ...]) -> str | None:
    return next((label for label, start, end in _period_bounds(periods) if start <= day <= end), None)


# --- Seeded ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_records_row_for_row(schools: pd.DataFrame, records: LocalRecords) -> None:
    again = simulate_local_records(schools, SimulationSettings(seed=0))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(records, name), getattr(again, name), obj=name)


def test_the_order_schools_are_given_in_does_not_matter(schools: pd.DataFrame, records: LocalRecords) -> None:
    shuffled = schools.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = simulate_local_records(shuffled)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(records, name), getattr(again, name), obj=name)


def test_another_seed_gives_other_records(schools: pd.DataFrame, records: LocalRecords) -> None:
    other = simulate_local_records(schools, SimulationSettings(seed=1))
    for name in FRAMES:
        assert not getattr(records, name).equals(getattr(other, name)), name


def test_records_have_the_documented_columns(records: LocalRecords) -> None:
    assert list(records.contacts.columns) == ["school_id", "other_school_id", "happened_on", "kind", "about"]
    assert list(records.meetings.columns) == ["meeting_id", "partnership_id", "held_on", "title"]
    assert list(records.attendance.columns) == ["meeting_id", "school_id"]
    assert list(records.actions.columns) == [
        "action_id",
        "meeting_id",
        "partnership_id",
        "owner_school_id",
        "title",
        "agreed_on",
        "due_on",
        "done_on",
        "status",
    ]
    assert list(records.board_meetings.columns) == [
        "school_id",
        "held_on",
        "governors_present",
        "governors_places",
        "vacancies",
        "challenges",
        "challenge_areas",
    ]
    assert list(records.workforce.columns) == [
        "school_id",
        "period",
        "head_vacant",
        "deputy_vacant",
        "senco_vacant",
        "teacher_vacancies",
        "support_vacancies",
        "sickness_days_per_fte",
        "headcount_start",
        "headcount_end",
        "leavers",
        "leadership_changes",
    ]
    assert list(records.survey.columns) == ["school_id", "period", "trust", "shared_values", "raise_problems"]
    assert list(records.drift.columns)[:3] == ["school_id", "onset_period", "outcome_period"]
    assert list(records.outcome_shift.columns) == ["school_id", "period", "shift"]
    for name in FRAMES:
        assert not getattr(records, name).empty, name


# --- Who drifts, when ------------------------------------------------------------------------


def test_about_the_drift_share_of_schools_drift(schools: pd.DataFrame, records: LocalRecords) -> None:
    assert len(records.drift) / len(schools) == pytest.approx(0.15, abs=0.04)
    assert records.drift["school_id"].is_unique
    more = simulate_local_records(schools, SimulationSettings(drift_share=0.4))
    assert len(more.drift) / len(schools) == pytest.approx(0.4, abs=0.05)
    none = simulate_local_records(schools, SimulationSettings(drift_share=0.0))
    assert none.drift.empty
    assert (none.outcome_shift["shift"] == 0).all()


def test_onsets_fall_in_the_allowed_range_and_outcomes_follow_one_or_two_years_later(
    long_records: LocalRecords,
) -> None:
    drift = long_records.drift
    onset = drift["onset_period"].map(SIX_YEARS.index)
    assert set(onset) == {2, 3, 4}  # from earliest_onset_index to the last period but one
    lead = drift["outcome_period"].str[:4].astype(int) - drift["onset_period"].str[:4].astype(int)
    assert set(lead) == {1, 2}
    assert (lead == drift["lead_periods"]).all()
    # An onset in the last period but one with a lead of two lowers an outcome beyond the records.
    assert "2020/21" in set(drift["outcome_period"])


def test_the_outcome_shifts_only_for_drifting_schools_and_only_from_their_outcome_period(
    long_records: LocalRecords,
) -> None:
    shift = long_records.outcome_shift
    assert len(shift) == 1000 * len(SIX_YEARS)
    assert not shift.duplicated(["school_id", "period"]).any()
    drift = long_records.drift.set_index("school_id")
    outcome_year = shift["school_id"].map(drift["outcome_period"].str[:4].astype(int))
    onset_year = shift["school_id"].map(drift["onset_period"].str[:4].astype(int))
    year = shift["period"].str[:4].astype(int)
    lowered = (year >= outcome_year).to_numpy()  # NaN (no drift) compares False
    assert (shift.loc[lowered, "shift"] < 0).all()
    assert (shift.loc[~lowered, "shift"] == 0).all()
    # The outcome does not move in the onset year: the signals lead it.
    assert (shift.loc[(year == onset_year).to_numpy(), "shift"] == 0).all()
    assert shift.loc[lowered, "shift"].mean() == pytest.approx(-LONG.outcome_drop, abs=1.0)
    assert shift.loc[lowered, "shift"].std() > 0  # with noise


# --- The planted effect (the production measures of it: tests/earlywarning/test_planted_signal.py) ---


def test_drifting_schools_lose_peers_outside_their_partnership_most(
    schools: pd.DataFrame, long_records: LocalRecords
) -> None:
    partnership = schools.set_index("school_id")["partnership_id"]
    contacts = long_records.contacts.assign(
        year=[day.year - (day.month < 9) for day in long_records.contacts["happened_on"]]
    )
    contacts["inside"] = (
        contacts["school_id"].map(partnership) == contacts["other_school_id"].map(partnership)
    ).to_numpy()
    onset = long_records.drift.set_index("school_id")["onset_period"].str[:4].astype(int)
    started = (contacts["year"] >= contacts["school_id"].map(onset)).to_numpy()
    in_partnership = contacts["school_id"].map(partnership).notna().to_numpy()
    steady = ~contacts["school_id"].isin(onset.index).to_numpy()
    # Of the contacts a drifting school (in a partnership) still starts, almost all are inside it.
    assert contacts.loc[started & in_partnership, "inside"].mean() > 0.8
    assert contacts.loc[steady & in_partnership, "inside"].mean() == pytest.approx(0.55, abs=0.1)
    # Counted over schools and years, peers outside the partnership fall much further than inside.
    contacts["where"] = np.where(contacts["inside"], "inside", "outside")
    per_school = contacts[in_partnership].groupby(["school_id", "year", "where"])["other_school_id"].nunique()
    per_school = per_school.unstack(fill_value=0).reset_index()
    per_school["drifting"] = per_school["year"] >= per_school["school_id"].map(onset)
    means = per_school[per_school["year"] >= 2018].groupby("drifting")[["inside", "outside"]].mean()
    outside_ratio = means.loc[True, "outside"] / means.loc[False, "outside"]
    inside_ratio = means.loc[True, "inside"] / means.loc[False, "inside"]
    assert outside_ratio < 0.25
    assert outside_ratio < inside_ratio


# --- Well-formed records ----------------------------------------------------------------------


def test_every_date_is_a_date_inside_its_period(records: LocalRecords) -> None:
    periods = SimulationSettings().periods
    first, last = date(2016, 9, 1), date(2019, 8, 31)
    dated = {
        "contacts": ["happened_on"],
        "meetings": ["held_on"],
        "actions": ["agreed_on", "due_on"],
        "board_meetings": ["held_on"],
    }
    for frame, columns in dated.items():
        for column in columns:
            values = getattr(records, frame)[column]
            assert all(type(value) is date for value in values), (frame, column)
            assert values.min() >= first and values.max() <= last, (frame, column)
    done = records.actions["done_on"].dropna()
    assert all(type(value) is date for value in done)
    # An action's dates all fall in the period of the meeting that agreed it.
    actions = records.actions
    agreed_period = [_period_of(day, periods) for day in actions["agreed_on"]]
    assert [_period_of(day, periods) for day in actions["due_on"]] == agreed_period
    done_rows = actions["done_on"].notna()
    assert [_period_of(day, periods) for day in actions.loc[done_rows, "done_on"]] == [
        period for period, is_done in zip(agreed_period, done_rows, strict=True) if is_done
    ]
    assert (actions["due_on"] >= actions["agreed_on"]).all()
    assert (actions.loc[done_rows, "done_on"] > actions.loc[done_rows, "agreed_on"]).all()
    for frame in ("workforce", "survey", "outcome_shift"):
        per_school = getattr(records, frame).groupby("school_id")["period"].agg(tuple)
        assert (per_school == periods).all(), frame


def test_no_record_is_dated_after_the_last_period_even_over_ten_years() -> None:
    periods = tuple(f"{year}/{(year + 1) % 100:02d}" for year in range(2010, 2020))
    records = simulate_local_records(_schools(300, seed=5), SimulationSettings(periods=periods, seed=4))
    end = date(2020, 8, 31)
    for frame, column in [
        ("contacts", "happened_on"),
        ("meetings", "held_on"),
        ("actions", "due_on"),
        ("actions", "done_on"),
        ("board_meetings", "held_on"),
    ]:
        assert getattr(records, frame)[column].dropna().max() <= end, (frame, column)


def test_no_school_contacts_itself_and_every_id_is_known(schools: pd.DataFrame, records: LocalRecords) -> None:
    known = set(schools["school_id"])
    contacts = records.contacts
    assert not (contacts["school_id"] == contacts["other_school_id"]).any()
    for frame, column in [
        ("contacts", "school_id"),
        ("contacts", "other_school_id"),
        ("attendance", "school_id"),
        ("actions", "owner_school_id"),
        ("board_meetings", "school_id"),
        ("workforce", "school_id"),
        ("survey", "school_id"),
        ("drift", "school_id"),
        ("outcome_shift", "school_id"),
    ]:
        assert set(getattr(records, frame)[column]) <= known, (frame, column)
    assert set(records.meetings["partnership_id"]) == set(schools["partnership_id"].dropna().astype(int))
    assert records.meetings["meeting_id"].is_unique
    assert records.actions["action_id"].is_unique


def test_meetings_are_attended_and_actions_owned_by_members(schools: pd.DataFrame, records: LocalRecords) -> None:
    partnership = schools.set_index("school_id")["partnership_id"]
    meeting_partnership = records.meetings.set_index("meeting_id")["partnership_id"]
    attendance = records.attendance
    assert set(attendance["meeting_id"]) <= set(meeting_partnership.index)
    assert not attendance.duplicated().any()
    assert (attendance["school_id"].map(partnership) == attendance["meeting_id"].map(meeting_partnership)).all()
    actions = records.actions
    assert (actions["partnership_id"] == actions["meeting_id"].map(meeting_partnership)).all()
    assert (actions["owner_school_id"].map(partnership) == actions["partnership_id"]).all()
    held_on = records.meetings.set_index("meeting_id")["held_on"]
    assert (actions["agreed_on"] == actions["meeting_id"].map(held_on)).all()
    assert set(actions["status"]) == set(ACTION_STATUSES)
    assert (actions["done_on"].notna() == (actions["status"] == "done")).all()
    due_in = pd.Series(
        [(due - agreed).days for due, agreed in zip(actions["due_on"], actions["agreed_on"], strict=True)]
    )
    assert due_in.max() <= 91
    assert (due_in >= 30).mean() > 0.8  # only actions agreed near the end of a year are due sooner


def test_contacts_are_mostly_with_partners_and_near_schools(schools: pd.DataFrame, records: LocalRecords) -> None:
    steady = records.contacts[~records.contacts["school_id"].isin(records.drift["school_id"])]
    assert set(steady["kind"]) == set(CONTACT_KINDS)
    partnership = schools.set_index("school_id")["partnership_id"]
    inside = steady["school_id"].map(partnership) == steady["other_school_id"].map(partnership)
    located = schools.set_index("school_id")[["latitude", "longitude"]]
    here = np.radians(located.loc[steady["school_id"]].to_numpy())
    there = np.radians(located.loc[steady["other_school_id"]].to_numpy())
    a = (
        np.sin((there[:, 0] - here[:, 0]) / 2) ** 2
        + np.cos(here[:, 0]) * np.cos(there[:, 0]) * np.sin((there[:, 1] - here[:, 1]) / 2) ** 2
    )
    km = pd.Series(6371 * 2 * np.arcsin(np.sqrt(a)), index=steady.index)
    # The region is about 450 km by 200 km; a school's ten nearest are within about 30 km.
    outside = ~inside.to_numpy() & km.notna().to_numpy()
    assert (km[outside] < 40).mean() > 0.5
    assert (km[outside] > 100).mean() > 0.1  # some further away


def test_boards_and_workforce_add_up(records: LocalRecords) -> None:
    boards = records.board_meetings
    assert (boards["governors_present"] + boards["vacancies"] <= boards["governors_places"]).all()
    named = boards["challenge_areas"].str.split(",").map(lambda areas: [area for area in areas if area])
    assert (named.map(len) <= boards["challenges"]).all()
    assert ((named.map(len) == 0) == (boards["challenges"] == 0)).all()
    assert set(named.explode().dropna()) <= set(CHALLENGE_AREAS)
    workforce = records.workforce
    for post in ("head_vacant", "deputy_vacant", "senco_vacant"):
        assert set(workforce[post]) == {0, 1}
    # Each year starts with the staff the last one ended with.
    following = workforce.groupby("school_id")["headcount_start"].shift(-1)
    carried = following.notna()
    assert (workforce.loc[carried, "headcount_end"] == following[carried]).all()
    assert (workforce["leavers"] <= workforce["headcount_start"]).all()
    survey = records.survey[["trust", "shared_values", "raise_problems"]]
    assert ((survey >= 0) & (survey <= 100)).all().all()


# --- Awkward schools ------------------------------------------------------------------------


def test_schools_with_no_partnership_and_no_coordinates_still_have_contacts() -> None:
    loners = pd.DataFrame(
        {
            "school_id": range(1, 41),
            "partnership_id": [None] * 40,
            "latitude": [np.nan] * 40,
            "longitude": [np.nan] * 40,
        }
    )
    records = simulate_local_records(loners, SimulationSettings(seed=2))
    assert records.meetings.empty and records.attendance.empty and records.actions.empty
    assert list(records.meetings.columns) == ["meeting_id", "partnership_id", "held_on", "title"]
    contacts = records.contacts
    assert len(contacts) > 40
    assert not (contacts["school_id"] == contacts["other_school_id"]).any()
    assert contacts["school_id"].nunique() > 30
    assert len(records.workforce) == 40 * 3


def test_a_mix_of_joined_and_lone_schools(schools: pd.DataFrame, records: LocalRecords) -> None:
    lone = set(schools.loc[schools["partnership_id"].isna() & schools["latitude"].isna(), "school_id"])
    assert lone  # the fixture has some
    assert not lone & set(records.attendance["school_id"])
    assert not lone & set(records.actions["owner_school_id"])
    assert lone <= set(records.contacts["school_id"]) | set(records.contacts["other_school_id"])
    assert lone <= set(records.board_meetings["school_id"])


def test_a_single_school_or_none_is_handled() -> None:
    one = simulate_local_records(pd.DataFrame({"school_id": [7], "partnership_id": [3]}))
    assert one.contacts.empty
    assert len(one.workforce) == 3
    assert set(one.meetings["partnership_id"]) == {3}
    assert set(one.attendance["school_id"]) <= {7}
    none = simulate_local_records(pd.DataFrame({"school_id": pd.Series([], dtype=int)}))
    assert none.outcome_shift.empty and none.contacts.empty


@pytest.mark.parametrize(
    ("register", "settings", "message"),
    [
        (pd.DataFrame({"school_id": [1, 1]}), SimulationSettings(), "unique"),
        (pd.DataFrame({"school_id": [1, 2]}), SimulationSettings(periods=("2017-18",)), "academic year"),
        (pd.DataFrame({"school_id": [1, 2]}), SimulationSettings(periods=("2018/19", "2017/18")), "oldest first"),
        (pd.DataFrame({"school_id": [1, 2]}), SimulationSettings(earliest_onset_index=2), "earliest_onset_index"),
        (pd.DataFrame({"school_id": [1, 2], "partnership_id": [1.5, 2]}), SimulationSettings(), "whole number"),
    ],
)
def test_bad_input_is_refused_with_a_reason(register: pd.DataFrame, settings: SimulationSettings, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_local_records(register, settings)
