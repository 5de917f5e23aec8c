"""Writes of the API: making and revoking tokens. (Risk seen through it is audited by
``earlywarning.selectors.risk_read`` and ``risk_reads_record``, as everywhere.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.api.models import ApiToken

TOKEN_PREFIX = "eb_"  # noqa: S105 - what every token starts with, not a secret
SHOWN_CHARACTERS = 11  # "eb_" and eight random characters
# A token's last use is written at most this often, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(Exception):
    pass


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str = "", created_by: User | None = None) -> tuple[ApiToken, str]:
    """A new token for the user: the row kept, and the token itself (shown once, never kept)."""
    if not user.is_active:
        raise TokenRefused(f"{user.username} is not an active account.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=raw[:SHOWN_CHARACTERS],
        digest=token_digest(raw),
        created_by=created_by,
    )
    return token, raw


def token_revoke(*, token: ApiToken, by: User | None = None) -> ApiToken:
    """Revoke a token at once; revoking one already revoked changes nothing."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db()
    return token


def token_find(raw: str) -> ApiToken | None:
    """The active token of an active user that this string is, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
