"""The newest risk run and which schools answered their scores are kept beside the generations
(``figures_cache.kept_beside``): a school page drawn again reads neither the runs' table nor,
for a school that never answered, the responses' table, and a new run, a run deleted or a
school's answer shows on the next view. The read of the score itself stays audited on every
view (by design)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.earlywarning.models import RiskRun
from evenbetter.earlywarning.services import risk_response_create
from evenbetter.schools.models import School
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db


def _tables_read(client: Client, school: School) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(school.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def test_a_page_drawn_again_reads_no_run_and_no_responses_of_a_school_that_gave_none(
    client_for: Callable[[str], Client], school_a: School, risk_run: RiskRun
) -> None:
    lead = client_for("system_lead")
    _tables_read(lead, school_a)
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a).count()
    page, reads = _tables_read(lead, school_a)
    assert "risk score 31%" in page and "The school has not answered yet." in page
    assert not [sql for sql in reads if 'FROM "earlywarning_riskrun"' in sql]
    assert not [sql for sql in reads if 'FROM "earlywarning_riskresponse"' in sql]
    # The score is still read, and the read audited, on every view.
    assert [sql for sql in reads if 'FROM "earlywarning_riskscore"' in sql]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, school=school_a).count() == audited + 1


def test_a_new_run_and_a_run_deleted_show_on_the_next_view(
    client_for: Callable[[str], Client], school_a: School, risk_run: RiskRun, django_capture_on_commit_callbacks
) -> None:
    lead = client_for("system_lead")
    assert "risk score 31%" in _tables_read(lead, school_a)[0]
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_risk_run([(school_a, 0.77, 0.31, "high")], as_of="2019/20")
    assert "risk score 77%, as at 2019/20" in _tables_read(lead, school_a)[0]
    with django_capture_on_commit_callbacks(execute=True):
        newer.delete()
    page = _tables_read(lead, school_a)[0]
    assert "risk score 31%, as at 2018/19" in page and "77%" not in page


def test_a_schools_answer_shows_on_the_next_view_to_everyone_who_may_see_its_risk(
    client_for: Callable[[str], Client],
    school_a: School,
    school_leader_a: User,
    risk_run: RiskRun,
    django_capture_on_commit_callbacks,
) -> None:
    lead, own, governor, other = (
        client_for(persona) for persona in ("system_lead", "school_leader_a", "governor", "school_leader_b")
    )
    for reader in (lead, own, governor):
        assert "The school has not answered yet." in _tables_read(reader, school_a)[0]
    with django_capture_on_commit_callbacks(execute=True):
        risk_response_create(school=school_a, author=school_leader_a, text="A new head of maths since September.")
    for reader in (lead, own, governor):
        page, reads = _tables_read(reader, school_a)
        assert "A new head of maths since September." in page
        assert [sql for sql in reads if 'FROM "earlywarning_riskresponse"' in sql]
    # Another school's leader sees neither its risk nor its answer.
    page = _tables_read(other, school_a)[0]
    assert "Trouble ahead" not in page and "head of maths" not in page
