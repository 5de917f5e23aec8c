"""The signed-in person, for services that record who did what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from evenbetter.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user; forbidden for anyone who is not signed in."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user
