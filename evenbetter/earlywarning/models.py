"""The early warning, kept: versioned runs of the model, each school's score with its
reasons and triggers, the school's own response, and what the leads decided.

Computed by ``evenbetter.analytics.risk`` and ``triggers``; see ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RiskRun(models.Model):
    """One run of the early warning: which data, which settings, which metrics."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    outcome = models.JSONField(help_text="What counts as decline: kind, grade or indicator and fall")
    outcome_text = models.CharField(max_length=300)
    as_of = models.CharField(max_length=20, help_text="The academic year the scores describe")
    model_kind = models.CharField(max_length=20)
    random_state = models.IntegerField(default=0)
    settings = models.JSONField(default=dict)
    data_fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the observations the run read")
    training_examples = models.PositiveIntegerField(default=0)
    training_positives = models.PositiveIntegerField(default=0)
    backtest = models.JSONField(default=dict, blank=True, help_text="Backtest method, table and fairness report")
    schools_scored = models.PositiveIntegerField(default=0)
    uses_generated_data = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Early warning as at {self.as_of} ({self.created_at:%Y-%m-%d %H:%M})"


class RiskScore(models.Model):
    """One school's risk in one run, with what pushed it up or down and the triggers that fired."""

    class Band(models.TextChoices):
        HIGH = "high", "High"
        RAISED = "raised", "Raised"
        USUAL = "usual", "Usual"

    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="risk_scores")
    risk = models.FloatField(help_text="Calibrated probability of the outcome")
    rank = models.PositiveIntegerField()
    band = models.CharField(max_length=10, choices=Band.choices)
    previous_risk = models.FloatField(null=True, blank=True, help_text="The school's risk in the run before")
    reasons = models.JSONField(
        default=list, help_text="[feature, contribution in log-odds, plain words], largest first"
    )
    triggers = models.JSONField(
        default=list, help_text="Triggers measured: code, name, kind, fired, severity, explanation"
    )
    set_aside = models.JSONField(
        default=list,
        blank=True,
        help_text="[feature, contribution, plain words, why] pushes up not shown as reasons, and why",
    )
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the score rests on: indicators (with a value), indicators_in_model, newest, oldest, inspection",
    )

    class Meta:
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="risk_score_once_per_run")]
        # A run's scores riskiest first, a page at a time (the watch list, the API): without it
        # the database sorts every score of the run, each with its wide JSON, to keep 100.
        indexes = [models.Index(fields=["run", "rank"], name="risk_score_run_rank")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.risk:.2f} in run {self.run_id}"

    @property
    def change(self) -> float | None:
        return None if self.previous_risk is None else self.risk - self.previous_risk

    @property
    def leading_fired(self) -> list[dict[str, object]]:
        return [t for t in self.triggers if t.get("fired") and t.get("kind") == "leading"]

    @property
    def lagging_fired(self) -> list[dict[str, object]]:
        return [t for t in self.triggers if t.get("fired") and t.get("kind") == "lagging"]


class RiskResponse(models.Model):
    """A school's answer to its own score: context, a correction, what it is already doing."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="risk_responses")
    score = models.ForeignKey(RiskScore, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Response of {self.school_id}: {self.text[:40]}"


class WatchDecision(models.Model):
    """What the system or partnership lead decided about a school on the watch list."""

    class Kind(models.TextChoices):
        MONITOR = "monitor", "Keep watching"
        CONVERSATION = "conversation", "Have a conversation with the school"
        OFFER_SUPPORT = "offer_support", "Offer support"
        SUPPORT_IN_PLACE = "support_in_place", "Support already in place"
        NO_ACTION = "no_action", "No action: the score is explained"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="watch_decisions")
    score = models.ForeignKey(RiskScore, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.school_id}"
