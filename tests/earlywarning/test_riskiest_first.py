"""Scores by rank whichever way the database is asked to find them: every school's (the run's
rank index) or a reader's few (ordered as an expression)."""

from __future__ import annotations

import pytest

from evenbetter.accounts.models import User
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.selectors import risk_visible_to, riskiest_first
from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def test_every_reader_gets_the_riskiest_first(
    school_a: School, school_b: School, school_c: School, system_lead: User, partnership_lead: User
) -> None:
    run = make_risk_run(
        [(school_b, 0.62, None, "high"), (school_a, 0.31, None, "raised"), (school_c, 0.05, None, "usual")]
    )
    by_rank = list(RiskScore.objects.filter(run=run).order_by("rank").values_list("school_id", flat=True))
    assert by_rank == [school_b.pk, school_a.pk, school_c.pk]
    everyone = riskiest_first(risk_visible_to(system_lead).filter(run=run), system_lead)
    assert [s.school_id for s in everyone] == by_rank
    narrowed = riskiest_first(risk_visible_to(system_lead).filter(run=run), system_lead, narrowed=True)
    assert [s.school_id for s in narrowed] == by_rank
    lead = riskiest_first(risk_visible_to(partnership_lead).filter(run=run), partnership_lead)
    assert [s.school_id for s in lead] == [pk for pk in by_rank if pk in (school_a.pk, school_c.pk)]
