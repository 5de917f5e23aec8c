from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.ops.backup import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = (
        "Back the whole database up to PATH while the application runs (SQLite: the online backup API; "
        "PostgreSQL: pg_dump, custom format), with a manifest PATH.json of row counts and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH and PATH.json if they exist")

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        try:
            manifest = backup(path, overwrite=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = manifest["tables"]
        rows = sum(table["rows"] for table in tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['database']} to {path} ({manifest['size']:,} bytes, "
                f"sha256 {manifest['sha256'][:12]}…): {len(tables)} tables, {rows:,} rows. "
                f"Manifest: {manifest_path(path)}"
            )
        )
