from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evenbetter.practice.services import measures_refresh


class Command(BaseCommand):
    help = (
        "Measure what every try of practice achieved against similar schools, and pool them, now "
        "(the refresh after imports does it too): after migrating, or after families change by hand."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        items = measures_refresh()
        self.stdout.write(f"Measured the tries of {items} item{'' if items == 1 else 's'}.")
