"""Inline steps under htmx: answer a risk, agree a support, mark an action done. htmx gets the
updated part back with the step's message inside it; a wrong form comes back as its part with
the message in place (422) and writes nothing; whoever may not take the step is refused as
before; without JavaScript each still posts and is redirected (their own tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent
from evenbetter.earlywarning.models import RiskResponse
from evenbetter.partnerships.models import Action
from evenbetter.schools.models import Partnership, School
from evenbetter.support.models import HelpRequest, SupportEvent
from tests.earlywarning.conftest import make_risk_run

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_a_school_answers_its_risk_in_place(client_for: Callable[[str], Client], school_a: School) -> None:
    make_risk_run([(school_a, 0.41, 0.2, "raised")])
    url = reverse("risk_response", args=[school_a.pk])
    for persona in ("governor", "partnership_lead", "school_leader_b", "partner_agency"):
        assert client_for(persona).post(url, {"text": "We disagree with this."}, headers=HTMX).status_code == 403
    leader = client_for("school_leader_a")

    too_short = leader.post(url, {"text": "no"}, headers=HTMX)
    assert too_short.status_code == 422
    text = too_short.content.decode()
    assert text.lstrip().startswith('<section class="card" aria-labelledby="responses-heading" id="school-response"')
    assert "at least ten characters" in text and 'aria-invalid="true"' in text  # the message beside its field
    assert "no</textarea>" in text  # what was typed is kept
    assert not RiskResponse.objects.exists()

    saved = leader.post(url, {"text": "Our new head started in April; the vacancy is filled."}, headers=HTMX)
    assert saved.status_code == 200
    text = saved.content.decode()
    assert "Your response is saved" in text and "Our new head started in April" in text
    assert "<html" not in text and 'name="csrfmiddlewaretoken"' in text  # the next answer can be posted too
    assert RiskResponse.objects.get().school == school_a
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RISK_RESPONSE, school=school_a).count() == 1
    # The message was shown in the part: it is not kept for the next page as well.
    assert "Your response is saved" not in leader.get(reverse("school_risk", args=[school_a.pk])).content.decode()


def _suggested(school_a: School, school_b: School) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school_a, supporter=school_b, status=HelpRequest.Status.SUGGESTED, area="reading",
        title="Phonics in Year 1", description="Our phonics screening check fell two years running.",
    )  # fmt: skip


def test_both_schools_agree_a_support_in_place(
    client_for: Callable[[str], Client], school_a: School, school_b: School
) -> None:
    help_request = _suggested(school_a, school_b)
    agree = reverse("help_request_step", args=[help_request.pk, "agree"])
    assert client_for("outsider").post(agree, {"agree-objectives": "x"}, headers=HTMX).status_code == 404

    # Refused by the workflow (the first to agree writes the objectives): said in place, the form kept.
    refused = client_for("school_leader_b").post(agree, {"agree-objectives": "  "}, headers=HTMX)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert 'id="brokerage"' in text and "Nothing was changed: Write the objectives" in text
    assert 'action="' + agree + '"' in text
    help_request.refresh_from_db()
    assert help_request.supporter_agreed_at is None and not SupportEvent.objects.exists()

    first = client_for("school_leader_b").post(agree, {"agree-objectives": "Observe phonics"}, headers=HTMX)
    assert first.status_code == 200
    text = first.content.decode()
    assert "Agree the support: done." in text and "Observe phonics" in text
    assert 'id="help-status"' in text and 'hx-swap-oob="true"' in text and ">Supporter suggested</span>" in text
    second = client_for("school_leader_a").post(agree, {}, headers=HTMX)
    assert second.status_code == 200 and ">Agreed</span>" in second.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.AGREED

    # A wrong form: its field's message in place, and nothing written.
    log = reverse("help_request_step", args=[help_request.pk, "log"])
    wrong = client_for("school_leader_b").post(log, {"log-on": "not a date", "log-kind": "visit"}, headers=HTMX)
    assert wrong.status_code == 422
    assert "Nothing was saved" in wrong.content.decode() and "Enter a valid date" in wrong.content.decode()
    assert not help_request.engagements.exists()


@pytest.fixture
def action_due(alton_cluster: Partnership, school_a: School) -> Action:
    today = timezone.localdate()
    return Action.objects.create(
        title="Audit attendance", partnership=alton_cluster, owner_school=school_a,
        agreed_on=today - dt.timedelta(days=40), due_on=today + dt.timedelta(days=3),
    )  # fmt: skip


def test_an_action_due_is_marked_done_from_the_home_page_in_place(
    client_for: Callable[[str], Client], action_due: Action
) -> None:
    leader = client_for("school_leader_a")
    home = leader.get(reverse("home")).content.decode()
    assert f'id="action-due-{action_due.pk}"' in home and "Mark it done" in home
    assert "web/interactions.js" in home  # the home page loads htmx because this panel has a form
    url = reverse("action_update", args=[action_due.pk])
    today = timezone.localdate().isoformat()
    assert client_for("school_leader_b").post(url, {"status": "done", "evidence": "x"}, headers=HTMX).status_code == 403

    refused = leader.post(url, {"status": "done", "done_on": today, "evidence": " "}, headers=HTMX)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert f'<li id="action-due-{action_due.pk}"' in text and "needs its evidence" in text
    assert '<details class="inline-step" open>' in text  # the form stays open at its message
    action_due.refresh_from_db()
    assert action_due.status == Action.Status.AGREED

    done = leader.post(url, {"status": "done", "done_on": today, "evidence": "Audit sent to the heads"}, headers=HTMX)
    assert done.status_code == 200
    assert "&quot;Audit attendance&quot; is now done." in done.content.decode() and "<form" not in done.content.decode()
    action_due.refresh_from_db()
    assert (action_due.status, action_due.evidence) == (Action.Status.DONE, "Audit sent to the heads")


def test_without_javascript_marking_done_comes_back_home_and_never_to_another_site(
    client_for: Callable[[str], Client], action_due: Action, alton_cluster: Partnership
) -> None:
    url = reverse("action_update", args=[action_due.pk])
    leader = client_for("school_leader_a")
    wrong = leader.post(url, {"status": "done", "evidence": "", "next": "/"})
    assert wrong.status_code == 200 and 'name="next" value="/"' in wrong.content.decode()  # kept for the retry
    home = leader.post(url, {"status": "done", "evidence": "Audit sent", "next": "/"})
    assert home.status_code == 302 and home["Location"] == "/"
    elsewhere = leader.post(url, {"status": "done", "evidence": "Audit sent", "next": "https://example.com/"})
    assert elsewhere["Location"] == alton_cluster.get_absolute_url()
