"""manage.py api_token USERNAME: make, list or revoke a person's API tokens.

For whoever runs the platform. People make and revoke their own tokens on the API tokens page
(/api-tokens/, linked from the account menu and the API's docs page; or POST /api/v1/tokens/
while signed in); see docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from evenbetter.accounts.models import User
from evenbetter.api.models import DEFAULT_LIFETIME, LIFETIMES, ApiToken
from evenbetter.api.services import TokenRefused, token_create, token_revoke


class Command(BaseCommand):
    help = (
        "Make a new API token for a user (printed once), or list or revoke their tokens. "
        "People make and revoke their own on the API tokens page, /api-tokens/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help='What the token is for, e.g. "LA dashboard"')
        parser.add_argument(
            "--days",
            type=int,
            choices=LIFETIMES,
            default=DEFAULT_LIFETIME,
            help=f"How long a new token works (default {DEFAULT_LIFETIME})",
        )
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help="List the user's tokens")
        action.add_argument("--revoke", metavar="ID_OR_PREFIX", help="Revoke one token, by its id or first characters")
        action.add_argument("--revoke-all", action="store_true", help="Revoke every token of the user")

    def handle(
        self,
        *args: Any,
        username: str,
        name: str,
        days: int,
        list: bool,
        revoke: str | None,
        revoke_all: bool,
        **options: Any,
    ) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account has the username {username!r}.")
        tokens = ApiToken.objects.filter(user=user)
        if list:
            for token in tokens:
                if token.revoked_at:
                    state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
                else:
                    state = f"{'expired' if token.is_expired else 'active, expires'} {token.expires_at:%Y-%m-%d %H:%M}"
                used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name or '-'}\t{state}\t{used}")
            return
        if revoke is not None or revoke_all:
            chosen = tokens.filter(revoked_at__isnull=True)
            if revoke is not None:
                condition = Q(prefix=revoke)
                if revoke.isdigit():
                    condition |= Q(pk=int(revoke))
                chosen = chosen.filter(condition)
                if not chosen.exists():
                    raise CommandError(f"{username} has no active token {revoke!r} (see --list).")
            count = 0
            for token in chosen:
                token_revoke(token=token)
                count += 1
            self.stdout.write(self.style.SUCCESS(f"Revoked {count} token(s) of {username}."))
            return
        try:
            token, raw = token_create(user=user, name=name, days=days)
        except TokenRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stderr.write(
            f"Token {token.pk} for {username}, working until {token.expires_at:%Y-%m-%d %H:%M}; "
            "it is shown this once, keep it safe:"
        )
        self.stdout.write(raw)
