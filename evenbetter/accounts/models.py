"""Users, their roles and what each role is tied to.

A user holds one or more memberships; each membership names a role and the school,
partnership or locality it applies to. What a user may see follows from these alone,
through the selectors in ``selectors.py``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class User(AbstractUser):
    organisation = models.CharField(
        max_length=200, blank=True, help_text="For partner agencies: the service the user works for"
    )
    is_generated = models.BooleanField(default=False, help_text="A demo account, not a real person")

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return full_name or self.username


class Role(models.TextChoices):
    SYSTEM_LEAD = "system_lead", "System lead"
    LOCALITY_LEAD = "locality_lead", "Locality lead"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    SCHOOL_LEADER = "school_leader", "School leader"
    STAFF_MEMBER = "staff_member", "Staff member"
    GOVERNOR = "governor", "Governor"
    PARTNER_AGENCY = "partner_agency", "Partner agency"


# What each role must be tied to: a system lead to nothing (the whole system), a locality
# lead to a locality (one membership each), a partnership lead to a partnership, school
# leaders, staff members and governors to a school, a partner agency to a locality or a school.
ROLE_SCOPES: dict[str, set[str]] = {
    Role.SYSTEM_LEAD: set(),
    Role.LOCALITY_LEAD: {"locality"},
    Role.PARTNERSHIP_LEAD: {"partnership"},
    Role.SCHOOL_LEADER: {"school"},
    Role.STAFF_MEMBER: {"school"},
    Role.GOVERNOR: {"school"},
    Role.PARTNER_AGENCY: {"locality", "school"},
}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="user_memberships"
    )
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="user_memberships"
    )
    locality = models.ForeignKey(
        "schools.Locality", null=True, blank=True, on_delete=models.CASCADE, related_name="user_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = self.school or self.partnership or self.locality
        return str(target) if target else "the whole system"

    def clean(self) -> None:
        allowed = ROLE_SCOPES[self.role]
        given = {name for name in ("school", "partnership", "locality") if getattr(self, f"{name}_id") is not None}
        if len(given) > 1:
            raise ValidationError("A membership is tied to one school, partnership or locality, not several.")
        if not allowed and given:
            raise ValidationError("A system lead covers the whole system and is not tied to anything.")
        if allowed and not given & allowed:
            names = " or ".join(sorted(allowed))
            raise ValidationError(f"A {self.get_role_display().lower()} must be tied to a {names}.")


class Invitation(models.Model):
    """An invitation by e-mail to take a role in a place (a school, a partnership, a locality, or
    the whole system). Its link carries a token made from the invitation's state
    (``accounts/invitations.py``), never stored: sending it again, accepting or withdrawing it
    changes the state, and every older link stops working."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    email = models.EmailField()
    role = models.CharField(max_length=30, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    locality = models.ForeignKey(
        "schools.Locality", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the link now valid was made: a new sending moves it, and the link expires from it.
    sent_at = models.DateTimeField()
    sendings = models.PositiveSmallIntegerField(default=1)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When it was accepted, declined or withdrawn")

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} of {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = self.school or self.partnership or self.locality
        return str(target) if target else "the whole system"

    @property
    def membership(self) -> Membership:
        """The membership it gives (unsaved, with no user): its role tied to its place."""
        return Membership(
            role=self.role, school_id=self.school_id, partnership_id=self.partnership_id, locality_id=self.locality_id
        )


class AuditEvent(models.Model):
    """Who looked at or changed something sensitive, and when: every view of risk data,
    sign-ins (refused ones too), sign-outs, lock-outs, changes to who may see what
    (memberships), API tokens made and revoked, and exports of the audit log. System leads
    read it at /audit/.

    ``user`` is the person who acted: for a refused sign-in, the account it was made as (when
    there is one); for a membership change, whoever made it (none from the command line), the
    member's username being in ``detail``."""

    class Action(models.TextChoices):
        RISK_VIEW = "risk_view", "Viewed risk"
        WATCH_LIST_VIEW = "watch_list_view", "Viewed the watch list"
        RISK_RESPONSE = "risk_response", "Responded to a risk score"
        WATCH_DECISION = "watch_decision", "Recorded a watch-list decision"
        RISK_RUN = "risk_run", "Ran the early warning"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in refused"
        LOCKED_OUT = "locked_out", "Locked out after repeated wrong passwords"
        SIGN_OUT = "sign_out", "Signed out"
        MEMBERSHIP_CHANGE = "membership_change", "Changed a role (membership)"
        EXPORT = "export", "Exported"
        CONCERN_RAISED = "concern_raised", "Raised a concern about a school"
        CONCERN_ANSWERED = "concern_answered", "Answered a concern"
        CONCERN_WITHDRAWN = "concern_withdrawn", "Withdrew a concern"
        CONCERN_CLOSED = "concern_closed", "Closed a concern"
        CONCERNS_VIEW = "concerns_view", "Viewed the concerns about a school"
        INVITATION_SENT = "invitation_sent", "Invited someone (or sent the invitation again)"
        INVITATION_WITHDRAWN = "invitation_withdrawn", "Withdrew an invitation"
        INVITATION_ACCEPTED = "invitation_accepted", "Accepted an invitation"
        INVITATION_DECLINED = "invitation_declined", "Declined an invitation"
        INVITATION_REFUSED = "invitation_refused", "Invitation link refused (expired, used or withdrawn)"
        ACCOUNT_DEACTIVATED = "account_deactivated", "Switched an account off"
        API_TOKEN_MADE = "api_token_made", "Made an API token"
        API_TOKEN_REVOKED = "api_token_revoked", "Revoked an API token"

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events")
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    detail = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.get_action_display()}"

    @property
    def detail_summary(self) -> str:
        """The detail as "key: value" pairs, for the audit page and its CSV."""
        return detail_words(self.detail)


def detail_words(detail: object) -> str:
    """An audit event's detail as "key: value" pairs (``AuditEvent.detail_summary``; the CSV
    reads the detail alone, without making an event of each row)."""
    if not isinstance(detail, dict):
        return str(detail)
    return "; ".join(f"{key.replace('_', ' ')}: {_plain(value)}" for key, value in detail.items())


def _plain(value: object) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{key.replace('_', ' ')} {_plain(item)}" for key, item in value.items()) + ")"
    if value is None:
        return "—"
    return str(value)
