"""A school's family table is kept per school, the same for every reader who may open the school,
until families and benchmarks are worked out again (the figures' generation): the page then reads
no family row; a reader who may not open the school is refused before anything kept is read."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.benchmarks.models import FamilyMember
from evenbetter.benchmarks.services import RefreshResult, benchmarks_refresh
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

READ = "benchmarks_familymember"


def _family(client: Client, school: School) -> tuple[int, str, bool]:
    """The family page's status, its table (from the first school's row on) and whether it read the family."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("school_family", args=[school.pk]))
    page = response.content.decode()
    table = page[page.index("<p>Schools of the same phase") :] if response.status_code == 200 else ""
    return response.status_code, table, any(READ in query["sql"] for query in queries.captured_queries)


def test_kept_per_school_for_every_reader_until_the_families_are_worked_out_again(
    benchmarked: RefreshResult, client: Client, system_lead: User, school_leader_a: User, school_a: School
) -> None:
    cache.clear()
    client.force_login(system_lead)
    status, table, read = _family(client, school_a)
    member = FamilyMember.objects.filter(school=school_a).select_related("member").order_by("rank").first()
    assert status == 200 and read and member is not None and member.member.name in table
    client.force_login(school_leader_a)
    assert _family(client, school_a) == (200, table, False)  # another reader, the same table, kept

    with TestCase.captureOnCommitCallbacks(execute=True):
        School.objects.filter(pk=member.member_id).update(name="Renamed Primary School")
        benchmarks_refresh()  # renews the figures' generation once it commits
    status, renewed, read = _family(client, school_a)
    assert status == 200 and read and "Renamed Primary School" in renewed


def test_a_reader_who_may_not_open_the_school_is_refused(
    benchmarked: RefreshResult, client: Client, system_lead: User, outsider: User, school_a: School
) -> None:
    client.force_login(system_lead)
    assert _family(client, school_a)[0] == 200  # kept now
    client.force_login(outsider)
    status, table, _ = _family(client, school_a)
    assert status == 403 and table == ""
