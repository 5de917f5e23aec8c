"""API tokens: one person's key to the API, kept only as a SHA-256 digest.

The token itself is shown once, when it is made; the platform keeps its digest (to find it)
and its first characters (so that people can tell their tokens apart). A token is 32 random
bytes, so a fast digest is as safe as a slow password hash would be and lets a request find
its token in one indexed read. Revoking a token keeps the row, with when and by whom.

Every token expires: its maker chooses when (``LIFETIMES``), and the API refuses it after
(``services.token_find``). Making and revoking one are written to the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long a new token may work, in days, as its maker chooses; and the choice offered first.
LIFETIMES = (30, 90, 365)
DEFAULT_LIFETIME = 90
NAME_LENGTH = 100


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=NAME_LENGTH, blank=True, help_text='What the token is for, e.g. "LA dashboard"')
    prefix = models.CharField(max_length=16, help_text="The token's first characters, shown to tell tokens apart")
    digest = models.CharField("SHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(help_text="When the token stops working, as its maker chose")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… of {self.user} ({self.state})"

    @property
    def is_expired(self) -> bool:
        """Past its expiry and never revoked (a revoked token is called revoked, whenever it expires)."""
        return self.revoked_at is None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        """Works with the API: neither revoked nor expired."""
        return self.revoked_at is None and not self.is_expired

    @property
    def state(self) -> str:
        return "revoked" if self.revoked_at is not None else "expired" if self.is_expired else "active"
