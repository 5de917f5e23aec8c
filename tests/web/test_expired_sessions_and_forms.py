"""An expired session or an expired form gets a clear message and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_expired_session_sends_the_user_to_sign_in_with_a_reason(school_leader_a: User, school_a) -> None:
    client = Client()
    client.force_login(school_leader_a)
    client.session.flush()  # what the end of a session looks like to the server
    client.cookies.pop("sessionid", None)
    response = client.get(reverse("school_detail", args=[115850]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert b"your session has ended" in response.content


def test_a_form_sent_without_its_security_token_changes_nothing(school_leader_a: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_leader_a)
    new = "another-long-password-9"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 403
    assert b"That form had expired" in response.content
    school_leader_a.refresh_from_db()
    assert school_leader_a.check_password(PASSWORD)
