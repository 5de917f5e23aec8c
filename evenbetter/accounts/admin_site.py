from __future__ import annotations

from types import MethodType

from django.contrib.admin import AdminSite
from django.http import HttpRequest


def restrict_admin_to_superusers(site: AdminSite) -> None:
    """Django admin is for superusers only; staff status alone opens nothing."""

    def has_permission(self: AdminSite, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    site.has_permission = MethodType(has_permission, site)  # type: ignore[method-assign]
    site.site_header = "Even Better administration"
    site.site_title = "Even Better admin"
