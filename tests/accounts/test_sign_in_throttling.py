"""Sign-in throttling (django-axes): five wrong passwords for one username from one address
lock that username there for half an hour, with a page that says so."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.client_ip import client_ip_address
from evenbetter.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = 429


def _sign_in(username: str, password: str, address: str = "203.0.113.7") -> tuple[Client, int, bytes]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response.status_code, response.content


def _fail(username: str, times: int, address: str = "203.0.113.7") -> list[int]:
    return [_sign_in(username, "not-the-password", address)[1] for _ in range(times)]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_settings_lock_after_five_failures_for_thirty_minutes_by_username_and_address() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(school_leader_a: User) -> None:
    statuses = _fail("school_leader_a", 5)
    # The first four are ordinary refusals; the fifth locks and says so.
    assert statuses == [200, 200, 200, 200, LOCKED]
    client, status, content = _sign_in("school_leader_a", PASSWORD)
    assert status == LOCKED
    assert not _signed_in(client)
    assert b"Signing in is paused" in content
    assert b"30 minutes" in content
    # The project's own page, not django-axes' one line of text or a debug page.
    assert b"Back to sign in" in content and b"Traceback" not in content


def test_four_wrong_passwords_do_not_lock_and_a_success_starts_the_count_again(school_leader_a: User) -> None:
    assert _fail("school_leader_a", 4) == [200] * 4
    client, status, _ = _sign_in("school_leader_a", PASSWORD)
    assert status == 302 and _signed_in(client)
    # The count started again: four more wrong passwords still do not lock.
    assert _fail("school_leader_a", 4) == [200] * 4
    assert _signed_in(_sign_in("school_leader_a", PASSWORD)[0])


def test_another_user_at_the_same_address_is_not_affected(school_leader_a: User, school_leader_b: User) -> None:
    _fail("school_leader_a", 5)
    client, status, _ = _sign_in("school_leader_b", PASSWORD)
    assert status == 302 and _signed_in(client)


def test_the_same_user_from_another_address_is_not_affected(school_leader_a: User) -> None:
    _fail("school_leader_a", 5, address="203.0.113.7")
    assert not _signed_in(_sign_in("school_leader_a", PASSWORD, address="203.0.113.7")[0])
    assert _signed_in(_sign_in("school_leader_a", PASSWORD, address="198.51.100.20")[0])


@pytest.mark.parametrize("command", [["axes_reset"], ["axes_reset_username", "school_leader_a"]])
def test_axes_reset_lifts_the_lock(school_leader_a: User, command: list[str]) -> None:
    _fail("school_leader_a", 5)
    assert not _signed_in(_sign_in("school_leader_a", PASSWORD)[0])
    call_command(*command, stdout=io.StringIO())
    client, status, _ = _sign_in("school_leader_a", PASSWORD)
    assert status == 302 and _signed_in(client)


def test_the_lock_ends_after_the_cool_off(school_leader_a: User) -> None:
    _fail("school_leader_a", 5)
    # 29 minutes on, still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert _sign_in("school_leader_a", PASSWORD)[1] == LOCKED
    # A refused attempt while locked does not extend the lock: 31 minutes after the fifth failure it is over.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    client, status, _ = _sign_in("school_leader_a", PASSWORD)
    assert status == 302 and _signed_in(client)


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(rf, settings) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    settings.EVENBETTER_TRUSTED_PROXIES = 0
    assert client_ip_address(request) == "10.0.0.2"
    settings.EVENBETTER_TRUSTED_PROXIES = 1
    # "1.2.3.4" was written by the client and is ignored.
    assert client_ip_address(request) == "198.51.100.9"
    settings.EVENBETTER_TRUSTED_PROXIES = 2
    assert client_ip_address(request) == "1.2.3.4"
    settings.EVENBETTER_TRUSTED_PROXIES = 3
    assert client_ip_address(request) == "10.0.0.2"
