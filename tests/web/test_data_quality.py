"""Confidence in the evidence: computed from the database, kept as indicators, shown to system leads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import Dispute, ImportRun, Observation
from evenbetter.indicators.quality import data_quality_refresh
from evenbetter.ingest.runner import import_file
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# Alton Infant and Anstey Junior have both years; Ash Grange only the earlier one.
ABSENCE = {
    "2017/18": b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,1,115850,4.0,8.0\n850,2,115851,4.2,NA\n936,3,125116,4.4,SUPP\n",
    "2018/19": b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,1,115850,3.9,8.1\n850,2,115851,4.1,9.1\n",
}


@pytest.fixture
def absence(register: ImportRun) -> None:
    for period, content in ABSENCE.items():
        run = import_file(content=content, file_name=f"abs-{period}.csv", source_format="dfe_absence", period=period)
        assert run.status == ImportRun.Status.SUCCEEDED, run.problems


def _score(urn: int, code: str = "data_confidence") -> float | None:
    return Observation.objects.get(school__urn=urn, indicator__code=code).value


def test_scores_follow_from_the_values_held(absence: None) -> None:
    run, _report = data_quality_refresh()
    assert run.options["period"] == "2018/19"
    # Alton Infant: everything most peers have, up to date, nothing disputed.
    assert _score(115850) == 100.0
    # Anstey Junior: persistent absence 2017/18 is missing while most schools have it.
    assert _score(115851, "data_completeness") == pytest.approx(75.0)
    # Ash Grange: its latest values are a year behind, and it lacks the 2018/19 values.
    assert _score(125116, "data_timeliness") == 0.0
    assert _score(125116) < _score(115851) < _score(115850)


def test_recomputing_without_changes_changes_nothing(absence: None) -> None:
    data_quality_refresh()
    again, _ = data_quality_refresh()
    assert (again.records_created, again.records_updated) == (0, 0)


def test_an_open_dispute_lowers_agreement(absence: None, school_leader_a) -> None:
    observation = Observation.objects.get(school__urn=115850, indicator__code="absence_overall", period="2018/19")
    Dispute.objects.create(observation=observation, raised_by=school_leader_a, reason="Wrong")
    data_quality_refresh()
    assert _score(115850, "data_agreement") == pytest.approx(75.0)  # 1 of its 4 values
    assert _score(115850) == pytest.approx(97.5)  # 100 - 10% weight x 25%


def test_the_command_reports_what_it_did(absence: None, capsys) -> None:
    call_command("data_quality")
    assert "Data quality for 3 schools as at 2018/19" in capsys.readouterr().out


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_system_leads_see_the_overview(persona: str, client_for: Callable[[str], Client], absence: None) -> None:
    data_quality_refresh()
    response = client_for(persona).get(reverse("data_quality"))
    if persona == "system_lead":
        assert response.status_code == 200
        assert b"Least confidence" in response.content and b"Ash Grange" in response.content
    elif persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403
