"""Signing a request in with a token: ``Authorization: Bearer eb_…`` (or ``Token eb_…``)."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from evenbetter.accounts.models import User
from evenbetter.api.models import ApiToken
from evenbetter.api.services import TokenExpired, token_find

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(BaseAuthentication):
    """A token that is unknown, revoked, expired or of an inactive account is refused (401),
    never ignored: a client that sends a token means to be that person. An expired one is told
    so, with when."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        try:
            token = token_find(raw)
        except TokenExpired as expired:
            raise AuthenticationFailed(str(expired)) from None
        if token is None:
            raise AuthenticationFailed("The token is not valid, or it has been revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
