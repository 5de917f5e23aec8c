"""The school page's glance drawn ahead for system leads (``ops.drawn_ahead``): what a first
view would keep, kept before anyone asks, by the refresh's last step and each night; served to
every system lead and to nobody else; nothing audited, nothing written but the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.jobs.models import Job
from evenbetter.jobs.registry import refresh_steps
from evenbetter.jobs.services import job_execute, job_request
from evenbetter.ops.drawn_ahead import glances_drawn_ahead
from evenbetter.schools.models import School
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

GLANCE_START, GLANCE_END = 'id="at-a-glance"', 'class="school-sections"'
# Read by the glance's data card when it is drawn (``indicators.panels.GlanceData``), and by nothing
# else on the page: a view that does not read it was served the kept glance.
DRAWN = "indicators_schooldataglance"


def _page(client: Client, school: School) -> tuple[str, str]:
    """The school page's glance and Pupils card (the regions kept together) and the SQL it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    glance = page[page.index(GLANCE_START) : page.index(GLANCE_END)]
    pupils = page[page.index('aria-labelledby="pupils-heading"') : page.index('aria-labelledby="place-heading"')]
    return glance + pupils, " ".join(query["sql"] for query in queries.captured_queries)


def test_a_glance_drawn_ahead_is_what_a_first_view_draws_and_keeps(
    client: Client, system_lead: User, school_a: School
) -> None:
    client.force_login(system_lead)
    cache.clear()
    first_view, read = _page(client, school_a)
    assert DRAWN in read  # drawn by the view itself
    assert glances_drawn_ahead() == School.objects.count() - 1  # every school but the one just viewed

    cache.clear()
    assert glances_drawn_ahead() == School.objects.count()
    served, read = _page(client, school_a)
    assert DRAWN not in read  # the kept glance, drawn ahead
    assert served == first_view
    assert glances_drawn_ahead() == 0  # kept already: nothing drawn twice


def test_drawing_ahead_writes_nothing_but_the_cache_and_audits_nothing(system_lead: User, school_a: School) -> None:
    cache.clear()
    audited = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert glances_drawn_ahead() > 0
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes and all("evenbetter_cache" in sql for sql in writes), writes
    assert AuditEvent.objects.count() == audited


def test_another_system_lead_is_served_it_and_nobody_else(
    client: Client, system_lead: User, school_leader_a: User, partnership_lead: User, school_a: School
) -> None:
    another = make_user("another-system-lead", "system_lead")
    cache.clear()
    glances_drawn_ahead()
    client.force_login(another)
    assert DRAWN not in _page(client, school_a)[1]
    for reader in (school_leader_a, partnership_lead):  # a shape of their own: drawn at their first view
        client.force_login(reader)
        assert DRAWN in _page(client, school_a)[1]


def test_without_a_system_lead_nothing_is_drawn(register: object) -> None:
    cache.clear()
    assert glances_drawn_ahead() == 0
    inactive = make_user("gone-system-lead", "system_lead")
    inactive.is_active = False
    inactive.save()
    assert glances_drawn_ahead() == 0


def test_no_more_than_half_the_cache_open_schools_first(
    system_lead: User, register: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = School.objects.filter(status=School.Status.CLOSED).count()
    opened = School.objects.exclude(status=School.Status.CLOSED).count()
    assert closed and opened > 2  # the register's sample holds both
    monkeypatch.setattr(caches["default"], "_max_entries", 2 * (opened - 1))
    done: list[tuple[int, int]] = []
    cache.clear()
    assert glances_drawn_ahead(progress=lambda *step: done.append(step)) == opened - 1
    assert done[-1] == (opened - 1, opened - 1)
    client = Client()
    client.force_login(system_lead)
    last_open = School.objects.exclude(status=School.Status.CLOSED).order_by("-pk").first()
    first_closed = School.objects.filter(status=School.Status.CLOSED).order_by("pk").first()
    assert last_open is not None and first_closed is not None
    assert DRAWN in _page(client, last_open)[1] and DRAWN in _page(client, first_closed)[1]  # beyond the limit


@pytest.mark.django_db(transaction=True)  # each step commits, as in a worker: the generations renewed between
def test_the_refresh_draws_them_last_and_the_night_asks_for_them(
    client: Client, system_lead: User, school_a: School
) -> None:
    assert refresh_steps()[-1].code == "school_pages"
    cache.clear()
    refresh = job_request("refresh", reason="a test")
    assert job_execute(refresh.pk) == Job.Status.SUCCEEDED
    client.force_login(system_lead)
    glance, read = _page(client, school_a)
    assert DRAWN not in read
    assert "Figures as at" in glance  # how fresh: drawn on the view, after the refresh's end

    nightly = job_request("contact_summaries", reason="nightly")
    assert job_execute(nightly.pk) == Job.Status.SUCCEEDED
    asked = Job.objects.get(kind="school_pages", status=Job.Status.QUEUED)
    cache.clear()  # as at a new day: every glance kept yesterday names yesterday
    assert job_execute(asked.pk) == Job.Status.SUCCEEDED
    assert glances_drawn_ahead() == 0  # every school's, drawn by the job
    assert DRAWN not in _page(client, school_a)[1]
