"""The repository stands alone: a fresh clone, with nothing beside it, builds the demo's
data from the real files it carries (``data/england/``).

It clones what is *committed* (that is the point: a file left out of git, or a data file
that only exists beside the checkout, fails here) into an empty temporary folder and runs
the clone's own ``manage.py`` with this same Python, its own SQLite database and no
``EVENBETTER_DATA_DIR``.

What it runs there, and why not the whole ``manage.py demo``: the full build takes about
65 seconds on the 2-core machine (migrate 6 s, ``demo --no-backtest`` 59 s), too much for
``make test``. Only two of its steps read files — ``demo_import_register`` and
``demo_import_indicators`` — and those run here, in the clone, exactly as ``manage.py
demo`` runs them (about 15 seconds with the migration); every later step computes on the
database and is proven in-process by ``test_demo_build.py``. The whole build from a clone,
by hand::

    git clone <this checkout> /tmp/empty/evenbetter && cd /tmp/empty/evenbetter
    EVENBETTER_VAR_DIR=/tmp/empty/var python manage.py migrate && python manage.py demo
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.conf import settings

# Same on any database: the clone always runs on a SQLite file of its own.
pytestmark = [pytest.mark.slow, pytest.mark.same_on_any_database]

REGISTER_SCHOOLS = 1096

# The demo's own file-reading steps, then what they left in the clone's database. A
# missing indicator file is skipped by demo_import_indicators, so the runs are counted.
IMPORT_AS_THE_DEMO_DOES = """
import evenbetter
from evenbetter.demo.services import DEMO_INDICATOR_FILES, demo_import_indicators, demo_import_register
from evenbetter.schools.models import School
demo_import_register()
runs = demo_import_indicators()
print("code:", evenbetter.__file__)
print("schools:", School.objects.count())
print("indicator files:", len(runs), "of", len(DEMO_INDICATOR_FILES))
"""


def _checkout() -> Path:
    """The repository this suite runs from, or a skip when git cannot clone it."""
    base_dir = Path(settings.BASE_DIR)
    if shutil.which("git") is None:
        pytest.skip("git is not installed: a fresh clone cannot be made")
    inside = subprocess.run(
        ["git", "-C", str(base_dir), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        env=_without_git_variables(os.environ),
        check=False,
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        pytest.skip(f"{base_dir} is not a git checkout: there is nothing committed to clone")
    return base_dir


def _without_git_variables(environment: Mapping[str, str]) -> dict[str, str]:
    # Inside a git hook GIT_DIR and GIT_INDEX_FILE point at the calling repository.
    return {name: value for name, value in environment.items() if not name.startswith("GIT_")}


def _clone_environment(var_dir: Path) -> dict[str, str]:
    """This process's environment without anything that points outside the clone: no data
    folder, no database server (make test's PostgreSQL run sets DATABASE_URL), no
    PYTHONPATH that could import the checkout's code instead of the clone's."""
    environment = {
        name: value
        for name, value in _without_git_variables(os.environ).items()
        if not name.startswith(("EVENBETTER_", "DATABASE_")) and name != "PYTHONPATH"
    }
    environment["EVENBETTER_VAR_DIR"] = str(var_dir)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return environment


def _run(arguments: list[str], *, cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(arguments, cwd=cwd, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        f"{' '.join(arguments)} exited {result.returncode} in the fresh clone\n{result.stdout}\n{result.stderr}"
    )
    return result


def test_a_fresh_clone_imports_the_real_register_and_indicators_from_its_own_data(tmp_path: Path) -> None:
    checkout = _checkout()
    # Nothing beside the clone: no ../shared/data to fall back on.
    empty = tmp_path / "empty"
    empty.mkdir()
    clone = empty / "evenbetter"
    _run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(checkout), str(clone)],
        cwd=tmp_path,
        environment=_without_git_variables(os.environ),
    )
    assert sorted(path.name for path in empty.iterdir()) == ["evenbetter"]

    environment = _clone_environment(tmp_path / "var")
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=clone, environment=environment)
    result = _run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", IMPORT_AS_THE_DEMO_DOES], cwd=clone, environment=environment
    )

    lines = result.stdout.splitlines()
    assert f"code: {clone / 'evenbetter' / '__init__.py'}" in lines
    assert f"schools: {REGISTER_SCHOOLS}" in lines
    imported, _, listed = next(line for line in lines if line.startswith("indicator files:")).split()[2:]
    assert int(imported) == int(listed) > 0, f"the clone lacks real indicator files: {result.stdout}"
    assert (tmp_path / "var" / "evenbetter.sqlite3").is_file()
