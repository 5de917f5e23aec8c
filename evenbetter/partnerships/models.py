"""Partnership life: the local records no public dataset has.

Meetings and the actions agreed at them, school-to-school contact, governing boards'
meetings and the challenge they record, and the team around the school (partner agencies
and their named contacts). The early warning's leading triggers are measured from these
(``evenbetter/analytics/network.py`` and ``partnership_health.py``) and kept as
indicators by ``manage.py partnership_life``. Records made up for the demo say so
(``is_generated``) and the screen shows it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from evenbetter.vocabulary.agencies import AGENCY_KINDS
from evenbetter.vocabulary.areas import AREAS


class Meeting(models.Model):
    """A meeting of a partnership: when, which of its schools came, what was said."""

    partnership = models.ForeignKey("schools.Partnership", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    schools_present = models.ManyToManyField("schools.School", related_name="meetings_attended", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo, not a real record")

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.title} ({self.held_on})"


class Agency(models.Model):
    """A partner agency or local-authority service that works with schools: police, health,
    social care, early help, educational psychology, … (the kinds: ``vocabulary/agencies.py``)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AGENCY_KINDS)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class AgencyContact(models.Model):
    """A named person at an agency, added by choice (DESIGN.md principle 4)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    team = models.CharField(max_length=150, blank=True, help_text='The team within the agency, e.g. "Early help south"')
    role = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["agency", "team", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class AgencyMember(models.Model):
    """A user who works for an agency: what they see and do for it follows from this
    (``accounts.selectors.scope_of`` reads it as ``agency_ids``), beside their partner-agency
    membership, which says which localities or schools they work with."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="members")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="agency_member_once")]

    def __str__(self) -> str:
        return f"{self.user} of {self.agency}"


class AgencyLink(models.Model):
    """An agency works with a school or a whole locality, through a named contact if one is given."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="links")
    contact = models.ForeignKey(AgencyContact, null=True, blank=True, on_delete=models.SET_NULL)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="agency_links"
    )
    locality = models.ForeignKey(
        "schools.Locality", null=True, blank=True, on_delete=models.CASCADE, related_name="agency_links"
    )
    note = models.CharField(max_length=200, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(locality__isnull=False),
                name="agency_link_has_a_school_or_locality",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} with {self.school or self.locality}"


class Action(models.Model):
    """An action agreed: at a partnership's meeting, or between a school and an agency.

    Who does it: the owner school (its leaders answer for it), and, when it is given to
    someone, its assignee — a person (a staff member's "actions given to them") or the
    agency it is shared with (``assigned_to_agency``: that agency's users update it)."""

    class Status(models.TextChoices):
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    title = models.CharField(max_length=250)
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    owner_school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="actions_owned")
    agreed_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AGREED)
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows it was done")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_assigned",
        help_text="The person it is given to",
    )
    assigned_to_agency = models.BooleanField(
        default=False, help_text="Given to the agency it is shared with: that agency's users update it"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assigned_to_agency=False) | models.Q(agency__isnull=False),
                name="action_given_to_its_agency",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status not in (self.Status.DONE, self.Status.DROPPED) and self.due_on < today


class Contact(models.Model):
    """School-to-school contact: who, with whom, when, what about."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        JOINT_TRAINING = "joint_training", "Joint training"
        PEER_REVIEW = "peer_review", "Peer review"
        SHARED_STAFF = "shared_staff", "Shared staff"
        CALL = "call", "Call or online meeting"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="contacts_made")
    other_school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="contacts_received")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    happened_on = models.DateField()
    about = models.CharField(max_length=250, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["happened_on"], name="contact_happened_on")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(school=models.F("other_school")), name="contact_two_schools")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.school_id} and {self.other_school_id} on {self.happened_on}"


class BoardMeeting(models.Model):
    """A meeting of a school's governing board, and how well it was attended."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="board_meetings")
    held_on = models.DateField()
    governors_places = models.PositiveSmallIntegerField(help_text="Seats on the board")
    governors_present = models.PositiveSmallIntegerField()
    vacancies = models.PositiveSmallIntegerField(default=0, help_text="Seats empty on the day")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Board of {self.school_id} on {self.held_on}"


class Challenge(models.Model):
    """A question a board asked of its leaders: scrutiny and challenge, by area."""

    board_meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="challenges")
    area = models.CharField(max_length=20, choices=AREAS)
    question = models.TextField()
    is_generated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.question[:60]}"


class GovernanceReview(models.Model):
    class Kind(models.TextChoices):
        SELF = "self", "Self-review"
        EXTERNAL = "external", "External review"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="governance_reviews")
    reviewed_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.school_id} governance ({self.reviewed_on})"


class SchoolContactSummary(models.Model):
    """A school's contact with its peers as at a day (``analytics.network.contact_measures``),
    worked out for every school in one pass by the refresh and each night, so the school page
    reads one row. Read only on its own day (the window and the days since the latest contact
    move with the date); a contact recorded with a school drops that school's row, and a school
    with no row for the day is worked out when its page is opened, as before."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    as_of = models.DateField()
    contacts = models.PositiveIntegerField(help_text="Contacts in the last 12 months")
    distinct_peers = models.PositiveIntegerField(help_text="Other schools in contact in the last 12 months")
    days_since_contact = models.FloatField(null=True, help_text="Days since the latest contact; empty for none")
    outside_partnership_share = models.FloatField(
        null=True, help_text="Share of the 12 months' contacts with schools outside its partnerships"
    )
    isolated = models.BooleanField()
    worked_out_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact summary of {self.school_id} as at {self.as_of}"
