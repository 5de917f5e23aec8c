"""Goals people set themselves, and the celebrations the refresh finds.

A goal belongs to exactly one owner: a school, a partnership (its schools' figures taken
together) or a locality. Its status is never stored: it is worked out from the latest
figures each time (``goals.selectors.goal_progress``, by ``analytics.goals``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from evenbetter.schools.models import Locality, Partnership, School


class Goal(models.Model):
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="goals")
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    locality = models.ForeignKey(
        "schools.Locality", null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="goals")
    target = models.FloatField(help_text="The value to reach, in the indicator's own unit")
    due_on = models.DateField(help_text="The date to reach it by")
    why = models.TextField(help_text="Why this goal, in the words of those who set it")
    baseline_period = models.CharField(
        max_length=20, blank=True, help_text="The latest figure's period when it was set"
    )
    baseline_value = models.FloatField(null=True, blank=True, help_text="The latest figure when it was set")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="goals_set")
    set_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(school__isnull=False, partnership__isnull=True, locality__isnull=True)
                    | Q(school__isnull=True, partnership__isnull=False, locality__isnull=True)
                    | Q(school__isnull=True, partnership__isnull=True, locality__isnull=False)
                ),
                name="goal_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} to {self.target} by {self.due_on} ({self.owner_name})"

    @property
    def owner(self) -> School | Partnership | Locality:
        owner = self.school or self.partnership or self.locality
        if owner is None:  # the check constraint makes sure it never is
            raise ValueError("A goal has an owner.")
        return owner

    @property
    def owner_name(self) -> str:
        return str(getattr(self.owner, "name", ""))

    @property
    def is_group(self) -> bool:
        return self.school_id is None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Celebration(models.Model):
    """Something worth celebrating, found by the refresh (``goals.services.celebrations_refresh``).

    ``key`` names what it is about (``goal:12``, ``support:34``, ``improvement:5:ks2_readprog:2023/24``,
    ``practice:7``), so the refresh finds it again instead of making it twice; the school's
    few words and its choice to keep it quiet are kept across refreshes."""

    class Kind(models.TextChoices):
        GOAL_MET = "goal_met", "A goal met"
        SUPPORT_WORKED = "support_worked", "Support that worked"
        IMPROVEMENT = "improvement", "A large improvement against similar schools"
        PRACTICE_TRIED = "practice_tried", "Practice many schools tried"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    headline = models.CharField(max_length=500)
    # Whose it is: the school (or partnership, or locality) that may add words or keep it quiet.
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    locality = models.ForeignKey(
        "schools.Locality", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    # What it is about: who may see it is who may see this.
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations")
    help_request = models.ForeignKey(
        "support.HelpRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    practice_item = models.ForeignKey(
        "practice.PracticeItem", null=True, blank=True, on_delete=models.CASCADE, related_name="celebrations"
    )
    found_at = models.DateTimeField(auto_now_add=True, db_index=True)
    words = models.CharField(max_length=300, blank=True, help_text="A few words from the school")
    words_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quiet = models.BooleanField(default=False, help_text="Kept quiet: shown only to those who may change it")
    quiet_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-found_at", "-pk"]

    def __str__(self) -> str:
        return self.headline

    @property
    def owner_name(self) -> str:
        owner = self.school or self.partnership or self.locality
        return owner.name if owner is not None else ""
