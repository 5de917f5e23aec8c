from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from evenbetter.practice.models import PracticeItem
from evenbetter.practice.search import index_items


class Command(BaseCommand):
    help = "Rebuild the practice library's search indexes: every item's vector, and SQLite's full-text table."

    def handle(self, *args: Any, **options: Any) -> None:
        items = list(PracticeItem.objects.all())
        for start in range(0, len(items), 500):
            index_items(items[start : start + 500])
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO practice_fts(practice_fts) VALUES ('rebuild')")
        self.stdout.write(f"Reindexed {len(items)} items.")
