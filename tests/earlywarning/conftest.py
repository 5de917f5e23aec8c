"""A kept early-warning run, made directly: these tests are about who sees it, not the model."""

from __future__ import annotations

import pytest

from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.schools.models import School


@pytest.fixture
def risk_run(register: object, school_a: School, school_b: School, school_c: School) -> RiskRun:
    run = RiskRun.objects.create(
        outcome={"kind": "inspection_below", "grade": 2},
        outcome_text="the next inspection is below Good",
        as_of="2018/19",
        model_kind="logistic",
        data_fingerprint="0" * 64,
        schools_scored=3,
    )
    rows = [(school_b, 0.62, "high"), (school_a, 0.31, "raised"), (school_c, 0.05, "usual")]
    for rank, (school, risk, band) in enumerate(rows, start=1):
        RiskScore.objects.create(
            run=run,
            school=school,
            risk=risk,
            rank=rank,
            band=band,
            previous_risk=risk - 0.1,
            reasons=[["trigger_isolation", 0.8, f"Little contact with other schools ({school.name})"]],
            triggers=[
                {"code": "isolation", "name": "Developing isolation", "kind": "leading", "fired": True,
                 "severity": 0.5, "evidence": "peers 1", "explanation": "Little contact with other schools."},
                {"code": "weak_inspection", "name": "Weak inspection", "kind": "lagging", "fired": False,
                 "severity": 0.0, "evidence": "grade 2", "explanation": ""},
            ],
        )  # fmt: skip
    return run
