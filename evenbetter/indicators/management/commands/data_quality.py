from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evenbetter.indicators.quality import data_quality_refresh


class Command(BaseCommand):
    help = "Measure data quality for every school and keep it as the 'confidence in the evidence base' indicators."

    def handle(self, *args: Any, **options: Any) -> None:
        run, report = data_quality_refresh()
        scores = report.per_school["score"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Data quality for {len(report.per_school)} schools as at {run.options['period']}: "
                f"median confidence {scores.median():.0f}/100, {len(report.outliers)} outlying values; "
                f"{run.records_created} new, {run.records_updated} changed, {run.records_unchanged} unchanged."
            )
        )
