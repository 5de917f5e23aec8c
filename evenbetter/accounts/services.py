"""Writes of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from evenbetter.accounts.invitations import (
    STATE_WORDS,
    InvitationState,
    can_deactivate,
    invitation_expires_at,
    invitation_link_parts,
    invitation_state,
    may_give,
    place_of,
)
from evenbetter.accounts.models import AuditEvent, Invitation, Membership, User
from evenbetter.accounts.selectors import scope_of

if TYPE_CHECKING:  # the register stands above accounts: a type only, never imported at run time
    from evenbetter.schools.models import Locality, Partnership, School


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


# Invitations and roles on the web ------------------------------------------------------------
# Who may do each is decided by ``accounts/invitations.py`` (``may_give``); a refusal raises
# PermissionDenied, a bad value ValidationError with words for the page, and changes nothing.


def _invitation_detail(invitation: Invitation, **extra: Any) -> dict[str, Any]:
    return {"email": invitation.email, "role": invitation.get_role_display(), "scope": invitation.scope_label, **extra}


def invitation_create(
    *,
    by: User,
    email: str,
    role: str,
    school: School | None = None,
    partnership: Partnership | None = None,
    locality: Locality | None = None,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone by e-mail to a role in a place. The e-mail itself is sent by a job
    (``invitation_mail_send``), queued by the caller."""
    email = email.strip().lower()
    invitation = Invitation(
        email=email, role=role, school=school, partnership=partnership, locality=locality, invited_by=by
    )
    invitation.membership.clean()  # the role's place: ROLE_SCOPES, one home
    if not may_give(scope_of(by), place_of(invitation)):
        raise PermissionDenied(
            f"Your roles do not let you invite a {invitation.get_role_display().lower()} of {invitation.scope_label}."
        )
    held = Membership.objects.filter(
        user__email__iexact=email,
        user__is_active=True,
        role=role,
        school=school,
        partnership=partnership,
        locality=locality,
    )
    if held.exists():
        raise ValidationError(
            f"{email} already is {invitation.get_role_display().lower()} of {invitation.scope_label}."
        )
    waiting = Invitation.objects.filter(
        email=email,
        role=role,
        school=school,
        partnership=partnership,
        locality=locality,
        status=Invitation.Status.PENDING,
    )
    if waiting.exists():
        raise ValidationError(
            f"{email} has already been invited to this role and has not answered: send that invitation again "
            "from the People page instead."
        )
    with transaction.atomic():
        invitation.sent_at = timezone.now()
        invitation.save()
        audit_record(
            request=request,
            action=AuditEvent.Action.INVITATION_SENT,
            user=by,
            school=school,
            detail=_invitation_detail(invitation, change="invited"),
        )
    return invitation


def _may_manage_invitation(by: User, invitation: Invitation) -> None:
    if not may_give(scope_of(by), place_of(invitation)):
        raise PermissionDenied("This invitation is for a role your own roles do not let you give.")
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(f"This invitation was {invitation.get_status_display().lower()} already.")


def invitation_resend(*, by: User, invitation: Invitation, request: HttpRequest | None = None) -> Invitation:
    """A new link for a waiting invitation: the old one stops working, the expiry starts again."""
    _may_manage_invitation(by, invitation)
    with transaction.atomic():
        invitation.sent_at = timezone.now()
        invitation.sendings += 1
        invitation.save(update_fields=["sent_at", "sendings"])
        audit_record(
            request=request,
            action=AuditEvent.Action.INVITATION_SENT,
            user=by,
            school=invitation.school,
            detail=_invitation_detail(invitation, change="sent again", sending=invitation.sendings),
        )
    return invitation


def invitation_withdraw(*, by: User, invitation: Invitation, request: HttpRequest | None = None) -> Invitation:
    _may_manage_invitation(by, invitation)
    with transaction.atomic():
        invitation.status = Invitation.Status.WITHDRAWN
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
        audit_record(
            request=request,
            action=AuditEvent.Action.INVITATION_WITHDRAWN,
            user=by,
            school=invitation.school,
            detail=_invitation_detail(invitation),
        )
    return invitation


def invitation_refusal_record(
    *, invitation: Invitation | None, state: InvitationState, request: HttpRequest | None = None
) -> AuditEvent:
    """A link that was used and did not work (expired, accepted or withdrawn already, forged)."""
    detail: dict[str, Any] = {"reason": state.value}
    if invitation is not None and state != InvitationState.INVALID:
        detail = _invitation_detail(invitation, reason=state.value)
    return audit_record(
        request=request,
        action=AuditEvent.Action.INVITATION_REFUSED,
        school=invitation.school if invitation is not None and state != InvitationState.INVALID else None,
        detail=detail,
    )


def invitation_decline(*, invitation: Invitation, token: str, request: HttpRequest | None = None) -> Invitation:
    """The invited person says no: the link dies, and the inviter sees it was declined."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = invitation_state(locked, token)
        if state != InvitationState.VALID:
            raise ValidationError(STATE_WORDS[state])
        locked.status = Invitation.Status.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        audit_record(
            request=request,
            action=AuditEvent.Action.INVITATION_DECLINED,
            school=locked.school,
            detail=_invitation_detail(locked),
        )
    return locked


def account_for_invitation(invitation: Invitation) -> User | None:
    """The active account the invitation's e-mail already belongs to, if any: it gets the role,
    instead of a new account being made."""
    return User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("pk").first()


def invitation_accept(
    *,
    invitation: Invitation,
    token: str,
    account: User | None = None,
    username: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation once: a new account (with the password the person chose, already
    checked by Django's validators in the form), or the role added to the signed-in ``account``
    that the invitation's e-mail belongs to. The link dies with it."""
    with transaction.atomic():
        # Locked, so that the same link used twice at once is accepted once: the row alone
        # (PostgreSQL locks no outer-joined row), its school and so on read after.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = invitation_state(locked, token)
        if state != InvitationState.VALID:
            raise ValidationError(STATE_WORDS[state])
        existing = account_for_invitation(locked)
        if existing is not None:
            if account is None or account.pk != existing.pk:
                raise ValidationError(
                    f"An account already uses {locked.email}: sign in to it first, then open the link again."
                )
        elif account is not None:
            raise ValidationError(
                f"This invitation is for {locked.email}, not for the account you are signed in to. Sign out first."
            )
        else:
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationError(f"The username {username} is taken: choose another.")
            account = User.objects.create_user(
                username=username, email=locked.email, password=password, first_name=first_name, last_name=last_name
            )
        Membership.objects.get_or_create(
            user=account,
            role=locked.role,
            school=locked.school,
            partnership=locked.partnership,
            locality=locked.locality,
        )
        locked.status = Invitation.Status.ACCEPTED
        locked.accepted_by = account
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "accepted_by", "answered_at"])
        audit_record(
            request=request,
            action=AuditEvent.Action.INVITATION_ACCEPTED,
            user=account,
            school=locked.school,
            detail=_invitation_detail(
                locked, member=account.username, invited_by=locked.invited_by.username if locked.invited_by else None
            ),
        )
    return account


def _may_manage_membership(by: User, membership: Membership) -> None:
    if membership.user_id == by.pk:
        raise PermissionDenied("You cannot change or end your own roles: ask whoever gave them.")
    if not may_give(scope_of(by), place_of(membership)):
        raise PermissionDenied("This role is outside what your own roles let you give.")


def membership_role_change(*, by: User, membership: Membership, role: str) -> Membership:
    """Give the member another role in the same place (a staff member who becomes a school
    leader): both the old and the new role must be ones ``by`` could give. Audited as every
    membership change is (signals)."""
    _may_manage_membership(by, membership)
    changed = Membership(
        pk=membership.pk,
        user_id=membership.user_id,
        role=role,
        school=membership.school,
        partnership=membership.partnership,
        locality=membership.locality,
    )
    changed.clean()
    if not may_give(scope_of(by), place_of(changed)):
        raise PermissionDenied(f"Your roles do not let you make someone {changed.get_role_display().lower()} here.")
    duplicate = Membership.objects.filter(
        user_id=membership.user_id,
        role=role,
        school=membership.school,
        partnership=membership.partnership,
        locality=membership.locality,
    ).exclude(pk=membership.pk)
    if duplicate.exists():
        raise ValidationError(f"They already are {changed.get_role_display().lower()} of {changed.scope_label}.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_end(*, by: User, membership: Membership) -> None:
    """End a role (the account stays, with its history). Audited by the membership signals."""
    _may_manage_membership(by, membership)
    membership.delete()


def account_deactivate(*, by: User, account: User, request: HttpRequest | None = None) -> User:
    """Switch an account off: it can no longer sign in, its roles and everything it did stay."""
    if not can_deactivate(by, account):
        if account.pk == by.pk:
            raise PermissionDenied("You cannot switch off your own account.")
        raise PermissionDenied("This account holds a role outside what your own roles let you give.")
    if not account.is_active:
        raise ValidationError(f"The account {account.username} is switched off already.")
    with transaction.atomic():
        account.is_active = False
        account.save(update_fields=["is_active"])
        audit_record(
            request=request,
            action=AuditEvent.Action.ACCOUNT_DEACTIVATED,
            user=by,
            detail={"member": account.username, "roles": "; ".join(str(m) for m in account.memberships.all())},
        )
    return account


def invitation_mail_send(*, invitation_id: int, site_url: str) -> bool:
    """Send the invitation's current link by e-mail (run by a job); nothing once it is no
    longer waiting. Whether a mail was sent."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .select_related("school", "partnership", "locality", "invited_by")
        .first()
    )
    if invitation is None:
        return False
    uidb64, token = invitation_link_parts(invitation)
    link = site_url.rstrip("/") + reverse("invitation_accept", args=[uidb64, token])
    inviter = str(invitation.invited_by) if invitation.invited_by else "The system lead"
    expires = timezone.localtime(invitation_expires_at(invitation))
    send_mail(
        subject=f"Even Better: you are invited as {invitation.get_role_display().lower()} of {invitation.scope_label}",
        message=(
            f"{inviter} invites you to Even Better as {invitation.get_role_display().lower()} of "
            f"{invitation.scope_label}.\n\n"
            f"Open this link to accept and choose your password (it works once, until {date_format(expires, 'j F Y H:i')}):\n"
            f"{link}\n\n"
            "If you already have an account with this e-mail address, sign in first: the role is added to it.\n"
            "If you did not expect this, ignore it: nothing happens unless the link is opened and accepted."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
    return True
