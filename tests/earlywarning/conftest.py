"""A kept early-warning run, made directly: these tests are about who sees it, not the model."""

from __future__ import annotations

from typing import Any

import pytest

from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.schools.models import School


def make_risk_run(
    scores: list[tuple[School, float, float | None, str]],
    *,
    as_of: str = "2018/19",
    reasons: list[list[Any]] | None = None,
    triggers: list[dict[str, Any]] | None = None,
) -> RiskRun:
    """A run with one score per (school, risk, previous risk, band), ranked in that order."""
    run = RiskRun.objects.create(
        outcome={"kind": "inspection_below", "grade": 2},
        outcome_text="the next inspection is below Good",
        as_of=as_of,
        model_kind="logistic",
        data_fingerprint="0" * 64,
        schools_scored=len(scores),
    )
    for rank, (school, risk, previous, band) in enumerate(scores, start=1):
        RiskScore.objects.create(
            run=run,
            school=school,
            risk=risk,
            rank=rank,
            band=band,
            previous_risk=previous,
            reasons=reasons if reasons is not None else [],
            triggers=triggers if triggers is not None else [],
        )
    return run


@pytest.fixture
def risk_run(register: object, school_a: School, school_b: School, school_c: School) -> RiskRun:
    run = make_risk_run(
        [(school_b, 0.62, 0.52, "high"), (school_a, 0.31, 0.21, "raised"), (school_c, 0.05, -0.05, "usual")],
        triggers=[
            {"code": "isolation", "name": "Developing isolation", "kind": "leading", "fired": True,
             "severity": 0.5, "evidence": "peers 1", "explanation": "Little contact with other schools."},
            {"code": "weak_inspection", "name": "Weak inspection", "kind": "lagging", "fired": False,
             "severity": 0.0, "evidence": "grade 2", "explanation": ""},
        ],
    )  # fmt: skip
    # Each school's reason names it, so a page that shows another school's reason is caught.
    for score in run.scores.select_related("school"):
        score.reasons = [["trigger_isolation", 0.8, f"Little contact with other schools ({score.school.name})"]]
        score.save(update_fields=["reasons"])
    return run
