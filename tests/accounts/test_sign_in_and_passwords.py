"""Signing in and out, changing and resetting a password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_school_leader_signs_in_and_lands_on_their_home(school_leader_a: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "school_leader_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Your school" in response.content


def test_a_wrong_password_is_refused_with_a_clear_message(school_leader_a: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "school_leader_a", "password": "not-it"})
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    assert "_auth_user_id" not in client.session


def test_a_switched_off_account_cannot_sign_in(school_leader_a: User) -> None:
    school_leader_a.is_active = False
    school_leader_a.save()
    response = Client().post(reverse("login"), {"username": "school_leader_a", "password": PASSWORD})
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_signing_out_ends_the_session(school_leader_a: User) -> None:
    client = Client()
    client.force_login(school_leader_a)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_signing_out_needs_a_post_not_a_link(school_leader_a: User) -> None:
    client = Client()
    client.force_login(school_leader_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_a_password_change_needs_the_old_password(school_leader_a: User) -> None:
    client = Client()
    client.force_login(school_leader_a)
    new = "a-new-and-longer-password-7"
    refused = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert refused.status_code == 200
    school_leader_a.refresh_from_db()
    assert school_leader_a.check_password(PASSWORD)
    accepted = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert accepted.status_code == 302
    school_leader_a.refresh_from_db()
    assert school_leader_a.check_password(new)


def test_a_weak_new_password_is_refused(school_leader_a: User) -> None:
    client = Client()
    client.force_login(school_leader_a)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert b"too short" in response.content


def test_a_password_reset_link_works_once(school_leader_a: User) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": school_leader_a.email})
    assert len(mail.outbox) == 1
    assert school_leader_a.email in mail.outbox[0].to
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert b"Set a new password" in form_page.content
    new = "a-reset-password-that-is-long"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    school_leader_a.refresh_from_db()
    assert school_leader_a.check_password(new)
    again = Client().get(link.group(1), follow=True)
    assert b"This link no longer works" in again.content


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert b"Check your e-mail" in response.content
    assert mail.outbox == []
