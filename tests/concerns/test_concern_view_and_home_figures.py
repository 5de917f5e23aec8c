"""A concern as each reader sees it (``ConcernView``: who raised it, the steps they may take),
and the home panel's figures from one selector, worked out once per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.concerns.models import Concern
from evenbetter.concerns.panels import HomeConcerns
from evenbetter.concerns.selectors import concern_seen_by, home_concern_figures
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _concern(school: School, by: User, *, shown: bool = False, status: str = Concern.Status.OPEN) -> Concern:
    concern = Concern.objects.create(
        school=school, area="governance", text="The board has not met.", raised_by=by, name_shown_to_school=shown,
        status=status,
    )  # fmt: skip
    if status == Concern.Status.ANSWERED:
        concern.answer, concern.answered_at = "It met on 3 October.", timezone.now()
        concern.save()
    return concern


def test_each_reader_sees_the_raiser_and_the_steps_the_rules_give(
    school_a: School, school_leader_a: User, partner_agency: User, system_lead: User, governor: User,
    partnership_lead: User,
) -> None:  # fmt: skip
    concern = _concern(school_a, partner_agency)

    def seen(user: User) -> tuple[bool, bool, bool, bool]:
        view = concern_seen_by(user, concern)
        assert view.concern is concern
        return view.raiser_shown, view.may_answer, view.may_withdraw, view.may_close

    #                                raiser shown, answer, withdraw, close
    assert seen(partner_agency) == (True, False, True, False)  # the raiser
    assert seen(school_leader_a) == (False, True, False, False)  # the school: not named, answers
    assert seen(governor) == (False, False, False, False)  # reads only
    assert seen(partnership_lead) == (False, False, False, True)  # holds the watch list: closes
    assert seen(system_lead) == (True, False, False, True)
    concern.name_shown_to_school = True
    assert seen(school_leader_a)[0] is True
    concern.status = Concern.Status.CLOSED
    assert seen(school_leader_a)[1:] == (False, False, False) and seen(partner_agency)[1:] == (False, False, False)


def test_the_pages_show_the_steps_of_the_view(
    client_for, school_a: School, partner_agency: User, school_leader_a: User
) -> None:
    concern = _concern(school_a, partner_agency)
    school_page = client_for("school_leader_a").get(reverse("school_concerns", args=[school_a.pk])).content.decode()
    assert reverse("concern_action", args=[concern.pk, "answer"]) in school_page
    assert reverse("concern_action", args=[concern.pk, "withdraw"]) not in school_page
    assert "not named to you" in school_page
    mine = client_for("partner_agency").get(reverse("concern_list")).content.decode()
    assert reverse("concern_action", args=[concern.pk, "withdraw"]) in mine
    assert reverse("concern_action", args=[concern.pk, "answer"]) not in mine


def test_the_home_figures_count_what_each_reader_is_waiting_for(
    school_a: School, school_b: School, school_leader_a: User, partner_agency: User, system_lead: User,
    partnership_lead: User, governor: User,
) -> None:  # fmt: skip
    open_a = _concern(school_a, partner_agency)
    _concern(school_a, partner_agency, status=Concern.Status.ANSWERED)
    _concern(school_b, system_lead)
    leader = home_concern_figures(school_leader_a)
    assert (leader.waiting, leader.answered_mine, leader.open_mine, leader.open_in_scope) == ([open_a], [], 0, None)
    agency = home_concern_figures(partner_agency)
    assert (len(agency.answered_mine), agency.open_mine, agency.open_in_scope) == (1, 1, None)
    lead = home_concern_figures(partnership_lead)  # the Alton cluster: school A, not B
    assert (lead.open_in_scope, lead.waiting) == (1, [])
    system = home_concern_figures(system_lead)
    assert (system.open_mine, system.open_in_scope) == (1, 2)
    assert not home_concern_figures(governor).anything


def test_the_home_panel_asks_once_for_its_figures(
    school_a: School, school_leader_a: User, partner_agency: User
) -> None:
    _concern(school_a, partner_agency)
    request = RequestFactory().get("/")
    request.user = school_leader_a
    panel = HomeConcerns()
    assert panel.is_shown(request, None)
    with CaptureQueriesContext(connection) as asked:
        context = panel.context(request, None)
    assert len(asked) == 0  # the figures is_shown worked out
    assert [c.school for c in context["waiting"]] == [school_a]
    request_of_another = RequestFactory().get("/")
    request_of_another.user = school_leader_a
    with CaptureQueriesContext(connection) as asked:
        HomeConcerns().is_shown(request_of_another, None)
    assert len(asked) <= 4  # the scope (cached on the user), the two lists and the counts
