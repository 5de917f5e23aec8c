"""The impact of support: measured against similar schools, and never overclaimed.

Pure functions on pandas data frames and numpy arrays; no Django.

A school's indicator going up after support proves little: results rise and fall
everywhere, and the whole family may have risen too. So the effect is a **difference in
differences**: the school's change from before the support to after it, minus its
family's mean change over the same periods (each family school paired with itself, so
only schools with a value both times count). It is oriented so that positive is better
(an indicator where lower is better has its sign turned).

One school's change is noisy, so the effect comes with an interval. How far a single
school's change can stray from its family's mean by chance is read from the family
itself: each family school's change minus the family mean. By default (``method="t"``)
the interval is the classic prediction interval for one new school::

    effect ± t(confidence, n - 1) × s × √(1 + 1/n)

with ``s`` the standard deviation of the family's changes and ``n`` the schools paired:
one line of arithmetic anyone can check, and honest with the handful of comparison
schools a family often has (Student's t widens it when ``n`` is small). ``method=
"bootstrap"`` instead resamples the family (its mean and one further school's change)
``bootstrap`` times with a fixed ``random_state``, for a family whose changes are far
from normal; with few schools it is narrower than it should be, which is why it is not
the default. Either way the interval is for one school's difference, so it is wide: a
support is only called better (or worse) when the whole interval is above (below) zero.

Even then the words say what changed alongside the support, not that the support caused
it: other things change in a school in a year.

**Pooled over several schools** (the schools that tried one practice, :func:`pooled_impact`):
each school's difference is weighed by how precisely it is known, the inverse of its
chance variance (``noise_sd`` squared, with ``noise_sd = s × √(1 + 1/n)`` from its own
family, as above), which is the fixed-effect inverse-variance mean of a meta-analysis::

    pooled = Σ wᵢ effectᵢ / Σ wᵢ,   wᵢ = 1 / noise_sdᵢ²,   standard error = 1 / √(Σ wᵢ)
    interval: pooled ± t(confidence, m - 1) × standard error

with ``m`` the fewest comparison schools any one of them had (the most cautious of their
Student's t), so that pooling one school gives back exactly its own interval. It answers
"across these schools, did their change differ from their families' change?", treating the
schools' chance differences as independent; it does not say the practice would work the
same in every school. Schools with too few comparison schools are not pooled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

HIGHER, LOWER = "higher", "lower"
T, BOOTSTRAP = "t", "bootstrap"

BETTER = "better than similar schools' change, beyond what chance alone would give"
UNCLEAR = "no clear difference from similar schools' change"
WORSE = "worse than similar schools' change, beyond what chance alone would give"
TOO_FEW = "too few comparison schools to say"

SUMMARY_KEYS = [
    "requests",
    "matched",
    "median_days_to_match",
    "median_days_to_agree",
    "closed",
    "days_given",
    "supporters",
    "closed_with_effect",
    "clearly_better",
    "unclear",
    "clearly_worse",
]


@dataclass(frozen=True)
class ImpactSettings:
    # The interval holds the school's true difference this often.
    confidence: float = 0.9
    # Fewer family schools with a value before and after than this, and no verdict is given.
    min_comparison_schools: int = 5
    # Resamples, when the interval is a bootstrap.
    bootstrap: int = 2000
    random_state: int = 0
    # "t" (the prediction interval, default) or "bootstrap".
    method: str = T


def _t_quantile(probability: float, degrees: float) -> float:
    """Student's t quantile. scipy.stats is loaded on first use (about a second), not by every
    process that imports this module to show a page."""
    from scipy import stats  # type: ignore[import-untyped]  # installed with scikit-learn

    return float(stats.t.ppf(probability, degrees))


def _amount(value: float, unit: str, decimals: int, signed: bool = False) -> str:
    number = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    if not unit:
        return number
    return f"{number}{unit}" if unit.startswith("%") else f"{number} {unit}"


@dataclass(frozen=True)
class ImpactEstimate:
    school_change: float  # after - before at the school, as the indicator runs (not turned round)
    family_change: float  # the family's mean change, as the indicator runs
    effect: float  # school_change - family_change, positive = better
    low: float  # the interval for the effect (NaN when too few comparison schools)
    high: float
    comparison_schools: int
    verdict: str  # BETTER, UNCLEAR, WORSE or TOO_FEW
    direction: str = HIGHER
    confidence: float = 0.9
    # How far one school's change strays from its family's mean by chance: s × √(1 + 1/n),
    # whichever method made the interval (NaN with fewer than two comparison schools).
    noise_sd: float = float("nan")

    def describe(
        self, indicator_name: str, unit: str = "", *, decimals: int = 1, alongside: str = "the support"
    ) -> str:
        """The plain words, which say what was measured and never more; ``alongside``: what
        happened in between ("the support", "the practice")."""

        def change(value: float) -> str:
            if round(abs(value), decimals) == 0:
                return "did not change"
            return f"{'rose' if value > 0 else 'fell'} by {_amount(abs(value), unit, decimals)}"

        def family(value: float) -> str:
            if round(abs(value), decimals) == 0:
                return "no change"
            return f"{'a rise' if value > 0 else 'a fall'} of {_amount(abs(value), unit, decimals)}"

        schools = f"{self.comparison_schools} similar school{'' if self.comparison_schools == 1 else 's'}"
        text = f"{indicator_name} {change(self.school_change)} at the school"
        if self.verdict == TOO_FEW:
            if self.comparison_schools == 0:
                return text + "; no similar school has a value both times, so there is nothing to compare it with."
            return (
                text + f", against {family(self.family_change)} on average across {schools}: "
                "too few similar schools to tell the school's change from theirs."
            )
        if round(abs(self.effect), decimals) == 0:
            versus = "the same as theirs"
        else:
            versus = (
                f"{_amount(abs(self.effect), unit, decimals)} {'better' if self.effect > 0 else 'worse'} than theirs"
            )
        text += f", against {family(self.family_change)} on average across {schools}: {versus}."
        interval = (
            f" With {self.confidence * 100:.0f}% confidence the difference lies between "
            f"{_amount(self.low, unit, decimals, signed=True)} and {_amount(self.high, unit, decimals, signed=True)}"
            " (above zero is better)"
        )
        if self.verdict == UNCLEAR:
            return text + interval + ", so it cannot be told from no effect."
        return (
            text + interval + f": {self.verdict}. This is what changed alongside {alongside}, "
            f"not proof that {alongside} caused it."
        )


def _paired_changes(family_before: pd.Series, family_after: pd.Series) -> np.ndarray:
    """Each family school's change, for the schools with a value both times (paired by index)."""
    before = pd.to_numeric(family_before, errors="coerce")
    after = pd.to_numeric(family_after, errors="coerce")
    if before.index.has_duplicates or after.index.has_duplicates:
        raise ValueError("family values must have one row per school (a unique index)")
    paired = pd.concat([before.rename("before"), after.rename("after")], axis=1, join="inner").dropna()
    return (paired["after"] - paired["before"]).to_numpy(dtype=float)


def _noise_interval(changes: np.ndarray, settings: ImpactSettings) -> tuple[float, float]:
    """Where one school's change minus the family mean falls by chance: (lower, upper) quantiles."""
    n = len(changes)
    alpha = 1.0 - settings.confidence
    if settings.method == T:
        half = float(_t_quantile(1.0 - alpha / 2, n - 1)) * float(np.std(changes, ddof=1)) * np.sqrt(1.0 + 1.0 / n)
        return -half, half
    rng = np.random.default_rng(settings.random_state)
    means = changes[rng.integers(0, n, size=(settings.bootstrap, n))].mean(axis=1)
    one_school = changes[rng.integers(0, n, size=settings.bootstrap)]
    low, high = np.quantile(one_school - means, [alpha / 2, 1.0 - alpha / 2])
    return float(low), float(high)


def support_impact(
    school_before: float,
    school_after: float,
    family_before: pd.Series,
    family_after: pd.Series,
    *,
    direction: str,
    settings: ImpactSettings | None = None,
) -> ImpactEstimate:
    """The school's change on one indicator against its family's, with an interval and a verdict.

    ``family_before`` and ``family_after``: the family schools' values, indexed by school
    (the requester and its supporter left out by the caller); only schools with a value
    both times are compared.
    """
    settings = settings or ImpactSettings()
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"impact needs an indicator where higher or lower is better, not {direction!r}")
    if settings.method not in (T, BOOTSTRAP):
        raise ValueError(f"unknown interval method {settings.method!r}")
    if not 0 < settings.confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if school_before is None or school_after is None or np.isnan(school_before) or np.isnan(school_after):
        raise ValueError("the school needs a value before and after the support")
    sign = 1.0 if direction == HIGHER else -1.0
    changes = _paired_changes(family_before, family_after)
    n = len(changes)
    school_change = float(school_after) - float(school_before)
    family_change = float(changes.mean()) if n else float("nan")
    effect = sign * (school_change - family_change) if n else float("nan")
    noise_sd = float(np.std(changes, ddof=1)) * float(np.sqrt(1.0 + 1.0 / n)) if n >= 2 else float("nan")
    if n < max(settings.min_comparison_schools, 2):
        low = high = float("nan")
        verdict = TOO_FEW
    else:
        # The noise on the oriented scale: turning the sign turns the interval round.
        noise_low, noise_high = _noise_interval(sign * changes, settings)
        low, high = effect - noise_high, effect - noise_low
        verdict = BETTER if low > 0 else WORSE if high < 0 else UNCLEAR
    return ImpactEstimate(
        school_change=school_change,
        family_change=family_change,
        effect=effect,
        low=low,
        high=high,
        comparison_schools=n,
        verdict=verdict,
        direction=direction,
        confidence=settings.confidence,
        noise_sd=noise_sd,
    )


@dataclass(frozen=True)
class PooledEstimate:
    effect: float  # the weighted mean difference, positive = better
    low: float
    high: float
    standard_error: float
    schools: int  # the schools pooled
    verdict: str  # BETTER, UNCLEAR or WORSE
    confidence: float = 0.9

    @property
    def strength(self) -> float:
        """The effect in standard errors: how far from no effect it is, in any indicator's units."""
        return self.effect / self.standard_error if self.standard_error > 0 else 0.0

    def describe(self, indicator_name: str, unit: str = "", *, decimals: int = 1, tried: int | None = None) -> str:
        """The plain words of a pooled result; ``tried``: how many schools tried it in all."""
        schools = f"{self.schools} school{'' if self.schools == 1 else 's'}"
        of = f" of the {tried} that tried it" if tried is not None and tried > self.schools else ""
        if round(abs(self.effect), decimals) == 0:
            versus = "the same as their similar schools' change"
        else:
            versus = (
                f"{_amount(abs(self.effect), unit, decimals)} {'better' if self.effect > 0 else 'worse'} "
                "than their similar schools' change"
            )
        text = (
            f"{indicator_name}, across {schools}{of} (each weighed by how precisely it is known): {versus}. "
            f"With {self.confidence * 100:.0f}% confidence the difference lies between "
            f"{_amount(self.low, unit, decimals, signed=True)} and {_amount(self.high, unit, decimals, signed=True)}"
            " (above zero is better)"
        )
        if self.verdict == UNCLEAR:
            return text + ", so it cannot be told from no effect."
        return text + f": {self.verdict}. This is what changed alongside the practice, not proof that it caused it."


def pooled_impact(estimates: Sequence[ImpactEstimate]) -> PooledEstimate | None:
    """Several schools' estimates on one indicator, pooled by inverse variance (see the module's
    words); None when none of them could be judged. Estimates with too few comparison schools,
    or no spread in their family to weigh them by, are left out."""
    judged = [e for e in estimates if e.verdict != TOO_FEW and np.isfinite(e.noise_sd) and e.noise_sd > 0]
    if not judged:
        return None
    if len({e.confidence for e in judged}) > 1:
        raise ValueError("pool estimates made with the same confidence")
    confidence = judged[0].confidence
    weights = np.array([1.0 / e.noise_sd**2 for e in judged])
    effects = np.array([e.effect for e in judged])
    effect = float((weights * effects).sum() / weights.sum())
    standard_error = float(1.0 / np.sqrt(weights.sum()))
    degrees = min(e.comparison_schools for e in judged) - 1
    half = float(_t_quantile(1.0 - (1.0 - confidence) / 2, degrees)) * standard_error
    low, high = effect - half, effect + half
    return PooledEstimate(
        effect=effect,
        low=low,
        high=high,
        standard_error=standard_error,
        schools=len(judged),
        verdict=BETTER if low > 0 else WORSE if high < 0 else UNCLEAR,
        confidence=confidence,
    )


def _median_days(start: pd.Series, end: pd.Series) -> float | None:
    days = (end - start).dt.days.dropna()
    return float(days.median()) if len(days) else None


def system_summary(supports: pd.DataFrame) -> dict[str, int | float | None]:
    """The system's view of support: how fast help comes, how much is given, how it went.

    ``supports``: one row per help request (``support_id``, ``area``, ``requested_on``,
    ``matched_on``, ``agreed_on``, ``closed_on`` (blank until reached), ``supporter_id``,
    ``requester_id``, ``days_given``, and ``effect``, ``effect_low``, ``effect_high`` as
    :func:`support_impact` gives them, positive = better). Days to match and to agree
    both count from the request, because that is how long the school waited. A closed
    support with an effect is clearly better when its whole interval is above zero,
    clearly worse when below, and unclear otherwise (an interval not known included).
    Medians are None when nothing has reached that step.
    """
    dates = {
        name: pd.to_datetime(supports[name], errors="coerce")
        for name in ("requested_on", "matched_on", "agreed_on", "closed_on")
    }
    closed = dates["closed_on"].notna()
    effect = pd.to_numeric(supports["effect"], errors="coerce")
    low = pd.to_numeric(supports["effect_low"], errors="coerce")
    high = pd.to_numeric(supports["effect_high"], errors="coerce")
    judged = closed & effect.notna()
    better = judged & (low > 0)
    worse = judged & (high < 0)
    return {
        "requests": int(supports["support_id"].nunique()),
        "matched": int(dates["matched_on"].notna().sum()),
        "median_days_to_match": _median_days(dates["requested_on"], dates["matched_on"]),
        "median_days_to_agree": _median_days(dates["requested_on"], dates["agreed_on"]),
        "closed": int(closed.sum()),
        "days_given": float(pd.to_numeric(supports["days_given"], errors="coerce").fillna(0).sum()),
        "supporters": int(supports["supporter_id"].dropna().nunique()),
        "closed_with_effect": int(judged.sum()),
        "clearly_better": int(better.sum()),
        "unclear": int((judged & ~better & ~worse).sum()),
        "clearly_worse": int(worse.sum()),
    }
