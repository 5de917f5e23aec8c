"""The page that shows a run's backtest compares the model with the best baseline: for a
fall, the better of "worst current first" and its opposite."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.analytics.risk.backtest import backtest
from evenbetter.analytics.risk.settings import Outcome, RiskData
from evenbetter.earlywarning.models import RiskRun
from evenbetter.earlywarning.services import backtest_summary

pytestmark = pytest.mark.django_db


def test_the_watch_list_compares_the_model_with_the_better_direction_of_a_fall(
    client_for: Callable[[str], Client], risk_run: RiskRun
) -> None:
    # The highest-scoring quarter falls by 5 each year: "worst current first" ranks them last.
    rng = np.random.default_rng(3)
    base = np.linspace(10.0, 400.0, 40)
    rows = [
        (school, "reading", period, value)
        for k, period in enumerate(("2015/16", "2016/17", "2017/18"))
        for school, value in enumerate(base - np.where(base >= 300.0, 5.0 * k, 0.0) + rng.uniform(-0.4, 0.4, 40))
    ]
    data = RiskData(
        observations=pd.DataFrame(rows, columns=["school_id", "indicator", "period", "value"]),
        directions={"reading": "higher"},
    )
    result = backtest(data, Outcome(kind="indicator_fall", indicator="reading", fall=4), kind="logistic")
    risk_run.backtest = backtest_summary(result)
    risk_run.save(update_fields=["backtest"])

    assert risk_run.backtest["best_baseline"]["name"] == "best_current"
    page = client_for("system_lead").get(reverse("watch_list")).content.decode()
    assert "Against the best of them</strong> (highest current value first" in page
    assert "Best baseline: best_current" in page
    # Who may not see the watch list does not see the backtest either.
    assert client_for("school_leader_a").get(reverse("watch_list")).status_code == 403
