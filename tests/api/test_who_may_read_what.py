"""Every endpoint for every persona, both ways: the status each gets, as the web's rules say.

Personas (``tests/conftest.py``): school A (Alton) is led by ``school_leader_a``, governed by
``governor``, in the Alton cluster that ``partnership_lead`` leads, and in East Hampshire where
``partner_agency`` works; school B (Guildford) is led by ``school_leader_b`` and in no partnership.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import LOCAL, World
from tests.conftest import PERSONAS

# Same on any database: the status each persona gets at each endpoint: the access rules (the endpoints' filters are in the other API modules, on both).
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

ANON, OUT, SL, PL, SLA, SLB, GOV, AG, LL, ST = PERSONAS
SIGNED_IN = [OUT, SL, PL, SLA, SLB, GOV, AG, LL, ST]


def expect(ok: set[str], refused: int = 403, **others: int) -> dict[str, int]:
    """200 for the personas in ``ok``, 401 for anonymous, ``refused`` for the rest (unless named)."""
    found = {persona: 200 if persona in ok else refused for persona in SIGNED_IN}
    found.update(others)
    return {ANON: 401, **found}


EVERYONE = {SL, PL, SLA, SLB, GOV, AG, LL, ST}
# Every role but the partner agency: school A's staff member included (local records, help asked
# and offered), though never any risk.
LEADERS_AND_GOVERNORS = {SL, PL, SLA, SLB, GOV, LL, ST}
RISK_READERS = LEADERS_AND_GOVERNORS - {ST}
SEES_A = EVERYONE
SEES_B = {SL, PL, SLA, SLB, LL, ST}
RISK_OF_A = {SL, PL, SLA, GOV, LL}  # East Hampshire's locality lead sees its schools in full
RISK_OF_B = {SL, SLB}

# name -> (path, given the world; expected status per persona)
ENDPOINTS: dict[str, tuple[Callable[[World], str], dict[str, int]]] = {
    "schools": (lambda w: "/api/v1/schools/", expect(EVERYONE)),
    "school A": (lambda w: f"/api/v1/schools/{w.school_a.pk}/", expect(SEES_A)),
    "school B": (lambda w: f"/api/v1/schools/{w.school_b.pk}/", expect(SEES_B)),
    "family of A": (lambda w: f"/api/v1/schools/{w.school_a.pk}/family/", expect(SEES_A)),
    "family of B": (lambda w: f"/api/v1/schools/{w.school_b.pk}/family/", expect(SEES_B)),
    "benchmarks of A": (lambda w: f"/api/v1/schools/{w.school_a.pk}/benchmarks/", expect(SEES_A)),
    "benchmarks of B": (lambda w: f"/api/v1/schools/{w.school_b.pk}/benchmarks/", expect(SEES_B)),
    "risk of A": (lambda w: f"/api/v1/schools/{w.school_a.pk}/risk/", expect(RISK_OF_A)),
    "risk of B": (lambda w: f"/api/v1/schools/{w.school_b.pk}/risk/", expect(RISK_OF_B)),
    "indicators": (lambda w: "/api/v1/indicators/", expect(EVERYONE)),
    "a published indicator": (lambda w: "/api/v1/indicators/reading/", expect(EVERYONE)),
    "a local record's indicator": (
        lambda w: f"/api/v1/indicators/{LOCAL}/",
        expect(LEADERS_AND_GOVERNORS, **{AG: 404}),
    ),
    "observations": (lambda w: "/api/v1/observations/", expect(EVERYONE)),
    "risk scores": (lambda w: "/api/v1/risk-scores/", expect(RISK_READERS)),
    # An agency's people list the requests addressed to their agency (none of these: not found).
    "help requests": (lambda w: "/api/v1/help-requests/", expect(EVERYONE)),
    "a named request": (lambda w: f"/api/v1/help-requests/{w.named.pk}/", expect(LEADERS_AND_GOVERNORS, **{AG: 404})),
    "an anonymous request": (
        lambda w: f"/api/v1/help-requests/{w.anonymous.pk}/",
        expect(LEADERS_AND_GOVERNORS, **{AG: 404}),
    ),
    "a broker-only request": (
        lambda w: f"/api/v1/help-requests/{w.broker_only.pk}/",
        expect({SL, PL, SLA, GOV, LL}, **{SLB: 404, ST: 404, AG: 404}),
    ),
    "imports": (lambda w: "/api/v1/imports/", expect({SL})),
    "tokens": (lambda w: "/api/v1/tokens/", expect({OUT, *EVERYONE})),
    "the description": (lambda w: "/api/v1/schema/?format=json", expect({OUT, *EVERYONE})),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_persona_gets_what_the_web_gives_it(
    api_for: Callable[[str], APIClient], world: World, endpoint: str
) -> None:
    path, expected = ENDPOINTS[endpoint]
    got: dict[str, int] = {}
    for persona in PERSONAS:
        response = api_for(persona).get(path(world))
        got[persona] = response.status_code
        if response.status_code == 401:
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        if response.status_code in (401, 403, 404):
            assert set(response.json()) == {"detail"}, (persona, response.content[:300])
    assert got == expected


def test_a_school_that_does_not_exist_is_not_found_for_everyone(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    for suffix in ("", "family/", "benchmarks/", "risk/"):
        assert api_for(SL).get(f"/api/v1/schools/987654321/{suffix}").status_code == 404
        assert api_for(ANON).get(f"/api/v1/schools/987654321/{suffix}").status_code == 401


HUGE = str(2**64)  # no id at all: larger than the database's integers


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/schools/{HUGE}/",
        f"/api/v1/schools/{HUGE}/family/",
        f"/api/v1/schools/{HUGE}/benchmarks/",
        f"/api/v1/schools/{HUGE}/risk/",
        f"/api/v1/help-requests/{HUGE}/",
        f"/api/v1/imports/{HUGE}/",
    ],
)
def test_an_id_too_large_to_be_one_is_not_found(api_for: Callable[[str], APIClient], world: World, path: str) -> None:
    response = api_for(SL).get(path)
    assert response.status_code == 404 and set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/api/v1/observations/", "/api/v1/risk-scores/", "/api/v1/help-requests/"])
def test_a_school_filter_too_large_to_be_an_id_is_refused(
    api_for: Callable[[str], APIClient], world: World, path: str
) -> None:
    response = api_for(SL).get(f"{path}?school={HUGE}")
    assert response.status_code == 400 and "school" in response.json()


def test_revoking_a_token_id_too_large_to_be_one_is_not_found(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    assert api_for(SL).delete(f"/api/v1/tokens/{HUGE}/").status_code == 404
