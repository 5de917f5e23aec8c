"""Reaching out: a school asks for help, schools and partner agencies offer it, a broker
matches them (or the school addresses its request to an agency or local-authority service
directly), the school and its supporter agree objectives, log the time given, review what
it was worth, and the platform measures what changed (``support/impact.py``).

A supporter is a school (``supporter``) or an agency (``supporter_agency``), never both.

The steps a request goes through and who may take each are in ``support/workflow.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenbetter.vocabulary.areas import AREAS


class HelpRequest(models.Model):
    class Urgency(models.TextChoices):
        WHEN_POSSIBLE = "when_possible", "When possible"
        THIS_TERM = "this_term", "This term"
        URGENT = "urgent", "Urgent: within weeks"

    class Kind(models.TextChoices):
        ADVICE = "advice", "Advice"
        VISIT = "visit", "A visit"
        PEER_REVIEW = "peer_review", "Peer review"
        LEADER_SUPPORT = "leader_support", "Leader-to-leader support"
        SHARED_STAFF = "shared_staff", "Shared staff"

    class Visibility(models.TextChoices):
        NAMED = "named", "Named: every school leader can see it is us"
        ANONYMOUS = "anonymous", "Anonymous to other schools (the broker sees who)"
        BROKER_ONLY = "broker_only", "Broker only: no other school sees it"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SUGGESTED = "suggested", "Supporter suggested"
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        REVIEWED = "reviewed", "Reviewed"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="help_requests")
    area = models.CharField(max_length=20, choices=AREAS)
    title = models.CharField(max_length=200)
    description = models.TextField()
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.THIS_TERM)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ADVICE)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.NAMED)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    on_behalf = models.BooleanField(default=False, help_text="Made by a lead on the school's behalf")
    school_agreed = models.BooleanField(default=True, help_text="The school agreed to a request made on its behalf")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Brokerage: the school (or agency) suggested to help, each side's agreement, the objectives.
    supporter = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="supports_given"
    )
    supporter_agency = models.ForeignKey(
        "partnerships.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supports_given",
        help_text="A partner agency or local-authority service asked to help, instead of a school",
    )
    suggested_at = models.DateTimeField(null=True, blank=True)
    objectives = models.TextField(blank=True, help_text="What the two schools agreed to work towards, one a line")
    requester_agreed_at = models.DateTimeField(null=True, blank=True)
    supporter_agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["supporter", "status"], name="help_request_supporter_status"),
            models.Index(fields=["supporter_agency", "status"], name="help_request_agency_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supporter__isnull=True) | models.Q(supporter_agency__isnull=True),
                name="help_request_one_supporter",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_supporter(self) -> bool:
        return self.supporter_id is not None or self.supporter_agency_id is not None

    @property
    def supporter_name(self) -> str:
        """The school or agency helping, by name ("" when none yet)."""
        if self.supporter_agency_id is not None and self.supporter_agency is not None:
            return self.supporter_agency.name
        return self.supporter.name if self.supporter is not None else ""

    @property
    def objective_lines(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @property
    def days_given(self) -> float:
        return float(sum(e.days for e in self.engagements.all()))


class SupportEvent(models.Model):
    """One step of a request's brokerage: who took it, when, from which status to which."""

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=HelpRequest.Status.choices)
    to_status = models.CharField(max_length=20, choices=HelpRequest.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step}: {self.from_status} → {self.to_status}"


class Engagement(models.Model):
    """A visit, call or meeting between the school and its supporter, and the time it took."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call or video call"
        REVIEW = "peer_review", "Peer review"
        TRAINING = "training", "Training"
        SHARED_STAFF = "shared_staff", "Shared staff"

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="engagements")
    on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VISIT)
    days = models.DecimalField(max_digits=4, decimal_places=1, help_text="Days of staff time given (0.5 = half a day)")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}: {self.days} days"


class SupportReview(models.Model):
    """What the support was worth, as each side (the school that asked, its supporter) felt it."""

    class Side(models.TextChoices):
        REQUESTER = "requester", "The school that asked"
        SUPPORTER = "supporter", "The school or service that helped"

    class Met(models.TextChoices):
        YES = "yes", "Met"
        PARTLY = "partly", "Partly met"
        NO = "no", "Not met"

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="reviews")
    side = models.CharField(max_length=10, choices=Side.choices)
    benefit = models.PositiveSmallIntegerField(help_text="1 (none) to 5 (a great deal)")
    objectives_met = models.CharField(max_length=10, choices=Met.choices)
    what_changed = models.TextField(help_text="What changed, or what the school learnt")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["side"]
        constraints = [models.UniqueConstraint(fields=["help_request", "side"], name="support_review_once_per_side")]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: benefit {self.benefit}/5"


class SupportOffer(models.Model):
    """What a school or an agency can offer, in which area, with how much time. An agency's
    offer declares the area it works in: matching reads that as its strength."""

    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="support_offers"
    )
    agency = models.ForeignKey(
        "partnerships.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="support_offers"
    )
    area = models.CharField(max_length=20, choices=AREAS)
    description = models.TextField()
    days_per_term = models.DecimalField(max_digits=4, decimal_places=1)
    active = models.BooleanField(default=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(school__isnull=False) & models.Q(agency__isnull=True))
                | (models.Q(school__isnull=True) & models.Q(agency__isnull=False)),
                name="support_offer_by_a_school_or_an_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.offered_by}: {self.get_area_display()}"

    @property
    def offered_by(self) -> str:
        return str(self.agency if self.agency_id is not None else self.school)
