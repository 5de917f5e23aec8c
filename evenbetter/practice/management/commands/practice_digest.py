from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evenbetter.practice.services import digest_send


class Command(BaseCommand):
    help = "E-mail the weekly digest of new practice to everyone who follows an area or item (run it weekly, e.g. by cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="How far back a first digest looks (default 7)")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        result = digest_send(days=days)
        self.stdout.write(f"Digests sent: {result.sent}; nothing new for {result.skipped_nothing_new}.")
