from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evenbetter.benchmarks.services import benchmarks_refresh


class Command(BaseCommand):
    help = (
        "Recompute every school's family of similar schools and every benchmark against it "
        "(run after importing new data)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = benchmarks_refresh(progress=lambda message: self.stdout.write(f"  {message}"))
        run = result.run
        self.stdout.write(
            self.style.SUCCESS(
                f"Families for {run.schools_with_family:,} schools ({len(run.no_family):,} without one: "
                f"too little context); {run.benchmarks_written:,} benchmarks; {run.seconds:.1f} s."
            )
        )
