"""The early warning finds a planted signal through the product's own path, and does not
find one that is not there.

Simulated local records (a known share of schools drift into isolation, weak governance,
vacancies and low trust a year or two before their outcome falls) are written to the
database as the demo writes them, measured as real records are (``partnership_life``),
read by the early warning's loader and backtested. Nothing here measures the records
itself: if the measurement, the loader or the model loses the signal, this fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evenbetter.analytics.risk.backtest import backtest
from evenbetter.analytics.risk.settings import INDICATOR_FALL, Outcome
from evenbetter.demo.local_records import (
    PLANTED_OUTCOME,
    generated_schools_in_clusters,
    local_records_generate,
    planted_outcome_record,
)
from evenbetter.demo.simulator import LocalRecords, SimulationSettings
from evenbetter.earlywarning.frames import load_data
from evenbetter.partnerships.indicators import partnership_life_refresh
from evenbetter.vocabulary.directions import HIGHER

# Same on any database: the writing, measuring and loading this goes through are checked on
# PostgreSQL by their own tests (test_load_data.py, the partnership-life indicators, the
# demo's records); what is left here is pandas and scikit-learn finding the signal, which no
# database changes, and it is the PostgreSQL stage's longest test.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

SCHOOLS = 320
SIX_YEARS = ("2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
# Onsets from the third year: every drifting school has two ordinary years first, and the
# model earlier outcome periods to learn from.
SIMULATION = SimulationSettings(seed=7, periods=SIX_YEARS, earliest_onset_index=2, drift_share=0.2)
# A drifting school's outcome falls by about 8; a steady school's moves by noise of 1.5 a
# year, so a fall of 4 is rarely noise.
FALL = Outcome(kind=INDICATOR_FALL, indicator=PLANTED_OUTCOME.code, fall=4, direction=HIGHER)


# Falls planted by drift start in 2017/18 (onsets from 2016/17, a lead of a year or two), so
# only the models tested on these two periods were trained on any planted fall; earlier
# folds learn from noise alone, in either run.
LEARNED = ["2018/19", "2019/20"]


def _auc(records: LocalRecords, *, shuffle: bool) -> float:
    """The model's ROC AUC on the periods it could have learned the planted falls for."""
    planted_outcome_record(records=records, seed=8, shuffle=shuffle)
    data = load_data()
    assert data.uses_generated_data
    folds = backtest(data.risk, FALL, random_state=0).folds.xs("model", level="ranking")
    return float(folds.loc[LEARNED, "roc_auc"].mean())


def test_the_backtest_finds_the_planted_signal_only_where_it_was_planted() -> None:
    generated_schools_in_clusters(SCHOOLS, label="Planted", latitudes=(50.5, 52.5), longitudes=(-2.0, 0.0))
    records = local_records_generate(settings=SIMULATION)
    partnership_life_refresh()
    assert len(records.drift) > 40  # enough drifting schools for the figures below to mean something

    # The production measures see the story: after its onset a drifting school has fewer
    # peers, fewer board meetings, more vacancies and less trust than a steady school.
    observations = load_data().risk.observations
    wide = observations.pivot_table(index=["school_id", "period"], columns="indicator", values="value")
    onset = records.drift.set_index("school_id")["onset_period"]
    school = wide.index.get_level_values("school_id")
    period = pd.Series(wide.index.get_level_values("period"), index=wide.index)
    started = (period >= school.map(onset)).to_numpy() & school.isin(onset.index)
    steady = ~school.isin(onset.index)
    late = period.isin(SIX_YEARS[4:]).to_numpy()
    after, usual = wide[started & late].mean(), wide[steady & late].mean()
    assert after["peers_12m"] < 0.8 * usual["peers_12m"]
    assert after["board_meetings_12m"] < usual["board_meetings_12m"] - 1
    assert after["teacher_vacancies"] > usual["teacher_vacancies"] + 0.5
    assert after["survey_trust"] < usual["survey_trust"] - 8

    planted = _auc(records, shuffle=False)
    # The same falls given to other schools: the records no longer say who will fall. What
    # is left above 0.5 is the outcome's own noise (a year high by chance tends to be
    # followed by a fall), which the model may rightly use in either run.
    unrelated = _auc(records, shuffle=True)
    assert planted > 0.75, planted
    assert unrelated < 0.65, unrelated
    assert planted - unrelated > 0.15
