"""The two checks every page of a school starts with, written once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import SchoolAccess, school_access
from evenbetter.schools.models import School


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user, for services that record who did what."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def visible_school(request: HttpRequest, pk: int) -> School:
    """The school by id: not found when there is none, forbidden when the user may not open it."""
    school = get_object_or_404(School, pk=pk)
    if school_access(request.user, school) == SchoolAccess.NONE:
        raise PermissionDenied("Your account does not give you access to this school.")
    return school
