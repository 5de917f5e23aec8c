"""The watch list narrowed to a band, a locality or a partnership: only among the schools the
lead may see, a value not offered reported and left out, the filters written in the audit line
and carried into the export."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import AuditEvent
from evenbetter.earlywarning.models import RiskRun
from evenbetter.schools.models import Locality, School

pytestmark = pytest.mark.django_db


def _urns(client: Client, **filters: str) -> list[int]:
    response = client.get(reverse("watch_list"), filters)
    assert response.status_code == 200
    return [score.school.urn for score in response.context["scores"]]


def test_each_filter_narrows_the_list_and_keeps_the_rank_in_the_whole_run(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School, school_b: School, school_c: School,
    east_hampshire: Locality,
) -> None:  # fmt: skip
    lead = client_for("system_lead")
    # The run (riskiest first): B high, A raised, C usual; A and C are the Alton cluster, in East Hampshire.
    assert _urns(lead) == [school_b.urn, school_a.urn, school_c.urn]
    assert _urns(lead, band="raised") == [school_a.urn]
    assert _urns(lead, partnership="alton-cluster") == [school_a.urn, school_c.urn]
    assert set(_urns(lead, locality=east_hampshire.slug)) == {school_a.urn, school_c.urn}
    assert _urns(lead, partnership="alton-cluster", band="usual") == [school_c.urn]
    ranks = [s.rank for s in lead.get(reverse("watch_list"), {"band": "usual"}).context["scores"]]
    assert ranks == [3]  # its place in the whole run, not in the narrowed list


def test_a_filter_not_offered_is_reported_and_left_out(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School, school_c: School
) -> None:
    # Partnerships and localities offered are the ones the reader sees (schools.access); the
    # scores stay the ones they may see whatever is chosen.
    filters = {"partnership": "atlantis", "band": "worst"}
    response = client_for("partnership_lead").get(reverse("watch_list"), filters)
    text = response.content.decode()
    assert "Some filters were not applied" in text
    assert "Partnership: Select a valid choice" in text and "Band: Select a valid choice" in text
    assert [s.school.urn for s in response.context["scores"]] == [school_a.urn, school_c.urn]


def test_the_audit_line_names_the_filters_and_the_export_follows_them(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School
) -> None:
    lead = client_for("system_lead")
    lead.get(reverse("watch_list"), {"band": "raised", "locality": ""})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.WATCH_LIST_VIEW).latest("pk")
    assert event.detail["band"] == "raised" and event.detail["schools"] == 1 and "locality" not in event.detail
    csv = lead.get(reverse("watch_list"), {"band": "raised", "format": "csv"}).content.decode()
    assert str(school_a.urn) in csv and len(csv.strip().splitlines()) == 2  # the header and school A
    page = lead.get(reverse("watch_list"), {"band": "raised"}).content.decode()
    assert "?band=raised&amp;format=csv" in page
