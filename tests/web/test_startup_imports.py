"""A process that serves pages does not load the model's libraries until it fits or tests one.

scikit-learn and SciPy take over a second of CPU to import, paid by every web server, jobs
worker, `manage.py` command and test process at its start. The pages only word what a run
kept; the libraries are loaded by the code that fits a model, searches for similar schools
or works out an interval (`analytics.risk.model`, `analytics.families`, `analytics.impact`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Same on any database: what a fresh process imports does not depend on the database.
pytestmark = pytest.mark.same_on_any_database

LOAD_THE_SITE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views, forms, selectors and panels
heavy = sorted(name for name in ("sklearn", "scipy") if name in sys.modules)
print("loaded:", ",".join(heavy) or "none")
import evenbetter.analytics.risk as risk
risk.RiskModel  # asked for: loaded then
print("after asking:", "sklearn" in sys.modules)
"""


def test_serving_pages_does_not_load_scikit_learn_or_scipy(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EVENBETTER_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_THE_SITE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: none" in done.stdout, done.stdout
    assert "after asking: True" in done.stdout, done.stdout
