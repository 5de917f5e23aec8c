"""Families of similar schools on small hand-made sets where the right answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.families import FamilySettings, build_families, nearby_like_us

SMALL = FamilySettings(size=3, shortlist=6)


def _schools(rows: list[tuple[int, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school_id", "phase", "pupils_on_roll", "percent_fsm", "percent_eal"])


@pytest.fixture
def two_kinds() -> pd.DataFrame:
    # Schools 1-4 are small with little disadvantage; 5-8 large with much; 9 is secondary.
    return _schools(
        [
            (1, "Primary", 100, 5, 2),
            (2, "Primary", 110, 6, 3),
            (3, "Primary", 95, 4, 2),
            (4, "Primary", 120, 7, 1),
            (5, "Primary", 600, 40, 30),
            (6, "Primary", 650, 42, 28),
            (7, "Primary", 580, 38, 35),
            (8, "Primary", 700, 45, 25),
            (9, "Secondary", 105, 5, 2),
        ]
    )


def test_a_school_is_grouped_with_schools_like_it_and_never_with_itself(two_kinds: pd.DataFrame) -> None:
    families = build_families(two_kinds, SMALL)
    assert set(families.family_of(1)["member_id"]) == {2, 3, 4}
    assert set(families.family_of(6)["member_id"]) == {5, 7, 8}
    assert not (families.members["school_id"] == families.members["member_id"]).any()


def test_families_stay_within_the_phase(two_kinds: pd.DataFrame) -> None:
    families = build_families(two_kinds, SMALL)
    assert 9 not in set(families.members["member_id"])
    assert families.family_of(9).empty  # alone in its phase


def test_members_come_nearest_first_with_why(two_kinds: pd.DataFrame) -> None:
    family = build_families(two_kinds, SMALL).family_of(1)
    assert family["rank"].tolist() == [1, 2, 3]
    assert family["distance"].is_monotonic_increasing
    assert family["member_id"].iloc[0] in {2, 3}
    why = build_families(two_kinds, SMALL).explanations
    row = why[(why["school_id"] == 1) & (why["member_id"] == 4) & (why["variable"] == "pupils_on_roll")]
    assert (row["school_value"].item(), row["member_value"].item(), row["difference"].item()) == (100, 120, 20)
    shares = why[(why["school_id"] == 1) & (why["member_id"] == 4)]["share"]
    assert shares.sum() == pytest.approx(1.0, abs=1e-3)


def test_weights_change_who_is_nearest() -> None:
    schools = _schools(
        [
            (1, "Primary", 200, 10, 10),
            (2, "Primary", 200, 30, 10),  # same size, different FSM
            (3, "Primary", 600, 10, 10),  # different size, same FSM
            (4, "Primary", 400, 20, 10),
            (5, "Primary", 300, 25, 10),
        ]
    )
    by_fsm = FamilySettings(weights={"pupils_on_roll": 0.1, "percent_fsm": 5.0}, size=1, shortlist=4)
    by_size = FamilySettings(weights={"pupils_on_roll": 5.0, "percent_fsm": 0.1}, size=1, shortlist=4)
    assert build_families(schools, by_fsm).family_of(1)["member_id"].tolist() == [3]
    assert build_families(schools, by_size).family_of(1)["member_id"].tolist() == [2]


def test_missing_context_is_measured_on_what_both_know_and_said_so() -> None:
    schools = _schools(
        [
            (1, "Primary", 100, 5, np.nan),
            (2, "Primary", 110, 6, 3),
            (3, "Primary", 600, 40, 30),
            (4, "Primary", 100, np.nan, np.nan),  # only a third of the weight known
        ]
    )
    families = build_families(schools, FamilySettings(size=2, shortlist=3))
    nearest = families.family_of(1).iloc[0]
    assert nearest["member_id"] == 2
    assert nearest["weight_share"] == pytest.approx(2 / 3, abs=1e-3)
    assert families.no_family["school_id"].tolist() == [4]
    assert 4 not in set(families.members["member_id"])


def test_a_small_change_in_one_school_does_not_reshuffle_the_others() -> None:
    rng = np.random.default_rng(7)
    n = 300
    schools = pd.DataFrame(
        {
            "school_id": range(1, n + 1),
            "phase": "Primary",
            "pupils_on_roll": rng.integers(50, 700, n),
            "percent_fsm": rng.uniform(0, 60, n).round(1),
            "percent_eal": rng.uniform(0, 50, n).round(1),
        }
    )
    before = build_families(schools, FamilySettings(size=30, shortlist=60)).members
    nudged = schools.copy()
    nudged.loc[nudged["school_id"] == 150, "percent_fsm"] += 0.1
    after = build_families(nudged, FamilySettings(size=30, shortlist=60)).members
    changed = []
    for school in range(1, n + 1):
        if school == 150:
            continue
        old = set(before.loc[before["school_id"] == school, "member_id"])
        new = set(after.loc[after["school_id"] == school, "member_id"])
        if old != new:
            changed.append(school)
            assert 150 in old ^ new, "a family may only change by school 150 entering or leaving it"
    # A 0.1 point change can at most move school 150 across the edge of a few families.
    assert len(changed) <= 3


def test_families_match_a_brute_force_search() -> None:
    rng = np.random.default_rng(11)
    n = 200
    schools = pd.DataFrame(
        {
            "school_id": range(1, n + 1),
            "phase": "Primary",
            "pupils_on_roll": rng.integers(50, 700, n).astype(float),
            "percent_fsm": rng.uniform(0, 60, n),
            "percent_eal": rng.uniform(0, 50, n),
        }
    )
    settings = FamilySettings(size=10, shortlist=60)
    families = build_families(schools, settings)
    scaled = schools[["pupils_on_roll", "percent_fsm", "percent_eal"]].copy()
    scaled["pupils_on_roll"] = np.log1p(scaled["pupils_on_roll"])
    spread = (scaled.quantile(0.75) - scaled.quantile(0.25)) / 1.349
    scaled = (scaled / spread.map(lambda v: float(f"{v:.1e}"))).to_numpy()
    for school in (1, 57, 200):
        row = school - 1
        distances = np.sqrt(((scaled - scaled[row]) ** 2).sum(axis=1))
        distances[row] = np.inf
        expected = [int(i) + 1 for i in np.lexsort((np.arange(n), distances))[:10]]
        assert families.family_of(school)["member_id"].tolist() == expected


def test_nearby_schools_like_us_within_a_distance() -> None:
    schools = _schools(
        [(1, "Primary", 100, 5, 2), (2, "Primary", 110, 6, 3), (3, "Primary", 600, 40, 30), (4, "Primary", 100, 5, 2)]
    )
    schools["latitude"] = [51.0, 51.01, 51.02, 52.0]  # school 4 is over 100 km north
    schools["longitude"] = [-1.0, -1.0, -1.0, -1.0]
    near = nearby_like_us(schools, 1, within_km=5)
    assert near["member_id"].tolist() == [2, 3]
    assert near["km"].iloc[0] == pytest.approx(1.11, abs=0.01)
