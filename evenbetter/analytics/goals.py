"""A goal's status from its figures, and how ambitious its target is. Pure Python; no Django.

A goal says: this indicator, for this school (or this partnership's or locality's schools
taken together), will reach ``target`` by ``due``. Figures are dated by the start of their
period (an academic year "2024/25" by 1 September 2024, a dated value by its date), so a
deadline counts the figure of the period it falls in: "by July 2026" is judged on 2025/26.

The rule (:func:`goal_status`), with "better" taken from the indicator's direction
(``vocabulary.directions``: higher or lower is better):

- the **baseline** is the latest figure when the goal was set (or, when there was none, the
  first figure after it); the **line** runs straight from the baseline, at its date, to the
  target, at the deadline's period;
- **met**: a figure dated by the deadline reaches the target (at it or better). Once met a
  goal stays met, even if a later figure slips: it is what is celebrated;
- **missed**: the figure of the deadline's period (or a later one) is in, and no figure by
  the deadline reached the target;
- **on track**: the latest figure is at the line, or better, at its own date;
- **behind**: the latest figure is worse than the line at its date;
- **waiting**: no figure since the baseline yet, so there is nothing to judge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from evenbetter.vocabulary.directions import HIGHER, LOWER
from evenbetter.vocabulary.periods import is_academic_year, parse_period

ON_TRACK, BEHIND, MET, MISSED, WAITING = "on_track", "behind", "met", "missed", "waiting"
STATUS_WORDS = {
    ON_TRACK: "On track",
    BEHIND: "Behind",
    MET: "Met",
    MISSED: "Missed",
    WAITING: "No new figures yet",
}

# How a target compares with the evidence set beside it.
CHALLENGING, STRETCHING, MODEST, UNKNOWN = "challenging", "stretching", "modest", "unknown"
AMBITION_WORDS = {
    CHALLENGING: "Challenging: at or beyond the even-better target (the upper quartile of similar schools)",
    STRETCHING: "Stretching: better than the typical similar school, short of the even-better target",
    MODEST: "Modest: no better than the typical similar school",
    UNKNOWN: "No similar-school figures to compare the target with",
}


@dataclass(frozen=True)
class Figure:
    """One value of the goal's indicator: its period and the date the period starts."""

    period: str
    at: dt.date
    value: float


def figure(period: str, value: float) -> Figure:
    return Figure(period, parse_period(period)[1], float(value))


def due_position(due: dt.date, *, yearly: bool) -> dt.date:
    """The date a deadline is judged at: the start of its academic year when the indicator is
    kept by academic year (its figure for that year is the one that counts), else itself."""
    if not yearly:
        return due
    start_year = due.year if due.month >= 9 else due.year - 1
    return dt.date(start_year, 9, 1)


def is_yearly(figures: Sequence[Figure]) -> bool:
    """Whether the indicator's figures are kept by academic year (true when there are none)."""
    return all(is_academic_year(f.period) for f in figures)


def at_or_better(value: float, than: float, direction: str) -> bool:
    if direction == HIGHER:
        return value >= than
    if direction == LOWER:
        return value <= than
    raise ValueError(f"A goal needs an indicator where higher or lower is better, not {direction!r}")


def expected_at(baseline: Figure, target: float, due_at: dt.date, when: dt.date) -> float:
    """Where the straight line from the baseline to the target stands at ``when``."""
    span = (due_at - baseline.at).days
    if span <= 0:
        return target
    share = min(max((when - baseline.at).days / span, 0.0), 1.0)
    return baseline.value + (target - baseline.value) * share


@dataclass(frozen=True)
class GoalStatus:
    status: str
    baseline: Figure | None
    latest: Figure | None
    expected: float | None  # the line's value at the latest figure's date
    met_by: Figure | None  # the first figure that reached the target
    due_at: dt.date

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


def goal_status(
    *,
    direction: str,
    target: float,
    due: dt.date,
    baseline: Figure | None,
    figures: Sequence[Figure],
) -> GoalStatus:
    """The goal's status by the rule in the module's docstring. ``figures``: every figure of
    the goal's indicator for its owner, in any order; ``baseline``: the latest one when the
    goal was set (None when there was none)."""
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"A goal needs an indicator where higher or lower is better, not {direction!r}")
    ordered = sorted(figures, key=lambda f: f.at)
    due_at = due_position(due, yearly=is_yearly([*ordered, *([baseline] if baseline else [])]))
    if baseline is None and ordered:
        baseline = ordered[0]
    after = [f for f in ordered if baseline is not None and f.at > baseline.at]
    latest = after[-1] if after else None
    met_by = next((f for f in after if f.at <= due_at and at_or_better(f.value, target, direction)), None)
    if met_by is not None:
        status = MET
    elif latest is None or baseline is None:
        status = WAITING
    elif latest.at >= due_at:
        status = MISSED
    else:
        status = ON_TRACK
    expected = None
    if latest is not None and baseline is not None:
        expected = expected_at(baseline, target, due_at, latest.at)
        if status == ON_TRACK and not at_or_better(latest.value, expected, direction):
            status = BEHIND
    return GoalStatus(status, baseline, latest, expected, met_by, due_at)


def ambition(*, target: float, direction: str, median: float | None, even_better: float | None) -> str:
    """How the target compares with similar schools: at or beyond the even-better target
    (their upper quartile on the better side) is challenging; beyond their median stretching;
    else modest."""
    if even_better is not None and at_or_better(target, even_better, direction):
        return CHALLENGING
    if median is None:
        return UNKNOWN
    if at_or_better(target, median, direction) and target != median:
        return STRETCHING
    return MODEST
