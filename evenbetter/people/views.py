"""People: who may be managed, invitations and their links, roles and accounts. Thin: the
rules are ``accounts/invitations.py``'s, the writes ``accounts/services.py``'s."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.invitations import (
    STATE_WORDS,
    InvitationState,
    accounts_managed_by,
    can_deactivate,
    can_manage_people,
    invitation_expires_at,
    invitation_from_link,
    invitation_state,
    invitations_managed_by,
    people_of,
    roles_for_change,
)
from evenbetter.accounts.models import Invitation, Membership, User
from evenbetter.accounts.services import (
    account_deactivate,
    account_for_invitation,
    invitation_accept,
    invitation_decline,
    invitation_refusal_record,
    invitation_withdraw,
    membership_end,
    membership_role_change,
)
from evenbetter.people.forms import AcceptWithNewAccountForm, InvitationForm, RoleChangeForm
from evenbetter.people.services import invitation_send, invitation_send_again

REFUSED = "Nothing was changed: "


def _manager(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not can_manage_people(user):
        raise PermissionDenied("People are managed by system, locality and partnership leads and school leaders.")
    return user


def _words(error: ValidationError) -> str:
    return " ".join(error.messages)


PAGE_SIZE = 50


@login_required
def people_view(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    words = request.GET.get("q", "").strip()[:100]
    page = Paginator(accounts_managed_by(user, words=words), PAGE_SIZE).get_page(request.GET.get("page"))
    people = people_of(user, page.object_list)
    rows = [
        (
            person,
            [(m, manageable, roles_for_change(user, m) if manageable else []) for m, manageable in person.memberships],
        )
        for person in people
    ]
    waiting = [(invitation, invitation_expires_at(invitation)) for invitation in invitations_managed_by(user)]
    return render(
        request,
        "people/people.html",
        {
            "people": rows,
            "page": page,
            "words": words,
            "waiting": waiting,
            "deactivatable": {person.account.pk for person in people if can_deactivate(user, person.account)},
        },
    )


@login_required
def invitation_create_view(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = InvitationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_send(
                by=user,
                request=request,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                **form.place(),
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _words(error) if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()} of "
                f"{invitation.scope_label}.",
            )
            return redirect("people")
    return render(
        request,
        "people/invitation_form.html",
        {"form": form, "invitation_days": settings.EVENBETTER_INVITATION_DAYS},
        status=400 if form.errors else 200,
    )


def _refusing(request: HttpRequest, action: Callable[[], str]) -> HttpResponse:
    """Do ``action`` (which returns the message of success); a bad value goes back with the
    reason and nothing changed; a refusal is a 403 (PermissionDenied passes through)."""
    try:
        messages.success(request, action())
    except ValidationError as error:
        messages.error(request, REFUSED + _words(error))
    return redirect("people")


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    invitation = get_object_or_404(Invitation, pk=pk)

    def resend() -> str:
        invitation_send_again(by=user, invitation=invitation, request=request)
        return f"A new link was sent to {invitation.email}; the earlier one no longer works."

    return _refusing(request, resend)


@login_required
@require_POST
def invitation_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    invitation = get_object_or_404(Invitation, pk=pk)

    def withdraw() -> str:
        invitation_withdraw(by=user, invitation=invitation, request=request)
        return f"The invitation to {invitation.email} was withdrawn: its link no longer works."

    return _refusing(request, withdraw)


@login_required
@require_POST
def membership_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    form = RoleChangeForm(request.POST, choices=roles_for_change(user, membership))

    def change() -> str:
        if not form.is_valid():
            if not roles_for_change(user, membership):
                raise PermissionDenied("This role is outside what your own roles let you give.")
            raise ValidationError("Choose one of the roles offered.")
        membership_role_change(by=user, membership=membership, role=form.cleaned_data["role"])
        return f"{membership.user} is now {membership.get_role_display().lower()} of {membership.scope_label}."

    return _refusing(request, change)


@login_required
@require_POST
def membership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)

    def end() -> str:
        words = f"{membership.user} is no longer {membership.get_role_display().lower()} of {membership.scope_label}."
        membership_end(by=user, membership=membership)
        return words

    return _refusing(request, end)


@login_required
@require_POST
def account_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    account = get_object_or_404(User, pk=pk)

    def deactivate() -> str:
        account_deactivate(by=user, account=account, request=request)
        return f"The account {account.username} is switched off: it can no longer sign in. Its history stays."

    return _refusing(request, deactivate)


def invitation_accept_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation's link: open to anyone holding it. A new person chooses a username and a
    password; someone whose account already uses the e-mail signs in and accepts."""
    invitation = invitation_from_link(uidb64)
    state = invitation_state(invitation, token)
    if invitation is None or state != InvitationState.VALID:
        if request.method == "POST":  # someone tried to accept with it: recorded (only looking is not)
            invitation_refusal_record(invitation=invitation, state=state, request=request)
        return render(request, "people/invitation_dead.html", {"words": STATE_WORDS[state]}, status=400)
    if request.method == "POST" and "decline" in request.POST:
        invitation_decline(invitation=invitation, token=token, request=request)
        messages.success(request, "You declined the invitation. Nothing else was changed.")
        return redirect("home" if request.user.is_authenticated else "login")
    existing = account_for_invitation(invitation)
    signed_in = request.user if isinstance(request.user, User) else None
    context: dict = {"invitation": invitation, "existing": existing, "expires_at": invitation_expires_at(invitation)}
    if existing is not None and (signed_in is None or signed_in.pk != existing.pk):
        return render(request, "people/invitation_accept.html", {**context, "sign_in_first": True})
    if existing is None and signed_in is not None:
        return render(request, "people/invitation_accept.html", {**context, "sign_out_first": True})
    form = AcceptWithNewAccountForm(request.POST or None, email=invitation.email) if existing is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                account = invitation_accept(invitation=invitation, token=token, account=signed_in, request=request)
            else:
                account = invitation_accept(
                    invitation=invitation,
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    request=request,
                )
        except ValidationError as error:
            return render(request, "people/invitation_dead.html", {"words": _words(error)}, status=400)
        if signed_in is None:
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome. You are now {invitation.get_role_display().lower()} of {invitation.scope_label}.",
        )
        return redirect("home")
    status = 400 if form is not None and form.errors else 200
    return render(request, "people/invitation_accept.html", {**context, "form": form}, status=status)
