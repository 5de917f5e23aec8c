"""The school page's inspections and its links to the schools it was and became (its Pupils
card) are kept with the glance (``pages.registry.KEPT_WITH``): read and written in the glance's
one entry of the cache, per school and reader's access, until an import is recorded (the
imports' generation). A page drawn again reads neither table; a reader who may open the old
school sees a link and one who may not sees its name, whoever came first; an inspection or a
link written shows on the next view."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenbetter.indicators.models import Inspection
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import School, SchoolLink

pytestmark = pytest.mark.django_db

TABLES = ("indicators_inspection", "schools_schoollink")


def _pupils(client: Client, school: School) -> tuple[str, str]:
    """The Pupils card as drawn, and the SQL the whole page asked."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(school.get_absolute_url()).content.decode()
    start = page.index('id="pupils-heading"')
    return page[start : page.index("</section>", start)], " ".join(q["sql"] for q in queries.captured_queries)


@pytest.fixture
def predecessor(school_a: School) -> School:
    old = School.objects.create(urn=100128, name="Old Alton Infants", status=School.Status.CLOSED)
    SchoolLink.objects.create(predecessor=old, successor=school_a, linked_on=dt.date(2017, 11, 1), source="spine")
    return old


def test_a_page_drawn_again_reads_neither_table_and_draws_the_same(
    predecessor: School, school_a: School, client_for: Callable[[str], Client]
) -> None:
    lead = client_for("system_lead")
    cache.clear()
    worked_out, first = _pupils(lead, school_a)
    assert "Old Alton Infants" in worked_out and "<h3>Inspections</h3>" in worked_out
    assert all(f'"{table}"' in first for table in TABLES)
    kept, again = _pupils(lead, school_a)
    assert kept == worked_out
    assert not [table for table in TABLES if f'"{table}"' in again]


def test_the_card_is_kept_in_the_glances_one_entry(
    predecessor: School, school_a: School, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = client_for("system_lead")
    cache.clear()
    panels_written: list[str] = []
    real_set = cache.set

    def counted_set(key: str, *args: object, **kwargs: object) -> object:
        if key.startswith("evenbetter:panels:"):
            panels_written.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", counted_set)
    _pupils(lead, school_a)
    assert len(panels_written) == 1  # the glance and the card: one write on a first view
    _pupils(lead, school_a)
    assert len(panels_written) == 1  # nothing written when all is kept


@pytest.mark.parametrize("first", ["school_leader_b", "governor"])
def test_the_old_school_is_a_link_only_for_who_may_open_it_whoever_came_first(
    predecessor: School, school_a: School, client_for: Callable[[str], Client], first: str
) -> None:
    readers = ["school_leader_b", "governor"] if first == "school_leader_b" else ["governor", "school_leader_b"]
    seen = {reader: _pupils(client_for(reader), school_a)[0] for reader in readers}
    link = f'href="{predecessor.get_absolute_url()}"'
    assert link in seen["school_leader_b"]
    assert link not in seen["governor"] and "Old Alton Infants" in seen["governor"]


def test_a_link_and_an_inspection_written_show_on_the_next_view(
    school_a: School, school_b: School, client_for: Callable[[str], Client], django_capture_on_commit_callbacks
) -> None:
    lead = client_for("system_lead")
    before, _ = _pupils(lead, school_a)
    assert "Before and after" not in before and "Requires improvement" not in before
    with django_capture_on_commit_callbacks(execute=True):
        SchoolLink.objects.create(predecessor=school_b, successor=school_a, linked_on=dt.date(2017, 11, 1))
    assert school_b.name in _pupils(lead, school_a)[0]
    with django_capture_on_commit_callbacks(execute=True):
        run = import_file(
            content=f"URN,Inspection date,Overall effectiveness\n{school_a.urn},12/03/2024,3\n".encode(),
            file_name="inspections.csv",
            source_format="inspections",
        )
    assert run.records_created == 1, run.problems
    assert Inspection.objects.filter(school=school_a, grade=3).exists()
    shown = re.sub(r"\s+", " ", _pupils(lead, school_a)[0])
    assert "12 March 2024" in shown
