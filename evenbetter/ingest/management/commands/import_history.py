from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.problems import Problem
from evenbetter.ingest.history import HistoryRun, history_import


class Command(BaseCommand):
    help = (
        "Import a whole inspection-history folder (default: the vendored history-2005-2020/): the school spine "
        "with its predecessor links, every graded inspection, and the key stage 2 and 4 tables. Each file is its "
        "own all-or-nothing import; the time each took is printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", type=Path, help="The folder (default: EVENBETTER_DATA_DIR/history-2005-2020)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing")
        parser.add_argument(
            "--register-only",
            action="store_true",
            help="Do not add the spine's schools the register lacks (their inspections and results are then skipped)",
        )

    def handle(self, *args: Any, folder: Path | None, dry_run: bool, register_only: bool, **options: Any) -> None:
        folder = folder or Path(settings.EVENBETTER_DATA_DIR) / "history-2005-2020"
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        started = time.perf_counter()
        done = history_import(folder, add_missing_schools=not register_only, dry_run=dry_run, report=self._report)
        total = time.perf_counter() - started
        failed = [d.file.name for d in done if d.run is not None and d.run.status == ImportRun.Status.FAILED]
        missing = [d.file.name for d in done if d.run is None]
        summary = f"{len(done) - len(missing)} file(s) imported from {folder} in {total:.1f} s"
        if missing:
            summary += f"; not in the folder: {', '.join(missing)}"
        if failed:
            raise CommandError(f"{summary}; failed (nothing written from them): {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(summary))

    def _report(self, done: HistoryRun) -> None:
        if done.run is None:
            self.stderr.write(f"{done.file.name}: not in the folder, skipped")
            return
        run = done.run
        for problem in run.problems:
            self.stderr.write(f"  {problem['severity']}: {Problem(**problem)}")
        self.stdout.write(
            f"{done.file.name} ({done.file.source_format}): {run.get_status_display()}, {run.rows_read:,} rows read, "
            f"{run.records_created:,} created, {run.records_updated:,} updated, {run.records_unchanged:,} unchanged "
            f"in {done.seconds:.1f} s (import run {run.pk})"
        )
