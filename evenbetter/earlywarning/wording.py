"""A risk score in words a headteacher can read and trust: its reasons ("raised the chance a
lot: pupil absence 7.9%, higher than most similar schools (worse than 8 in 10)"), what was
set aside and why, how sure the score is and what evidence it rests on.

No statistical jargon reaches a page: the model's own figures (contributions on its log
scale) stay in the stored reasons, for the API and for system leads' details.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from evenbetter.analytics.benchmark import standing_words
from evenbetter.analytics.risk.effects import FURTHER_TO_FALL
from evenbetter.analytics.risk.examples import INSPECTION_FEATURES
from evenbetter.analytics.risk.scoring import A_LOT, confidence_band_of, how_much
from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.models import Indicator
from evenbetter.vocabulary.directions import HIGHER, LOWER
from evenbetter.vocabulary.grades import GRADE_NAMES

# Two values this close are the same value (a benchmark's and the model's copy of it).
_SAME = 1e-6
# Fewer than this share of the model's indicators, and the evidence is called thin.
THIN_EVIDENCE = 0.5


def strength_words(contribution: float) -> str:
    """ "Raised the chance a lot" / "Raised the chance a little" / "Lowered the chance"."""
    amount = how_much(contribution)
    return "Lowered the chance" if amount == "lowered it" else f"Raised the chance {amount}"


def odds_words(contribution: float) -> str:
    """The exact size of a push for those who want it, without jargon: "odds × 2.3"."""
    return f"odds × {math.exp(contribution):.2f}"


@dataclass(frozen=True)
class ReasonWriter:
    """Writes one run's reasons. ``indicators`` by code; ``trigger_names`` by trigger code;
    ``standings`` (school, indicator code) → [(period, value, family percentile)] from the
    benchmarks, newest first."""

    indicators: Mapping[str, Indicator]
    trigger_names: Mapping[str, str]
    standings: Mapping[tuple[int, str], list[tuple[str, float, float]]]

    @classmethod
    def for_run(
        cls, *, periods: Iterable[str], trigger_names: Mapping[str, str], sources: Iterable[str]
    ) -> ReasonWriter:
        """Reads the indicators and the family standings the reasons may need: those of the
        ``sources`` in ``periods`` (the run's as_of and the periods a value may be as old as)."""
        codes = sorted(set(sources))
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        standings: dict[tuple[int, str], list[tuple[str, float, float]]] = {}
        rows = (
            Benchmark.objects.filter(
                indicator__code__in=codes, period__in=list(periods), family_percentile__isnull=False
            )
            .order_by("-period_start")
            .values_list("school_id", "indicator__code", "period", "value", "family_percentile")
        )
        for school_id, code, period, value, percentile in rows.iterator(chunk_size=20_000):
            if percentile is not None:  # (filtered above: for the type checker)
                standings.setdefault((int(school_id), str(code)), []).append(
                    (str(period), float(value), float(percentile))
                )
        return cls(indicators, trigger_names, standings)

    def _label(self, indicator: Indicator | None, value: float) -> str:
        if indicator is None:
            return f"{round(value, 2):g}"
        return indicator.label_for(value)

    def _name(self, source: str) -> str:
        if source.startswith("trigger_") and source[len("trigger_") :] in self.trigger_names:
            return self.trigger_names[source[len("trigger_") :]]
        indicator = self.indicators.get(source)
        return indicator.name if indicator else source.replace("_", " ")

    def _standing(self, school_id: int, source: str, value: float, direction: str) -> str:
        for _, held, percentile in self.standings.get((school_id, source), []):
            if abs(held - value) < _SAME:
                return standing_words(percentile, direction)
        return ""

    def words(self, school_id: int, reason: Mapping[str, Any]) -> str:
        """The input and its value against similar schools (or the typical school), no verdict."""
        feature, source, kind = str(reason["feature"]), str(reason["source"]), str(reason["kind"])
        direction = str(reason.get("direction") or "")
        value, typical = float(reason["value"]), float(reason["typical"])
        name = self._name(source)
        indicator = self.indicators.get(source)
        if math.isnan(value):
            return f"no recent value for {name}"
        if feature == "inspection:grade":
            grade = int(value)
            return f"latest inspection {GRADE_NAMES.get(grade, str(grade))} (grade {grade})"
        if feature == "inspection:years_since":
            return f"{value:g} years since the latest inspection (a typical school: {typical:g})"
        if feature in ("inspection:previous_grade", "inspection:worst_10y"):
            grade = int(value)
            which = "the inspection before the latest" if feature.endswith("previous_grade") else "the worst inspection"
            when = "" if feature.endswith("previous_grade") else " in the last ten years"
            return f"{which}{when}: {GRADE_NAMES.get(grade, str(grade))} (grade {grade})"
        if feature in INSPECTION_FEATURES:
            # The other history features: their own plain description, with the value.
            return f"{INSPECTION_FEATURES[feature][1]}: {value:.3g} (a typical school: {typical:.3g})"
        if kind == "position":
            # A percentile among the schools it is ranked with (its group, or all schools), 0 the
            # lowest: said as "higher than n in 10".
            subject = "the school's results overall" if source == "results" else name
            return (
                f"{subject}: higher than {round(value * 10)} in 10 of the schools it is compared with "
                f"(a typical school: {round(typical * 10)} in 10)"
            )
        if source.startswith("trigger_"):
            return f"{name}: {'fired' if value >= 0.5 else 'did not fire'}"
        if kind == "change":
            points = " points" if indicator is not None and indicator.unit == "%" else ""
            places = indicator.decimal_places if indicator else 2
            size = f"{abs(value):,.{places}f}{points}"
            moved = "rose" if value > 0 else "fell" if value < 0 else "did not move"
            usual = "no change" if round(typical, places) == 0 else f"{typical:+,.{places}f}{points}"
            return f"{name} {moved}{' by ' + size if value else ''} on the year before (a typical school: {usual})"
        text = f"{name} {self._label(indicator, value)}"
        if kind != "level":
            return f"{text} (a typical school: {self._label(indicator, typical)})"
        family = self._standing(school_id, source, value, direction)
        worse = _worse_side(direction, value, typical)
        against_all = f"{worse} than the typical school's {self._label(indicator, typical)}" if worse else ""
        if family and against_all and not family.startswith(worse):
            # Not behind most of its family, yet worse than schools at large: both, plainly.
            return f"{text} — {family}, though {against_all} across all schools"
        if family:
            return f"{text} — {family}"
        return f"{text} — {against_all}" if against_all else text

    def sentence(self, school_id: int, reason: Mapping[str, Any]) -> str:
        """A shown reason: "Raised the chance a lot: pupil absence 7.9%: higher than most similar schools (…)"."""
        return f"{strength_words(float(reason['contribution']))}: {self.words(school_id, reason)}"

    def why_set_aside(self, reason: Mapping[str, Any]) -> str:
        """Why a push up is not shown as a reason, in plain words."""
        name = self._name(str(reason["source"]))
        if reason["left_out"] == FURTHER_TO_FALL:
            moved = "has just risen" if reason["kind"] == "change" else "is doing well"
            return (
                f"The early warning asks whether {name} will fall, and a school that {moved} on it has further "
                "to fall, so this counts towards the chance. That is arithmetic, not a concern."
            )
        return (
            "Its value is no worse than a typical school's, so it is not a cause for concern; the model counted it "
            "only through how it combines with other inputs."
        )


def _worse_side(direction: str, value: float, typical: float) -> str:
    """ "higher" / "lower" when the value is on the worse side of typical, the way it runs."""
    if direction == LOWER and value > typical:
        return "higher"
    if direction == HIGHER and value < typical:
        return "lower"
    return ""


def evidence_words(evidence: Mapping[str, Any]) -> str:
    """What a score rests on, in one or two sentences ("" when the run kept nothing)."""
    if not evidence:
        return ""
    count, of = int(evidence.get("indicators") or 0), int(evidence.get("indicators_in_model") or 0)
    newest, oldest, inspection = (str(evidence.get(key) or "") for key in ("newest", "oldest", "inspection"))
    if count == 0:
        text = (
            f"It rests on none of the {of} indicators the model reads: without the school's own values it is "
            "close to a typical school's chance, and says little about this school."
        )
    else:
        when = f"all from {newest}" if newest == oldest else f"the newest from {newest}, the oldest from {oldest}"
        text = f"It rests on {count} of the {of} indicators the model reads ({when})."
        if of and count / of < THIN_EVIDENCE:
            text += " That is fewer than half: read the score with extra care."
    if inspection:
        text += f" The latest inspection it read is from {inspection}."
    return text


def how_sure_words(risk: float, bands: list[dict[str, Any]] | None) -> str:
    """How sure a score is: what happened to schools given scores like it when the model was
    checked against past years (the run's backtest, held-out schools only)."""
    band = confidence_band_of(risk, bands or [])
    if band is None:
        return "How sure it is cannot be said for this run: the model could not be checked against past years."
    n, declined = int(band["n"]), int(band["declined"])
    low, high = float(band["low"]), float(band["high"])
    scores = f"{low:.0%}" if round(low * 100) == round(high * 100) else f"{low:.0%} to {high:.0%}"
    return (
        f"When the model was checked against past years, {declined} of the {n} schools it gave a score like this "
        f"({scores}) went on to have it happen: {float(band['rate']):.0%}, and likely between "
        f"{float(band['rate_low']):.0%} and {float(band['rate_high']):.0%}."
    )


def backtest_words(backtest: Mapping[str, Any] | None) -> str:
    """How well the run's model would have worked, in one plain sentence (the full report,
    with its statistical names, is for system leads)."""
    rows = {str(row.get("ranking")): row for row in (backtest or {}).get("table") or []}
    model = rows.get("model")
    if not model or model.get("recall_at_10") is None or not model.get("positives"):
        return ""
    return (
        f"Checked against past years on schools the model had not seen: of the {int(model['positives']):,} "
        f"schools where it happened, the riskiest 10% on the list held {float(model['recall_at_10']):.0%} and the "
        f"riskiest 20% held {float(model['recall_at_20']):.0%} (a list in random order would hold about 10% and 20%)."
    )


@dataclass(frozen=True)
class ShownReason:
    words: str  # "Raised the chance a lot: …"
    up: bool
    figures: str  # the exact size, for system leads: "odds × 2.30 (model contribution +0.83)"


@dataclass(frozen=True)
class ScoreReading:
    """One score as every page shows it: its reasons, what was set aside and why, how sure it
    is and what it rests on (the risk page, the profile, the PDF)."""

    reasons: list[ShownReason]
    set_aside: list[tuple[str, str]]  # (the input in words, why it is not a reason)
    how_sure: str
    evidence: str


def reading_of(score: Any, bands: list[dict[str, Any]] | None) -> ScoreReading:
    """``score`` a ``RiskScore``; ``bands`` its run's ``backtest["bands"]``."""
    reasons = []
    for reason in score.reasons or []:
        _, contribution, words = [*list(reason), None, None, None][:3]
        push = float(contribution) if contribution is not None else 0.0
        text = str(words or "")
        if not text.startswith(("Raised the chance", "Lowered the chance")):
            # A run kept before reasons carried their strength in words.
            text = f"{strength_words(push)}: {text}"
        reasons.append(ShownReason(text, push > 0, f"{odds_words(push)} (model contribution {push:+.2f})"))
    set_aside = [(str(words)[:1].upper() + str(words)[1:], str(why)) for _, _, words, why in (score.set_aside or [])]
    return ScoreReading(reasons, set_aside, how_sure_words(score.risk, bands), evidence_words(score.evidence or {}))


__all__ = [
    "A_LOT",
    "THIN_EVIDENCE",
    "ReasonWriter",
    "ScoreReading",
    "ShownReason",
    "backtest_words",
    "evidence_words",
    "how_sure_words",
    "odds_words",
    "reading_of",
    "strength_words",
]
