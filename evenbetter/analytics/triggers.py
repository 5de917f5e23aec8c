"""Early-warning triggers: plain rules that say which school may be starting to struggle, and why.

Pure functions on pandas data frames and numpy arrays; no Django.

A trigger is a small class in a registry (a new trigger is a new class, not a new ``if``).
Each one reads a few indicators, compares them with thresholds kept in
:class:`TriggerSettings`, and says for every school whether it **fired**, how **severe**
that is (0 to 1), the **evidence** it looked at (every value, with its period and the
threshold) and, when it fired, an **explanation** in plain words for a headteacher. A
risk score that cannot say why is not shown (*explainable before clever*), so nothing
here is learned: every number can be checked by hand against the evidence.

Triggers are of two kinds (*leading, not lagging*):

- **leading** triggers come before decline: isolation from other schools, weak
  governance scrutiny, partnerships that talk without acting, breadth of decline across
  many measures, staffing gaps, low trust, unreliable data;
- **lagging** symptoms show decline that has already happened: falling results, rising
  absence, a weak inspection.

Authorities hold different indicators. A trigger none of whose indicators has a value
for a school in the period is **not measured** for that school (``measured`` False,
``fired`` False): a missing record is not evidence, so it is never an error and never
"fired". A trigger with some of its indicators judges on those it has, and its evidence
says which were not recorded.

Evaluation is **as at** a period: only observations of that period and earlier are read,
so that a result computed for a past year is the one the system could have computed
then (the risk model is trained on these, and must not see the future). Periods are
academic years such as "2018/19", which sort oldest first as strings.

Comparisons, decided once for all triggers: a threshold on a whole number (peer schools,
meetings, posts, changes, a grade) is inclusive and is written "at most" / "at least";
every other threshold is strict and is written "under" / "more than", so a value exactly
at it does not fire.

Severity is how far past its threshold a condition is, divided by the condition's
**scale** (the distance past the threshold that counts as fully severe), capped at 1; for
an inclusive threshold the threshold itself counts as one past (so that a school at it
has a severity above 0). A trigger's severity is the largest over the conditions that
fired; a condition that needs two things at once (few peers *and* little contact outside
the partnership) is as severe as the lesser of the two. Each trigger documents its
scales.
"""

from __future__ import annotations

import math
import string
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

import numpy as np
import pandas as pd

from evenbetter.vocabulary.grades import GRADE_NAMES

HIGHER, LOWER, NEITHER = "higher", "lower", "neither"
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
        observations = data.observations
        # Every column is read as a numpy array and filtered by position: copying the
        # frame (millions of rows for a whole country) would cost more than the triggers.
        school_code, school_ids = pd.factorize(observations["school_id"].to_numpy(dtype=np.int64), sort=True)
        school_ids = np.asarray(school_ids, dtype=np.int64)
        values = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
        # A periods column that is categorical is factorized from its codes, at no cost.
        period_code, period_labels = pd.factorize(observations["period"])
        labels = np.asarray([str(label) for label in period_labels], dtype=object)
        order = np.argsort(labels, kind="stable")
        if (order != np.arange(len(labels))).any():  # first seen is not oldest first
            rank = np.empty(len(labels) + 1, dtype=np.int64)
            rank[order], rank[-1] = np.arange(len(labels)), -1  # a missing period stays missing
            period_code, labels = rank[period_code], labels[order]
        # Nothing after ``period`` is read: a later value must not change an earlier result.
        until = np.asarray([label <= period for label in labels] + [False], dtype=bool)
        known = np.flatnonzero(until[period_code] & ~np.isnan(values))
        labels = labels[until[:-1]]  # sorted, so the kept labels are the first ones
        school_row, period_code, values = school_code[known], period_code[known], values[known]

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
        indicators = observations["indicator"].to_numpy()[known[wanted]]
        indicator_code, indicator_labels = pd.factorize(indicators)
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
# Words and numbers


def number(value: float) -> str:
    """A value as a person writes it: 1, 62.5, 1.33 (rounded to at most two decimals)."""
    if math.isnan(value):
        return NOT_RECORDED
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def _numbers(values: np.ndarray, suffix: str = "") -> np.ndarray:
    """``number`` for every value, each distinct value formatted once (evidence is built
    for every school, and the values repeat)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=float), use_na_sentinel=True)
    words = np.array([number(v) + suffix for v in uniques.tolist()] + [NOT_RECORDED], dtype=object)
    return words[codes]


def _words(values: np.ndarray, unit: str = "", nouns: tuple[str, str] = ("", "")) -> np.ndarray:
    """Values as an explanation says them: "1 peer school", "3 peer schools", "62%"."""
    singular, plural = nouns
    if not singular:
        return _numbers(values, unit)
    return _numbers(values) + np.where(values == 1, " " + singular, " " + plural).astype(object)


def _fill(template: str, words: Mapping[str, np.ndarray], size: int) -> np.ndarray:
    """``template`` with each ``{field}`` filled element by element from ``words``."""
    filled = np.full(size, "", dtype=object)
    for literal, field_name, _, _ in string.Formatter().parse(template):
        filled = filled + literal
        if field_name is not None:
            filled = filled + words[field_name]
    return filled


def _join(parts: list[np.ndarray], separator: str, size: int) -> np.ndarray:
    """Join arrays of strings element by element, leaving out empty strings."""
    joined = np.full(size, "", dtype=object)
    for part in parts:
        filled = part != ""
        glue = np.where((joined != "") & filled, separator, "")
        joined = np.where(filled, joined + glue + part, joined)
    return joined


def _assessment(
    snapshot: Snapshot,
    measured: np.ndarray,
    fired: np.ndarray,
    severity: np.ndarray,
    evidence: np.ndarray,
    explanation: np.ndarray,
) -> pd.DataFrame:
    fired = fired & measured
    return pd.DataFrame(
        {
            "school_id": snapshot.school_ids,
            "measured": measured.astype(bool),
            "fired": fired.astype(bool),
            "severity": np.where(fired, np.clip(severity, 0.0, 1.0), 0.0).astype(float),
            "evidence": evidence.astype(object),
            "explanation": np.where(fired, explanation, "").astype(object),
        },
        columns=ASSESSMENT_COLUMNS,
    )


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
    """Every registered trigger, in the order registered: leading ones first."""
    return list(_TRIGGERS.values())


def get_trigger(code: str) -> type[Trigger]:
    try:
        return _TRIGGERS[code]
    except KeyError:
        known = ", ".join(_TRIGGERS)
        raise KeyError(f"Unknown trigger {code!r}; known triggers: {known}") from None


# ---------------------------------------------------------------------------------------
# Threshold triggers: a few conditions on this period's values

COMPARISONS = {"<": "under", "<=": "at most", ">": "more than", ">=": "at least"}


@dataclass(frozen=True)
class Check:
    """One value against one threshold."""

    indicator: str
    label: str  # the value in plain words, for the evidence: "peer schools in contact"
    comparison: str  # one of COMPARISONS; "<=" and ">=" only for whole numbers
    threshold: str  # the TriggerSettings field that holds the threshold
    scale: float  # the distance past the threshold that counts as fully severe
    unit: str = ""  # written after the number: "%"
    nouns: tuple[str, str] = ("", "")  # for the explanation: ("peer school", "peer schools")

    def limit(self, settings: TriggerSettings) -> float:
        return float(getattr(settings, self.threshold))

    def holds(self, values: np.ndarray, settings: TriggerSettings) -> np.ndarray:
        limit = self.limit(settings)
        with np.errstate(invalid="ignore"):
            result = {
                "<": values < limit,
                "<=": values <= limit,
                ">": values > limit,
                ">=": values >= limit,
            }[self.comparison]
        return result & ~np.isnan(values)

    def severity(self, values: np.ndarray, settings: TriggerSettings) -> np.ndarray:
        """How far past the threshold, over the scale; the threshold of an inclusive
        comparison counts as one past."""
        limit = self.limit(settings)
        distance = limit - values if self.comparison in ("<", "<=") else values - limit
        if self.comparison in ("<=", ">="):
            distance = distance + 1
        return np.clip(np.nan_to_num(distance / self.scale, nan=0.0), 0.0, 1.0)

    def threshold_words(self, settings: TriggerSettings) -> str:
        return f"{COMPARISONS[self.comparison]} {number(self.limit(settings))}{self.unit}"

    def describe(self, values: np.ndarray) -> np.ndarray:
        """The values with their unit or noun, for an explanation: "1 peer school", "62%"."""
        return _words(values, self.unit, self.nouns)


@dataclass(frozen=True)
class Condition:
    """Checks that must all hold for the condition to fire, and the sentence that says so.

    ``sentence`` is filled with each check's value described (see :meth:`Check.describe`),
    by indicator code: "Little contact with other schools: {peers_12m} in the last 12 months."
    """

    checks: tuple[Check, ...]
    sentence: str


class ThresholdTrigger(Trigger):
    """A trigger that fires when any of its conditions holds for this period's values."""

    conditions: ClassVar[tuple[Condition, ...]]

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        values = {code: snapshot.value(code) for code in self.indicators}
        measured = np.zeros(size, dtype=bool)
        for code in self.indicators:
            measured |= ~np.isnan(values[code])
        fired = np.zeros(size, dtype=bool)
        severity = np.zeros(size)
        evidence_parts, sentences = [], []
        for condition in self.conditions:
            holds = np.ones(size, dtype=bool)
            condition_severity = np.ones(size)
            shown, limits = [], []
            for check in condition.checks:
                checked = values[check.indicator]
                holds &= check.holds(checked, settings)
                condition_severity = np.minimum(condition_severity, check.severity(checked, settings))
                shown.append(f"{check.label} {snapshot.period}: " + _numbers(checked, check.unit).astype(object))
                limits.append(check.threshold_words(settings))
            # "peer schools in contact 2018/19: 1 (threshold: at most 1)"
            evidence_parts.append(_join(shown, " and ", size) + f" (threshold: {' and '.join(limits)})")
            fired |= holds
            severity = np.where(holds, np.maximum(severity, condition_severity), severity)
            sentence = np.full(size, "", dtype=object)
            rows = np.flatnonzero(holds)
            words = {check.indicator: check.describe(values[check.indicator][rows]) for check in condition.checks}
            sentence[rows] = _fill(condition.sentence, words, len(rows))
            sentences.append(sentence)
        return _assessment(
            snapshot,
            measured,
            fired,
            severity,
            _join(evidence_parts, "; ", size),
            _join(sentences, " ", size),
        )


def _simple(check: Check, sentence: str) -> Condition:
    return Condition((check,), sentence)


PEERS = Check(
    "peers_12m",
    "peer schools in contact",
    "<=",
    "isolation_peers_at_most",
    # 1 at the threshold (one peer) is half; no peer at all is fully severe.
    scale=2,
    nouns=("peer school", "peer schools"),
)
NARROW_PEERS = Check(
    "peers_12m",
    "peer schools in contact",
    "<=",
    "narrow_contact_peers_at_most",
    # 3 peers is a quarter, 2 half (fewer than 2 is isolation anyway).
    scale=4,
    nouns=("peer school", "peer schools"),
)


@register_trigger
class Isolation(ThresholdTrigger):
    """A school that stops working with other schools is often a school starting to
    struggle, and one that only talks to its own cluster is less connected than its
    number of contacts suggests."""

    code = "isolation"
    name = "Isolation from other schools"
    kind = LEADING
    indicators = ("peers_12m", "days_since_contact", "contact_outside_partnership")
    conditions = (
        _simple(PEERS, "Little contact with other schools: {peers_12m} in the last 12 months."),
        _simple(
            Check(
                "days_since_contact",
                "days since contact with another school",
                ">",
                "isolation_days_over",
                scale=180,  # a whole year without contact is fully severe
                nouns=("day", "days"),
            ),
            "No contact with another school for {days_since_contact}.",
        ),
        Condition(
            (
                NARROW_PEERS,
                Check(
                    "contact_outside_partnership",
                    "contact outside its partnerships",
                    "<",
                    "narrow_contact_outside_under",
                    scale=10,  # no contact at all outside its partnerships is fully severe
                    unit="%",
                ),
            ),
            "Contact mostly within its own partnership: {peers_12m}, and {contact_outside_partnership} "
            "of contact with schools outside it.",
        ),
    )


@register_trigger
class GovernanceScrutiny(ThresholdTrigger):
    """A board that rarely meets, is half empty or asks no hard questions lets a school
    drift; weak scrutiny comes before falling results, not after."""

    code = "governance_scrutiny"
    name = "Weak governance scrutiny"
    kind = LEADING
    indicators = ("challenges_per_meeting", "board_meetings_12m", "board_attendance", "governor_vacancy_rate")
    conditions = (
        _simple(
            Check(
                "challenges_per_meeting",
                "challenges recorded per board meeting",
                "<",
                "challenges_per_meeting_under",
                scale=1.5,  # no challenge recorded at all is fully severe
                nouns=("challenge", "challenges"),
            ),
            "Little challenge from governors: {challenges_per_meeting} recorded per board meeting.",
        ),
        _simple(
            Check(
                "board_meetings_12m",
                "governing board meetings in 12 months",
                "<",
                "board_meetings_under",
                scale=3,  # no meeting at all is fully severe
                nouns=("meeting", "meetings"),
            ),
            "The governing board met rarely: {board_meetings_12m} in the last 12 months.",
        ),
        _simple(
            Check(
                "board_attendance",
                "governors present at board meetings",
                "<",
                "board_attendance_under",
                scale=25,  # 25 points below (40% present) is fully severe
                unit="%",
            ),
            "Governors often absent: {board_attendance} present at board meetings.",
        ),
        _simple(
            Check(
                "governor_vacancy_rate",
                "governor seats empty",
                ">",
                "governor_vacancy_rate_over",
                scale=20,  # 20 points above (40% empty) is fully severe
                unit="%",
            ),
            "Empty seats on the governing board: {governor_vacancy_rate} of seats vacant.",
        ),
    )


@register_trigger
class WeakPartnership(ThresholdTrigger):
    """A partnership that meets and agrees but does not act is talk, not help: actions
    left undone and meetings missed show a school drifting away from its partners."""

    code = "weak_partnership"
    name = "Partnership without action"
    kind = LEADING
    indicators = ("actions_completion", "actions_overdue", "partnership_attendance")
    conditions = (
        _simple(
            Check(
                "actions_completion",
                "partnership actions done when due",
                "<",
                "actions_completion_under",
                scale=50,  # none done is fully severe
                unit="%",
            ),
            "Partnership actions not done: only {actions_completion} of the actions due were completed.",
        ),
        _simple(
            Check(
                "actions_overdue",
                "partnership actions overdue",
                ">=",
                "actions_overdue_at_least",
                scale=3,  # 3 overdue is a third, 5 or more fully severe
                nouns=("action", "actions"),
            ),
            "Partnership actions overdue: {actions_overdue} past their due date.",
        ),
        _simple(
            Check(
                "partnership_attendance",
                "partnership meetings attended",
                "<",
                "partnership_attendance_under",
                scale=50,  # attending none is fully severe
                unit="%",
            ),
            "Missing partnership meetings: attended {partnership_attendance} of them.",
        ),
    )


@register_trigger
class Staffing(ThresholdTrigger):
    """Vacant key posts, many vacancies, sickness and turnover take leaders' time and
    the continuity children need, well before results show it."""

    code = "staffing"
    name = "Staffing gaps and instability"
    kind = LEADING
    indicators = (
        "head_vacant",
        "deputy_vacant",
        "senco_vacant",
        "teacher_vacancies",
        "sickness_days_per_fte",
        "staff_turnover",
        "leadership_changes",
    )
    conditions = (
        _simple(
            # A vacant headship is fully severe (the flag 1 is at the threshold, one step past).
            Check("head_vacant", "headteacher post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=1),
            "The headteacher post is vacant or covered on an interim basis.",
        ),
        _simple(
            # A vacant deputy or SENCO post is half as severe as a vacant headship.
            Check("deputy_vacant", "deputy head post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=2),
            "A deputy head post is vacant.",
        ),
        _simple(
            Check("senco_vacant", "SENCO post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=2),
            "The SENCO post is vacant.",
        ),
        _simple(
            Check(
                "teacher_vacancies",
                "teacher vacancies",
                ">=",
                "teacher_vacancies_at_least",
                scale=3,  # 2 vacancies is a third, 4 or more fully severe
                nouns=("teaching post", "teaching posts"),
            ),
            "Teacher vacancies: {teacher_vacancies} vacant or filled temporarily.",
        ),
        _simple(
            Check(
                "sickness_days_per_fte",
                "sickness days per full-time member of staff",
                ">",
                "sickness_days_over",
                scale=8,  # 8 days above (16 days) is fully severe
                nouns=("day", "days"),
            ),
            "High staff sickness: {sickness_days_per_fte} lost per full-time member of staff.",
        ),
        _simple(
            Check(
                "staff_turnover",
                "staff turnover",
                ">",
                "staff_turnover_over",
                scale=20,  # 20 points above (40% leaving) is fully severe
                unit="%",
            ),
            "High staff turnover: {staff_turnover} of staff left in the year.",
        ),
        _simple(
            Check(
                "leadership_changes",
                "changes of headteacher or deputy",
                ">=",
                "leadership_changes_at_least",
                scale=2,  # 2 changes is half, 3 or more fully severe
                nouns=("change", "changes"),
            ),
            "Unsettled leadership: {leadership_changes} of headteacher or deputy in the year.",
        ),
    )


def _survey_check(indicator: str, label: str) -> Check:
    # 30 points below the threshold (30% agreeing) is fully severe.
    return Check(indicator, label, "<", "survey_agreeing_under", scale=30, unit="%")


@register_trigger
class LowTrust(ThresholdTrigger):
    """Where staff do not trust leaders, cannot raise problems or do not share the
    school's aims, problems stay hidden until they show in results."""

    code = "low_trust"
    name = "Low staff trust"
    kind = LEADING
    indicators = ("survey_trust", "survey_raise_problems", "survey_shared_values")
    conditions = (
        _simple(
            _survey_check("survey_trust", "staff who trust leaders and colleagues"),
            "Low trust: only {survey_trust} of staff trust leaders and colleagues.",
        ),
        _simple(
            _survey_check("survey_raise_problems", "staff who feel able to raise problems"),
            "Staff do not feel able to raise problems: only {survey_raise_problems} say they can.",
        ),
        _simple(
            _survey_check("survey_shared_values", "staff who share the school's values"),
            "Staff do not share the school's values: only {survey_shared_values} say they do.",
        ),
    )


@register_trigger
class DataConfidence(ThresholdTrigger):
    """When the evidence about a school is incomplete or implausible, every other
    judgement about it is weaker, and missing returns are themselves a sign of strain."""

    code = "data_confidence"
    name = "Low confidence in the data"
    kind = LEADING
    indicators = ("data_confidence",)
    conditions = (
        _simple(
            Check(
                "data_confidence",
                "data confidence score (0-100)",
                "<",
                "data_confidence_under",
                scale=30,  # 30 points below (a score of 30) is fully severe
            ),
            "Low confidence in the school's data: a confidence score of {data_confidence} out of 100.",
        ),
    )


# ---------------------------------------------------------------------------------------
# Triggers on change since the previous period


def _orientation(snapshot: Snapshot) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better, 0 otherwise, per column."""
    signs = np.zeros(len(snapshot.columns))
    for code, position in snapshot.columns.items():
        direction = snapshot.direction(code)
        signs[position] = 1.0 if direction == HIGHER else -1.0 if direction == LOWER else 0.0
    return signs


@register_trigger
class BreadthOfDecline(Trigger):
    """Many measures slipping at once, each by a little, comes before a fall in any one
    of them that is large enough to notice.

    Reads every indicator with a direction that the school has in both the period and
    its previous period; an unchanged value is not worse. Measured only when at least
    ``min_indicators`` are compared, since a share of two or three says little. Fires when
    at least ``decline_share_at_least`` % of them got worse. Severity is the share of the
    way from the least number worse that fires to all of them worse, counting the least
    as one step: with 5 compared, 3 worse is 1/3, 4 is 2/3, 5 is 1. The evidence names
    the ones that fell most, by change relative to the previous value.
    """

    code = "breadth_of_decline"
    name = "Decline across many measures"
    kind = LEADING
    indicators = ()
    # The evidence names at most this many of the indicators that fell most ...
    named: ClassVar[int] = 5
    # ... and the explanation this many.
    told: ClassVar[int] = 3

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        period, since = snapshot.period, snapshot.previous_period
        signs = _orientation(snapshot)
        current, previous = snapshot.current, snapshot.previous
        compared = ~np.isnan(current) & ~np.isnan(previous) & (signs != 0)[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            better_by = (current - previous) * signs[None, :]  # negative: got worse
            # A fall from 0 has no relative size; it is put first.
            relative = np.where(previous != 0, better_by / np.abs(previous), -np.inf)
        worse = compared & (better_by < 0)
        count, worse_count = compared.sum(axis=1), worse.sum(axis=1)
        measured = count >= settings.min_indicators
        # The least number worse that fires; the small allowance keeps 60% of 5 at 3.
        needed = np.maximum(np.ceil(count * settings.decline_share_at_least / 100.0 - 1e-9), 1).astype(np.int64)
        fired = measured & (worse_count >= needed)
        with np.errstate(invalid="ignore", divide="ignore"):
            severity = np.where(fired, (worse_count - needed + 1) / (count - needed + 1), 0.0)

        # The indicators that fell most, worst first; "" past the last one that fell.
        order = np.argsort(np.where(worse, relative, np.inf), axis=1, kind="stable")[:, : self.named]
        names = np.array([snapshot.name_of(code) for code in snapshot.columns], dtype=object)
        rows = np.arange(size)
        fell, fell_names = [], []
        for rank in range(self.named):
            if rank >= order.shape[1]:
                fell_names.append(np.full(size, "", dtype=object))
                continue
            column = order[:, rank]
            fell_here = worse[rows, column]
            fell.append(
                np.where(
                    fell_here,
                    names[column]
                    + " "
                    + _numbers(previous[rows, column])
                    + " in "
                    + since
                    + " to "
                    + _numbers(current[rows, column])
                    + f" in {period}",
                    "",
                )
            )
            fell_names.append(np.where(fell_here, names[column], ""))
        fell_most = _join(fell, ", ", size)
        threshold = (
            f"threshold: at least {number(settings.decline_share_at_least)}% worse, "
            f"of at least {settings.min_indicators} compared"
        )
        evidence = np.where(
            since == "",
            f"no earlier period than {period} to compare with ({threshold})",
            _numbers(worse_count)
            + " of "
            + _numbers(count)
            + f" indicators worse in {period} than in "
            + since
            + f" ({threshold})"
            + np.where(fell_most != "", "; fell most: " + fell_most, ""),
        )
        explanation = (
            "Many things got worse at once: "
            + _numbers(worse_count)
            + " of "
            + _numbers(count)
            + " measures fell since "
            + since
            + ", most of all "
            + _listed(fell_names[: self.told], size)
            + "."
        )
        return _assessment(snapshot, measured, fired, severity, evidence, explanation)


def _listed(words: list[np.ndarray], size: int) -> np.ndarray:
    """Element by element, the non-empty words as a list in prose: "a, b and c"."""
    listed = np.full(size, "", dtype=object)
    for position, word in enumerate(words):
        later = [other != "" for other in words[position + 1 :]]
        last = ~np.logical_or.reduce(later) if later else np.ones(size, dtype=bool)
        glue = np.where(listed == "", "", np.where(last, " and ", ", "))
        listed = np.where(word != "", listed + glue + word, listed)
    return listed


def robust_spread(values: np.ndarray) -> float:
    """The spread of values across schools: IQR / 1.349 (the standard deviation of a
    normal distribution with that IQR, little moved by a few extreme schools), or the
    standard deviation when the IQR is 0; NaN when neither can be had."""
    present = values[~np.isnan(values)]
    if len(present) < 2:
        return float("nan")
    q1, q3 = np.quantile(present, [0.25, 0.75])
    spread = float((q3 - q1) / 1.349)
    if spread > 0:
        return spread
    deviation = float(np.std(present, ddof=1))
    return deviation if deviation > 0 else float("nan")


@register_trigger
class FallingAttainment(Trigger):
    """Results are the symptom everyone watches: counted, but as lagging.

    For each headline outcome indicator with a direction, compared with the school's
    previous period: it fires when one got worse by more than ``attainment_fall_sd`` times
    the indicator's spread across all schools in the period (see :func:`robust_spread`;
    an indicator with no spread is judged on the second rule only), or when one got
    worse in each of the last two changes (three periods). Measured when at least one
    headline indicator can be compared. Severity of a large fall: how far past the
    threshold, in spreads, over ``attainment_fall_sd`` (a fall of twice the threshold is
    fully severe); of two falls running, ``steady_decline_severity``.
    """

    code = "falling_attainment"
    name = "Falling results"
    kind = LAGGING
    indicators = ()

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        period = snapshot.period
        since, earlier = snapshot.previous_period, snapshot.before_period
        measured = np.zeros(size, dtype=bool)
        fired = np.zeros(size, dtype=bool)
        severity = np.zeros(size)
        evidence_parts, sentences = [], []
        limit = settings.attainment_fall_sd
        for code in sorted(snapshot.headline):
            direction = snapshot.direction(code)
            if direction not in (HIGHER, LOWER) or code not in snapshot.columns:
                continue
            sign = 1.0 if direction == HIGHER else -1.0
            now, last, first = snapshot.value(code), snapshot.previous_value(code), snapshot.before_value(code)
            compared = ~np.isnan(now) & ~np.isnan(last)
            three = compared & ~np.isnan(first)
            measured |= compared
            spread = robust_spread(now)
            with np.errstate(invalid="ignore"):
                fall = (last - now) * sign  # positive: got worse
                earlier_fall = (first - last) * sign
                in_spreads = fall / spread if spread > 0 else np.full(size, np.nan)
                large = compared & (in_spreads > limit)
                steady = three & (fall > 0) & (earlier_fall > 0)
                large_severity = np.clip((in_spreads - limit) / limit, 0.0, 1.0)
            fired |= large | steady
            severity = np.maximum(severity, np.where(large, large_severity, 0.0))
            severity = np.maximum(severity, np.where(steady, settings.steady_decline_severity, 0.0))

            name = snapshot.name_of(code)
            now_words, last_words, first_words = _numbers(now), _numbers(last), _numbers(first)
            spread_words = (
                f"a fall of more than {number(limit)} x spread {number(spread)} = {number(limit * spread)}"
                if spread > 0
                else "no spread across schools to judge the size of a fall"
            )
            evidence_parts.append(
                np.where(
                    ~np.isnan(now),
                    f"{name} {period}: "
                    + now_words
                    + np.where(compared, ", " + since + ": " + last_words, ", no earlier value")
                    + np.where(three, ", " + earlier + ": " + first_words, "")
                    + f" (threshold: {spread_words}, or worse in each of the last two changes)",
                    "",
                )
            )
            fell_much = np.where(
                large,
                f"Results fell: {name} from "
                + last_words
                + " in "
                + since
                + " to "
                + now_words
                + f" in {period}, a large fall for one year compared with the spread between schools.",
                "",
            )
            fell_again = np.where(
                steady,
                f"Results have fallen two years running: {name} "
                + first_words
                + " in "
                + earlier
                + ", "
                + last_words
                + " in "
                + since
                + ", "
                + now_words
                + f" in {period}.",
                "",
            )
            sentences += [fell_much, fell_again]
        evidence = np.where(
            measured,
            _join(evidence_parts, "; ", size),
            f"no headline result for {period} that can be compared with an earlier period",
        )
        return _assessment(snapshot, measured, fired, severity, evidence, _join(sentences, " ", size))


@dataclass(frozen=True)
class Rise:
    """An indicator up on the previous period by more than a threshold."""

    indicator: str
    label: str
    threshold: str  # the TriggerSettings field
    scale: float  # points past the threshold that count as fully severe
    sentence: str  # filled with now, last, since and rise


@register_trigger
class RisingAbsence(Trigger):
    """Absence rising is a symptom of pupils, families or staff losing faith in a school;
    it shows after the causes. Compared with the school's previous period, in
    percentage points; measured when either indicator can be compared."""

    code = "rising_absence"
    name = "Rising absence"
    kind = LAGGING
    indicators = ("absence_overall", "absence_persistent")
    rises: ClassVar[tuple[Rise, ...]] = (
        Rise(
            "absence_overall",
            "overall absence",
            "absence_overall_rise_over",
            scale=1.0,  # one point past the threshold (up 1.5 points) is fully severe
            sentence="Absence is rising: overall absence up {rise} points, from {last}% in {since} to {now}%.",
        ),
        Rise(
            "absence_persistent",
            "persistent absence",
            "absence_persistent_rise_over",
            scale=4.0,  # four points past the threshold (up 6 points) is fully severe
            sentence="More pupils persistently absent: up {rise} points, from {last}% in {since} to {now}%.",
        ),
    )

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        since = snapshot.previous_period
        measured = np.zeros(size, dtype=bool)
        fired = np.zeros(size, dtype=bool)
        severity = np.zeros(size)
        evidence_parts, sentences = [], []
        for rise in self.rises:
            limit = float(getattr(settings, rise.threshold))
            now, last = snapshot.value(rise.indicator), snapshot.previous_value(rise.indicator)
            compared = ~np.isnan(now) & ~np.isnan(last)
            measured |= compared
            with np.errstate(invalid="ignore"):
                up = now - last
                holds = compared & (up > limit)
            fired |= holds
            severity = np.maximum(severity, np.where(holds, np.clip((up - limit) / rise.scale, 0.0, 1.0), 0.0))
            words = {"now": _numbers(now), "last": _numbers(last), "since": since, "rise": _numbers(up)}
            evidence_parts.append(
                f"{rise.label} {snapshot.period}: "
                + _numbers(now, "%")
                + np.where(
                    compared,
                    ", " + since + ": " + _numbers(last, "%") + ", change " + words["rise"] + " points",
                    np.where(np.isnan(now), "", ", no earlier value"),
                )
                + f" (threshold: up by more than {number(limit)} points)"
            )
            sentences.append(np.where(holds, _fill(rise.sentence, words, size), ""))
        return _assessment(
            snapshot,
            measured,
            fired,
            severity,
            _join(evidence_parts, "; ", size),
            _join(sentences, " ", size),
        )


@register_trigger
class WeakInspection(Trigger):
    """An inspection grade is the most lagging symptom of all: it records what had
    already gone wrong. Reads the latest inspection on or before the period, however
    old; two in the same year count as the worse of them (their order is not known).
    Measured only for a school inspected on or before the period. Severity: grade 3 is
    0.5, grade 4 is 1 (the threshold counts as one step of two)."""

    code = "weak_inspection"
    name = "Weak inspection"
    kind = LAGGING
    indicators = ()

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        # The latest period first, the worse grade first within it; then one per school.
        latest = snapshot.inspections.sort_values(
            ["school_id", "period", "grade"], ascending=[True, False, False], kind="stable"
        ).drop_duplicates("school_id")
        by_school = latest.set_index("school_id").reindex(snapshot.school_ids)
        grade = by_school["grade"].to_numpy(dtype=float)
        when = by_school["period"].fillna("").to_numpy(dtype=object)
        measured = ~np.isnan(grade)
        limit = settings.inspection_grade_at_least
        with np.errstate(invalid="ignore"):
            fired = measured & (grade >= limit)
            severity = np.clip((grade - limit + 1) / 2.0, 0.0, 1.0)
        grade_words = pd.Series(grade).map(GRADE_NAMES).fillna("").to_numpy(dtype=object)
        evidence = np.where(
            measured,
            f"latest inspection on or before {snapshot.period}: "
            + when
            + ", grade "
            + _numbers(grade)
            + np.where(grade_words != "", " " + grade_words, "")
            + f" (threshold: grade {limit} or worse)",
            f"no inspection on or before {snapshot.period}",
        )
        explanation = "The latest inspection, in " + when + ", judged the school " + grade_words + "."
        return _assessment(snapshot, measured, fired, severity, evidence, explanation)


# ---------------------------------------------------------------------------------------
# Every trigger at once


def evaluate_triggers(
    data: TriggerData,
    period: str,
    *,
    settings: TriggerSettings | None = None,
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every trigger (or those in ``only``, by code) for every school, as at ``period``.

    Returns one row per school in ``data.observations`` and trigger, columns
    ``RESULT_COLUMNS``, ordered by school and then by trigger as registered. Only
    observations and inspections of ``period`` and earlier are read.
    """
    settings = settings or TriggerSettings()
    if only is None:
        chosen = all_triggers()
    else:
        wanted = {get_trigger(code).code for code in only}  # an unknown code is a KeyError
        chosen = [trigger for trigger in all_triggers() if trigger.code in wanted]
    snapshot = Snapshot.build(data, period)
    frames = []
    for position, trigger_class in enumerate(chosen):
        assessed = trigger_class().assess(snapshot, settings)
        if len(assessed) != len(snapshot.school_ids) or list(assessed.columns) != ASSESSMENT_COLUMNS:
            raise ValueError(f"Trigger {trigger_class.code!r} must return one row per school: {ASSESSMENT_COLUMNS}")
        frames.append(
            assessed.assign(
                trigger=trigger_class.code, name=trigger_class.name, kind=trigger_class.kind, position=position
            )
        )
    if not frames:
        return _empty_results()
    results = pd.concat(frames, ignore_index=True)
    results = results.sort_values(["school_id", "position"], kind="stable", ignore_index=True)
    return results[RESULT_COLUMNS]


def _empty_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_id": pd.Series(dtype="int64"),
            "trigger": pd.Series(dtype=object),
            "name": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            "measured": pd.Series(dtype=bool),
            "fired": pd.Series(dtype=bool),
            "severity": pd.Series(dtype=float),
            "evidence": pd.Series(dtype=object),
            "explanation": pd.Series(dtype=object),
        }
    )


def trigger_states(results: pd.DataFrame) -> pd.DataFrame:
    """The results as model features: one row per school (indexed by ``school_id``), one
    column per trigger code in the order they appear, 1.0 fired, 0.0 measured and not
    fired, NaN not measured (a model must be able to tell "fine" from "unknown")."""
    state = np.where(results["fired"].to_numpy(dtype=bool), 1.0, 0.0)
    state = np.where(results["measured"].to_numpy(dtype=bool), state, np.nan)
    codes = list(dict.fromkeys(results["trigger"]))
    wide = (
        pd.DataFrame(
            {"school_id": results["school_id"].to_numpy(), "trigger": results["trigger"].to_numpy(), "state": state}
        )
        .pivot(index="school_id", columns="trigger", values="state")
        .reindex(columns=codes)
    )
    wide.columns.name = None
    return wide.astype(float)
