"""Threshold triggers: a few declarative conditions on this period's values, with the
evidence and explanations generated from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from evenbetter.analytics.triggers.explanations import _assessment, _fill, _join, _numbers, _words, number
from evenbetter.analytics.triggers.framework import (
    Snapshot,
    Trigger,
    TriggerSettings,
)

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
