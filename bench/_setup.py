"""Shared set-up for benchmarks: a fresh database of their own, migrated, before Django starts."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_fresh_database(label: str) -> Path:
    """Point Django at a new SQLite file (or DATABASE_URL if set) and migrate it."""
    workdir = Path(tempfile.mkdtemp(prefix=f"evenbetter-bench-{label}-"))
    # Generated files and databases can be gigabytes: gone when the benchmark ends.
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ.setdefault("EVENBETTER_VAR_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir


def django_on_sqlite(database: Path) -> None:
    """Point Django at this SQLite file as it is (no migration: a kept national copy) and set it up."""
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
