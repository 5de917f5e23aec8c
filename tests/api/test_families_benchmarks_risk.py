"""A school's family (with why), its benchmarks, and its risk, with the audit of every view of risk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from evenbetter.accounts.models import AuditEvent, User
from evenbetter.benchmarks.models import FamilyMember
from tests.api.conftest import LOCAL, World

pytestmark = pytest.mark.django_db


def test_a_family_says_why_each_school_is_in_it(api_for: Callable[[str], APIClient], world: World) -> None:
    body = api_for("school_leader_b").get(f"/api/v1/schools/{world.school_a.pk}/family/").json()
    stored = list(
        FamilyMember.objects.filter(school=world.school_a).order_by("rank").values_list("member__urn", "rank")
    )
    assert stored, "the fixture gives school A a family"
    assert [(m["school"]["urn"], m["rank"]) for m in body["members"]] == stored
    assert body["school"] == world.school_a.pk and body["computed_at"] and body["no_family_reason"] == ""
    why = body["members"][0]["why"]
    assert {w["variable"] for w in why} >= {"pupils_on_roll", "percent_fsm"}
    assert all(set(w) == {"variable", "label", "school_value", "member_value", "share"} for w in why)


@pytest.mark.parametrize(
    ("persona", "sees_local"),
    [
        ("system_lead", True),
        ("partnership_lead", True),
        ("school_leader_a", True),
        ("governor", True),
        ("school_leader_b", False),
        ("partner_agency", False),
    ],
)
def test_benchmarks_of_local_records_only_for_the_schools_own_people(
    api_for: Callable[[str], APIClient], world: World, persona: str, sees_local: bool
) -> None:
    body = api_for(persona).get(f"/api/v1/schools/{world.school_a.pk}/benchmarks/").json()
    codes = {entry["indicator"] for entry in body["indicators"]}
    assert "reading" in codes
    assert (LOCAL in codes) is sees_local


def test_benchmarks_filter_by_indicator(api_for: Callable[[str], APIClient], world: World) -> None:
    body = api_for("governor").get(f"/api/v1/schools/{world.school_a.pk}/benchmarks/?indicator=reading").json()
    [reading] = body["indicators"]
    assert [p["period"] for p in reading["points"]] == ["2017/18", "2018/19"]
    latest = reading["points"][-1]
    assert latest["value"] == 50.0 and latest["family_count"] > 0 and latest["family_median"] is not None
    assert reading["compared_with"].endswith("similar schools")


def test_the_risk_of_a_school_names_its_reasons_and_is_audited(
    api_for: Callable[[str], APIClient], world: World, governor: User
) -> None:
    response = api_for("governor").get(f"/api/v1/schools/{world.school_a.pk}/risk/")
    body = response.json()
    assert (body["score"]["risk"], body["score"]["band"], body["score"]["rank"]) == (0.31, "raised", 2)
    assert body["score"]["change"] == pytest.approx(0.1)
    assert body["score"]["reasons"] == [
        {
            "feature": "trigger_isolation",
            "contribution": 0.8,
            "words": "Little contact with other schools (Alton Infant School)",
        }
    ]
    assert body["score"]["triggers"][0]["code"] == "isolation" and body["score"]["triggers"][0]["fired"] is True
    assert body["run"]["id"] == world.risk_run.pk and body["run"]["as_of"] == "2018/19"
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW)
    assert (event.user, event.school, event.detail["via"]) == (governor, world.school_a, "api")
    assert event.path == f"/api/v1/schools/{world.school_a.pk}/risk/"


def test_a_refused_view_of_risk_shows_and_records_nothing(api_for: Callable[[str], APIClient], world: World) -> None:
    for persona in ("school_leader_b", "partner_agency", "outsider"):
        response = api_for(persona).get(f"/api/v1/schools/{world.school_a.pk}/risk/")
        assert response.status_code == 403 and b"0.31" not in response.content
    for persona in ("partner_agency", "outsider"):
        assert api_for(persona).get("/api/v1/risk-scores/").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW).exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("system_lead", [125116, 115850, 115851]),  # riskiest first
        ("partnership_lead", [115850, 115851]),
        ("school_leader_a", [115850]),
        ("governor", [115850]),
        ("school_leader_b", [125116]),
    ],
)
def test_risk_scores_are_each_personas_own_and_each_school_seen_is_audited(
    api_for: Callable[[str], APIClient], world: World, persona: str, expected: list[int], request: pytest.FixtureRequest
) -> None:
    body = api_for(persona).get("/api/v1/risk-scores/").json()
    assert [s["school"]["urn"] for s in body["results"]] == expected
    # Each reason names its own school: nobody is shown another school's.
    assert all(s["school"]["name"] in s["reasons"][0]["words"] for s in body["results"])
    user: User = request.getfixturevalue(persona)
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW, user=user)
    assert sorted(audited.values_list("school__urn", flat=True)) == sorted(expected)
    assert all(event.at is not None and event.detail["via"] == "api" for event in audited)


def test_risk_scores_filter_and_audit_only_the_page_answered(
    api_for: Callable[[str], APIClient], world: World, system_lead: User
) -> None:
    lead = api_for("system_lead")
    assert [s["school"]["urn"] for s in lead.get("/api/v1/risk-scores/?band=high").json()["results"]] == [125116]
    assert [
        s["school"]["urn"] for s in lead.get(f"/api/v1/risk-scores/?school={world.school_c.pk}").json()["results"]
    ] == [115851]
    assert lead.get("/api/v1/risk-scores/?band=awful").status_code == 400
    assert sorted(AuditEvent.objects.filter(user=system_lead).values_list("school__urn", flat=True)) == [115851, 125116]


def test_before_any_run_a_school_has_no_score_and_the_view_is_still_audited(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    world.risk_run.delete()
    body = api_for("school_leader_a").get(f"/api/v1/schools/{world.school_a.pk}/risk/").json()
    assert (body["run"], body["score"]) == (None, None)
    assert api_for("system_lead").get("/api/v1/risk-scores/").json()["results"] == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RISK_VIEW).count() == 1
