"""Running an import: parse, check, then write everything or nothing, with provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.problems import ImportRejected, Problem
from evenbetter.ingest.registry import Loaded, Progress, get_format
from evenbetter.schools.models import School


class _DryRunRollback(Exception):
    """Raised to roll a dry run back, carrying what it counted."""

    def __init__(self, loaded: Loaded):
        self.loaded = loaded


# After this many rows written, PostgreSQL's planner is told about them at once: until
# autovacuum catches up it would plan queries as if the tables were still small.
ANALYZE_AFTER_ROWS = 10_000


def _refresh_planner_statistics(loaded: Loaded) -> None:
    if connection.vendor != "postgresql":
        return
    if loaded.counts.created + loaded.counts.updated < ANALYZE_AFTER_ROWS:
        return
    with connection.cursor() as cursor:
        for model in (Observation, School):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _recorded(options: dict[str, Any]) -> dict[str, Any]:
    """The options as they can be kept in the run: files by their SHA-256, not their bytes."""
    kept: dict[str, Any] = {}
    for name, value in options.items():
        if isinstance(value, bytes):
            kept[name] = {"sha256": hashlib.sha256(value).hexdigest(), "size": len(value)}
        elif isinstance(value, Path):
            kept[name] = {"file": value.name}
        else:
            kept[name] = value
    return kept


def import_file(
    *,
    content: bytes,
    file_name: str,
    source_format: str,
    run_by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> ImportRun:
    """Import one file; the returned ImportRun says what happened.

    A file with any error writes nothing (the run is recorded as failed, with every
    problem); warnings are recorded and the rest is written. A dry run goes through
    every step, counts what would change, and rolls back.
    """
    importer = get_format(source_format, **options)
    run = ImportRun.objects.create(
        source_format=source_format,
        file_name=Path(file_name).name,
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        run_by=run_by,
        dry_run=dry_run,
        status=ImportRun.Status.RUNNING,
        options=_recorded(options),
    )
    problems: list[Problem] = []
    try:
        try:
            with transaction.atomic():
                loaded = importer.load(content, run.file_name, run, progress)
                _refresh_planner_statistics(loaded)
                if dry_run:
                    raise _DryRunRollback(loaded)
        except _DryRunRollback as rolled_back:
            loaded = rolled_back.loaded
        problems = loaded.problems
        run.rows_read, run.rows_accepted = loaded.rows_read, loaded.rows_accepted
        run.rows_rejected = loaded.rows_read - loaded.rows_accepted
        counts = loaded.counts
        run.records_created, run.records_updated, run.records_unchanged = (
            counts.created,
            counts.updated,
            counts.unchanged,
        )
        run.examples = counts.examples
        run.status = ImportRun.Status.DRY_RUN if dry_run else ImportRun.Status.SUCCEEDED
    except ImportRejected as rejected:
        problems = rejected.problems
        run.status = ImportRun.Status.FAILED
        run.rows_read, run.rows_accepted, run.rows_rejected = rejected.rows_read, 0, rejected.rows_read
        run.records_created = run.records_updated = run.records_unchanged = 0
    run.problems = [problem.as_dict() for problem in problems]
    run.finished_at = timezone.now()
    run.save()
    return run


def import_path(
    *,
    path: Path,
    source_format: str,
    run_by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> ImportRun:
    return import_file(
        content=path.read_bytes(),
        file_name=path.name,
        source_format=source_format,
        run_by=run_by,
        dry_run=dry_run,
        progress=progress,
        **options,
    )
