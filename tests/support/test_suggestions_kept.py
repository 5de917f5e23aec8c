"""A request's suggestions are kept (``support.services.suggestions_kept``) until what they are
worked out from changes, are the same for everyone who may see them, are never shown to a reader
who may not, and are worked out only where the page shows them or a broker picks from them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.partnerships.models import Agency, AgencyLink
from evenbetter.schools.models import School
from evenbetter.support import services
from evenbetter.support.models import HelpRequest, SupportOffer, SupportReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The requests whose suggestions were worked out rather than read back."""
    calls: list[int] = []
    real = services.suggestions_for

    def counted(request: HelpRequest, *, top: int = 10) -> services.MatchResult:
        calls.append(request.pk)
        return real(request, top=top)

    monkeypatch.setattr(services, "suggestions_for", counted)
    return calls


def _asked(school: School, status: str = HelpRequest.Status.REQUESTED) -> HelpRequest:
    return HelpRequest.objects.create(school=school, area="reading", title="Phonics", description=".", status=status)


def test_kept_until_an_offer_a_review_an_agency_or_the_figures_change(
    school_a: School, school_b: School, worked_out: list[int], django_capture_on_commit_callbacks
) -> None:
    asked = _asked(school_a)
    first = services.suggestions_kept(asked)
    again = services.suggestions_kept(asked)
    assert worked_out == [asked.pk]
    assert again.suggestions.equals(first.suggestions) and again.excluded_count == first.excluded_count
    assert first.excluded_count == len(services.suggestions_for(asked).excluded)
    assert len(first.excluded_first) == min(services.EXCLUDED_SHOWN, first.excluded_count)
    worked_out.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer = SupportOffer.objects.create(school=school_b, area="reading", description="Phonics", days_per_term=3)
    services.suggestions_kept(asked)
    with django_capture_on_commit_callbacks(execute=True):
        done = HelpRequest.objects.create(
            school=school_b, supporter=school_a, area="maths", title="Done", description=".", status="closed"
        )
    services.suggestions_kept(asked)
    with django_capture_on_commit_callbacks(execute=True):
        SupportReview.objects.create(help_request=done, side="requester", benefit=4, objectives_met="yes")
    services.suggestions_kept(asked)
    with django_capture_on_commit_callbacks(execute=True):
        agency = Agency.objects.create(name="Early Help", kind="early_help")
        SupportOffer.objects.create(agency=agency, area="reading", description="Reading", days_per_term=2)
    after_agency = services.suggestions_kept(asked)
    with django_capture_on_commit_callbacks(execute=True):
        AgencyLink.objects.create(agency=agency, school=school_a)
    services.suggestions_kept(asked)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    services.suggestions_kept(asked)
    assert len(worked_out) == 6  # once after each change, never read back stale
    assert offer.pk and any(after_agency.suggestions["agency_id"].notna())


def test_the_same_for_every_reader_who_may_see_them_and_never_shown_to_another(
    client_for: Callable[[str], Client], school_a: School, worked_out: list[int]
) -> None:
    asked = _asked(school_a)
    page = reverse("help_request_detail", args=[asked.pk])
    broker = client_for("system_lead").get(page)
    requester = client_for("school_leader_a").get(page)
    assert worked_out == [asked.pk]  # the second reader read what the first worked out
    assert broker.context["result"] is not None
    assert requester.context["result"].suggestions.equals(broker.context["result"].suggestions)
    # Another school's leader sees the named request, but not who could help it, kept or not.
    other = client_for("school_leader_b").get(page)
    assert other.status_code == 200 and other.context["result"] is None
    assert "Schools and services that could help" not in other.content.decode()


def test_not_worked_out_where_nobody_is_shown_them_or_picks_from_them(
    client_for: Callable[[str], Client], school_a: School, school_b: School, worked_out: list[int]
) -> None:
    under_way = _asked(school_a, status=HelpRequest.Status.IN_PROGRESS)
    HelpRequest.objects.filter(pk=under_way.pk).update(supporter=school_b)
    response = client_for("school_leader_a").get(reverse("help_request_detail", args=[under_way.pk]))
    assert response.status_code == 200 and response.context["result"] is None
    assert worked_out == []
