"""Jobs run by the real queue (django-tasks-db) in the test's process, through the package's worker.

The tests of the queue are transactional (``django_db(transaction=True)``): what an import
commits is seen by the worker, and ``transaction.on_commit`` runs as in production.
"""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def retry_at_once():
    # A retry is queued to run at once (production waits EVENBETTER_JOB_RETRY_SECONDS).
    with override_settings(EVENBETTER_JOB_RETRY_SECONDS=0, EVENBETTER_JOB_ATTEMPTS=3):
        yield
