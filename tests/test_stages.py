"""``make test``'s two stages: the modules the PostgreSQL stage takes from the SQLite one are
named by path (tests/conftest.py, RUN_ONCE_IN_THE_POSTGRESQL_STAGE); a module renamed or moved
would quietly run in the SQLite stage again, so each named path must exist."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RUN_ONCE_IN_THE_POSTGRESQL_STAGE

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_the_postgresql_stage_takes_exists() -> None:
    missing = [entry for entry in RUN_ONCE_IN_THE_POSTGRESQL_STAGE if not (ROOT / entry).exists()]
    assert not missing, f"named in RUN_ONCE_IN_THE_POSTGRESQL_STAGE but not in the repository: {missing}"
