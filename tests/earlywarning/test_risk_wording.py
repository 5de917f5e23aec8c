"""A score's words, by hand: a reason with the value against similar schools (from the
benchmarks) or the typical school, what was set aside and why, how sure it is, what it
rests on; and a run kept before reasons carried their strength still reads plainly."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest

from evenbetter.analytics.risk.model import FURTHER_TO_FALL
from evenbetter.analytics.risk.scoring import (
    NO_WORSE_THAN_TYPICAL,
    confidence_band_of,
    confidence_bands,
    wilson_interval,
)
from evenbetter.benchmarks.models import Benchmark
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.earlywarning.wording import (
    ReasonWriter,
    backtest_words,
    evidence_words,
    how_sure_words,
    reading_of,
)
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run


@pytest.fixture
def absence(db: None) -> Indicator:
    return Indicator.objects.create(
        code="overall_absence",
        name="Pupil absence",
        unit="%",
        direction=Indicator.Direction.LOWER_IS_BETTER,
        domain=Indicator.Domain.OUTCOMES,
        comparison=Indicator.Comparison.PERCENT,
        decimal_places=1,
    )


def _reason(**overrides: object) -> dict[str, object]:
    reason: dict[str, object] = {
        "feature": "level:overall_absence",
        "source": "overall_absence",
        "kind": "level",
        "direction": "lower",
        "contribution": 0.9,
        "value": 7.9,
        "typical": 5.2,
        "left_out": "",
    }
    return {**reason, **overrides}


def test_a_reason_reads_its_value_against_similar_schools(school_a: School, absence: Indicator) -> None:
    Benchmark.objects.create(
        school=school_a,
        indicator=absence,
        period="2018/19",
        period_start=datetime.date(2018, 9, 1),
        value=7.9,
        family_count=30,
        family_percentile=20.0,  # better than 2 in 10 of its family: worse than 8 in 10
    )
    writer = ReasonWriter.for_run(periods=["2017/18", "2018/19"], trigger_names={}, sources=["overall_absence"])
    assert writer.sentence(school_a.pk, _reason()) == (
        "Raised the chance a lot: Pupil absence 7.9% — higher than most similar schools (worse than 8 in 10)"
    )
    assert writer.sentence(school_a.pk, _reason(contribution=0.2)).startswith("Raised the chance a little: ")
    # Another school, with no benchmark: against the typical school the model compared it with.
    assert writer.words(school_a.pk + 999, _reason()) == "Pupil absence 7.9% — higher than the typical school's 5.2%"
    # A value the benchmark does not hold (another period's) is not read against it.
    assert "similar" not in writer.words(school_a.pk, _reason(value=8.4))
    # Better than most of its family, yet worse than schools at large: both, plainly.
    Benchmark.objects.filter(school=school_a).update(family_percentile=70.0)
    writer = ReasonWriter.for_run(periods=["2018/19"], trigger_names={}, sources=["overall_absence"])
    assert writer.words(school_a.pk, _reason()) == (
        "Pupil absence 7.9% — lower than most similar schools (better than 7 in 10), though higher than the "
        "typical school's 5.2% across all schools"
    )


def test_other_inputs_in_words(absence: Indicator) -> None:
    writer = ReasonWriter(
        indicators={"overall_absence": absence}, trigger_names={"isolation": "Isolation"}, standings={}
    )
    change = _reason(feature="change:overall_absence", kind="change", value=1.25, typical=0.1)
    assert (
        writer.words(1, change) == "Pupil absence rose by 1.2 points on the year before (a typical school: +0.1 points)"
    )
    trigger = _reason(
        feature="extra:trigger_isolation", source="trigger_isolation", kind="extra", value=1.0, typical=0.0
    )
    assert writer.words(1, trigger) == "Isolation: fired"
    grade = _reason(feature="inspection:grade", source="inspection", kind="inspection", value=3.0, typical=2.0)
    assert writer.words(1, grade) == "latest inspection Requires improvement (grade 3)"
    assert writer.words(1, _reason(value=math.nan)) == "no recent value for Pupil absence"
    # The history features and positions, in words rather than numbers on an unknown scale.
    before = _reason(feature="inspection:previous_grade", source="inspection", kind="inspection", value=4.0)
    assert writer.words(1, before) == "the inspection before the latest: Inadequate (grade 4)"
    due = _reason(feature="inspection:due", source="inspection", kind="inspection", value=1.25, typical=0.8)
    assert writer.words(1, due).endswith(": 1.25 (a typical school: 0.8)") and "usual interval" in writer.words(1, due)
    position = _reason(feature="position:overall_absence", kind="position", value=0.83, typical=0.5)
    assert writer.words(1, position) == (
        "Pupil absence: higher than 8 in 10 of the schools it is compared with (a typical school: 5 in 10)"
    )
    results = _reason(feature="position:results", source="results", kind="position", value=0.21, typical=0.5)
    assert writer.words(1, results).startswith("the school's results overall: higher than 2 in 10")


def test_why_a_push_is_set_aside(absence: Indicator) -> None:
    writer = ReasonWriter(indicators={"overall_absence": absence}, trigger_names={}, standings={})
    further = writer.why_set_aside(_reason(left_out=FURTHER_TO_FALL))
    assert "whether Pupil absence will fall" in further and "not a concern" in further
    assert "no worse than a typical school's" in writer.why_set_aside(_reason(left_out=NO_WORSE_THAN_TYPICAL))


def test_confidence_bands_by_hand() -> None:
    # 40 scores near 10% of which 4 declined, 40 near 50% of which 20 did, 10 near 90% (too
    # few for a band of their own: merged into the one below).
    risk = np.r_[np.full(40, 0.1), np.full(40, 0.5), np.full(10, 0.9)]
    declined = np.r_[np.r_[np.ones(4), np.zeros(36)], np.r_[np.ones(20), np.zeros(20)], np.ones(10)]
    bands = confidence_bands(risk, declined, min_rows=30)
    assert bands[["low", "high", "n", "declined"]].to_dict("records") == [
        {"low": 0.1, "high": 0.1, "n": 40, "declined": 4},
        {"low": 0.5, "high": 0.9, "n": 50, "declined": 30},
    ]
    assert bands.loc[1, "rate"] == pytest.approx(0.6)
    assert (bands.loc[1, "rate_low"], bands.loc[1, "rate_high"]) == pytest.approx(wilson_interval(30, 50))
    assert bands.loc[1, "rate_low"] < 0.6 < bands.loc[1, "rate_high"]
    assert confidence_bands(risk[:10], declined[:10]).empty
    records = bands.to_dict("records")
    assert confidence_band_of(0.3, records) == records[0]  # nearer 0.1 than 0.5
    assert confidence_band_of(0.7, records) == records[1]  # inside 0.5..0.9
    assert confidence_band_of(0.3, []) is None


def test_how_sure_and_what_it_rests_on_in_words() -> None:
    bands = [{"low": 0.2, "high": 0.3, "n": 120, "declined": 31, "rate": 31 / 120, "rate_low": 0.2, "rate_high": 0.32}]
    assert how_sure_words(0.25, bands) == (
        "When the model was checked against past years, 31 of the 120 schools it gave a score like this (20% to 30%) "
        "went on to have it happen: 26%, and likely between 20% and 32%."
    )
    assert "cannot be said" in how_sure_words(0.25, None)
    evidence = {"indicators": 12, "indicators_in_model": 15, "newest": "2018/19", "oldest": "2016/17", "inspection": ""}
    assert evidence_words(evidence) == (
        "It rests on 12 of the 15 indicators the model reads (the newest from 2018/19, the oldest from 2016/17)."
    )
    thin = {**evidence, "indicators": 4, "oldest": "2018/19", "inspection": "2015/16"}
    assert evidence_words(thin) == (
        "It rests on 4 of the 15 indicators the model reads (all from 2018/19). That is fewer than half: read the "
        "score with extra care. The latest inspection it read is from 2015/16."
    )
    assert "says little about this school" in evidence_words({**evidence, "indicators": 0})
    assert evidence_words({}) == ""


def test_backtest_in_one_plain_sentence() -> None:
    table = [
        {"ranking": "model", "recall_at_10": 0.31, "recall_at_20": 0.52, "positives": 140, "roc_auc": 0.7},
        {"ranking": "random", "recall_at_10": 0.1, "recall_at_20": 0.2, "positives": 140},
    ]
    words = backtest_words({"table": table})
    assert "held 31%" in words and "held 52%" in words and "140 schools" in words
    assert "roc" not in words.lower()
    assert backtest_words({}) == "" and backtest_words(None) == ""


def test_a_run_kept_before_reasons_carried_their_strength_still_reads_plainly(school_a: School) -> None:
    run = make_risk_run([(school_a, 0.31, None, "raised")], reasons=[["trigger_isolation", 0.8, "Little contact"]])
    score = RiskScore.objects.get(run=run)
    reading = reading_of(score, None)
    assert [reason.words for reason in reading.reasons] == ["Raised the chance a lot: Little contact"]
    assert reading.reasons[0].figures == "odds × 2.23 (model contribution +0.80)"
    assert reading.set_aside == [] and reading.evidence == ""
    assert isinstance(run, RiskRun)
