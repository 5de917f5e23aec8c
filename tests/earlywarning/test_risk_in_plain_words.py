"""The early warning speaks plain English, through the product's own path.

Generated schools with a planted drift (as in ``test_planted_signal.py``, smaller) are run
through ``risk_run_create``; the school's risk page, its profile and the watch list are
rendered for everyone who may see them. No page carries statistical jargon (system leads'
exact figures aside, in a details element); every kept reason reads "raised the chance",
never for an input better than typical the way it runs; each score says how sure it is and
what it rests on.

About 45 s on a busy two-core machine (most of it simulating and writing the records, then
one backtest): like ``test_planted_signal.py``, it is the product-path check, so it is not
marked to be skipped.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import Role
from evenbetter.analytics.risk.settings import INDICATOR_FALL, Outcome
from evenbetter.demo.local_records import (
    PLANTED_OUTCOME,
    generated_schools_in_clusters,
    local_records_generate,
    planted_outcome_record,
)
from evenbetter.demo.simulator import SimulationSettings
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.services import risk_run_create
from evenbetter.indicators.models import Indicator
from evenbetter.partnerships.indicators import partnership_life_refresh
from evenbetter.schools.models import PartnershipMembership
from evenbetter.vocabulary.directions import HIGHER
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

JARGON = re.compile(r"log-odds|log odds|coefficient|\bSHAP\b|\bROC\b|roc_auc|\bAUC\b|\bBrier\b|logistic", re.I)
SIMULATION = SimulationSettings(
    seed=7,
    periods=("2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20"),
    earliest_onset_index=2,
    drift_share=0.2,
)
FALL = Outcome(kind=INDICATOR_FALL, indicator=PLANTED_OUTCOME.code, fall=4, direction=HIGHER)


def _outside_details(page: str) -> str:
    """The page without its details elements (where system leads' exact figures live)."""
    return re.sub(r"<details.*?</details>", "", page, flags=re.S)


# The words that say a value is on the worse side, the way its indicator runs.
WORSE_SIDE = {"higher": "lower than", "lower": "higher than"}


def test_risk_pages_speak_plain_english_and_no_reason_contradicts_its_direction() -> None:
    generated_schools_in_clusters(160, label="Planted", latitudes=(50.5, 52.5), longitudes=(-2.0, 0.0))
    records = local_records_generate(settings=SIMULATION)
    partnership_life_refresh()
    planted_outcome_record(records=records, seed=8)
    run = risk_run_create(outcome=FALL, alert=False)
    assert run.backtest.get("bands"), run.backtest.get("error")

    scores = list(RiskScore.objects.filter(run=run).order_by("rank"))
    directions = dict(Indicator.objects.values_list("code", "direction"))
    shown = [reason for score in scores for reason in score.reasons]
    assert shown, "the planted drift gives the riskiest schools reasons"
    for feature, contribution, words in shown:
        assert contribution > 0 and words.startswith("Raised the chance "), words
        # Every reason's value is worse than typical the way it runs (the words say how),
        # or missing, or a trigger that fired: never "did not fire", never "better than".
        assert "did not fire" not in words and "(better than" not in words, words
        source = feature.split(":", 1)[1]
        if directions.get(source) in WORSE_SIDE and feature.startswith("level:") and "no recent value" not in words:
            assert WORSE_SIDE[directions[source]] in words, words
    # The outcome's own indicator, when high, is set aside with why, never shown.
    own = [aside for score in scores for aside in score.set_aside if aside[0].endswith(PLANTED_OUTCOME.code)]
    assert all("further to fall" in why and "not a concern" in why for _, _, _, why in own)
    assert not any(f.endswith(PLANTED_OUTCOME.code) and "Raised" in w and "better" in w for f, _, w in shown)

    # The riskiest school's pages, for everyone who may see its risk.
    school = scores[0].school
    assert scores[0].reasons and scores[0].evidence["indicators"] > 0
    cluster = PartnershipMembership.objects.filter(school=school).first()
    readers = {
        "school leader": make_user("head", Role.SCHOOL_LEADER, school=school),
        "governor": make_user("governor", Role.GOVERNOR, school=school),
        "system lead": make_user("lead", Role.SYSTEM_LEAD),
    }
    if cluster is not None:
        readers["partnership lead"] = make_user("cluster", Role.PARTNERSHIP_LEAD, partnership=cluster.partnership)
    for who, user in readers.items():
        client = Client()
        client.force_login(user)
        pages = {
            "risk page": reverse("school_risk", args=[school.pk]),
            "profile": reverse("school_profile", args=[school.pk]),
            "school page": school.get_absolute_url(),
        }
        if who in ("system lead", "partnership lead"):
            pages["watch list"] = reverse("watch_list")
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (who, name)
            page = response.content.decode()
            seen = _outside_details(page) if who == "system lead" else page
            assert not JARGON.search(seen), (who, name, JARGON.search(seen))
            if name in ("risk page", "profile"):
                assert "When the model was checked against past years" in page, (who, name)
                assert "It rests on " in page and " indicators the model reads" in page, (who, name)
                assert "Raised the chance a " in page, (who, name)
        risk_page = client.get(pages["risk page"]).content.decode()
        # The exact sizes are for system leads, in a details element.
        assert ("The exact sizes, for system leads" in risk_page) == (who == "system lead")
