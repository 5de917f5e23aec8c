"""Alerts: the leads hear when a school's risk rises past the threshold; nobody else does."""

from __future__ import annotations

import pytest
from django.core import mail

from evenbetter.accounts.models import User
from evenbetter.earlywarning.models import RiskRun
from evenbetter.earlywarning.services import risk_alerts_send
from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def _run(scores: dict[School, tuple[float, float | None, str]]) -> RiskRun:
    return make_risk_run(
        [(school, risk, previous, band) for school, (risk, previous, band) in scores.items()],
        as_of="2019/20",
        reasons=[["staff_turnover", 0.9, "Staff turnover is 24"]],
    )


def test_a_rise_past_the_threshold_alerts_the_system_and_partnership_leads(
    school_a: School, school_b: School, school_c: School, system_lead: User, partnership_lead: User,
    school_leader_a: User, governor: User,
) -> None:  # fmt: skip
    run = _run(
        {
            school_a: (0.62, 0.30, "high"),  # crosses 50%: alert
            school_c: (0.45, 0.40, "raised"),  # rises, but stays under: no alert
            school_b: (0.20, 0.70, "usual"),  # falls: no alert
        }
    )
    assert risk_alerts_send(run=run) == 1
    (message,) = mail.outbox
    assert school_a.name in message.subject and "62%" in message.subject
    assert set(message.to) == {system_lead.email, partnership_lead.email}
    assert "Staff turnover is 24" in message.body
    # The school's own leader and governor read it on their page; they are not e-mailed about it.
    assert school_leader_a.email not in message.to and governor.email not in message.to


def test_no_alert_for_another_partnerships_school(school_b: School, system_lead: User, partnership_lead: User) -> None:
    run = _run({school_b: (0.8, 0.2, "high")})
    assert risk_alerts_send(run=run) == 1
    assert mail.outbox[0].to == [system_lead.email]  # Ash Grange is in no partnership the lead leads
