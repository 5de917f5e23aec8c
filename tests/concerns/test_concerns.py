"""Collective concerns: raised by those who work with a school, seen and answered by the school,
counted by the trigger, and never seen by another school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, Role, User
from evenbetter.analytics.triggers.evaluation import evaluate_triggers
from evenbetter.concerns.models import Concern
from evenbetter.earlywarning.frames import load_data
from evenbetter.indicators.computed import computed_refresh
from evenbetter.indicators.models import Observation
from evenbetter.partnerships.models import Contact
from evenbetter.schools.models import School
from evenbetter.vocabulary.periods import academic_year_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_c(school_c: School) -> User:
    """Leads Anstey Junior, school A's neighbour in the Alton cluster and East Hampshire."""
    return make_user("leader_c", Role.SCHOOL_LEADER, school=school_c)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _raise(client: Client, school: School, area: str = "governance", **extra: object):
    data = {"area": area, "text": "The governing board has not met since the summer.", **extra}
    return client.post(reverse("concern_raise", args=[school.pk]), data)


def test_a_peer_raises_a_concern_the_school_answers_and_the_raiser_reads_the_answer(
    school_leader_a: User, leader_c: User, school_c: School
) -> None:
    raiser, school = _client(school_leader_a), _client(leader_c)
    assert _raise(raiser, school_c).status_code == 302
    concern = Concern.objects.get()
    assert (concern.school, concern.raised_by, concern.status) == (school_c, school_leader_a, Concern.Status.OPEN)
    assert "School leader of Alton Infant School" in concern.raised_as

    # The neighbour's leader is told on the home page and reads it, without the raiser's name.
    home = school.get(reverse("home")).content.decode()
    assert "Waiting for your answer" in home and school_c.name in home
    page = school.get(reverse("school_concerns", args=[school_c.pk])).content.decode()
    assert "has not met since the summer" in page
    assert str(school_leader_a) not in page and "not named to you" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONCERNS_VIEW, school=school_c).exists()

    response = school.post(
        reverse("concern_action", args=[concern.pk, "answer"]), {"answer": "It met on 3 October; minutes to follow."}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ANSWERED and concern.answered_by == leader_c
    assert "minutes to follow" in raiser.get(reverse("home")).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONCERN_ANSWERED, user=leader_c).exists()


def test_the_school_sees_who_raised_it_only_when_the_raiser_agreed(
    school_leader_a: User, leader_c: User, school_c: School, system_lead: User, locality_lead: User
) -> None:
    _raise(_client(school_leader_a), school_c, name_shown_to_school="on")
    _raise(_client(school_leader_a), school_c, area="staffing")
    named, unnamed = Concern.objects.get(area="governance"), Concern.objects.get(area="staffing")
    school_page = _client(leader_c).get(reverse("school_concerns", args=[school_c.pk])).content.decode()
    assert school_page.count(str(school_leader_a)) == 1  # the one it agreed to, not the other
    assert named.name_shown_to_school and not unnamed.name_shown_to_school
    for lead in (system_lead, locality_lead):  # the system and locality leads see both
        page = _client(lead).get(reverse("school_concerns", args=[school_c.pk])).content.decode()
        assert page.count(str(school_leader_a)) == 2


def test_another_school_never_sees_a_concern_in_any_list_page_or_step(
    school_leader_a: User, school_leader_b: User, leader_c: User, school_c: School
) -> None:
    _raise(_client(school_leader_a), school_c)
    concern = Concern.objects.get()
    other = _client(school_leader_b)
    assert "has not met since the summer" not in other.get(reverse("concern_list")).content.decode()
    assert "has not met" not in other.get(reverse("home")).content.decode()
    assert "has not met" not in other.get(reverse("school_detail", args=[school_c.urn])).content.decode()
    assert other.get(reverse("school_concerns", args=[school_c.pk])).status_code == 403
    assert other.post(reverse("concern_action", args=[concern.pk, "answer"]), {"answer": "x" * 20}).status_code == 404
    # ... and the other way round: the school that raised it reads its own concern, but not
    # another's concern about the same school.
    _raise(_client(leader_c), school_c, area="staffing")  # the school itself may raise about itself
    mine = _client(school_leader_a).get(reverse("concern_list")).content.decode()
    assert "has not met" in mine and mine.count('class="card concern"') == 1


def test_who_may_raise_works_with_the_school(
    school_leader_b: User, school_a: School, staff_member: User, partner_agency: User, outsider: User
) -> None:
    # Guildford's leader shares no partnership or locality with Alton Infant: refused ...
    assert _raise(_client(school_leader_b), school_a).status_code == 403
    assert not Concern.objects.exists()
    # ... until the two schools have been in touch.
    Contact.objects.create(
        school=school_leader_b.memberships.get().school, other_school=school_a, kind="visit",
        happened_on=timezone.localdate() - dt.timedelta(days=30),
    )  # fmt: skip
    fresh = User.objects.get(pk=school_leader_b.pk)
    assert _raise(_client(fresh), school_a).status_code == 302
    assert _raise(_client(staff_member), school_a).status_code == 302
    assert _raise(_client(partner_agency), school_a).status_code == 302
    assert _raise(_client(outsider), school_a).status_code == 403
    assert Concern.objects.count() == 3
    # A staff member raises about their school but does not read the concerns about it.
    assert _client(staff_member).get(reverse("school_concerns", args=[school_a.pk])).status_code == 403


def test_a_flood_is_refused_saying_why_and_writes_nothing(school_leader_a: User, school_c: School, settings) -> None:
    settings.EVENBETTER_CONCERNS_PER_DAY = 2
    client = _client(school_leader_a)
    assert _raise(client, school_c, area="governance").status_code == 302
    assert _raise(client, school_c, area="staffing").status_code == 302
    refused = _raise(client, school_c, area="trust")
    assert refused.status_code == 400
    assert (
        "Nothing was changed" in refused.content.decode()
        and "2 concerns in the last 24 hours" in refused.content.decode()
    )
    assert Concern.objects.count() == 2
    # The same person, school and area twice while live: refused too.
    settings.EVENBETTER_CONCERNS_PER_DAY = 10
    again = _raise(client, school_c, area="governance")
    assert again.status_code == 400 and "already have a concern" in again.content.decode()
    assert Concern.objects.count() == 2


def test_withdraw_and_close_stop_a_concern_counting_and_are_audited(
    school_leader_a: User, system_lead: User, leader_c: User, school_c: School
) -> None:
    raiser = _client(school_leader_a)
    _raise(raiser, school_c)
    _raise(raiser, school_c, area="staffing")
    first, second = Concern.objects.order_by("pk")
    # Only a lead closes, only with a note.
    assert (
        _client(leader_c).post(reverse("concern_action", args=[first.pk, "close"]), {"note": "no"}).status_code == 403
    )
    empty = _client(system_lead).post(reverse("concern_action", args=[first.pk, "close"]), {"note": " "})
    assert empty.status_code == 302
    first.refresh_from_db()
    assert first.status == Concern.Status.OPEN
    _client(system_lead).post(reverse("concern_action", args=[first.pk, "close"]), {"note": "Talked with the chair."})
    raiser.post(reverse("concern_action", args=[second.pk, "withdraw"]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Concern.Status.CLOSED, Concern.Status.WITHDRAWN)
    assert first.closed_note == "Talked with the chair."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditEvent.Action.CONCERN_RAISED,
        AuditEvent.Action.CONCERN_CLOSED,
        AuditEvent.Action.CONCERN_WITHDRAWN,
    } <= actions
    computed_refresh("concerns")
    period = academic_year_of(timezone.localdate())
    value = Observation.objects.get(school=school_c, indicator__code="concerns_term", period=period).value
    assert value == 0  # neither counts any more


def test_concerns_from_several_people_fire_the_leading_trigger(
    school_leader_a: User, partner_agency: User, governor: User, school_a: School, school_c: School
) -> None:
    _raise(_client(partner_agency), school_a)
    computed_refresh("concerns")
    period = academic_year_of(timezone.localdate())
    data = load_data()
    results = evaluate_triggers(data.triggers, period, only=["collective_concerns"])
    fired = results.set_index("school_id")["fired"]
    assert not fired.get(school_a.pk)  # one concern is a conversation, not yet a pattern
    _raise(_client(governor), school_a, area="staffing")
    computed_refresh("concerns")
    results = evaluate_triggers(load_data().triggers, period, only=["collective_concerns"])
    row = results.set_index("school_id").loc[school_a.pk]
    assert row["fired"] and "raised 2 concerns in the last term" in row["explanation"]
    assert not results.set_index("school_id").loc[school_c.pk]["fired"]  # measured 0 for its neighbour


def test_the_watch_list_shows_the_concerns_and_whether_the_school_answered(
    partner_agency: User, system_lead: User, school_a: School, school_b: School
) -> None:
    from tests.earlywarning.conftest import make_risk_run

    make_risk_run([(school_a, 0.5, 0.2, "raised"), (school_b, 0.3, 0.2, "typical")])
    _raise(_client(partner_agency), school_a)
    page = _client(system_lead).get(reverse("watch_list")).content.decode()
    assert "1 concern</a>" in page and "Governance: not answered yet" in page
    export = _client(system_lead).get(reverse("watch_list") + "?format=csv").content.decode()
    assert "concerns raised" in export and "has not met since the summer" in export
