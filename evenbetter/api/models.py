"""API tokens: one person's key to the API, kept only as a SHA-256 digest.

The token itself is shown once, when it is made; the platform keeps its digest (to find it)
and its first characters (so that people can tell their tokens apart). A token is 32 random
bytes, so a fast digest is as safe as a slow password hash would be and lets a request find
its token in one indexed read. Revoking a token keeps the row, with when and by whom.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text='What the token is for, e.g. "LA dashboard"')
    prefix = models.CharField(max_length=16, help_text="The token's first characters, shown to tell tokens apart")
    digest = models.CharField("SHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… of {self.user} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
