"""A platform with something of every kind to read, and API clients signed in as each persona.

On top of the register sample and the personas of ``tests/conftest.py``:

- published context and reading for every school, with families and benchmarks
  (``tests/benchmarks/conftest.build_benchmarked``);
- a local record (not published), ``meetings_attended``, for schools A, B and C, benchmarked;
- a risk run scoring B, A and C (``tests/earlywarning/conftest.make_risk_run``);
- help requests of school A, one of each visibility, and one named request of school B.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.api.services import token_create
from evenbetter.earlywarning.models import RiskRun
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest
from tests.benchmarks.conftest import build_benchmarked
from tests.earlywarning.conftest import make_risk_run

LOCAL = "meetings_attended"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    # The throttle counts in the cache, which outlives a test: each test starts from zero.
    cache.clear()


@dataclass(frozen=True)
class World:
    school_a: School
    school_b: School
    school_c: School
    local: Indicator
    risk_run: RiskRun
    named: HelpRequest
    anonymous: HelpRequest
    broker_only: HelpRequest
    named_b: HelpRequest


@pytest.fixture
def world(
    register: ImportRun, alton_cluster: Partnership, school_a: School, school_b: School, school_c: School
) -> World:
    local = Indicator.objects.create(
        code=LOCAL,
        name="Partnership meetings attended",
        unit="%",
        direction=Indicator.Direction.HIGHER_IS_BETTER,
        domain=Indicator.Domain.PARTNERSHIP,
        comparison=Indicator.Comparison.PERCENT,
        is_public=False,
    )
    for value, school in enumerate(School.objects.exclude(status=School.Status.CLOSED).order_by("urn")):
        Observation.objects.create(
            school=school, indicator=local, period="2018/19", period_start=dt.date(2018, 9, 1), value=40 + value
        )
    build_benchmarked(shifts={2017: -10, 2018: 0})
    risk_run = make_risk_run(
        [(school_b, 0.62, 0.52, "high"), (school_a, 0.31, 0.21, "raised"), (school_c, 0.05, None, "usual")],
        triggers=[
            {"code": "isolation", "name": "Developing isolation", "kind": "leading", "fired": True,
             "severity": 0.5, "evidence": "peers 1", "explanation": "Little contact with other schools."},
        ],
    )  # fmt: skip
    for score in risk_run.scores.select_related("school"):
        score.reasons = [["trigger_isolation", 0.8, f"Little contact with other schools ({score.school.name})"]]
        score.save(update_fields=["reasons"])

    def ask(school: School, visibility: str, title: str) -> HelpRequest:
        return HelpRequest.objects.create(
            school=school, area="reading", title=title, description="Our phonics screening fell.", visibility=visibility
        )

    return World(
        school_a,
        school_b,
        school_c,
        local,
        risk_run,
        named=ask(school_a, HelpRequest.Visibility.NAMED, "Named request of A"),
        anonymous=ask(school_a, HelpRequest.Visibility.ANONYMOUS, "Anonymous request of A"),
        broker_only=ask(school_a, HelpRequest.Visibility.BROKER_ONLY, "Broker-only request of A"),
        named_b=ask(school_b, HelpRequest.Visibility.NAMED, "Named request of B"),
    )


@pytest.fixture
def api_for(
    request: pytest.FixtureRequest, register: ImportRun, alton_cluster: Partnership
) -> Callable[[str], APIClient]:
    """``api_for("governor")``: an API client that sends a token of that persona's own."""

    def make(persona: str) -> APIClient:
        client = APIClient()
        if persona != "anonymous":
            user: User = request.getfixturevalue(persona)
            _, raw = token_create(user=user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
