"""Families of similar schools, benchmarks against them, and comparator sets users build.

Families and benchmarks are computed by ``evenbetter.analytics`` and kept here, replaced
whole by each refresh (``manage.py benchmarks``), so that pages read them in one query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FamilyRun(models.Model):
    """One computation of every school's family and benchmarks: what it used and found."""

    computed_at = models.DateTimeField(auto_now_add=True)
    settings = models.JSONField(default=dict, help_text="Context variables, their indicators and weights; family size")
    schools_with_family = models.PositiveIntegerField(default=0)
    no_family = models.JSONField(default=dict, help_text="School id -> why it has no family")
    benchmarks_written = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"Families and benchmarks computed {self.computed_at:%Y-%m-%d %H:%M}"


class FamilyMember(models.Model):
    """One school of another school's family, and why it is there."""

    # No index of its own: the unique (school, member) leads with it.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="family_members", db_index=False
    )
    member = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField(help_text="Weighted distance on context, in robust spreads")
    weight_share = models.FloatField(help_text="Share of the context weight both schools know")
    why = models.JSONField(
        default=list, help_text="Per variable: [variable, school's value, member's value, share of the distance]"
    )

    class Meta:
        ordering = ["school", "rank"]
        constraints = [models.UniqueConstraint(fields=["school", "member"], name="family_member_once")]

    def __str__(self) -> str:
        return f"{self.member_id} in the family of {self.school_id} (#{self.rank})"


class Benchmark(models.Model):
    """One school's value of one indicator in one period against its family, locality and all schools."""

    # No index of their own: the unique (school, indicator, period) and the (indicator, period)
    # index below lead with them and serve every lookup by school or by indicator; two more
    # indexes were two more to write for every benchmark of every refresh (4.9 million rows at
    # national scale), as on the observations.
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="benchmarks", db_index=False)
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="benchmarks", db_index=False
    )
    period = models.CharField(max_length=20)
    period_start = models.DateField()
    value = models.FloatField()
    family_count = models.PositiveSmallIntegerField(default=0)
    family_q1 = models.FloatField(null=True)
    family_median = models.FloatField(null=True)
    family_q3 = models.FloatField(null=True)
    family_percentile = models.FloatField(null=True, help_text="Share of its family it does better than")
    local_count = models.PositiveIntegerField(default=0)
    local_percentile = models.FloatField(null=True)
    all_count = models.PositiveIntegerField(default=0)
    all_percentile = models.FloatField(null=True)
    target = models.FloatField(null=True, help_text="Even better: the family's upper quartile on the better side")
    gap_to_target = models.FloatField(null=True)
    standard = models.FloatField(null=True)
    average_value = models.FloatField(null=True, help_text="Mean over up to three periods ending with this one")
    average_periods = models.PositiveSmallIntegerField(default=1)
    cohort = models.FloatField(null=True, help_text="Pupils the value rests on, where known")
    small_cohort = models.BooleanField(default=False)

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "indicator", "period"], name="benchmark_unique_period")
        ]
        indexes = [models.Index(fields=["indicator", "period"], name="benchmark_indicator_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} for {self.school_id}"


class ComparatorSet(models.Model):
    """A school's own set of schools to compare with, chosen by hand or as "nearby schools like us"."""

    class Kind(models.TextChoices):
        BY_HAND = "by_hand", "Chosen by hand"
        NEARBY = "nearby", "Nearby schools like us"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="comparator_sets")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    within_km = models.FloatField(null=True, blank=True, help_text="For nearby sets: the distance searched")
    members = models.ManyToManyField("schools.School", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comparator_sets"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="comparator_set_unique_name")]

    def __str__(self) -> str:
        return self.name


class SchoolStrengths(models.Model):
    """Each school's strengths and areas to develop (``analytics.strengths``), worked out for
    every school in one pass by the refresh, in the same transaction as the benchmarks they
    come from, so the school page reads them in one query instead of working them out per
    school. Every indicator is kept; a reader who sees published figures only is shown the
    public ones (``benchmarks.selectors.school_strengths``). A school with no row is worked out
    when its page is opened, as before."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    found = models.JSONField(
        default=list, help_text="The rows of analytics.strengths.strengths_and_areas for the school, strongest first"
    )
    worked_out_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Strengths of {self.school_id}: {len(self.found)}"
