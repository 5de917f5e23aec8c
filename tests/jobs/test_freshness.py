"""How fresh the derived figures are: "as at" the newest refresh, and "being updated" when data
arrived since or a refresh is under way; one snippet says so on every page of derived figures
(the explorer, the family page, the benchmark panel, the watch list, the dashboards and the map),
and the profile says it too, on the page and in its PDF, in the same words. Kept until a job or
an import run is written: each write shows on the next view."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evenbetter.accounts.models import User
from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.figures_cache import freshness_scope
from evenbetter.indicators.models import ImportRun
from evenbetter.jobs.models import Job
from evenbetter.jobs.selectors import freshness
from evenbetter.jobs.services import job_execute, job_request
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 5, 14, 2, tzinfo=dt.UTC)


# What freshness says is kept until a job or an import run is written (their generations,
# renewed once the write commits): each write here commits, as the code's own do.
def _import_finished(at: dt.datetime, **fields: object) -> ImportRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ImportRun.objects.create(
            source_format=fields.pop("source_format", "dfe_absence"), status="succeeded", finished_at=at, **fields
        )


def _refresh(started: dt.datetime, finished: dt.datetime | None, status: str = Job.Status.SUCCEEDED) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Job.objects.create(kind="refresh", status=status, started_at=started, finished_at=finished)


def _imports_finished_at(at: dt.datetime) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        ImportRun.objects.all().update(finished_at=at)
        import_records_changed()  # an update sends no post_save


def test_never_refreshed_and_no_data_is_neither_dated_nor_stale(db: None) -> None:
    assert freshness() == freshness().__class__(as_at=None, new_data_at=None, updating=False)
    assert not freshness().is_stale


def test_figures_are_as_at_the_newest_refresh_and_stale_when_data_arrived_after_it_started(db: None) -> None:
    _import_finished(T0 - dt.timedelta(hours=2))
    _refresh(T0 - dt.timedelta(hours=1), T0)
    _import_finished(T0 - dt.timedelta(minutes=30), source_format="data_quality")  # the refresh's own output
    _import_finished(T0 + dt.timedelta(hours=1), dry_run=True)  # a preview changes nothing
    assert freshness() == freshness().__class__(as_at=T0, new_data_at=None, updating=False)

    # An import that finished while the refresh ran may not be in it.
    arrived = T0 - dt.timedelta(minutes=10)
    _import_finished(arrived)
    assert freshness().new_data_at == arrived and freshness().is_stale


def test_a_refresh_under_way_is_being_updated(db: None) -> None:
    _refresh(T0 - dt.timedelta(hours=1), T0)
    _refresh(T0 + dt.timedelta(minutes=1), None, status=Job.Status.RUNNING)
    assert freshness().updating and freshness().is_stale and freshness().as_at == T0


def test_every_page_of_derived_figures_says_how_fresh_they_are(
    client: Client, system_lead: User, school_a: School
) -> None:
    client.force_login(system_lead)
    pages = [
        reverse("explorer"),
        reverse("school_family", args=[school_a.pk]),
        school_a.get_absolute_url(),
        reverse("dashboard"),
        reverse("dashboard_map"),
        reverse("school_profile", args=[school_a.pk]),
    ]
    refresh = _refresh(T0 - dt.timedelta(hours=1), T0)
    _imports_finished_at(T0 - dt.timedelta(hours=2))
    for url in pages:
        page = client.get(url).content.decode()
        assert "Figures as at " in page and 'data-freshness="fresh"' in page, url
        assert "Being updated" not in page, url
    arrived = timezone.localtime(T0 + dt.timedelta(minutes=5))
    _import_finished(arrived)
    for url in pages:
        page = client.get(url).content.decode()
        assert f"Being updated:</strong> new data arrived at {arrived:%-d %b %Y %H:%M}." in page, url
    assert refresh.pk


def test_the_watch_list_says_how_fresh_it_is(client: Client, system_lead: User, register: ImportRun) -> None:
    client.force_login(system_lead)
    page = client.get(reverse("watch_list")).content.decode()
    assert "not yet been worked out by a refresh" in page
    assert "Being updated" in page  # the register arrived and no refresh has run


def _pdf_text(client: Client, school: School) -> str:
    response = client.get(reverse("school_profile_pdf", args=[school.pk]))
    assert response.status_code == 200
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_profiles_pdf_says_as_at_and_being_updated(client: Client, school_leader_a: User, school_a: School) -> None:
    client.force_login(school_leader_a)
    assert "These figures have not yet been worked out by a refresh. Being updated: new data arrived at" in (
        _pdf_text(client, school_a)
    )  # the register arrived; no refresh has run
    _refresh(T0 - dt.timedelta(hours=1), T0)
    _imports_finished_at(T0 - dt.timedelta(hours=2))
    text = _pdf_text(client, school_a)
    as_at = f"Figures as at {timezone.localtime(T0):%-d %b %Y %H:%M}."
    assert f"Against similar schools {as_at}" in text and "Being updated" not in text
    _refresh(T0 + dt.timedelta(minutes=1), None, status=Job.Status.RUNNING)
    assert f"{as_at} Being updated: a refresh is under way." in _pdf_text(client, school_a)


def test_what_is_kept_is_what_is_worked_out_and_reads_no_jobs_or_imports(db: None) -> None:
    _import_finished(T0 - dt.timedelta(hours=2))
    _refresh(T0 - dt.timedelta(hours=1), T0)
    worked_out = freshness()
    with CaptureQueriesContext(connection) as queries:
        kept = freshness()
    assert kept == worked_out == freshness().__class__(as_at=T0, new_data_at=None, updating=False)
    assert not [q["sql"] for q in queries if "jobs_job" in q["sql"] or "indicators_importrun" in q["sql"]]


def _glance(client: Client, school: School) -> tuple[str, str, str]:
    """The school page's line of how fresh the figures are (above the glance's cards), its card of
    the data, and the SQL of the view."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(school.get_absolute_url()).content.decode()
    as_at = page[page.index('id="glance-heading"') : page.index('class="glance-grid"')]
    start = page.index('id="glance-data-heading"')
    return as_at, page[start : page.index("</div>", start)], " ".join(q["sql"] for q in queries)


def test_the_school_pages_glance_says_how_fresh_on_every_view_and_keeps_its_cards_through_refreshes(
    client: Client, system_lead: User, school_a: School
) -> None:
    """How fresh the figures are is drawn on every view of the school page (kept beside the
    generations: no read of the jobs or the imports of its own); the glance's cards are kept
    until their own data changes, not drawn again each time a refresh is queued, claimed or
    finished (a refresh that changes the figures renews their generation itself)."""
    _imports_finished_at(T0 - dt.timedelta(hours=2))  # the register's import, before the refreshes
    client.force_login(system_lead)
    as_at, card, _ = _glance(client, school_a)
    assert "not yet been worked out by a refresh" in as_at and "No indicator held yet" in card
    again = _glance(client, school_a)
    assert again[:2] == (as_at, card)
    assert "indicators_schooldataglance" not in again[2] and "jobs_job" not in again[2]
    _refresh(T0 - dt.timedelta(hours=1), T0)
    as_at, kept, read = _glance(client, school_a)
    assert f"Figures as at {timezone.localtime(T0):%-d %b %Y %H:%M}." in as_at
    assert kept == card and "indicators_schooldataglance" not in read
    _refresh(T0 + dt.timedelta(minutes=1), None, status=Job.Status.RUNNING)
    as_at, kept, read = _glance(client, school_a)
    assert "a refresh is under way" in as_at and kept == card and "indicators_schooldataglance" not in read


def test_a_job_of_another_kind_or_a_file_only_checked_renews_nothing_kept(db: None) -> None:
    """Only a refresh and an import are shown by anything kept (how fresh the figures are): a
    staleness check, a backup or the digest, queued and run, or an upload's preview, leave every
    school page's kept glance as it was; a refresh and an import each renew theirs."""
    _import_finished(T0 - dt.timedelta(hours=2))
    _refresh(T0 - dt.timedelta(hours=1), T0)
    kept = freshness_scope()
    with TestCase.captureOnCommitCallbacks(execute=True):
        check = job_request("staleness_check", reason="nightly")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert job_execute(check.pk) == Job.Status.SUCCEEDED  # nothing stale: no refresh queued
    with TestCase.captureOnCommitCallbacks(execute=True):
        ImportRun.objects.create(source_format="dfe_absence", status=ImportRun.Status.DRY_RUN, dry_run=True)
    assert Job.objects.get(pk=check.pk).status == Job.Status.SUCCEEDED
    assert freshness_scope() == kept
    with TestCase.captureOnCommitCallbacks(execute=True):
        job_request("refresh", reason="new data")
    assert freshness_scope()[0] != kept[0] and freshness_scope()[1] == kept[1]
    _import_finished(T0 + dt.timedelta(minutes=1))
    assert freshness_scope()[1] != kept[1]
