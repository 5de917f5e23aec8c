"""Writes of the accounts app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.schools.models import School


def audit_record(
    *, request: HttpRequest | None, action: str, school: School | None = None, detail: dict[str, Any] | None = None
) -> AuditEvent:
    user = request.user if request is not None and isinstance(request.user, User) else None
    return AuditEvent.objects.create(
        user=user,
        action=action,
        school=school,
        detail=detail or {},
        path=request.get_full_path()[:300] if request is not None else "",
    )
