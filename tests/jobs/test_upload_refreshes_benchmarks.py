"""A system lead uploads a file on the web; the refresh queued by the import runs in a worker;
the school page then shows benchmarks of the new indicator, without anyone typing a command."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.benchmarks.models import Benchmark
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.worker import jobs_run_pending
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked
from tests.web.policy import ABSENCE

pytestmark = pytest.mark.django_db(transaction=True)

CHART = 'data-chart="bench-absence_overall"'


def test_an_upload_confirmed_on_the_web_refreshes_the_benchmarks(
    client: Client, system_lead: User, school_a: School
) -> None:
    build_benchmarked(shifts={2018: 0})
    jobs_run_pending()  # the register's own refresh, out of the way
    client.force_login(system_lead)
    upload = client.post(
        reverse("import_upload"),
        {"source_format": "dfe_absence", "period": "2018/19", "data_file": SimpleUploadedFile("abs.csv", ABSENCE)},
    )
    preview = ImportRun.objects.get(dry_run=True)
    assert upload.url == reverse("import_run", args=[preview.pk])
    client.post(reverse("import_confirm", args=[preview.pk]))
    assert ImportRun.objects.filter(file_name="abs.csv", dry_run=False, status="succeeded").exists()

    school_page = reverse("school_detail", args=[school_a.urn]) + "?sections=all"
    refresh = Job.objects.get(kind="refresh", status=Job.Status.QUEUED)
    assert refresh.reason == "import of abs.csv (dfe_absence)"
    assert CHART not in client.get(school_page).content.decode()  # stale until the worker runs

    jobs_run_pending()
    refresh.refresh_from_db()
    assert (refresh.status, refresh.attempts) == (Job.Status.SUCCEEDED, 1)
    assert Benchmark.objects.filter(school=school_a, indicator__code="absence_overall", period="2018/19").exists()
    assert CHART in client.get(school_page).content.decode()
