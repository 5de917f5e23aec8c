"""The API tokens page (/api-tokens/): a person makes a token, sees it this once, reads the API
with it and revokes it; bad input is answered with what is wrong and makes nothing. Who may open
and post what is in ``tests/web/policy.py`` (everyone signed in, their own tokens only)."""

from __future__ import annotations

import hashlib
import html

import pytest
from django.test import Client
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.api.models import ApiToken
from evenbetter.api.services import token_create
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

PAGE = "/api-tokens/"
SCHOOLS = "/api/v1/schools/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads_api(raw: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(SCHOOLS).status_code


def test_a_token_is_shown_once_and_kept_only_as_its_digest(world: World, governor: User) -> None:
    client = _signed_in(governor)
    made = client.post(PAGE, {"name": "  Governors' spreadsheet  "})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    page = html.unescape(made.content.decode())
    token = ApiToken.objects.get(user=governor)
    assert token.name == "Governors' spreadsheet" and token.created_by == governor
    # The token itself is on the page that answers the form, with the warning, and nowhere kept.
    raw = page.split('id="new-token" class="api-token" type="text" value="', 1)[1].split('"', 1)[0]
    assert raw.startswith(token.prefix) and token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert "Copy the token now." in page and "the only time it is shown" in page
    assert raw not in [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert _reads_api(raw) == 200
    # Never again: the list shows its first characters only.
    listed = html.unescape(client.get(PAGE).content.decode())
    assert "Governors' spreadsheet" in listed and f"{token.prefix}…" in listed
    assert raw not in listed


def test_the_list_is_of_ones_own_tokens_with_when_made_and_last_used(
    world: World, governor: User, system_lead: User
) -> None:
    mine, raw = token_create(user=governor, name="Dashboard")
    token_create(user=system_lead, name="Lead's script")
    assert _reads_api(raw) == 200
    page = html.unescape(_signed_in(governor).get(PAGE).content.decode())
    assert "Dashboard" in page and "Lead's script" not in page
    mine.refresh_from_db()
    assert mine.last_used_at is not None
    assert "Never" not in page  # its last use is shown


def test_a_revoked_token_no_longer_reads_the_api(world: World, governor: User) -> None:
    token, raw = token_create(user=governor, name="Dashboard")
    client = _signed_in(governor)
    revoked = client.post(f"/api-tokens/{token.pk}/revoke/", follow=True)
    assert revoked.status_code == 200
    assert "no longer works with the API" in html.unescape(revoked.content.decode())
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == governor
    assert _reads_api(raw) == 401
    # Revoking it again changes nothing, and says so.
    again = client.post(f"/api-tokens/{token.pk}/revoke/", follow=True)
    assert "already revoked: nothing was changed" in html.unescape(again.content.decode())
    assert ApiToken.objects.get(pk=token.pk).revoked_at == token.revoked_at


def test_anothers_token_is_not_there_even_for_a_system_lead(world: World, governor: User, system_lead: User) -> None:
    token, raw = token_create(user=governor, name="Dashboard")
    assert _signed_in(system_lead).post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and _reads_api(raw) == 200


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "Say what the token is for: its name cannot be empty."),
        ("   ", "Say what the token is for: its name cannot be empty."),
        ("x" * 101, "The name is too long: keep it to 100 characters or fewer (it has 101)."),
    ],
)
def test_bad_input_says_what_is_wrong_and_makes_nothing(world: World, governor: User, name: str, says: str) -> None:
    answer = _signed_in(governor).post(PAGE, {"name": name})
    assert answer.status_code == 400
    page = html.unescape(answer.content.decode())
    assert says in page
    assert 'class="error" role="alert"' in page  # next to the field, read out
    assert "Copy the token now" not in page
    assert not ApiToken.objects.exists()


def test_the_page_is_linked_from_the_account_menu(world: World, outsider: User) -> None:
    page = _signed_in(outsider).get("/")
    assert 'href="/api-tokens/"' in page.content.decode()
