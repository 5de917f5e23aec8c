from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evenbetter.partnerships.indicators import partnership_life_refresh


class Command(BaseCommand):
    help = (
        "Measure contact, partnership actions and attendance, and governance for every academic year, "
        "and keep them as indicators (run before `benchmarks`)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = partnership_life_refresh()
        periods = run.options.get("periods", [])
        self.stdout.write(
            self.style.SUCCESS(
                f"Partnership life for {len(periods)} academic year(s) "
                f"({periods[0] if periods else '—'} to {periods[-1] if periods else '—'}): "
                f"{run.records_created:,} new values, {run.records_updated:,} changed, "
                f"{run.records_unchanged:,} unchanged."
            )
        )
