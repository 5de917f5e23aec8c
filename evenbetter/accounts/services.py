"""Writes of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from evenbetter.accounts.models import AuditEvent, User

if TYPE_CHECKING:  # the register stands above accounts: a type only, never imported at run time
    from evenbetter.schools.models import School


def audit_record(
    *,
    request: HttpRequest | None,
    action: str,
    school: School | None = None,
    detail: dict[str, Any] | None = None,
    user: User | None = None,
) -> AuditEvent:
    """One line of the audit log. The user is the request's, unless one is given (a sign-in
    records the account before the request carries it)."""
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        user = request_user if isinstance(request_user, User) else None
    return AuditEvent.objects.create(
        user=user,
        action=action,
        school=school,
        detail=detail or {},
        path=request.get_full_path()[:300] if request is not None else "",
    )
