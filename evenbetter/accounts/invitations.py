"""Who may give whom which role, and the single-use links of invitations: the one home of both.

**Who may invite whom** (and, the same rule, change or end a role; DESIGN.md's table):

- a system lead: anyone, any role, anywhere;
- a locality lead: the school leaders, staff members, governors and partner agencies of the
  schools of the localities it leads, agencies working with such a locality, and the leads of
  partnerships whose member schools are all in those localities (a partnership that reaches
  outside the locality is the system lead's to staff);
- a partnership lead: the school leaders of its member schools;
- a school leader: the governors and staff members of its own school.

``may_give`` decides it from the giver's scope and the place alone (ids), as a pure function:
its test is a table. A person holding several roles may do what any of them allows.

**The link** carries a token from Django's ``PasswordResetTokenGenerator`` keyed on the
invitation's state (its id, status, e-mail and latest sending), so accepting, withdrawing or
sending it again kills every earlier link; nothing of the token is stored. It expires
``EVENBETTER_INVITATION_DAYS`` after its latest sending (checked here, so that an expired link
can be told from a forged one and the page can say which).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from evenbetter.accounts.models import ROLE_SCOPES, Invitation, Membership, Role, User
from evenbetter.accounts.selectors import AnyUser, UserScope, scope_of

SCHOOL_PEOPLE = frozenset({Role.SCHOOL_LEADER, Role.STAFF_MEMBER, Role.GOVERNOR})


@dataclass(frozen=True)
class Place:
    """A role in a place, as ids: what ``may_give`` decides on. ``partnership_school_ids`` are
    the current member schools of the partnership, when the place is one."""

    role: str
    school_id: int | None = None
    partnership_id: int | None = None
    locality_id: int | None = None
    partnership_school_ids: frozenset[int] = frozenset()


def may_give(scope: UserScope, place: Place) -> bool:
    """Whether someone with this scope may give (invite to, change to or end) this role here."""
    if scope.is_system_lead:
        return True
    role, school = place.role, place.school_id
    if scope.led_locality_ids:
        if role in SCHOOL_PEOPLE and school in scope.locality_school_ids:
            return True
        if role == Role.PARTNER_AGENCY and (
            school in scope.locality_school_ids or place.locality_id in scope.led_locality_ids
        ):
            return True
        if (
            role == Role.PARTNERSHIP_LEAD
            and place.partnership_school_ids
            and place.partnership_school_ids <= scope.locality_school_ids
        ):
            return True
    if role == Role.SCHOOL_LEADER and school is not None and school in scope.partnership_school_ids:
        return True
    return role in (Role.GOVERNOR, Role.STAFF_MEMBER) and school is not None and school in scope.school_ids


def may_give_any(scope: UserScope) -> bool:
    """Whether the scope lets its holder give some role somewhere: who sees the People page."""
    return bool(scope.roles & {Role.SYSTEM_LEAD, Role.LOCALITY_LEAD, Role.PARTNERSHIP_LEAD, Role.SCHOOL_LEADER})


def roles_given_by(scope: UserScope) -> list[str]:
    """The roles someone with this scope may give somewhere, in the order of ``Role``."""
    if scope.is_system_lead:
        return list(Role.values)
    given: set[str] = set()
    if scope.led_locality_ids:
        given |= SCHOOL_PEOPLE | {Role.PARTNER_AGENCY, Role.PARTNERSHIP_LEAD}
    if Role.PARTNERSHIP_LEAD in scope.roles:
        given.add(Role.SCHOOL_LEADER)
    if scope.school_ids:
        given |= {Role.GOVERNOR, Role.STAFF_MEMBER}
    return [role for role in Role.values if role in given]


def place_of(membership: Membership | Invitation) -> Place:
    """The place of a membership or an invitation (reading a partnership's current members)."""
    partnership_schools: frozenset[int] = frozenset()
    if membership.partnership is not None:
        # Through the relation: the register's models are not imported here (accounts is below).
        partnership_schools = frozenset(
            membership.partnership.memberships.filter(left_on__isnull=True).values_list("school_id", flat=True)
        )
    return Place(
        role=membership.role,
        school_id=membership.school_id,
        partnership_id=membership.partnership_id,
        locality_id=membership.locality_id,
        partnership_school_ids=partnership_schools,
    )


# The link ------------------------------------------------------------------------------------


class InvitationState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    INVALID = "invalid"  # unknown, forged, or replaced by a newer sending


STATE_WORDS = {
    InvitationState.EXPIRED: "This invitation has expired. Ask the person who invited you to send it again.",
    InvitationState.ACCEPTED: "This invitation has already been accepted: sign in instead.",
    InvitationState.DECLINED: "This invitation was declined: ask the person who invited you to invite you again.",
    InvitationState.WITHDRAWN: "This invitation was withdrawn by the person who sent it.",
    InvitationState.INVALID: (
        "This invitation link does not work: it may have been replaced by a newer one (use the latest "
        "e-mail), or copied incompletely."
    ),
}


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, keyed on an invitation instead of a user. Expiry is
    ``invitation_expires_at``'s, not ``PASSWORD_RESET_TIMEOUT``'s."""

    key_salt = "evenbetter.accounts.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, invitation: Invitation, timestamp: int) -> str:  # type: ignore[override]
        sent = invitation.sent_at.replace(microsecond=0, tzinfo=None) if invitation.sent_at else ""
        return f"{invitation.pk}{invitation.status}{invitation.email.lower()}{invitation.sendings}{sent}{timestamp}"

    def signed_by_us(self, invitation: Invitation, token: str) -> bool:
        """The signature check of ``check_token``, under the current secret or a fallback."""
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(invitation, timestamp, secret), token)  # type: ignore[arg-type]
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()


def invitation_expires_at(invitation: Invitation) -> dt.datetime:
    return invitation.sent_at + dt.timedelta(days=settings.EVENBETTER_INVITATION_DAYS)


def invitation_link_parts(invitation: Invitation) -> tuple[str, str]:
    """The two parts of the invitation's current link: its id, encoded, and its token."""
    return urlsafe_base64_encode(force_bytes(invitation.pk)), invitation_tokens.make_token(invitation)  # type: ignore[arg-type]


def invitation_from_link(uidb64: str) -> Invitation | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return Invitation.objects.filter(pk=pk).select_related("school", "partnership", "locality", "invited_by").first()


def invitation_state(invitation: Invitation | None, token: str, *, now: dt.datetime | None = None) -> InvitationState:
    """What a link is worth. Only a genuine link learns the invitation was accepted or
    withdrawn; a forged one is just invalid."""
    if invitation is None or not token:
        return InvitationState.INVALID
    if invitation.status != Invitation.Status.PENDING:
        # The token was made for the pending state: check it against that state.
        pending = Invitation(
            pk=invitation.pk,
            email=invitation.email,
            status=Invitation.Status.PENDING,
            sent_at=invitation.sent_at,
            sendings=invitation.sendings,
        )
        if not invitation_tokens.signed_by_us(pending, token):
            return InvitationState.INVALID
        if invitation.status == Invitation.Status.ACCEPTED:
            return InvitationState.ACCEPTED
        if invitation.status == Invitation.Status.DECLINED:
            return InvitationState.DECLINED
        return InvitationState.WITHDRAWN
    if not invitation_tokens.signed_by_us(invitation, token):
        return InvitationState.INVALID
    if (now or timezone.now()) > invitation_expires_at(invitation):
        return InvitationState.EXPIRED
    return InvitationState.VALID


# Who may manage whom -------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A row of the People page: an account and its roles, each marked manageable or not."""

    account: User
    memberships: list[tuple[Membership, bool]]

    @property
    def manageable_memberships(self) -> list[Membership]:
        return [membership for membership, manageable in self.memberships if manageable]


def can_manage_people(user: AnyUser) -> bool:
    """Who opens the People page: whoever may invite someone somewhere."""
    return may_give_any(scope_of(user))


def can_manage_membership(user: AnyUser, membership: Membership) -> bool:
    """Whether the user may change or end this role: one they could have given, not their own."""
    return membership.user_id != user.pk and may_give(scope_of(user), place_of(membership))


def can_deactivate(user: AnyUser, account: User) -> bool:
    """Whether the user may switch this account off: never their own or a superuser's; a system
    lead any other; anyone else only an account whose every role they could have given."""
    if account.pk == user.pk or account.is_superuser or not can_manage_people(user):
        return False
    scope = scope_of(user)
    if scope.is_system_lead:
        return True
    memberships = list(account.memberships.select_related("partnership"))
    return bool(memberships) and all(may_give(scope, place_of(m)) for m in memberships)


def _candidate_memberships(scope: UserScope) -> QuerySet[Membership]:
    """The memberships that may be someone's to give (narrowed by ``may_give`` after)."""
    memberships = Membership.objects.select_related("partnership")
    schools = scope.locality_school_ids | scope.partnership_school_ids | scope.school_ids
    return memberships.filter(
        Q(school_id__in=schools) | Q(locality_id__in=scope.led_locality_ids) | Q(role=Role.PARTNERSHIP_LEAD)
    )


def accounts_managed_by(user: AnyUser, *, words: str = "") -> QuerySet[User]:
    """The accounts holding a role the user could have given (for a system lead, every account
    but a bare superuser), by name; ``words`` narrow them by name, username or e-mail."""
    if not can_manage_people(user):
        return User.objects.none()
    scope = scope_of(user)
    if scope.is_system_lead:
        accounts = User.objects.exclude(is_superuser=True, memberships__isnull=True)
    else:
        members = {m.user_id for m in _candidate_memberships(scope) if may_give(scope, place_of(m))}
        accounts = User.objects.filter(pk__in=members)
    for word in words.split():
        accounts = accounts.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return accounts.distinct().order_by("last_name", "first_name", "username")


def people_of(user: AnyUser, accounts: Iterable[User]) -> list[Person]:
    """Rows of the People page for these accounts: all their roles, each marked manageable by
    ``user`` or not."""
    people = []
    for account in accounts:
        memberships = account.memberships.select_related("school", "partnership", "locality")
        people.append(Person(account, [(m, can_manage_membership(user, m)) for m in memberships]))
    return people


def people_managed_by(user: AnyUser) -> list[Person]:
    """Every row of the People page (``accounts_managed_by`` as ``people_of``)."""
    return people_of(user, accounts_managed_by(user))


def invitations_managed_by(user: AnyUser) -> list[Invitation]:
    """The waiting invitations the user could have sent (whoever sent them), newest first."""
    if not can_manage_people(user):
        return []
    scope = scope_of(user)
    waiting = Invitation.objects.filter(status=Invitation.Status.PENDING).select_related(
        "school", "partnership", "locality", "invited_by"
    )
    return [invitation for invitation in waiting if may_give(scope, place_of(invitation))]


def invitations_waiting_from(user: AnyUser) -> QuerySet[Invitation]:
    """The invitations the user sent that nobody has accepted yet (the home page's reminder)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(invited_by=user, status=Invitation.Status.PENDING).select_related(
        "school", "partnership", "locality"
    )


def roles_for_change(user: AnyUser, membership: Membership) -> list[tuple[str, str]]:
    """The roles the user could change this membership to (same place), as choices."""
    if not can_manage_membership(user, membership):
        return []
    scope = scope_of(user)
    place = place_of(membership)
    kind = "school" if membership.school_id else "partnership" if membership.partnership_id else "locality"
    if not (membership.school_id or membership.partnership_id or membership.locality_id):
        kind = ""
    choices = []
    for value, label in Role.choices:
        fits = kind in ROLE_SCOPES[value] if kind else not ROLE_SCOPES[value]
        if value != membership.role and fits and may_give(scope, replace(place, role=value)):
            choices.append((value, label))
    return choices
