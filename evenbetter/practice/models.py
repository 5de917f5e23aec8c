"""The practice library: ideas, stories and activities schools share, what others say and
try, and the moderation that keeps it a place people want to use.

Search keeps two indexes beside these tables, both kept by the database itself: on SQLite
an FTS5 table filled by triggers, on PostgreSQL a generated ``tsvector`` column with a GIN
index (``migrations/0002_search.py``); and each item's meaning as a vector
(``embedding``, ``analytics/semantic.py``) for semantic search.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from evenbetter.vocabulary.areas import AREAS


class Phase(models.TextChoices):
    ANY = "any", "Any phase"
    EARLY_YEARS = "early_years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    SPECIAL = "special", "Special"
    POST_16 = "post_16", "Post-16"


class Visible(models.TextChoices):
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"
    HIDDEN = "hidden", "Hidden by a moderator"


class PracticeItem(models.Model):
    class Kind(models.TextChoices):
        IDEA = "idea", "Idea"
        STORY = "story", "Story"
        ACTIVITY = "activity", "Activity"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One or two sentences, shown in lists and search")
    body = models.TextField(help_text="Markdown")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.ANY)
    schools = models.ManyToManyField("schools.School", related_name="practice_items", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="practice_items"
    )
    status = models.CharField(max_length=10, choices=Visible.choices, default=Visible.PUBLISHED, db_index=True)
    moderation_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_generated = models.BooleanField(default=False, help_text="Made up for the demo")
    # Semantic search: the title, summary and body as a unit vector (float32, little-endian).
    embedding = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practice_detail", args=[self.pk])

    @property
    def area_codes(self) -> list[str]:
        return [a.area for a in self.areas.all()]

    @property
    def area_names(self) -> list[str]:
        names = dict(AREAS)
        return [names.get(code, code) for code in self.area_codes]


class ItemArea(models.Model):
    """One area an item is about (the same areas as help requests and indicators)."""

    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=AREAS, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "area"], name="practice_item_area_once")]

    def __str__(self) -> str:
        return self.area


class Attachment(models.Model):
    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="practice/%Y/%m/")
    name = models.CharField(max_length=200, help_text="The file's name as uploaded, cleaned")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Comment(models.Model):
    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Visible.choices, default=Visible.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Tried(models.Model):
    """ "We tried this": a school says it tried an item, and how it went."""

    class Outcome(models.TextChoices):
        WORKED = "worked", "It worked for us"
        MIXED = "mixed", "Mixed"
        DID_NOT = "did_not", "It did not work for us"
        TOO_SOON = "too_soon", "Too soon to say"

    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="tries")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="practice_tried")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    # When the school started: its results are measured from the academic year before this
    # one to the latest after it (``practice/measured.py``). Rows made before it was asked
    # were given the day they were recorded (migration 0003).
    started_on = models.DateField(help_text="When the school started trying it (a term's first day is fine)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "school"], name="practice_tried_once_per_school")]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_outcome_display()}"


class Verdict(models.TextChoices):
    """What a measurement of practice says, in the order the library sorts by evidence."""

    BETTER = "better", "Better than similar schools' change"
    UNCLEAR = "unclear", "No clear difference from similar schools' change"
    WORSE = "worse", "Worse than similar schools' change"
    TOO_FEW = "too_few", "Too few similar schools to say"
    NOT_YET = "not_yet", "Not measured yet"
    NO_BEFORE = "no_before", "No result from the year before it started"
    NO_INDICATOR = "no_indicator", "No published result measures its areas"


# The library's order "by evidence": a clear verdict first (the strongest first within it).
EVIDENCE_RANK = {verdict: rank for rank, verdict in enumerate(Verdict.values)}


class TriedResult(models.Model):
    """What changed at a school that tried an item, on one indicator of the item's areas,
    against its family over the same years: worked out by the refresh, never typed in."""

    tried = models.ForeignKey(Tried, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="Among the item's indicators: the headline first")
    before_period = models.CharField(max_length=20)
    after_period = models.CharField(max_length=20, blank=True)
    effect = models.FloatField(null=True, blank=True, help_text="The school's change less its family's; + is better")
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    noise_sd = models.FloatField(null=True, blank=True, help_text="How far one school strays by chance")
    comparison_schools = models.PositiveIntegerField(default=0)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    words = models.TextField()

    class Meta:
        ordering = ["tried", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tried", "indicator"], name="practice_tried_result_once"),
        ]

    def __str__(self) -> str:
        return self.words[:60]


class PooledResult(models.Model):
    """One indicator's results of an item's tries, pooled over the schools that tried it."""

    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="pooled_results")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    tried = models.PositiveIntegerField(help_text="Schools that tried the item")
    schools = models.PositiveIntegerField(help_text="Schools pooled: measured, with enough similar schools")
    effect = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    standard_error = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    words = models.TextField()

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "indicator"], name="practice_pooled_result_once"),
        ]

    def __str__(self) -> str:
        return self.words[:60]


class ItemEvidence(models.Model):
    """An item's headline result, for sorting the library by evidence (kept beside the item,
    not on it: remaking the item's table on SQLite would drop its search triggers)."""

    item = models.OneToOneField(PracticeItem, on_delete=models.CASCADE, related_name="evidence")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    rank = models.PositiveSmallIntegerField(help_text="The verdict's place in the order by evidence")
    strength = models.FloatField(null=True, blank=True, help_text="The headline effect in standard errors")
    words = models.TextField(blank=True, help_text="The headline in a line, for the library's cards")
    measured_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.item_id}: {self.verdict}"


class Follow(models.Model):
    """A user follows an item (its comments and tries) or an area (new items in it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_follows")
    item = models.ForeignKey(PracticeItem, null=True, blank=True, on_delete=models.CASCADE, related_name="followers")
    area = models.CharField(max_length=20, choices=AREAS, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"], condition=models.Q(item__isnull=False), name="practice_follow_item_once"
            ),
            models.UniqueConstraint(
                fields=["user", "area"], condition=~models.Q(area=""), name="practice_follow_area_once"
            ),
            models.CheckConstraint(
                condition=(models.Q(item__isnull=False) & models.Q(area=""))
                | (models.Q(item__isnull=True) & ~models.Q(area="")),
                name="practice_follow_item_or_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.item or self.area}"


class Report(models.Model):
    """A reader flags an item or a comment for a moderator (a system lead)."""

    item = models.ForeignKey(PracticeItem, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]

    def __str__(self) -> str:
        return self.reason[:60]


class DigestSent(models.Model):
    """When a user was last sent the weekly digest, so a re-run never sends it twice."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_digest")
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user}: {self.sent_at:%Y-%m-%d}"
