from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.problems import Problem
from evenbetter.ingest.registry import all_formats
from evenbetter.ingest.runner import import_path


class Command(BaseCommand):
    help = "Import a data file in one of the registered source formats (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", required=True, choices=[f.code for f in all_formats()], dest="source_format")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing")
        parser.add_argument(
            "--period", help="The academic year or date a file covers, when it does not say (e.g. 2018/19)"
        )
        parser.add_argument(
            "--scheme", help="Identifier scheme of the school_id column in generic files (default: urn)"
        )
        parser.add_argument("--mapping", type=Path, help="For wide files: a CSV of column,indicator")
        parser.add_argument(
            "--add-missing-schools",
            action="store_true",
            help="School census and school spine: add schools not yet on the register",
        )
        parser.add_argument(
            "--skip-unknown-schools",
            action="store_true",
            help="Generic long and wide files: skip (and name) schools not on the register instead of refusing the file",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        source_format: str,
        dry_run: bool,
        period: str | None,
        scheme: str | None,
        mapping: Path | None,
        add_missing_schools: bool,
        skip_unknown_schools: bool,
        **options: Any,
    ) -> None:
        for given in (path, mapping):
            if given is not None and not given.is_file():
                raise CommandError(f"{given}: no such file")
        format_options: dict[str, Any] = {
            name: value
            for name, value in (
                ("period", period),
                ("scheme", scheme),
                ("mapping", mapping),
                ("add_missing_schools", add_missing_schools),
                ("skip_unknown_schools", skip_unknown_schools),
            )
            if value
        }
        run = import_path(
            path=path, source_format=source_format, dry_run=dry_run, progress=self._progress, **format_options
        )
        for problem in run.problems:
            self.stderr.write(f"{problem['severity']}: {Problem(**problem)}")
        summary = (
            f"{run.get_status_display()}: {run.rows_read} rows read, {run.rows_accepted} accepted, "
            f"{run.rows_rejected} rejected; {run.records_created} created, {run.records_updated} updated, "
            f"{run.records_unchanged} unchanged (import run {run.pk}, sha256 {run.sha256[:12]}…)"
        )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _progress(self, rows: int) -> None:
        self.stderr.write(f"… {rows:,} rows read so far", ending="\r" if self.stderr.isatty() else "\n")
