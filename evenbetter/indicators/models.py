"""Provenance of everything the platform holds: one ImportRun per file read."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed: nothing written"
        DRY_RUN = "dry_run", "Dry run: nothing written"

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
    dry_run = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Every problem with file, line and column")

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
