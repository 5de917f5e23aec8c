"""Signing in to the API: tokens (kept hashed; made and revoked by the command or by the
person on the web), sessions, refusals, and the rate limit per user."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.api.models import ApiToken
from evenbetter.api.services import token_create
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

SCHOOLS = "/api/v1/schools/"


def with_token(raw: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


def test_a_token_is_kept_only_as_its_digest(world: World, governor: User) -> None:
    token, raw = token_create(user=governor, name="dashboard")
    assert raw.startswith("eb_") and len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:11]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in [str(value) for value in stored.values()]
    assert with_token(raw).get(SCHOOLS).status_code == 200
    assert with_token(raw, "Token").get(SCHOOLS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer eb_not-a-real-token", "Bearer", "Bearer two words", "Token nope", "Bearer \u00e9t\u00e9"],
)
def test_a_bad_token_is_refused_not_ignored(world: World, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = client.get(SCHOOLS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_or_an_inactive_account_is_refused(world: World, governor: User) -> None:
    _, raw = token_create(user=governor)
    call_command("api_token", "governor", "--revoke-all", stdout=StringIO())
    assert with_token(raw).get(SCHOOLS).status_code == 401
    _, raw = token_create(user=governor)
    assert with_token(raw).get(SCHOOLS).status_code == 200
    User.objects.filter(pk=governor.pk).update(is_active=False)
    assert with_token(raw).get(SCHOOLS).status_code == 401


def test_the_command_makes_lists_and_revokes_tokens(world: World, governor: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("api_token", "governor", "--name", "governing board pack", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert "shown this once" in err.getvalue()
    assert with_token(raw).get(f"/api/v1/schools/{world.school_a.pk}/").status_code == 200
    token = ApiToken.objects.get(user=governor)
    assert (token.name, token.prefix) == ("governing board pack", raw[:11])
    listing = StringIO()
    call_command("api_token", "governor", "--list", stdout=listing)
    assert raw[:11] in listing.getvalue() and "active" in listing.getvalue() and raw not in listing.getvalue()
    call_command("api_token", "governor", "--revoke", raw[:11], stdout=StringIO())
    assert with_token(raw).get(SCHOOLS).status_code == 401
    with pytest.raises(CommandError, match="no active token"):
        call_command("api_token", "governor", "--revoke", str(token.pk), stdout=StringIO())
    with pytest.raises(CommandError, match="No account"):
        call_command("api_token", "nobody", stdout=StringIO())
    User.objects.filter(pk=governor.pk).update(is_active=False)
    with pytest.raises(CommandError, match="not an active account"):
        call_command("api_token", "governor", stdout=StringIO())


def test_a_person_signed_in_on_the_web_makes_and_revokes_their_own_token(world: World, governor: User) -> None:
    session = APIClient()
    session.force_login(governor)
    made = session.post("/api/v1/tokens/", {"name": "spreadsheet"}, format="json")
    assert made.status_code == 201
    raw = made.json()["token"]
    assert made.json()["user"] == "governor" and made.json()["prefix"] == raw[:11]
    assert with_token(raw).get(f"/api/v1/schools/{world.school_a.pk}/").status_code == 200
    # Listed afterwards without the token itself.
    listed = session.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["spreadsheet"] and "token" not in listed[0]
    assert session.delete(f"/api/v1/tokens/{made.json()['id']}/").status_code == 204
    assert with_token(raw).get(SCHOOLS).status_code == 401
    assert ApiToken.objects.get(pk=made.json()["id"]).revoked_by == governor


def test_a_token_request_that_is_not_an_object_is_refused(world: World, governor: User) -> None:
    session = APIClient()
    session.force_login(governor)
    for body in ("5", "[]", '"governor"'):
        response = session.post("/api/v1/tokens/", body, content_type="application/json")
        assert response.status_code == 400, body
    assert not ApiToken.objects.filter(user=governor).exists()


def test_a_token_cannot_make_another(world: World, governor: User) -> None:
    _, raw = token_create(user=governor)
    response = with_token(raw).post("/api/v1/tokens/", {"name": "more"}, format="json")
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=governor).count() == 1


def test_only_a_system_lead_makes_a_token_for_someone_else(world: World, governor: User, system_lead: User) -> None:
    session = APIClient()
    session.force_login(governor)
    assert session.post("/api/v1/tokens/", {"username": "system_lead"}, format="json").status_code == 403
    lead = APIClient()
    lead.force_login(system_lead)
    made = lead.post("/api/v1/tokens/", {"username": "governor", "name": "for the clerk"}, format="json")
    assert made.status_code == 201 and made.json()["user"] == "governor"
    assert ApiToken.objects.get(pk=made.json()["id"]).created_by == system_lead
    assert lead.post("/api/v1/tokens/", {"username": "nobody"}, format="json").status_code == 400


def test_only_a_system_lead_revokes_someone_elses_token(world: World, governor: User, school_leader_a: User) -> None:
    _, raw = token_create(user=governor)
    other, other_raw = token_create(user=school_leader_a)
    assert with_token(raw).delete(f"/api/v1/tokens/{other.pk}/").status_code == 404
    assert with_token(other_raw).get(SCHOOLS).status_code == 200
    assert with_token(raw).get("/api/v1/tokens/").json()["count"] == 1  # only its own are listed


def test_a_system_lead_revokes_anyones_token(world: World, governor: User, system_lead: User) -> None:
    token, raw = token_create(user=governor)
    _, lead_raw = token_create(user=system_lead)
    assert with_token(lead_raw).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    assert with_token(raw).get(SCHOOLS).status_code == 401


def test_a_web_session_reads_the_api_as_the_person(world: World, governor: User) -> None:
    session = APIClient()
    session.force_login(governor)
    assert session.get(f"/api/v1/schools/{world.school_a.pk}/").json()["access"] == "governor"
    assert session.get(f"/api/v1/schools/{world.school_b.pk}/").status_code == 403


@override_settings(EVENBETTER_API_RATE="3/minute")
def test_each_person_has_their_own_rate_limit(api_for: Callable[[str], APIClient], world: World) -> None:
    governor, leader = api_for("governor"), api_for("school_leader_a")
    assert [governor.get(SCHOOLS).status_code for _ in range(3)] == [200, 200, 200]
    refused = governor.get(SCHOOLS)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0 and "throttled" in refused.json()["detail"].lower()
    assert leader.get(SCHOOLS).status_code == 200  # another person is not held back
    assert api_for("anonymous").get(SCHOOLS).status_code == 401  # and without a token it is 401, not 429


def test_the_rate_is_1000_an_hour_unless_the_environment_says_otherwise() -> None:
    """settings.py read in a fresh process, as a server reads it."""
    root = Path(__file__).resolve().parents[2]
    read = "import config.settings as s; print(s.EVENBETTER_API_RATE)"
    env = {k: v for k, v in os.environ.items() if k != "EVENBETTER_API_RATE"}
    default = subprocess.run(
        [sys.executable, "-c", read], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    chosen = subprocess.run(
        [sys.executable, "-c", read],
        cwd=root,
        env={**env, "EVENBETTER_API_RATE": "20/minute"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert (default.stdout.strip(), chosen.stdout.strip()) == ("1000/hour", "20/minute")
