"""Reaching out: a school asks for help, schools offer it.

Brokerage (suggested → agreed → in progress → reviewed → closed), the engagement log and
impact reviews build on these next (issue 7).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenbetter.partnerships.models import AREAS

# The indicators (published ones only) that say how strong a school is in each area;
# an area with none here is matched on context, distance and capacity alone.
AREA_INDICATORS: dict[str, tuple[str, ...]] = {
    "reading": ("ks2_readprog", "ks2_read_average", "ks2_ptread_exp"),
    "writing": ("ks2_writprog", "ks2_ptwritta_exp"),
    "maths": ("ks2_matprog", "ks2_mat_average", "ks2_ptmat_exp", "ks4_progress8"),
    "curriculum": ("ks2_ptrwm_exp", "ks4_attainment8", "ks4_ebacc_aps"),
    "attendance": ("absence_overall", "absence_persistent"),
    "disadvantage": ("ks2_ptrwm_exp_fsm6cla1a", "ks2_readprog_fsm6cla1a", "ks2_matprog_fsm6cla1a"),
}


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

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SupportOffer(models.Model):
    """What a school can offer, in which area, with how much time."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="support_offers")
    area = models.CharField(max_length=20, choices=AREAS)
    description = models.TextField()
    days_per_term = models.DecimalField(max_digits=4, decimal_places=1)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-created_at"]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_area_display()}"
