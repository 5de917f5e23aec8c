"""A goal's status on hand-made figures: the straight line, met, missed, behind, waiting."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.analytics.goals import (
    BEHIND,
    CHALLENGING,
    MET,
    MISSED,
    MODEST,
    ON_TRACK,
    STRETCHING,
    UNKNOWN,
    WAITING,
    ambition,
    due_position,
    expected_at,
    figure,
    goal_status,
)
from evenbetter.vocabulary.directions import HIGHER, LOWER, NEITHER

# Reading at the expected standard: 60% in 2022/23 when the goal was set, 72% by July 2026
# (judged on 2025/26, which starts on 1 September 2025: three years of 1,096 days after
# 1 September 2022). The line: 60 -> 72 over 1,096 days, so 2023/24 (365 days in) expects
# 60 + 12 * 365/1096 = 63.996..., and 2024/25 (731 days in) expects 60 + 12 * 731/1096 = 68.003...
BASELINE = figure("2022/23", 60)
DUE = dt.date(2026, 7, 15)


def status(*values: tuple[str, float], direction: str = HIGHER, target: float = 72) -> str:
    return goal_status(
        direction=direction, target=target, due=DUE, baseline=BASELINE, figures=[figure(p, v) for p, v in values]
    ).status


def test_the_deadline_is_judged_on_the_academic_year_it_falls_in() -> None:
    assert due_position(DUE, yearly=True) == dt.date(2025, 9, 1)
    assert due_position(dt.date(2026, 9, 1), yearly=True) == dt.date(2026, 9, 1)
    assert due_position(DUE, yearly=False) == DUE


def test_the_line_runs_straight_from_the_baseline_to_the_target() -> None:
    due_at = dt.date(2025, 9, 1)
    assert expected_at(BASELINE, 72, due_at, dt.date(2023, 9, 1)) == pytest.approx(60 + 12 * 365 / 1096)
    assert expected_at(BASELINE, 72, due_at, dt.date(2024, 9, 1)) == pytest.approx(60 + 12 * 731 / 1096)
    # Before the baseline and after the deadline the line stays at its ends.
    assert expected_at(BASELINE, 72, due_at, dt.date(2020, 9, 1)) == 60
    assert expected_at(BASELINE, 72, due_at, dt.date(2027, 9, 1)) == 72


def test_at_or_above_the_line_is_on_track_and_below_it_behind() -> None:
    assert status(("2022/23", 60), ("2023/24", 64.0)) == ON_TRACK  # the line is at 63.996
    assert status(("2022/23", 60), ("2023/24", 63.9)) == BEHIND
    # Only the latest figure counts: a good year then a fall is behind.
    assert status(("2023/24", 66), ("2024/25", 67.9)) == BEHIND  # the line is at 68.003
    assert status(("2023/24", 62), ("2024/25", 68.1)) == ON_TRACK


def test_a_figure_by_the_deadline_that_reaches_the_target_meets_it_and_it_stays_met() -> None:
    assert status(("2023/24", 72)) == MET
    assert status(("2025/26", 72.5)) == MET
    assert status(("2024/25", 73), ("2025/26", 70)) == MET
    found = goal_status(
        direction=HIGHER, target=72, due=DUE, baseline=BASELINE, figures=[figure("2024/25", 73), figure("2025/26", 70)]
    )
    assert found.met_by == figure("2024/25", 73)
    assert found.latest == figure("2025/26", 70)


def test_the_deadlines_figure_short_of_the_target_misses_it_and_a_later_recovery_does_not_change_that() -> None:
    assert status(("2025/26", 71.9)) == MISSED
    assert status(("2025/26", 71.9), ("2026/27", 80)) == MISSED
    # The deadline has passed but its year's figure is not in yet: judged on the line.
    assert status(("2024/25", 70)) == ON_TRACK


def test_no_figure_since_the_baseline_is_waiting() -> None:
    assert status() == WAITING
    assert status(("2022/23", 60), ("2021/22", 50)) == WAITING


def test_lower_is_better_turns_every_comparison_round() -> None:
    # Persistent absence 20% down to 14% by 2025/26: the line at 2023/24 is 20 - 6 * 365/1096 = 18.0.
    def absence(*values: tuple[str, float]) -> str:
        return goal_status(
            direction=LOWER,
            target=14,
            due=DUE,
            baseline=figure("2022/23", 20),
            figures=[figure(p, v) for p, v in values],
        ).status

    assert absence(("2023/24", 17.9)) == ON_TRACK
    assert absence(("2023/24", 18.1)) == BEHIND
    assert absence(("2024/25", 14)) == MET
    assert absence(("2025/26", 14.1)) == MISSED


def test_without_a_baseline_the_first_figure_after_it_is_one() -> None:
    found = goal_status(
        direction=HIGHER, target=72, due=DUE, baseline=None, figures=[figure("2023/24", 64), figure("2024/25", 65)]
    )
    assert found.baseline == figure("2023/24", 64)
    # The line from 64 (1 Sep 2023) to 72 (1 Sep 2025) is at 64 + 8 * 366/731 = 68.005 a year on.
    assert found.expected == pytest.approx(64 + 8 * 366 / 731)
    assert found.status == BEHIND


def test_dated_figures_are_judged_on_the_deadline_itself() -> None:
    # A pulse survey's share agreeing, dated: 50% on 1 Jan 2026, target 70% by 1 Jan 2027.
    found = goal_status(
        direction=HIGHER,
        target=70,
        due=dt.date(2027, 1, 1),
        baseline=figure("2026-01-01", 50),
        figures=[figure("2026-07-02", 61)],
    )
    assert found.due_at == dt.date(2027, 1, 1)
    assert found.expected == pytest.approx(50 + 20 * 182 / 365)  # 59.97...
    assert found.status == ON_TRACK


def test_an_indicator_without_a_better_direction_has_no_goal() -> None:
    with pytest.raises(ValueError, match="higher or lower is better"):
        goal_status(direction=NEITHER, target=1, due=DUE, baseline=BASELINE, figures=[])


def test_ambition_against_the_family() -> None:
    # Family median 65, even-better target (upper quartile) 70.
    assert ambition(target=70, direction=HIGHER, median=65, even_better=70) == CHALLENGING
    assert ambition(target=68, direction=HIGHER, median=65, even_better=70) == STRETCHING
    assert ambition(target=65, direction=HIGHER, median=65, even_better=70) == MODEST
    # Lower is better: a median of 10% absent, the better quarter at 8%.
    assert ambition(target=8, direction=LOWER, median=10, even_better=8) == CHALLENGING
    assert ambition(target=9, direction=LOWER, median=10, even_better=8) == STRETCHING
    assert ambition(target=11, direction=LOWER, median=10, even_better=8) == MODEST
    assert ambition(target=11, direction=LOWER, median=None, even_better=None) == UNKNOWN
