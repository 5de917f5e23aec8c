"""A database of its own for a test whose processes cannot use pytest-django's (that one lives
inside the test's transaction, which no other process sees): a copy of a database migrated
once for the whole test session, instead of a ``manage.py migrate`` per test (6–8 CPU seconds
each on SQLite, more on PostgreSQL, where it also cost the server's own).

The database migrated once (the *template*) is made by ``manage.py migrate`` in a process of
its own, exactly as a new installation's is; each test gets a copy, never the template: on
SQLite the file copied, on PostgreSQL ``CREATE DATABASE … TEMPLATE``, which copies it inside
the server. Under pytest-xdist the workers share one template (a file lock in the session's
own temporary folder decides who makes it); on PostgreSQL the worker that ends its session
drops it (one still working makes it again if it needs it). docs/benchmarks.md, make test,
session 10. Each worker's own test database (pytest-django's) starts as a copy of it too
(tests/conftest.py, ``django_db_modify_db_settings``; session 12).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]

# What a process of the site must not inherit from the test process: it is a server (or
# `manage.py`) of its own, not a pytest-xdist worker, and never runs in production mode.
NOT_INHERITED = frozenset({"DEBUG", "EVENBETTER_PRODUCTION", "PYTEST_XDIST_WORKER"})


def server_url() -> str | None:
    """The PostgreSQL server's URL the tests run against (``scripts/with-postgres.sh``), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    """The same server's URL, for the database ``name``."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def admin_connection(url: str) -> psycopg.Connection[tuple[object, ...]]:
    server = dj_database_url.parse(url)
    return psycopg.connect(
        dbname=server["NAME"],
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        autocommit=True,
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(database_url: str, folder: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env |= {
        "DATABASE_URL": database_url,
        "EVENBETTER_VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"manage.py migrate failed:\n{done.stderr[-3000:]}"


class MigratedTemplate:
    """The session's migrated database, made on first use; ``copy`` gives a test its own."""

    def __init__(self, session_folder: Path) -> None:
        self.folder = session_folder
        self.lock = session_folder / "migrated-template.lock"
        # One name for every worker of the session (they share its folder), none for another session.
        self.name = "evenbetter_migrated_" + hashlib.sha256(str(session_folder).encode()).hexdigest()[:12]
        self.made_here = False

    def copy(self, folder: Path) -> tuple[str, str | None]:
        """A new database, migrated: (its DATABASE_URL, its name on the PostgreSQL server or None)."""
        url = server_url()
        with _locked(self.lock):
            self._ready(url)
            if url is None:
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / "scratch.sqlite3"
                shutil.copyfile(self.sqlite_file, target)
                return f"sqlite:///{target}", None
            name = f"evenbetter_scratch_{uuid.uuid4().hex[:10]}"
            with admin_connection(url) as admin:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(self.name))
                )
            return with_database(url, name), name

    def ready(self) -> None:
        """The template made, if it is not yet: then ``sqlite_file`` (SQLite) or the database
        ``name`` (PostgreSQL) is a migrated database to copy."""
        with _locked(self.lock):
            self._ready(server_url())

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "migrated.sqlite3"

    def _ready(self, url: str | None) -> None:
        if url is None:
            if not self.sqlite_file.exists():
                self._make_sqlite(self.sqlite_file)
            return
        with admin_connection(url) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone() is None:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
                _migrate(with_database(url, self.name), self.folder / "migrate-var")
                self.made_here = True

    def _make_sqlite(self, template: Path) -> None:
        building = template.with_suffix(".building")
        building.unlink(missing_ok=True)
        _migrate(f"sqlite:///{building}", self.folder / "migrate-var")
        # The write-ahead log folded into the file, so that the file alone is the database.
        with contextlib.closing(sqlite3.connect(building)) as database:
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.rename(template)

    def drop(self) -> None:
        """The PostgreSQL template, at the end of the session of the worker that made it."""
        url = server_url()
        if url is None or not self.made_here:
            return
        with _locked(self.lock), admin_connection(url) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


def drop_copy(name: str | None) -> None:
    url = server_url()
    if url is None or name is None:
        return
    with admin_connection(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
