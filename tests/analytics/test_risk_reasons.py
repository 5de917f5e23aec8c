"""Reasons a headteacher can trust: no shown reason contradicts its input's declared direction.

Generated indicator values with a planted effect (``test_risk._planted``: drifting schools
lose peers, board meetings and trust and gain vacancies a year or two before their
attainment falls), plus a tempting input: governor vacancies, declared "fewer is better",
that the drifting schools happen to have *fewer* of. An unconstrained model takes the bait
and would show "few governor vacancies" as raising the risk; the constrained one may not,
and still finds the planted leading indicators.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.risk.backtest import backtest
from evenbetter.analytics.risk.model import (
    FURTHER_TO_FALL,
    LOWERS,
    RAISES,
    RiskModel,
    SignedLogisticRegression,
    declared_effects,
)
from evenbetter.analytics.risk.scoring import NO_WORSE_THAN_TYPICAL, how_much, score
from evenbetter.analytics.risk.settings import Outcome, RiskData
from tests.analytics.test_risk import ATTAINMENT_FALL, DIRECTIONS, LEADING, SIX_YEARS, _planted, _small_data

AS_OF = "2018/19"
TEMPTING = "governor_vacancies"


def _with_tempting_input(n: int = 600) -> tuple[RiskData, pd.DataFrame]:
    """The planted data with governor vacancies that fall (get better) when a school drifts."""
    data, drift = _planted(n=n, seed=11)
    rng = np.random.default_rng(3)
    onset = drift.set_index("school_id")["onset_period"]
    ids = np.sort(data.observations["school_id"].unique())
    own = rng.normal(3.0, 1.0, len(ids))
    rows = []
    for school, level in zip(ids, own, strict=True):
        for period in SIX_YEARS:
            drifting = school in onset.index and period >= onset[school]
            rows.append((school, TEMPTING, period, max(0.0, level + rng.normal(0.0, 0.5) - 1.2 * drifting)))
    observations = pd.concat(
        [data.observations, pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"])],
        ignore_index=True,
    )
    directions = {**DIRECTIONS, TEMPTING: "lower"}
    return RiskData(observations=observations, directions=directions, context=data.context), drift


@pytest.fixture(scope="module")
def tempting() -> tuple[RiskData, pd.DataFrame]:
    return _with_tempting_input()


@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_no_shown_reason_contradicts_its_direction_and_the_planted_one_is_still_found(
    tempting: tuple[RiskData, pd.DataFrame], kind: str
) -> None:
    data, drift = tempting
    free = score(data, ATTAINMENT_FALL, as_of=AS_OF, model=RiskModel(kind=kind, constrain=False))
    held = score(data, ATTAINMENT_FALL, as_of=AS_OF, model=RiskModel(kind=kind))

    # The bait is taken when the model is free: some school's top pushes include few
    # governor vacancies (better than typical) as raising its risk; those are set aside.
    bait = free.reasons[
        (free.reasons["feature"] == f"level:{TEMPTING}") & (free.reasons["value"] < free.reasons["typical"])
    ]
    assert (bait["contribution"] > 0).any()
    assert set(bait["left_out"]) == {NO_WORSE_THAN_TYPICAL}

    # Held to the declared directions: nothing had to be set aside for being no worse than typical.
    assert not (held.reasons["left_out"] == NO_WORSE_THAN_TYPICAL).any()
    assert held.model.effects_[f"level:{TEMPTING}"] == RAISES
    assert held.model.effects_["level:trust"] == LOWERS
    # And every reason shown is worse than typical the way its indicator runs (or missing).
    shown = held.reasons[held.reasons["shown"]]
    runs = shown["direction"].map({"higher": -1.0, "lower": 1.0}).fillna(0.0)
    worse = (runs * (shown["value"] - shown["typical"]) > 0) | shown["value"].isna() | (runs == 0)
    assert worse.all(), shown[~worse]
    listed = {(school, feature) for school, feature in zip(shown["school_id"], shown["feature"], strict=True)}
    for school, reasons in zip(held.table["school_id"], held.table["top_reasons"], strict=True):
        assert all(contribution > 0 and (school, feature) in listed for feature, contribution, _ in reasons)

    # The logistic model's pushes themselves follow the directions, school by school and input
    # by input (the trees share out what interactions leave unexplained, so for them the
    # check is on what is shown, above).
    if kind == "logistic":
        for feature, effect in held.model.effects_.items():
            if effect == 0:
                continue
            pushes = held.contributions[feature].to_numpy(dtype=float)
            values = _current_values(data, feature).reindex(held.contributions.index).to_numpy(dtype=float)
            known = ~np.isnan(values)
            distance = values[known] - float(held.model.medians_[feature])
            assert (effect * pushes[known] * distance >= -1e-9).all(), feature

    # The planted leading indicators are still what the riskiest drifting schools are told.
    drifting = set(drift.loc[drift["onset_period"] <= AS_OF, "school_id"])
    high = held.table[(held.table["band"] == "high") & held.table["school_id"].isin(drifting)]
    assert len(high) > 20
    sources = [feature.split(":", 1)[1] for reasons in high["top_reasons"] for feature, _, _ in reasons]
    assert sum(source in LEADING for source in sources) / len(sources) > 0.6


def _current_values(data: RiskData, feature: str) -> pd.Series:
    """A level, change or position feature as at AS_OF, worked out here from the observations
    (a position: the level's percentile among all schools, 0 the lowest; ``position:results``:
    the mean of the positions turned so that 1 is the best)."""
    kind, indicator = feature.split(":", 1)
    if kind == "position" and indicator == "results":
        turned = [
            _current_values(data, f"position:{code}") * (1 if way == "higher" else -1) + (0 if way == "higher" else 1)
            for code, way in data.directions.items()
            if way in ("higher", "lower") and code in set(data.observations["indicator"])
        ]
        return pd.concat(turned, axis=1).mean(axis=1)
    if kind == "position":
        level = _current_values(data, f"level:{indicator}")
        return (level.rank() - 1) / (level.count() - 1)
    rows = data.observations[data.observations["indicator"] == indicator]
    wide = rows.pivot_table(index="school_id", columns="period", values="value")
    before = SIX_YEARS[SIX_YEARS.index(AS_OF) - 1]
    return wide[AS_OF] if kind == "level" else wide[AS_OF] - wide[before]


def test_the_outcome_indicators_own_level_is_left_free_and_set_aside_with_why(
    tempting: tuple[RiskData, pd.DataFrame],
) -> None:
    data, _ = tempting
    held = score(data, ATTAINMENT_FALL, as_of=AS_OF, model=RiskModel(kind="logistic"))
    assert held.model.effects_["level:attainment"] == 0 and held.model.effects_["change:attainment"] == 0
    own = held.reasons[held.reasons["source"] == "attainment"]
    # A school high on attainment has further to fall: that push is never shown as a reason.
    better = own[own["value"] > own["typical"]]
    assert len(better) and set(better["left_out"]) == {FURTHER_TO_FALL}
    assert not better["shown"].any()
    # On an inspection outcome nothing is left free.
    inspection = Outcome(kind="inspection_below", grade=2)
    effects = declared_effects(held.feature_info, inspection)
    assert effects["level:attainment"] == LOWERS and effects[f"level:{TEMPTING}"] == RAISES
    assert effects["level:noise_a"] == LOWERS  # declared higher-is-better, noise or not


def test_the_constraints_cost_little_on_the_planted_signal(
    tempting: tuple[RiskData, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _ = tempting
    held = backtest(data, ATTAINMENT_FALL, kind="logistic").table().loc["model", "roc_auc"]

    class Free(RiskModel):
        def __init__(self, kind: str = "auto", random_state: int = 0, settings: object = None) -> None:
            super().__init__(kind=kind, random_state=random_state, settings=settings, constrain=False)  # type: ignore[arg-type]

    # (The package's ``backtest`` is the function: reach the module itself.)
    monkeypatch.setattr(sys.modules["evenbetter.analytics.risk.backtest"], "RiskModel", Free)
    free = backtest(data, ATTAINMENT_FALL, kind="logistic").table().loc["model", "roc_auc"]
    assert held > 0.75
    # Dropping the bait costs almost nothing: the planted signal is in the leading indicators.
    assert held > free - 0.02, (held, free)


def test_signed_logistic_regression_keeps_its_signs_and_matches_the_free_fit_when_they_hold() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(0.0, 1.0, (800, 3))
    y = (rng.random(800) < 1 / (1 + np.exp(-(1.0 * X[:, 0] - 0.8 * X[:, 1] + 0.6 * X[:, 2])))).astype(int)
    free = SignedLogisticRegression(C=1.0).fit(X, y)
    assert free.coef_[0][0] > 0.5 and free.coef_[0][1] < -0.4 and free.coef_[0][2] > 0.3
    # Signs that agree with the data change nothing.
    agreeing = SignedLogisticRegression(C=1.0, signs=(1, -1, 1)).fit(X, y)
    np.testing.assert_allclose(agreeing.coef_, free.coef_, atol=1e-4)
    # A sign the data contradicts is held at exactly 0; the others stay on their sides.
    held = SignedLogisticRegression(C=1.0, signs=(1, 1, 0)).fit(X, y)
    assert held.coef_[0][1] == 0.0 and held.coef_[0][0] > 0
    # The same objective as scikit-learn's logistic regression when free.
    from sklearn.linear_model import LogisticRegression

    reference = LogisticRegression(C=1.0, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(free.coef_, reference.coef_, atol=1e-3)
    np.testing.assert_allclose(free.intercept_, reference.intercept_, atol=1e-3)


def test_how_much_in_words() -> None:
    assert [how_much(c) for c in (1.2, 0.5, 0.49, 0.01, 0.0, -0.7)] == [
        "a lot",
        "a lot",
        "a little",
        "a little",
        "lowered it",
        "lowered it",
    ]


def test_each_score_says_what_evidence_it_rests_on() -> None:
    data = _small_data()
    observations = data.observations
    # School 3 has no reading value in the last two years; school 4's absence is a year old.
    gone = ((observations["school_id"] == 3) & (observations["indicator"] == "reading")) & observations["period"].isin(
        ["2017/18", "2018/19"]
    )
    stale = (
        (observations["school_id"] == 4)
        & (observations["indicator"] == "absence")
        & (observations["period"] == "2018/19")
    )
    data = RiskData(
        observations=observations[~gone & ~stale],
        directions=data.directions,
        inspections=data.inspections,
        extra_features=data.extra_features,
    )
    scores = score(data, Outcome(kind="inspection_below", grade=2), as_of="2018/19", model=RiskModel(kind="logistic"))
    evidence = scores.evidence
    assert list(evidence.columns) == ["indicators", "indicators_in_model", "newest", "oldest", "inspection"]
    assert (evidence["indicators_in_model"] == 2).all()  # reading and absence (the trigger is not an indicator)
    assert evidence.loc[1].tolist() == [2, 2, "2018/19", "2018/19", "2017/18"]
    assert evidence.loc[3].tolist() == [1, 2, "2018/19", "2018/19", "2017/18"]
    assert evidence.loc[4].tolist() == [2, 2, "2018/19", "2017/18", "2017/18"]


def test_a_family_percentile_in_words_the_way_the_indicator_runs() -> None:
    from evenbetter.analytics.benchmark import standing_words

    assert standing_words(20.0, "lower") == "higher than most similar schools (worse than 8 in 10)"
    assert standing_words(20.0, "higher") == "lower than most similar schools (worse than 8 in 10)"
    assert standing_words(70.0, "higher") == "higher than most similar schools (better than 7 in 10)"
    assert standing_words(2.0, "higher") == "lower than most similar schools (worse than almost all of them)"
    assert standing_words(97.0, "lower") == "lower than most similar schools (better than almost all of them)"
    assert standing_words(52.0, "higher") == "about the middle of similar schools"
    assert standing_words(80.0, "neither") == "higher than 8 in 10 similar schools"
