"""API tokens expire when their maker chose (30, 90 or 365 days), and the API then refuses them
saying when; making and revoking one is written to the audit log (as the person who did it,
none from the command line), and a refusal writes nothing; a name too long is refused, never
cut. Who may open and post what is in ``tests/web/policy.py``."""

from __future__ import annotations

import datetime as dt
import html
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.api.models import ApiToken
from evenbetter.api.services import TokenRefused, token_create, token_revoke
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

PAGE = "/api-tokens/"
SCHOOLS = "/api/v1/schools/"
MADE, REVOKED = AuditEvent.Action.API_TOKEN_MADE, AuditEvent.Action.API_TOKEN_REVOKED


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _days_left(token: ApiToken) -> float:
    return (token.expires_at - timezone.now()) / dt.timedelta(days=1)


def _token_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__in=[MADE, REVOKED]).order_by("pk"))


@pytest.mark.parametrize(("posted", "days"), [({}, 90), ({"days": "30"}, 30), ({"days": "365"}, 365)])
def test_the_page_makes_a_token_for_the_days_chosen_90_unless_said(
    world: World, governor: User, posted: dict[str, str], days: int
) -> None:
    made = _signed_in(governor).post(PAGE, {"name": "Dashboard", **posted})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=governor)
    assert days - 1 < _days_left(token) <= days
    assert f"It works until {timezone.localtime(token.expires_at):%-d %B %Y}" in html.unescape(made.content.decode())


def test_the_form_offers_the_three_lifetimes_with_90_chosen(world: World, governor: User) -> None:
    page = _signed_in(governor).get(PAGE).content.decode()
    assert '<option value="30">30 days</option>' in page
    assert '<option value="90" selected>90 days</option>' in page
    assert '<option value="365">365 days (a year)</option>' in page


def test_another_lifetime_is_refused_with_what_to_choose_and_makes_nothing(world: World, governor: User) -> None:
    answer = _signed_in(governor).post(PAGE, {"name": "Dashboard", "days": "7"})
    assert answer.status_code == 400
    assert "Choose how long the token works: 30, 90 or 365 days." in html.unescape(answer.content.decode())
    assert not ApiToken.objects.exists() and not _token_events()
    with pytest.raises(TokenRefused, match="30, 90 or 365 days, not 7"):
        token_create(user=governor, name="Dashboard", days=7)
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_saying_when_and_shown_as_expired(world: World, governor: User) -> None:
    token, raw = token_create(user=governor, name="Dashboard", days=30)
    assert _with_token(raw).get(SCHOOLS).status_code == 200
    token.refresh_from_db()
    used = token.last_used_at
    ended = timezone.now() - dt.timedelta(days=2)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=ended)
    refused = _with_token(raw).get(SCHOOLS)
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        f"This token expired on {timezone.localtime(ended):%-d %B %Y}. "
        "Make a new one on the API tokens page (/api-tokens/)."
    )
    token.refresh_from_db()
    assert token.last_used_at == used  # a refused call is no use
    page = html.unescape(_signed_in(governor).get(PAGE).content.decode())
    assert f"<strong>Expired</strong> {timezone.localtime(ended):%-d %b %Y}: make a new one" in page
    assert "Revoke “Dashboard”" not in page  # nothing left to revoke
    # A revoked token is called revoked, whenever it expires.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    token.refresh_from_db()
    assert (token.state, token.is_expired, token.is_active) == ("revoked", False, False)


def test_the_api_makes_a_token_for_the_days_asked_and_lists_its_expiry(world: World, governor: User) -> None:
    session = APIClient()
    session.force_login(governor)
    made = session.post("/api/v1/tokens/", {"name": "spreadsheet", "expires_in_days": 365}, format="json")
    assert made.status_code == 201
    token = ApiToken.objects.get(pk=made.json()["id"])
    assert 364 < _days_left(token) <= 365
    listed = session.get("/api/v1/tokens/").json()["results"][0]
    assert (listed["active"], listed["expired"]) == (True, False)
    assert dt.datetime.fromisoformat(listed["expires_at"]) == token.expires_at
    refused = session.post("/api/v1/tokens/", {"name": "more", "expires_in_days": 1000}, format="json")
    assert refused.status_code == 400 and "expires_in_days" in refused.json()
    assert ApiToken.objects.filter(user=governor).count() == 1


def test_making_and_revoking_on_the_page_are_audited_as_the_person(world: World, governor: User) -> None:
    client = _signed_in(governor)
    made = client.post(PAGE, {"name": "Dashboard", "days": "30"})
    token = ApiToken.objects.get(user=governor)
    raw = html.unescape(made.content.decode()).split('id="new-token" class="api-token" type="text" value="', 1)[1]
    raw = raw.split('"', 1)[0]
    client.post(f"/api-tokens/{token.pk}/revoke/")
    client.post(f"/api-tokens/{token.pk}/revoke/")  # already revoked: nothing changes, nothing written
    made_line, revoked_line = _token_events()
    assert (made_line.action, made_line.user, made_line.path) == (MADE, governor, PAGE)
    assert made_line.detail["owner"] == "governor" and made_line.detail["token"] == f"{token.prefix}…"
    assert made_line.detail["name"] == "Dashboard" and made_line.detail["works for"] == "30 days"
    assert (revoked_line.action, revoked_line.user, revoked_line.path) == (
        REVOKED,
        governor,
        f"/api-tokens/{token.pk}/revoke/",
    )
    # The audit line names the token by its first characters, never the token itself.
    assert raw not in str(made_line.detail) and raw not in str(revoked_line.detail)


def test_a_system_lead_making_and_revoking_anothers_token_is_audited_as_the_lead(
    world: World, governor: User, system_lead: User
) -> None:
    lead = APIClient()
    lead.force_login(system_lead)
    made = lead.post("/api/v1/tokens/", {"username": "governor", "name": "for the clerk"}, format="json")
    assert lead.delete(f"/api/v1/tokens/{made.json()['id']}/").status_code == 204
    assert [(e.action, e.user, e.detail["owner"]) for e in _token_events()] == [
        (MADE, system_lead, "governor"),
        (REVOKED, system_lead, "governor"),
    ]


def test_anothers_token_stays_not_found_and_nothing_is_audited(
    world: World, governor: User, school_leader_a: User, system_lead: User
) -> None:
    token, raw = token_create(user=governor, name="Dashboard")
    _, other_raw = token_create(user=school_leader_a)
    before = _token_events()
    assert _signed_in(school_leader_a).post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    assert _signed_in(system_lead).post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    assert _with_token(other_raw).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert _token_events() == before
    token.refresh_from_db()
    assert token.revoked_at is None and _with_token(raw).get(SCHOOLS).status_code == 200


def test_the_command_makes_for_the_days_given_and_is_audited_with_no_one(world: World, governor: User) -> None:
    err = StringIO()
    call_command("api_token", "governor", "--name", "board pack", "--days", "365", stdout=StringIO(), stderr=err)
    token = ApiToken.objects.get(user=governor)
    assert 364 < _days_left(token) <= 365 and "working until" in err.getvalue()
    listing = StringIO()
    call_command("api_token", "governor", "--list", stdout=listing)
    assert f"active, expires {token.expires_at:%Y-%m-%d %H:%M}" in listing.getvalue()
    call_command("api_token", "governor", "--revoke-all", stdout=StringIO())
    assert [(e.action, e.user, e.path) for e in _token_events()] == [(MADE, None, ""), (REVOKED, None, "")]
    with pytest.raises(CommandError):
        call_command("api_token", "governor", "--days", "7", stdout=StringIO(), stderr=StringIO())


def test_a_name_too_long_is_refused_never_cut(world: World, governor: User) -> None:
    with pytest.raises(TokenRefused, match=r"The name is too long: keep it to 100 characters or fewer \(it has 101\)"):
        token_create(user=governor, name="x" * 101)
    with pytest.raises(CommandError, match="The name is too long"):
        call_command("api_token", "governor", "--name", "y" * 150, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists() and not _token_events()
    # Spaces around a name are not part of it; 100 characters are kept whole.
    token, _ = token_create(user=governor, name=f"  {'z' * 100}  ")
    assert token.name == "z" * 100


def test_revoking_by_the_service_twice_writes_one_line(world: World, governor: User) -> None:
    token, _ = token_create(user=governor, name="Dashboard")
    token_revoke(token=token, by=governor)
    token_revoke(token=token, by=governor)
    assert [e.action for e in _token_events()] == [MADE, REVOKED]


def test_the_audit_log_offers_the_token_actions(world: World, system_lead: User, governor: User) -> None:
    token_create(user=governor, name="Dashboard", created_by=governor)
    page = html.unescape(_signed_in(system_lead).get("/audit/", {"action": MADE}).content.decode())
    assert "Made an API token" in page and "Revoked an API token" in page  # the filter's choices
    assert "owner: governor" in page
