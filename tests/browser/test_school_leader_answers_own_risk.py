"""A school leader reads their own school's early warning, answers it, and sees the answer kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.earlywarning.models import RiskResponse
from evenbetter.schools.models import School
from tests.browser.conftest import screenshot, sign_in_by_cookie
from tests.earlywarning.conftest import make_risk_run


@pytest.mark.django_db(transaction=True)
def test_a_school_leader_reads_and_answers_their_own_risk_page(
    live_server, page: Page, school_leader_a: User, school_a: School, school_b: School, output_dir: Path
) -> None:
    make_risk_run(
        [(school_b, 0.7, 0.2, "high"), (school_a, 0.41, 0.2, "raised")],
        reasons=[["staff_turnover", 0.9, "Staff turnover is 24 (typical school: 12)"]],
        triggers=[{"code": "staffing", "name": "Staffing gaps and instability", "kind": "leading", "fired": True,
                   "severity": 0.6, "evidence": "staff turnover 2018/19: 24% (threshold: more than 20%)",
                   "explanation": "Staff turnover of 24% in a year."}],
    )  # fmt: skip

    sign_in_by_cookie(page, live_server.url, "school_leader_a")
    page.goto(f"{live_server.url}{school_a.get_absolute_url()}")
    # At a glance: the band and its top reason, and the way to answer.
    expect(page.locator("#at-a-glance").get_by_text("Top reason:")).to_be_visible()
    page.locator("#at-a-glance").get_by_role("link", name="See the reasons and answer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Early warning: {school_a.name}")
    expect(page.get_by_text("41%", exact=True)).to_be_visible()
    expect(page.get_by_text("Staff turnover is 24 (typical school: 12)")).to_be_visible()
    expect(page.get_by_role("cell", name="Staffing gaps and instability")).to_be_visible()
    page.get_by_label("Your response").fill("Two teachers retired in July; both posts are filled from September.")
    page.get_by_role("button", name="Add your response").click()
    expect(page.get_by_text("Your response is saved")).to_be_visible()
    expect(page.get_by_text("Two teachers retired in July")).to_be_visible()
    screenshot(page, output_dir / "own-risk-page.png", full_page=True)

    assert RiskResponse.objects.get().school == school_a
    assert AuditEvent.objects.filter(user=school_leader_a, action=AuditEvent.Action.RISK_VIEW, school=school_a).exists()
    # The other school's score is nowhere to be had.
    response = page.goto(f"{live_server.url}/schools/id/{school_b.pk}/risk/")
    assert response is not None and response.status == 403
