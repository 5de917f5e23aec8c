"""Provenance of everything the platform holds: one ImportRun per file read."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from evenbetter.vocabulary import directions


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed: nothing written"
        DRY_RUN = "dry_run", "Dry run: nothing written"
        # Its process ended before it did (killed, out of memory, the machine stopped): see
        # evenbetter.indicators.runs.mark_interrupted_runs.
        INTERRUPTED = "interrupted", "Interrupted: stopped part-way, nothing written"

    source_format = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    process = models.CharField(
        max_length=300,
        blank=True,
        help_text="host:pid of the process that ran it, to tell a run still going from one whose process died",
    )
    dry_run = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Every problem with file, line and column")
    options = models.JSONField(default=dict, blank=True, help_text="What the import was told: period, scheme, …")
    examples = models.JSONField(default=list, blank=True, help_text="A sample of what was (or would be) changed")
    confirmed_by_run = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preview",
        help_text="For a preview: the import that carried it out",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_format}: {self.file_name} ({self.get_status_display()})"

    @property
    def errors(self) -> list[dict[str, object]]:
        return [p for p in self.problems if p.get("severity") == "error"]

    @property
    def warnings(self) -> list[dict[str, object]]:
        return [p for p in self.problems if p.get("severity") == "warning"]


class Indicator(models.Model):
    """One measure the platform holds over time, with how it may be read and compared."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = directions.HIGHER, directions.DIRECTION_NAMES[directions.HIGHER]
        LOWER_IS_BETTER = directions.LOWER, directions.DIRECTION_NAMES[directions.LOWER]
        NEITHER = directions.NEITHER, directions.DIRECTION_NAMES[directions.NEITHER]

    class Domain(models.TextChoices):
        OUTCOMES = "outcomes", "Outcomes"
        ATTENDANCE = "attendance", "Attendance"
        WORKFORCE = "workforce", "Workforce"
        GOVERNANCE = "governance", "Governance"
        PARTNERSHIP = "partnership", "Partnership"
        WELLBEING = "wellbeing", "Wellbeing and trust"
        CONTEXT = "context", "Context"
        DATA_QUALITY = "data_quality", "Confidence in the evidence"

    class Comparison(models.TextChoices):
        PERCENT = "percent", "Percentage"
        SCORE = "score", "Score"
        COUNT = "count", "Count"
        ORDINAL = "ordinal", "Ordinal grade"
        AMOUNT = "amount", "Amount or ratio"

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text='e.g. "%", "pupils", "£", "score"')
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.NEITHER)
    domain = models.CharField(max_length=20, choices=Domain.choices, db_index=True)
    source = models.CharField(max_length=200, blank=True)
    comparison = models.CharField(max_length=10, choices=Comparison.choices)
    decimal_places = models.PositiveSmallIntegerField(default=1)
    minimum = models.FloatField(null=True, blank=True, help_text="Lowest valid value; lower is an error")
    maximum = models.FloatField(null=True, blank=True, help_text="Highest valid value; higher is an error")
    ordinal_labels = models.JSONField(
        default=dict, blank=True, help_text='For grades: value to label, e.g. {"1": "Outstanding"}'
    )
    headline = models.BooleanField(
        default=False, help_text="Shown as a chart on the school page; the rest are listed beneath"
    )
    standard = models.FloatField(
        null=True,
        blank=True,
        help_text="An absolute standard shown beside the peer comparison (e.g. 0 for a progress score); "
        "when blank, the median of all schools of the phase is used",
    )
    standard_label = models.CharField(max_length=120, blank=True, help_text='e.g. "National average progress"')
    is_public = models.BooleanField(
        default=True,
        help_text="Published data anyone who may open the school's page sees; local records (partnership life, "
        "workforce returns, staff surveys) are seen only by the school's own people and those who see it in full",
    )
    cohort_indicator = models.SlugField(
        max_length=80,
        blank=True,
        help_text="The code of the indicator counting the pupils this one rests on, for small-cohort warnings",
    )

    class Meta:
        ordering = ["domain", "name"]

    def __str__(self) -> str:
        return self.name

    def label_for(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.ordinal_labels:
            return str(self.ordinal_labels.get(str(int(value)), value))
        text = f"{value:,.{self.decimal_places}f}"
        if self.unit == "%":
            return f"{text}%"
        if self.unit == "£":
            return f"£{text}"
        if self.unit == "score":  # Attainment 8, Progress 8, a key stage 2 progress score: in points
            return f"{text} points"
        return f"{text} {self.unit}".strip()


class Observation(models.Model):
    """One value of one indicator for one school in one period, and where it came from."""

    class Status(models.TextChoices):
        VALUE = "value", "Value"
        SUPPRESSED = "suppressed", "Suppressed (too few pupils to publish)"
        MISSING = "missing", "Missing (not available)"

    # No index of their own: the unique (school, indicator, period) and the index (indicator,
    # period) below lead with them, and serve every lookup by school or by indicator; two more
    # indexes were only two more to write on every import (millions of rows at national scale).
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="observations", db_index=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations", db_index=False)
    period = models.CharField(max_length=20, help_text='An academic year "2018/19" or a date "2019-01-17"')
    period_start = models.DateField(help_text="When the period starts, for ordering")
    value = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALUE)
    provisional = models.BooleanField(default=False)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "indicator", "period"], name="observation_unique_period"),
        ]
        indexes = [models.Index(fields=["indicator", "period"], name="observation_indicator_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} for {self.school_id}: {self.value}"


class Inspection(models.Model):
    """An inspection event: a date (when known) and a grade.

    A source says at most one thing about one school's inspection on one day; a source with
    no dates (a list of latest grades) says one thing per school per period. So a school may
    have any number of dated inspections in one academic year, and one undated grade per
    source and period.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(null=True, blank=True)
    as_at = models.CharField(
        max_length=20,
        help_text="The period the source reports the grade for: the academic year of the date when there is one",
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 Outstanding … 4 Inadequate")
    grade_label = models.CharField(max_length=40)
    inspection_type = models.CharField(
        max_length=60, blank=True, help_text='As the source names it, e.g. "Section 5" or "Full inspection"'
    )
    judgements = models.JSONField(
        default=dict, blank=True, help_text='Sub-judgements by name, as grades 1-4, e.g. {"quality_of_education": 2}'
    )
    source = models.CharField(max_length=100)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )

    class Meta:
        ordering = ["school", "-inspected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source", "inspected_on"],
                condition=models.Q(inspected_on__isnull=False),
                name="inspection_unique_source_date",
            ),
            models.UniqueConstraint(
                fields=["school", "source", "as_at"],
                condition=models.Q(inspected_on__isnull=True),
                name="inspection_unique_source_as_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.grade_label} ({self.inspected_on or self.as_at})"


class Dispute(models.Model):
    """A school says one of its values is wrong; a system lead resolves it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected"
        UPHELD = "upheld", "Value upheld as it was"

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="disputes_raised"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(help_text="What is wrong with the value, and what it should be if known")
    suggested_value = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes_resolved"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    value_before = models.FloatField(null=True, blank=True, help_text="The value when the dispute was raised")
    status_before = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation"], condition=models.Q(status="open"), name="dispute_one_open_per_value"
            )
        ]

    def __str__(self) -> str:
        return f"Dispute of {self.observation} ({self.get_status_display()})"


class SchoolDataGlance(models.Model):
    """How far each kind of source of a school's values goes, for the glance of the data on its
    page, worked out for every school in one pass by the refresh (``services.data_glance_keep``)
    so the page reads one row instead of every value of the school. What differs by access is
    kept apart (published indicators' and local records' generated values; the confidence is
    a local record) and chosen when read (``panels.GlanceData``). A write of values drops the
    rows of the schools it wrote for; a school with no row is worked out when its page is
    opened, as before."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, primary_key=True, related_name="+")
    published_up_to = models.CharField(max_length=20, blank=True, help_text="Latest period of published values")
    local_up_to = models.CharField(max_length=20, blank=True, help_text="Latest period of local records")
    generated_published_up_to = models.CharField(
        max_length=20, blank=True, help_text="Latest period of generated values of published indicators"
    )
    generated_up_to = models.CharField(max_length=20, blank=True, help_text="Latest period of any generated value")
    confidence = models.ForeignKey(
        Observation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The latest confidence in the evidence base (data_confidence) with a value",
    )
    worked_out_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Glance of the data of {self.school_id}"
