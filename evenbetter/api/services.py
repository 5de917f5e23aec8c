"""Writes of the API: making and revoking tokens, each written to the audit log (through
``accounts.services.audit_record``, the one home of audit). (Risk seen through it is audited by
``earlywarning.selectors.risk_read`` and ``risk_reads_record``, as everywhere.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.accounts.services import audit_record
from evenbetter.api.models import DEFAULT_LIFETIME, LIFETIMES, NAME_LENGTH, ApiToken

TOKEN_PREFIX = "eb_"  # noqa: S105 - what every token starts with, not a secret
SHOWN_CHARACTERS = 11  # "eb_" and eight random characters
# A token's last use is written at most this often, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(Exception):
    """A token that cannot be made (the reason in words for a page or the command line)."""


class TokenExpired(Exception):
    """A token past its expiry: refused by the API with when it expired."""


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *,
    user: User,
    name: str = "",
    created_by: User | None = None,
    days: int = DEFAULT_LIFETIME,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the user, working for ``days`` (one of ``LIFETIMES``): the row kept, and
    the token itself (shown once, never kept). Audited, as made by ``created_by`` (none from the
    command line). A name too long, or another lifetime, is refused: nothing is made."""
    if not user.is_active:
        raise TokenRefused(f"{user.username} is not an active account.")
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise TokenRefused(f"The name is too long: keep it to {NAME_LENGTH} characters or fewer (it has {len(name)}).")
    if days not in LIFETIMES:
        raise TokenRefused(
            f"A token works for {', '.join(map(str, LIFETIMES[:-1]))} or {LIFETIMES[-1]} days, not {days}."
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:SHOWN_CHARACTERS],
            digest=token_digest(raw),
            created_by=created_by,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            request=request,
            user=created_by,
            action=AuditEvent.Action.API_TOKEN_MADE,
            detail={**_token_detail(token), "works for": f"{days} days"},
        )
    return token, raw


def token_revoke(*, token: ApiToken, by: User | None = None, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token at once, audited as revoked by ``by`` (none from the command line);
    revoking one already revoked changes nothing and writes nothing."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        token.refresh_from_db()
        if revoked:
            audit_record(
                request=request, user=by, action=AuditEvent.Action.API_TOKEN_REVOKED, detail=_token_detail(token)
            )
    return token


def _token_detail(token: ApiToken) -> dict[str, str]:
    """What the audit line says of a token: whose, which (its first characters, never more) and
    until when."""
    return {
        "owner": token.user.username,
        "token": f"{token.prefix}…",
        "name": token.name,
        "expires": date_format(timezone.localtime(token.expires_at), "j M Y H:i"),
    }


def token_find(raw: str) -> ApiToken | None:
    """The working token of an active user that this string is, or None; TokenExpired when it
    is one past its expiry (never revoked), so that the API can say so. Its last use is kept."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.expires_at <= now:
            expired = date_format(timezone.localtime(token.expires_at), "j F Y")
            raise TokenExpired(
                f"This token expired on {expired}. Make a new one on the API tokens page (/api-tokens/)."
            )
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
