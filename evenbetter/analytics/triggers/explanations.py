"""Words and numbers: how triggers write their evidence and explanations, element by
element over every school at once."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evenbetter.analytics.triggers.framework import (
    ASSESSMENT_COLUMNS,
    NOT_RECORDED,
    Snapshot,
)


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


def _listed(words: list[np.ndarray], size: int) -> np.ndarray:
    """Element by element, the non-empty words as a list in prose: "a, b and c"."""
    listed = np.full(size, "", dtype=object)
    for position, word in enumerate(words):
        later = [other != "" for other in words[position + 1 :]]
        last = ~np.logical_or.reduce(later) if later else np.ones(size, dtype=bool)
        glue = np.where(listed == "", "", np.where(last, " and ", ", "))
        listed = np.where(word != "", listed + glue + word, listed)
    return listed
