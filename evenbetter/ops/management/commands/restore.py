from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.ops.backup import BackupError, read_backup, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with the backup at PATH (made by manage.py backup), then check every "
        "table's row count and checksum against the backup's manifest. Needs --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (its manifest PATH.json lies beside it)")
        parser.add_argument(
            "--yes", action="store_true", help="Really replace every row of the database with the backup's"
        )

    def handle(self, *args: Any, path: Path, yes: bool, **options: Any) -> None:
        try:
            manifest = read_backup(path)
            if not yes:
                raise CommandError(
                    f"{path} is a good backup (made {manifest['created_at']} from {manifest['database']}). "
                    "Restoring it replaces every row of this database with the backup's: run again with --yes "
                    "to do so. Nothing was changed."
                )
            result = restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in result.fingerprint.values())
        if result.differences:
            raise CommandError(
                f"Restored {path}, but the database does not match the backup's manifest:\n  "
                + "\n  ".join(result.differences)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path} (made {manifest['created_at']}): {len(result.fingerprint)} tables, {rows:,} rows; "
                "every table's row count and checksum match the manifest."
            )
        )
        if result.pending_migrations:
            pending = result.pending_migrations
            named = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code ({named}): run manage.py migrate."
            )
