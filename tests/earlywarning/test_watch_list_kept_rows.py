"""The watch list's rows kept (``earlywarning.views._rows_kept``): drawn once for every reader who
may see the same schools' risk, with the same filters and page, until what they show is written.
Two leads who see different schools each see their own, whoever came first; what is kept is what
was worked out, drawn without reading the scores again, and the view is audited every time; each
write a row shows (a school's response, a lead's decision, help asked, a concern raised, a school
renamed, a new run) shows on the next view."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.concerns.models import Concern
from evenbetter.earlywarning.models import RiskRun
from evenbetter.earlywarning.services import risk_response_create, watch_decision_create
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def _rows(client: Client, **filters: str) -> str:
    page = client.get(reverse("watch_list"), filters).content.decode()
    start = page.index("</form>", page.index('aria-label="Filter the watch list"'))
    return page[start : page.index("</div>", page.index("data-filter-summary", start))]


@pytest.mark.parametrize("first", ["system_lead", "partnership_lead"])
def test_each_lead_sees_their_own_rows_whoever_came_first(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_b: School, first: str
) -> None:
    readers = ["system_lead", "partnership_lead"] if first == "system_lead" else ["partnership_lead", "system_lead"]
    seen = {reader: _rows(client_for(reader)) for reader in readers}
    # The Alton cluster is A and C; B (the riskiest) is outside it. Each reason names its school.
    assert f"({school_b.name})" in seen["system_lead"]
    assert "<strong>3</strong> schools on the list" in seen["system_lead"]
    assert f"({school_b.name})" not in seen["partnership_lead"]
    assert "<strong>2</strong> schools on the list" in seen["partnership_lead"]


def test_what_is_kept_is_what_was_worked_out_and_every_view_is_audited(
    client_for: Callable[[str], Client], risk_run: RiskRun
) -> None:
    lead = client_for("system_lead")
    worked_out = _rows(lead, band="raised")
    with CaptureQueriesContext(connection) as queries:
        kept = _rows(lead, band="raised")
    assert kept == worked_out
    assert not [q["sql"] for q in queries if "earlywarning_riskscore" in q["sql"]]
    views = AuditEvent.objects.filter(action=AuditEvent.Action.WATCH_LIST_VIEW).order_by("pk")
    assert [(event.detail["schools"], event.detail["band"]) for event in views] == [(1, "raised"), (1, "raised")]


def test_a_page_past_the_end_is_the_last_page_kept_once(client_for: Callable[[str], Client], risk_run: RiskRun) -> None:
    lead = client_for("system_lead")
    assert _rows(lead, page="7") == _rows(lead) == _rows(lead, page="one")


def test_a_write_shows_on_the_next_view(
    client_for: Callable[[str], Client],
    risk_run: RiskRun,
    school_a: School,
    school_b: School,
    system_lead: User,
    school_leader_a: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    lead = client_for("system_lead")
    before = _rows(lead)
    writes = {
        "We have a new head of maths": lambda: risk_response_create(
            school=school_a, author=school_leader_a, text="We have a new head of maths since September."
        ),
        "Offer support": lambda: watch_decision_create(
            school=school_b, decided_by=system_lead, kind="offer_support", note=""
        ),
        "Attendance: requested": lambda: HelpRequest.objects.create(
            school=school_a, area="attendance", title="Absence", description=".", status="requested"
        ),
        "1 concern": lambda: Concern.objects.create(school=school_b, area="reading", text="Slipping.", raised_by=system_lead),
        # As the register's import renames a school: every writer of the register sets updated_at.
        "Renamed Academy": lambda: School.objects.filter(pk=school_a.pk).update(
            name="Renamed Academy", updated_at=timezone.now()
        ),
    }  # fmt: skip
    for shown, write in writes.items():
        assert shown not in before
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            write()
        assert shown in _rows(lead), shown
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        make_risk_run([(school_a, 0.9, 0.31, "high")])  # made directly: the run saved renews the generation
    assert "<strong>1</strong> school on the list" in _rows(lead)
