"""Who sees a school's risk, both ways, and that every view of it is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import AuditEvent
from evenbetter.earlywarning.models import RiskResponse, RiskRun, WatchDecision
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def test_the_watch_list_shows_each_lead_only_the_schools_they_may_see(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School, school_b: School, school_c: School
) -> None:
    everything = client_for("system_lead").get(reverse("watch_list"))
    assert [s.school for s in everything.context["scores"]] == [school_b, school_a, school_c]
    mine = client_for("partnership_lead").get(reverse("watch_list"))
    assert [s.school for s in mine.context["scores"]] == [school_a, school_c]  # the Alton cluster only
    assert school_b.name.encode() not in mine.content
    for persona in ("school_leader_a", "school_leader_b", "governor", "partner_agency", "outsider"):
        assert client_for(persona).get(reverse("watch_list")).status_code == 403, persona


def test_a_school_sees_its_own_score_and_reasons_and_never_anothers(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School, school_b: School
) -> None:
    own = client_for("school_leader_a").get(reverse("school_risk", args=[school_a.pk]))
    assert own.status_code == 200
    assert own.context["score"].risk == 0.31
    assert b"Little contact with other schools" in own.content
    assert client_for("school_leader_a").get(reverse("school_risk", args=[school_b.pk])).status_code == 403


def test_the_profile_shows_the_score_to_who_may_see_it_and_to_no_one_else(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_b: School
) -> None:
    # The profile is open to anyone who may read the school's public data, and has a risk
    # section: the one page where the same URL must show the score to some and not others.
    url = reverse("school_profile", args=[school_b.pk])
    reason = f"Little contact with other schools ({school_b.name})".encode()
    for persona in ("system_lead", "school_leader_b"):
        page = client_for(persona).get(url)
        assert page.status_code == 200, persona
        assert b"Risk score 62%" in page.content and reason in page.content, persona
    for persona in ("school_leader_a", "partnership_lead"):
        page = client_for(persona).get(url)
        assert page.status_code == 200, persona
        assert b"Risk score" not in page.content and b"62%" not in page.content, persona
        assert reason not in page.content, persona


def test_every_view_of_risk_is_audited(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School, governor: object
) -> None:
    client_for("governor").get(reverse("school_risk", args=[school_a.pk]))
    client_for("system_lead").get(reverse("watch_list"))
    # Signing in and making the personas' memberships are audited too; here only views of risk count.
    risk_views = AuditEvent.objects.filter(action__in=[AuditEvent.Action.RISK_VIEW, AuditEvent.Action.WATCH_LIST_VIEW])
    events = list(risk_views.order_by("at", "pk").values_list("user__username", "action", "school_id"))
    assert events == [
        ("governor", AuditEvent.Action.RISK_VIEW, school_a.pk),
        ("system_lead", AuditEvent.Action.WATCH_LIST_VIEW, None),
    ]
    # A refused view is not a view.
    client_for("school_leader_b").get(reverse("school_risk", args=[school_a.pk]))
    assert risk_views.count() == 2


def test_the_school_answers_and_the_watch_list_shows_its_answer(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School
) -> None:
    url = reverse("risk_response", args=[school_a.pk])
    for persona in ("governor", "partnership_lead", "school_leader_b", "partner_agency"):
        assert client_for(persona).post(url, {"text": "We disagree with this."}).status_code == 403, persona
    too_short = client_for("school_leader_a").post(url, {"text": "no"}, follow=True)
    assert b"at least ten characters" in too_short.content and not RiskResponse.objects.exists()
    client_for("school_leader_a").post(url, {"text": "Our new head started in April; the vacancy is filled."})
    assert RiskResponse.objects.get().score.school == school_a
    watch = client_for("partnership_lead").get(reverse("watch_list"))
    assert b"Our new head started in April" in watch.content


def test_leads_record_decisions_and_the_school_sees_them(
    client_for: Callable[[str], Client], risk_run: RiskRun, school_a: School
) -> None:
    url = reverse("watch_decision", args=[school_a.pk])
    for persona in ("school_leader_a", "governor", "school_leader_b", "partner_agency"):
        assert client_for(persona).post(url, {"kind": "offer_support"}).status_code == 403, persona
    bad = client_for("partnership_lead").post(url, {"kind": "shout"}, follow=True)
    assert b"choose one of the decisions" in bad.content and not WatchDecision.objects.exists()
    client_for("partnership_lead").post(url, {"kind": "offer_support", "note": "Maths lead to visit"})
    assert WatchDecision.objects.get().kind == "offer_support"
    own = client_for("school_leader_a").get(reverse("school_risk", args=[school_a.pk]))
    assert b"Maths lead to visit" in own.content
