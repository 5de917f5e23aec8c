"""A school flags a value of its own as wrong; the system lead resolves it. Both ways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import Dispute, ImportRun, Observation
from evenbetter.ingest.runner import import_file
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

ABSENCE = b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,2000,115850,3.9,8.1\n936,2940,125116,4.4,9.0\n"


@pytest.fixture
def absence(register: ImportRun) -> ImportRun:
    run = import_file(content=ABSENCE, file_name="abs.csv", source_format="dfe_absence", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    return run


def _value(urn: int, code: str = "absence_overall") -> Observation:
    return Observation.objects.get(school__urn=urn, indicator__code=code)


def _raise(client: Client, observation: Observation, reason: str = "Our return says 3.1%", value: str = "3.1"):
    return client.post(reverse("dispute_raise", args=[observation.pk]), {"reason": reason, "suggested_value": value})


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_schools_own_leader_can_flag_its_value(
    persona: str, client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    observation = _value(115850)
    response = _raise(client_for(persona), observation)
    if persona == "school_leader_a":
        assert response.status_code == 302
        assert Dispute.objects.get().observation == observation
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not Dispute.objects.exists()


def test_a_flag_needs_a_reason_and_only_one_open_dispute_per_value(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    client = client_for("school_leader_a")
    observation = _value(115850)
    empty = _raise(client, observation, reason="")
    assert empty.status_code == 200 and b"This field is required" in empty.content
    _raise(client, observation)
    twice = _raise(client, observation, reason="Again")
    assert b"already disputed" in twice.content
    assert Dispute.objects.count() == 1


def test_the_system_lead_corrects_a_value_and_the_school_sees_why(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    _raise(client_for("school_leader_a"), _value(115850))
    dispute = Dispute.objects.get()
    lead = client_for("system_lead")
    response = lead.post(
        reverse("dispute_detail", args=[dispute.pk]),
        {"outcome": "corrected", "corrected_value": "3.1", "note": "Checked against the census return."},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.CORRECTED
    assert dispute.value_before == 3.9
    assert _value(115850).value == 3.1
    page = client_for("school_leader_a").get(reverse("dispute_detail", args=[dispute.pk]))
    assert b"Checked against the census return." in page.content
    assert b"Resolve the dispute" not in page.content


def test_a_corrected_value_survives_reimporting_the_same_source(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    _raise(client_for("school_leader_a"), _value(115850))
    client_for("system_lead").post(
        reverse("dispute_detail", args=[Dispute.objects.get().pk]),
        {"outcome": "corrected", "corrected_value": "3.1", "note": "Corrected."},
    )
    again = import_file(content=ABSENCE, file_name="abs.csv", source_format="dfe_absence", period="2018/19")
    assert again.records_updated == 0
    assert _value(115850).value == 3.1
    revised = import_file(
        content=ABSENCE.replace(b"3.9", b"3.2"),
        file_name="abs-revised.csv",
        source_format="dfe_absence",
        period="2018/19",
    )
    assert revised.records_updated == 1
    assert _value(115850).value == 3.2, "a source that revises its figure wins again"


def test_the_system_lead_upholds_a_value_which_stays_as_it_was(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    _raise(client_for("school_leader_a"), _value(115850))
    dispute = Dispute.objects.get()
    client_for("system_lead").post(
        reverse("dispute_detail", args=[dispute.pk]), {"outcome": "upheld", "note": "The DfE figure stands."}
    )
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.UPHELD
    assert _value(115850).value == 3.9


def test_a_correction_out_of_range_or_without_a_value_is_refused(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    _raise(client_for("school_leader_a"), _value(115850))
    dispute = Dispute.objects.get()
    lead = client_for("system_lead")
    for data, words in [
        ({"outcome": "corrected", "corrected_value": "130", "note": "x"}, b"outside the range"),
        ({"outcome": "corrected", "note": "x"}, b"Give the corrected value"),
    ]:
        response = lead.post(reverse("dispute_detail", args=[dispute.pk]), data)
        assert response.status_code == 200 and words in response.content
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
    assert _value(115850).value == 3.9


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_dispute_and_who_may_resolve_it(
    persona: str, client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    _raise(client_for("school_leader_a"), _value(115850))
    dispute = Dispute.objects.get()
    client = client_for(persona)
    listing = client.get(reverse("dispute_list"))
    detail = client.get(reverse("dispute_detail", args=[dispute.pk]))
    resolve = client.post(reverse("dispute_detail", args=[dispute.pk]), {"outcome": "upheld", "note": "No."})
    dispute.refresh_from_db()
    sees = {"system_lead", "school_leader_a", "partnership_lead", "locality_lead"}  # school A in full
    if persona == "anonymous":
        assert listing.status_code == detail.status_code == resolve.status_code == 302
    elif persona in sees:
        assert listing.status_code == 200 and b"Overall absence" in listing.content
        assert detail.status_code == 200
    elif persona == "school_leader_b":  # a leader of another school: an empty list of its own
        assert listing.status_code == 200 and b"Overall absence" not in listing.content
        assert detail.status_code == 404
    else:
        assert listing.status_code == 403
        assert detail.status_code == 404
    if persona == "system_lead":
        assert dispute.status == Dispute.Status.UPHELD
    else:
        assert dispute.status == Dispute.Status.OPEN
        if persona in sees:
            assert resolve.status_code == 403


def test_the_school_page_offers_flags_to_the_schools_leader_only(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    own = client_for("school_leader_a").get(reverse("school_detail", args=[115850]) + "?sections=all")
    assert reverse("dispute_raise", args=[_value(115850).pk]).encode() in own.content
    for persona, urn in [("school_leader_b", 115850), ("system_lead", 115850), ("governor", 115850)]:
        page = client_for(persona).get(reverse("school_detail", args=[urn]) + "?sections=all")
        assert b"Data: every indicator" in page.content and b"/dispute/" not in page.content
    _raise(client_for("school_leader_a"), _value(115850))
    flagged = client_for("school_leader_a").get(reverse("school_detail", args=[115850]) + "?sections=all")
    assert b"disputed" in flagged.content


def test_a_computed_data_quality_score_cannot_be_disputed(
    client_for: Callable[[str], Client], absence: ImportRun
) -> None:
    from evenbetter.indicators.quality import data_quality_refresh

    data_quality_refresh()
    score = _value(115850, "data_confidence")
    response = _raise(client_for("school_leader_a"), score)
    assert response.status_code == 403
    assert not Dispute.objects.exists()
