"""The platform's own record of its background work: one row a job, one row a schedule's firing.

A job is queued through Django's tasks API (``evenbetter/jobs/tasks.py``), but what people see
and what the workers agree on is this row: its status with a timestamp for each state (so a
stuck job looks different from a slow one), its attempts, the step it is on, its error. A
``refresh`` is coalesced: while one is queued (``pending_key`` set, unique), asking for another
only notes the request on it; a worker that claims it clears ``pending_key``, so the next
request queues a new one, which will see everything committed after this one started.
"""

from __future__ import annotations

from django.db import models

from evenbetter.indicators.models import ImportRun


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        RETRYING = "retrying", "Waiting to retry"

    kind = models.CharField(max_length=40, help_text="What the job does: a kind in evenbetter/jobs/registry.py")
    reason = models.CharField(max_length=255, blank=True, help_text="Why it was queued: an import, a schedule …")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # Set (to the kind) only while a coalescing job is queued and not yet claimed: unique, so
    # two requests at once on PostgreSQL cannot queue two; NULLs never clash.
    pending_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    requests = models.PositiveIntegerField(default=1, help_text="How many requests this one job answers")
    options = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    step = models.CharField(max_length=120, blank=True, help_text="The step it is on (or stopped at)")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when not known")
    error = models.TextField(blank=True)
    # One timestamp per state: the last time the job entered it.
    queued_at = models.DateTimeField(auto_now_add=True)
    last_requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    retrying_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which worker process runs it (machine and process id, as an import run keeps), and
    # when it last said so: how a job whose worker died is told from a slow one.
    process = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="The latest task queued for it (django-tasks)")
    # The imports a refresh answers (several when coalesced): whoever ran one may follow it.
    import_runs = models.ManyToManyField(ImportRun, blank=True, related_name="refresh_jobs")

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


class ScheduleFiring(models.Model):
    """A schedule fired for one due time: unique, so that several workers fire it once."""

    schedule = models.CharField(max_length=80)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-due_at"]
        constraints = [models.UniqueConstraint(fields=["schedule", "due_at"], name="jobs_schedule_fires_once")]

    def __str__(self) -> str:
        return f"{self.schedule} due {self.due_at:%Y-%m-%d %H:%M}"
