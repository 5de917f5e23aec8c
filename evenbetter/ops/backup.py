"""Backing the whole database up, and restoring it, with a manifest to check both by.

- SQLite: SQLite's online backup API copies the live database, page by page, from one
  read snapshot: the application can go on reading and writing (WAL mode) while it runs.
  Restoring copies the backup back into the live database with the same API.
- PostgreSQL: ``pg_dump --format=custom`` from a snapshot the backup shares with its
  manifest, and ``pg_restore --clean --if-exists --no-owner`` in one transaction back.

Beside every backup ``<path>`` lies ``<path>.json``, its manifest: the format, when it was
made, the SHA-256 of the backup file, the latest migration applied for each app, and for
every table its row count and a SHA-256 of its rows in primary-key order. ``restore``
refuses a file whose manifest is missing or does not match it, or that was made from the
other kind of database; after restoring it computes the fingerprint again and says
whether every table came back as it was.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

import django
from django.apps import apps
from django.db import connection, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Collate
from django.utils import timezone

MANIFEST_VERSION = 1
SQLITE_FORMAT = "sqlite3"
POSTGRESQL_FORMAT = "postgresql-custom"
FORMAT_NAMES = {SQLITE_FORMAT: "SQLite", POSTGRESQL_FORMAT: "PostgreSQL (pg_dump custom format)"}
VENDOR_FORMATS = {"sqlite": SQLITE_FORMAT, "postgresql": POSTGRESQL_FORMAT}
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
FINGERPRINT_CHUNK = 5000


class BackupError(Exception):
    """A backup or restore that cannot go ahead, or did not come out right; the message says why."""


class TableFingerprint(TypedDict):
    rows: int
    sha256: str


Fingerprint = dict[str, TableFingerprint]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    fingerprint: Fingerprint
    differences: list[str] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


# --- the fingerprint ----------------------------------------------------------------------


def _normal(value: Any) -> Any:
    """A value the JSON encoder cannot write, as the same text from SQLite and PostgreSQL."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.timedelta):
        return str(value.days * 86_400_000_000 + value.seconds * 1_000_000 + value.microseconds)
    return str(value)  # UUIDs and anything else: their text


def _row_text(row: tuple[Any, ...]) -> bytes:
    # JSON keeps None, numbers and text apart ("1" is not 1); sort_keys makes JSON fields
    # agree whatever order the database keeps their keys in (PostgreSQL's jsonb reorders).
    text = json.dumps(row, default=_normal, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode() + b"\n"


def _fingerprinted_models() -> list[type[models.Model]]:
    seen: set[str] = set()
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        chosen.append(model)
    return sorted(chosen, key=lambda model: model._meta.db_table)


def _pk_order(model: type[models.Model]) -> Any:
    if connection.vendor == "postgresql" and isinstance(model._meta.pk, models.CharField | models.TextField):
        # Text keys in byte order, as SQLite sorts them, whatever the database's collation.
        return Collate(models.F("pk"), "C")
    return "pk"


def database_fingerprint() -> dict[str, TableFingerprint]:
    """Every Django model's table: its row count, and a SHA-256 of its rows in primary-key order.

    Values are written as text one way whichever database holds them, so that the same
    rows give the same checksum in SQLite and PostgreSQL wherever the databases agree on
    the values themselves. Tables not (yet) in the database are left out.
    """
    existing = set(connection.introspection.table_names())
    fingerprint: dict[str, TableFingerprint] = {}
    for model in _fingerprinted_models():
        table = model._meta.db_table
        if table not in existing:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        rows = 0
        queryset = model._base_manager.order_by(_pk_order(model)).values_list(*columns)
        for row in queryset.iterator(chunk_size=FINGERPRINT_CHUNK):
            digest.update(_row_text(row))
            rows += 1
        fingerprint[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return fingerprint


def fingerprint_differences(expected: Fingerprint, actual: Fingerprint) -> list[str]:
    """What differs between two fingerprints, table by table, in plain words."""
    differences = []
    for table in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(table), actual.get(table)
        if want is None:
            differences.append(f"{table}: not in the backup, but here with {have['rows'] if have else 0} rows")
        elif have is None:
            differences.append(f"{table}: in the backup with {want['rows']} rows, but missing here")
        elif want["rows"] != have["rows"]:
            differences.append(f"{table}: {have['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != have["sha256"]:
            differences.append(f"{table}: {have['rows']} rows as in the backup, but their contents differ")
    return differences


def migration_state() -> dict[str, str]:
    """The latest migration applied for each app, as recorded in the database."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return dict(sorted(latest.items()))


def pending_migrations() -> list[str]:
    """Migrations of this code the database has not had yet."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


# --- files ----------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_file(path: Path) -> None:
    """Create an empty file only its owner can read: a backup holds accounts and personal data."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _scratch_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")


def current_format() -> str:
    try:
        return VENDOR_FORMATS[connection.vendor]
    except KeyError:
        raise BackupError(
            f"backups are made of SQLite and PostgreSQL databases; this one is {connection.display_name}"
        ) from None


def _database_label() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "the local socket"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f'the PostgreSQL database "{settings_dict["NAME"]}" on {host}{port}'


# --- backup ---------------------------------------------------------------------------------


def backup(path: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Back the database up to ``path`` and write its manifest beside it; return the manifest."""
    path = Path(path)
    backup_format = current_format()
    if connection.in_atomic_block:
        raise BackupError("a backup cannot be made from inside a transaction")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such folder")
    for target in (path, manifest_path(path)):
        if target.exists() and not overwrite:
            raise BackupError(f"{target} already exists: choose another name, or overwrite it with --force")
    scratch = _scratch_beside(path)
    _private_file(scratch)
    try:
        if backup_format == SQLITE_FORMAT:
            fingerprint, migrations = _sqlite_backup(scratch)
        else:
            fingerprint, migrations = _postgresql_backup(scratch)
        manifest = {
            "evenbetter_backup": MANIFEST_VERSION,
            "format": backup_format,
            "created_at": timezone.now().isoformat(),
            "database": _database_label(),
            "django": django.get_version(),
            "file": path.name,
            "size": scratch.stat().st_size,
            "sha256": _sha256_of(scratch),
            "migrations": migrations,
            "tables": fingerprint,
        }
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
    _write_manifest(manifest_path(path), manifest)
    return manifest


def _write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    scratch = _scratch_beside(target)
    _private_file(scratch)
    try:
        scratch.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


@contextmanager
def _sqlite_read_snapshot() -> Iterator[sqlite3.Connection]:
    """Django's own SQLite connection, held in one read transaction (writers go on, in WAL mode).

    A deferred transaction, not Django's (IMMEDIATE, which would stop every writer while
    the backup runs). It works on the test suite's in-memory database too.
    """
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        yield raw
    finally:
        raw.execute("ROLLBACK")


def _sqlite_backup(target: Path) -> tuple[Fingerprint, dict[str, str]]:
    with _sqlite_read_snapshot() as live:
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)
            # The copy stands alone, in one file: no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        # The manifest describes the same snapshot as the copy.
        return database_fingerprint(), migration_state()


def _postgresql_backup(target: Path) -> tuple[Fingerprint, dict[str, str]]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            # pg_dump reads the snapshot of this transaction, so the manifest counts
            # exactly the rows in the dump while the application goes on writing.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run_pg(
            "pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={target}", *_pg_connection_arguments()]
        )
        return database_fingerprint(), migration_state()


# --- PostgreSQL's tools ---------------------------------------------------------------------


def _version_key(tool_path: str) -> tuple[int, ...]:
    version = Path(tool_path).parent.parent.name  # /usr/lib/postgresql/<version>/bin/<tool>
    return tuple(int(part) for part in re.findall(r"\d+", version))


def find_pg_binary(name: str) -> str:
    """A PostgreSQL client tool: on PATH, or the highest version under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [p for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}") if os.access(p, os.X_OK)]
    if not candidates:
        raise BackupError(f"{name} was not found on PATH or under /usr/lib/postgresql: install the PostgreSQL client")
    return max(candidates, key=_version_key)


def _pg_connection_arguments() -> list[str]:
    settings_dict = connection.settings_dict
    arguments = ["--no-password", f"--dbname={settings_dict['NAME']}"]
    if settings_dict.get("HOST"):
        arguments.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        arguments.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        arguments.append(f"--username={settings_dict['USER']}")
    return arguments


def _pg_environment() -> dict[str, str]:
    # The password goes in the environment, never on the command line (where `ps` shows it).
    environment = dict(os.environ)
    settings_dict = connection.settings_dict
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("passfile", "PGPASSFILE")):
        if options.get(option):
            environment[variable] = str(options[option])
    return environment


def _run_pg(tool: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    command = [find_pg_binary(tool), *arguments]
    # A list of arguments, no shell: the tool found above and options built here.
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return result


# --- restore --------------------------------------------------------------------------------


def read_backup(path: Path) -> dict[str, Any]:
    """Check that ``path`` is a whole backup this database can take; return its manifest.

    Nothing in the database changes here: this is what ``restore`` checks first.
    """
    path = Path(path)
    wanted = current_format()
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    manifest_file = manifest_path(path)
    if not manifest_file.is_file():
        raise BackupError(
            f"{manifest_file}: the manifest of this backup is missing (a backup is the file and its manifest, "
            f"written together by manage.py backup)"
        )
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{manifest_file}: not a backup manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("evenbetter_backup") != MANIFEST_VERSION:
        raise BackupError(f"{manifest_file}: not a manifest written by manage.py backup")
    backup_format = manifest.get("format")
    if backup_format not in FORMAT_NAMES or not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{manifest_file}: not a manifest written by manage.py backup")
    if backup_format != wanted:
        raise BackupError(
            f"{path} is a {FORMAT_NAMES[backup_format]} backup; this installation runs on "
            f"{FORMAT_NAMES[wanted]} and cannot restore it"
        )
    with path.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    magic = SQLITE_MAGIC if backup_format == SQLITE_FORMAT else PG_DUMP_MAGIC
    if not head.startswith(magic):
        raise BackupError(f"{path} is not a {FORMAT_NAMES[backup_format]} backup (its first bytes are wrong)")
    if _sha256_of(path) != manifest.get("sha256"):
        raise BackupError(
            f"{path} does not match its manifest (SHA-256 differs): the file was changed or cut short after the backup"
        )
    if backup_format == SQLITE_FORMAT:
        _check_sqlite_file(path)
    else:
        _run_pg("pg_restore", ["--list", str(path)])
    return manifest


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_sqlite_file(path: Path) -> None:
    try:
        source = _open_read_only(path)
        try:
            (verdict,) = source.execute("PRAGMA quick_check").fetchone()
            has_migrations = source.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()[0]
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")
    if not has_migrations:
        raise BackupError(f"{path} is a SQLite database, but not one of this application")


def restore(path: Path) -> RestoreResult:
    """Replace the whole database with the backup at ``path``, then check it against the manifest.

    Refuses (BackupError, nothing changed) a file that ``read_backup`` does not accept.
    Afterwards ``differences`` lists every table whose rows or checksum differ from the
    manifest: empty when the database is as it was when the backup was made.
    """
    path = Path(path)
    manifest = read_backup(path)
    if connection.in_atomic_block:
        raise BackupError("a restore cannot run inside a transaction")
    # Nothing of this process may hold the old database open mid-transaction.
    connections.close_all()
    if manifest["format"] == SQLITE_FORMAT:
        _sqlite_restore(path)
    else:
        _run_pg(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",  # a restore that fails part-way changes nothing
                *_pg_connection_arguments(),
                str(path),
            ],
        )
    fingerprint = database_fingerprint()
    differences = fingerprint_differences(manifest["tables"], fingerprint)
    restored_migrations = migration_state()
    if restored_migrations != manifest.get("migrations"):
        differences.append("django_migrations: the migrations recorded differ from the manifest's")
    return RestoreResult(manifest, fingerprint, differences, pending_migrations())


def _sqlite_restore(path: Path) -> None:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    source = _open_read_only(path)
    try:
        # The backup API writes every page of the live database (through its WAL, so
        # other connections see the old database or the restored one, never a mixture).
        source.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"restoring {path} into {_database_label()} failed: {error}") from None
    finally:
        source.close()
