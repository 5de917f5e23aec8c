"""The trigger framework: what triggers read (:class:`TriggerData`) and their thresholds
(:class:`TriggerSettings`), the evidence as it stood at a period (:class:`Snapshot`), the
:class:`Trigger` base class and the registry."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, TypeVar

import numpy as np
import pandas as pd

from evenbetter.vocabulary.directions import HIGHER, LOWER, NEITHER

LEADING, LAGGING = "leading", "lagging"
OUTCOMES = "outcomes"

RESULT_COLUMNS = [
    "school_id",
    "trigger",
    "name",
    "kind",
    "measured",
    "fired",
    "severity",
    "evidence",
    "explanation",
]
# What one trigger's ``evaluate`` returns: the result columns that do not name the trigger.
ASSESSMENT_COLUMNS = ["school_id", "measured", "fired", "severity", "evidence", "explanation"]

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class TriggerData:
    """Everything the triggers read, for every school and period the authority holds."""

    # school_id (int), indicator (str code), period (str, e.g. "2018/19"), value (float, NaN = missing)
    observations: pd.DataFrame
    # indicator code -> "higher" | "lower" | "neither" (which way is better); a code not
    # here is taken as "neither", so it is never counted as better or worse.
    directions: Mapping[str, str]
    # school_id, period (the academic year of the inspection), grade (1 Outstanding .. 4 Inadequate)
    inspections: pd.DataFrame | None = None
    # The headline outcome indicators (for falling attainment); when empty, every indicator
    # whose domain is "outcomes".
    headline: frozenset[str] = frozenset()
    # indicator code -> domain ("outcomes", "attendance", "workforce", "governance", ...)
    domains: Mapping[str, str] = field(default_factory=dict)
    # indicator code -> a name in plain words, for evidence and explanations that read any
    # indicator (breadth of decline, falling attainment); the code itself when absent.
    names: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def coded(self) -> CodedObservations:
        """The observations' columns as numbers, worked out once for every period's
        :class:`Snapshot` (the early warning builds one per period: each would otherwise
        factorize the same half a million schools, periods and indicators again)."""
        return CodedObservations.of(self.observations)


@dataclass(frozen=True)
class CodedObservations:
    """The observations' columns as numpy arrays, row for row: schools and periods as
    positions in their sorted labels (a missing period -1), indicators as positions in the
    order first seen (a missing one -1), values as floats (NaN where not a number)."""

    school_code: np.ndarray
    school_ids: np.ndarray
    values: np.ndarray
    period_code: np.ndarray
    period_labels: np.ndarray
    indicator_code: np.ndarray
    indicator_labels: np.ndarray

    @classmethod
    def of(cls, observations: pd.DataFrame) -> CodedObservations:
        school_code, school_ids = pd.factorize(observations["school_id"].to_numpy(dtype=np.int64), sort=True)
        values = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
        # A periods column that is categorical is factorized from its codes, at no cost.
        period_code, period_labels = pd.factorize(observations["period"])
        labels = np.asarray([str(label) for label in period_labels], dtype=object)
        order = np.argsort(labels, kind="stable")
        if (order != np.arange(len(labels))).any():  # first seen is not oldest first
            rank = np.empty(len(labels) + 1, dtype=np.int64)
            rank[order], rank[-1] = np.arange(len(labels)), -1  # a missing period stays missing
            period_code, labels = rank[period_code], labels[order]
        indicator_code, indicator_labels = pd.factorize(observations["indicator"].to_numpy())
        return cls(
            school_code=school_code,
            school_ids=np.asarray(school_ids, dtype=np.int64),
            values=values,
            period_code=period_code,
            period_labels=labels,
            indicator_code=indicator_code,
            indicator_labels=np.asarray(indicator_labels, dtype=object),
        )


@dataclass(frozen=True)
class TriggerSettings:
    # --- isolation (leading)
    # At most this many distinct peer schools in contact in 12 months is isolation ...
    isolation_peers_at_most: int = 1
    # ... and so is no contact with another school for more than this many days ...
    isolation_days_over: float = 180.0
    # ... and so is at most this many peer schools ...
    narrow_contact_peers_at_most: int = 3
    # ... with under this share (%) of the contacts with schools outside its partnerships.
    narrow_contact_outside_under: float = 10.0
    # --- governance scrutiny (leading)
    # Under this many challenging questions recorded per board meeting is weak scrutiny.
    challenges_per_meeting_under: float = 1.5
    # Under this many governing board meetings in 12 months.
    board_meetings_under: int = 3
    # Under this share (%) of governors present at board meetings.
    board_attendance_under: float = 65.0
    # More than this share (%) of governor seats empty.
    governor_vacancy_rate_over: float = 20.0
    # --- weak partnership (leading)
    # Under this share (%) of the partnership actions that fell due done.
    actions_completion_under: float = 50.0
    # At least this many partnership actions overdue.
    actions_overdue_at_least: int = 3
    # Under this share (%) of its partnerships' meetings attended.
    partnership_attendance_under: float = 50.0
    # --- breadth of decline (leading)
    # Fewer indicators than this compared with the previous period, and breadth is not measured.
    min_indicators: int = 5
    # At least this share (%) of the compared indicators worse than the previous period.
    decline_share_at_least: float = 60.0
    # --- staffing (leading)
    # A key post (head, deputy, SENCO) flag at least this (1 = vacant) fires.
    key_post_vacant_at_least: int = 1
    # At least this many teaching posts vacant or filled temporarily.
    teacher_vacancies_at_least: int = 2
    # More than this many days lost to sickness per full-time member of staff.
    sickness_days_over: float = 8.0
    # More than this share (%) of staff leaving in the year.
    staff_turnover_over: float = 20.0
    # At least this many changes of headteacher or deputy in the year.
    leadership_changes_at_least: int = 2
    # --- low trust (leading)
    # Under this share (%) of staff agreeing, on any of the three survey questions.
    survey_agreeing_under: float = 60.0
    # --- low wellbeing or trust (leading), from the school's own pulse surveys
    # Under this share (%) of pupils, parents and carers or staff agreeing, on any question it reads.
    pulse_agreeing_under: float = 60.0
    # --- collective concerns (leading)
    # At least this many live concerns raised about the school in the last term, by people
    # who work with it (one person's concern alone is a conversation, not yet a pattern).
    concerns_at_least: int = 2
    # --- data confidence (leading)
    # Under this data confidence score (0-100).
    data_confidence_under: float = 60.0
    # --- falling attainment (lagging)
    # A headline result that got worse by more than this many times its spread across
    # schools (IQR / 1.349, or the standard deviation when the IQR is 0) has fallen.
    attainment_fall_sd: float = 0.5
    # The severity of a fall in each of the last two changes, however small: a pattern has
    # no distance past a threshold, and a large fall counts more through the size rule.
    steady_decline_severity: float = 0.25
    # --- rising absence (lagging)
    # Overall absence (% of sessions) up by more than this many points on the previous period.
    absence_overall_rise_over: float = 0.5
    # Persistent absence (% of pupils) up by more than this many points.
    absence_persistent_rise_over: float = 2.0
    # --- weak inspection (lagging)
    # The latest inspection's grade at least this (3 Requires improvement, 4 Inadequate).
    inspection_grade_at_least: int = 3


# ---------------------------------------------------------------------------------------
# The evidence as it stood at a period


@dataclass(frozen=True)
class Snapshot:
    """The observations as they stood at ``period``, pivoted once for every trigger.

    ``current`` holds each school's value of each indicator in ``period``; ``previous``
    its value in the school's *previous period* (the latest earlier period in which the
    school has any value), and ``before`` in the period before that. Comparing with the
    school's own previous period, rather than the calendar's, compares like with like
    when a year is missing (results were not published for 2019/20), and never reaches
    further back than the school's own record.
    """

    period: str
    school_ids: np.ndarray  # sorted, one per school in the observations
    columns: Mapping[str, int]  # indicator code -> column of the matrices
    current: np.ndarray  # schools x indicators, values in ``period``
    previous: np.ndarray  # schools x indicators, values in each school's previous period
    previous_period: np.ndarray  # per school: its previous period, "" when none
    before: np.ndarray  # schools x indicators, values in the period before the previous one
    before_period: np.ndarray  # per school, "" when none
    directions: Mapping[str, str]
    headline: frozenset[str]
    names: Mapping[str, str]
    inspections: pd.DataFrame  # school_id, period, grade: on or before ``period`` only

    @classmethod
    def build(cls, data: TriggerData, period: str) -> Snapshot:
        for code, direction in data.directions.items():
            if direction not in (HIGHER, LOWER, NEITHER):
                raise ValueError(f"unknown direction {direction!r} for indicator {code!r}")
        # Every column is read as a numpy array and filtered by position: copying the
        # frame (millions of rows for a whole country) would cost more than the triggers.
        coded = data.coded
        school_ids, period_code, labels = coded.school_ids, coded.period_code, coded.period_labels
        # Nothing after ``period`` is read: a later value must not change an earlier result.
        until = np.asarray([label <= period for label in labels] + [False], dtype=bool)
        known = np.flatnonzero(until[period_code] & ~np.isnan(coded.values))
        labels = labels[until[:-1]]  # sorted, so the kept labels are the first ones
        school_row, period_code, values = coded.school_code[known], period_code[known], coded.values[known]

        # Which periods each school has any value in; its previous periods follow from that.
        present = np.zeros((len(school_ids), len(labels)), dtype=bool)
        present[school_row, period_code] = True
        target = int(np.searchsorted(labels, period)) if len(labels) else 0
        has_target = target < len(labels) and labels[target] == period
        current_code = np.full(len(school_ids), target if has_target else -1, dtype=np.int64)
        previous_code = _latest_before(present, np.full(len(school_ids), target, dtype=np.int64))
        before_code = _latest_before(present, previous_code)

        # Only the rows of those three periods are pivoted: at most three values per
        # school and indicator, whatever the length of the history.
        wanted = (
            (period_code == current_code[school_row])
            | (period_code == previous_code[school_row])
            | (period_code == before_code[school_row])
        )
        # The indicators of those rows, numbered in the order first seen among them.
        indicator_code, seen = pd.factorize(coded.indicator_code[known[wanted]])
        if (seen < 0).any():  # a missing indicator: numbered as the codes themselves would be
            indicator_code, indicator_labels = pd.factorize(data.observations["indicator"].to_numpy()[known[wanted]])
        else:
            indicator_labels = coded.indicator_labels[seen]
        columns = {str(code): position for position, code in enumerate(indicator_labels)}
        rows, row_periods, row_values = school_row[wanted], period_code[wanted], values[wanted]
        matrices = []
        for codes in (current_code, previous_code, before_code):
            matrix = np.full((len(school_ids), len(columns)), np.nan)
            mine = row_periods == codes[rows]
            matrix[rows[mine], indicator_code[mine]] = row_values[mine]
            matrices.append(matrix)

        headline = data.headline or frozenset(code for code, domain in data.domains.items() if domain == OUTCOMES)
        return cls(
            period=period,
            school_ids=school_ids,
            columns=columns,
            current=matrices[0],
            previous=matrices[1],
            previous_period=_period_labels(labels, previous_code),
            before=matrices[2],
            before_period=_period_labels(labels, before_code),
            directions=dict(data.directions),
            headline=frozenset(headline),
            names=dict(data.names),
            inspections=_inspections_until(data.inspections, period),
        )

    def value(self, code: str) -> np.ndarray:
        """Each school's value of ``code`` in the period (NaN where it has none)."""
        return self._column(self.current, code)

    def previous_value(self, code: str) -> np.ndarray:
        return self._column(self.previous, code)

    def before_value(self, code: str) -> np.ndarray:
        return self._column(self.before, code)

    def direction(self, code: str) -> str:
        return self.directions.get(code, NEITHER)

    def name_of(self, code: str) -> str:
        return self.names.get(code, code)

    def _column(self, matrix: np.ndarray, code: str) -> np.ndarray:
        position = self.columns.get(code)
        if position is None:
            return np.full(len(self.school_ids), np.nan)
        return matrix[:, position]


def _latest_before(present: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Per row, the last column before ``limit`` that is True; -1 where there is none."""
    if present.shape[1] == 0:
        return np.full(present.shape[0], -1, dtype=np.int64)
    allowed = present & (np.arange(present.shape[1])[None, :] < limit[:, None])
    last = present.shape[1] - 1 - np.argmax(allowed[:, ::-1], axis=1)
    return np.where(allowed.any(axis=1), last, -1).astype(np.int64)


def _period_labels(labels: np.ndarray, codes: np.ndarray) -> np.ndarray:
    padded = np.append(labels, "").astype(object)
    return padded[np.where(codes >= 0, codes, len(labels))]


def _inspections_until(inspections: pd.DataFrame | None, period: str) -> pd.DataFrame:
    if inspections is None or inspections.empty:
        return pd.DataFrame(
            {"school_id": pd.Series(dtype="int64"), "period": pd.Series(dtype=object), "grade": pd.Series(dtype=float)}
        )
    frame = pd.DataFrame(
        {
            "school_id": pd.to_numeric(inspections["school_id"], errors="coerce"),
            "period": inspections["period"].astype(str),
            "grade": pd.to_numeric(inspections["grade"], errors="coerce"),
        }
    )
    frame = frame[frame["school_id"].notna() & frame["grade"].notna() & (frame["period"] <= period)]
    return frame.astype({"school_id": "int64"})


# ---------------------------------------------------------------------------------------
# The registry


class Trigger(ABC):
    """One early-warning trigger.

    ``indicators`` are the codes it reads (empty for a trigger that reads every indicator
    or something else, such as inspections). A subclass implements :meth:`assess` on a
    :class:`Snapshot`, so that :func:`evaluate_triggers` pivots the observations once for
    all triggers; :meth:`evaluate` is the same for one trigger on its own.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    kind: ClassVar[str]  # LEADING or LAGGING
    indicators: ClassVar[tuple[str, ...]] = ()

    def evaluate(self, data: TriggerData, period: str, settings: TriggerSettings) -> pd.DataFrame:
        """One row per school: ``ASSESSMENT_COLUMNS``."""
        return self.assess(Snapshot.build(data, period), settings)

    @abstractmethod
    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        """One row per school of ``snapshot.school_ids``, in that order: ``ASSESSMENT_COLUMNS``."""


_TRIGGERS: dict[str, type[Trigger]] = {}
T = TypeVar("T", bound=type[Trigger])


def register_trigger(trigger_class: T) -> T:
    """Add a trigger to the registry; a second trigger with the same code is a mistake."""
    if trigger_class.code in _TRIGGERS:
        raise ValueError(f"Two triggers share the code {trigger_class.code!r}")
    if trigger_class.kind not in (LEADING, LAGGING):
        raise ValueError(f"Trigger {trigger_class.code!r} has kind {trigger_class.kind!r}; use leading or lagging")
    _TRIGGERS[trigger_class.code] = trigger_class
    return trigger_class


def all_triggers() -> list[type[Trigger]]:
    """Every registered trigger: leading ones first, each kind in the order registered."""
    # Sorted rather than trusting import order: the leading and lagging triggers live in
    # modules that any import sorter puts in alphabetical order.
    return sorted(_TRIGGERS.values(), key=lambda trigger: trigger.kind != LEADING)


def get_trigger(code: str) -> type[Trigger]:
    try:
        return _TRIGGERS[code]
    except KeyError:
        known = ", ".join(_TRIGGERS)
        raise KeyError(f"Unknown trigger {code!r}; known triggers: {known}") from None
