"""What the audit log records without a view asking: sign-ins, refused sign-ins, lock-outs,
sign-outs, and every change to a membership (who may see what), wherever it is made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from evenbetter.accounts.client_ip import client_ip_address
from evenbetter.accounts.middleware import current_request
from evenbetter.accounts.models import AuditEvent, Membership, User
from evenbetter.accounts.services import audit_record

Action = AuditEvent.Action


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip_address(request) if request is not None else None


def _account(username: object) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="evenbetter_audit_sign_in")
def record_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(request=request, action=Action.SIGN_IN, user=user, detail={"ip": _ip(request)})


@receiver(user_logged_out, dispatch_uid="evenbetter_audit_sign_out")
def record_sign_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # signing out without being signed in
        return
    audit_record(request=request, action=Action.SIGN_OUT, user=user, detail={"ip": _ip(request)})


@receiver(user_login_failed, dispatch_uid="evenbetter_audit_sign_in_failed")
def record_sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password, an unknown or switched-off account, or an attempt while locked out.
    Django has already replaced the password with stars; only the username is kept."""
    username = str(credentials.get(User.USERNAME_FIELD, ""))[:150]
    audit_record(
        request=request,
        action=Action.SIGN_IN_FAILED,
        user=_account(username),
        detail={"username": username, "ip": _ip(request)},
    )


@receiver(user_locked_out, dispatch_uid="evenbetter_audit_locked_out")
def record_locked_out(
    sender: object, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Once per lock: django-axes signals each refused attempt, the log keeps the first."""
    cool_off = settings.AXES_COOLOFF_TIME
    since = timezone.now() - (cool_off if isinstance(cool_off, timedelta) else timedelta(0))
    name = (username or "")[:150]
    if AuditEvent.objects.filter(
        action=Action.LOCKED_OUT, at__gte=since, detail__username=name, detail__ip=ip_address
    ).exists():
        return
    audit_record(
        request=request,
        action=Action.LOCKED_OUT,
        user=_account(name),
        detail={"username": name, "ip": ip_address, "failures": settings.AXES_FAILURE_LIMIT},
    )


def _describe(membership: Membership) -> dict[str, str]:
    try:
        scope = membership.scope_label
    except ObjectDoesNotExist:
        scope = "a deleted record"
    return {"role": membership.get_role_display(), "scope": scope}


def _member(membership: Membership) -> str:
    try:
        return membership.user.username
    except ObjectDoesNotExist:
        return f"user #{membership.user_id}"


@receiver(pre_save, sender=Membership, dispatch_uid="evenbetter_audit_membership_before")
def remember_membership_before(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    before = Membership.objects.filter(pk=instance.pk).select_related("school", "partnership", "locality").first()
    instance._audit_before = _describe(before) if before is not None else None  # type: ignore[attr-defined]


@receiver(post_save, sender=Membership, dispatch_uid="evenbetter_audit_membership_saved")
def record_membership_saved(sender: type[Membership], instance: Membership, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading a fixture is not a change anybody made
        return
    after = _describe(instance)
    before = getattr(instance, "_audit_before", None)
    if not created and before == after:
        return
    detail: dict[str, Any] = {"change": "created" if created else "changed", "member": _member(instance), **after}
    if not created and before is not None:
        detail["before"] = before
    audit_record(request=current_request(), action=Action.MEMBERSHIP_CHANGE, school=instance.school, detail=detail)


def _deleted_name(origin: object) -> str:
    if isinstance(origin, QuerySet):
        return str(origin.model._meta.verbose_name)
    if isinstance(origin, Model):
        return str(origin._meta.verbose_name)
    return "something"


@receiver(post_delete, sender=Membership, dispatch_uid="evenbetter_audit_membership_deleted")
def record_membership_deleted(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    origin = kwargs.get("origin")
    direct = isinstance(origin, Membership) or (isinstance(origin, QuerySet) and origin.model is Membership)
    request = current_request()
    detail: dict[str, Any] = {"change": "deleted", "member": _member(instance), **_describe(instance)}
    if direct:
        audit_record(request=request, action=Action.MEMBERSHIP_CHANGE, school=instance.school, detail=detail)
        return
    # Removed because its user, school, partnership or locality was deleted: those rows are
    # going in the same transaction, so the event names them in its detail instead of linking.
    detail["because"] = f"{_deleted_name(origin)} deleted"
    request_user = getattr(request, "user", None) if request is not None else None
    if isinstance(request_user, User):
        detail["by"] = request_user.username
    AuditEvent.objects.create(
        action=Action.MEMBERSHIP_CHANGE, detail=detail, path=request.get_full_path()[:300] if request else ""
    )
