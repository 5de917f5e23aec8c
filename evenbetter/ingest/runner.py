"""Running an import: parse, check, then write everything or nothing, with provenance.

Every import ends with its run recorded as succeeded, failed or (a preview) dry run, each
with its problems, even when the database refuses the writes: an import that loses a race
with another import writing the same values (PostgreSQL's unique constraint), or that
finds the database locked for too long (SQLite), is rolled back and recorded as failed,
saying so, instead of dying with a traceback. An import stopped by an exception it did not
expect, or by Ctrl-C, is recorded the same way before the exception goes on.

A process killed outright (``kill -9``, out of memory, power cut) cannot record anything:
its run stays "running", and its transaction never commits, so nothing of it is written.
Each run keeps the machine and process id that ran it (the host, its boot and its process
namespace, so that a reboot or another container is another machine), and
``indicators.runs.mark_interrupted_runs`` (called when an import starts, and by the import history and
import pages) marks "interrupted" a run whose process is gone: on this machine when that
process id no longer runs, and for a run from another machine (where the process cannot be
looked at) once it has been running for longer than ``STALE_AFTER``.

A successful import asks for the refresh of everything derived from the data
(``jobs.services.refresh_wanted``), queued once the import has committed.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.runs import INTERRUPTED, mark_interrupted_runs, this_process
from evenbetter.ingest.csvfile import encoding_note
from evenbetter.ingest.registry import Loaded, Progress, get_format
from evenbetter.ingest.xlsxfile import XLSX_MAGIC
from evenbetter.jobs.services import refresh_wanted
from evenbetter.schools.models import School

logger = logging.getLogger(__name__)

CONCURRENT_WRITE = "another import was writing the same values at the same time; nothing was written — run it again"
DATABASE_BUSY = (
    "the database was kept busy by another import for too long ({error}); nothing was written — run it again"
)
UNEXPECTED = "the import stopped on an unexpected error ({error}); nothing was written — please report it"


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


def _database_problem(error: DatabaseError, file_name: str) -> Problem:
    if isinstance(error, IntegrityError) and ("unique" in str(error).lower() or "duplicate" in str(error).lower()):
        # Two imports wrote the same school, indicator and period at once: the one that came
        # second finds the other's row when it is committed. (Checked before the writes,
        # within one file the same key twice is an error with its line, never this.)
        return Problem(file_name, None, None, CONCURRENT_WRITE)
    if isinstance(error, OperationalError) and "locked" in str(error).lower():
        return Problem(file_name, None, None, DATABASE_BUSY.format(error=error))
    return Problem(file_name, None, None, f"the database refused the import ({error}); nothing was written")


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
    every step, counts what would change, and rolls back. A write the database refuses
    (another import writing the same values at once, a database locked too long) fails
    the run the same way, with a problem that says so.
    """
    importer = get_format(source_format, **options)
    mark_interrupted_runs()
    run = ImportRun.objects.create(
        source_format=source_format,
        file_name=Path(file_name).name,
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        run_by=run_by,
        dry_run=dry_run,
        status=ImportRun.Status.RUNNING,
        process=this_process(),
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
    except DatabaseError as error:
        # The transaction is rolled back: nothing of this import is in the database.
        logger.warning("Import run %s of %s failed in the database: %s", run.pk, run.file_name, error)
        problems = [_database_problem(error, run.file_name)]
        _failed(run)
    except (KeyboardInterrupt, SystemExit):
        # Stopped by hand: rolled back; recorded before the stop goes on.
        _record_stop(run, ImportRun.Status.INTERRUPTED, INTERRUPTED.format(why="stopped by hand"))
        raise
    except Exception as error:
        # A bug: rolled back too; recorded as failed, and the error goes on to be seen.
        _record_stop(run, ImportRun.Status.FAILED, UNEXPECTED.format(error=f"{type(error).__name__}: {error}"))
        raise
    note = None if content.startswith(XLSX_MAGIC) else encoding_note(content, run.file_name)
    if note is not None:
        problems = [note, *problems]
    run.problems = [problem.as_dict() for problem in problems]
    run.finished_at = timezone.now()
    run.save()
    if run.status == ImportRun.Status.SUCCEEDED:
        # What is derived from the data (data quality, families, benchmarks …) is refreshed by a
        # worker once this commits; imports close together share one refresh.
        refresh_wanted(reason=f"import of {run.file_name} ({run.source_format})", import_run=run)
    return run


def _failed(run: ImportRun) -> None:
    run.status = ImportRun.Status.FAILED
    run.rows_accepted = 0
    run.rows_rejected = run.rows_read
    run.records_created = run.records_updated = run.records_unchanged = 0
    run.examples = []


def _record_stop(run: ImportRun, status: str, message: str) -> None:
    """Record why a run stopped, if the database still can; never hide the first error."""
    try:
        ImportRun.objects.filter(pk=run.pk).update(
            status=status,
            finished_at=timezone.now(),
            problems=[Problem(run.file_name, None, None, message).as_dict()],
        )
        import_records_changed()
    except Exception:  # the database itself may be what failed
        logger.exception("Import run %s could not be marked as stopped", run.pk)


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
