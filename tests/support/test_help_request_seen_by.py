"""One redacted view of a help request (``help_request_seen_by``): the page, the export and
the API hide who asked from the same people, and say it in the same words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.api.services import token_create
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import help_request_seen_by

pytestmark = pytest.mark.django_db

HIDDEN = "A primary school (anonymous)"


def _api(user: User) -> APIClient:
    client = APIClient()
    _, raw = token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.parametrize(
    ("persona", "may_know"),
    [("system_lead", True), ("partnership_lead", True), ("school_leader_a", True), ("governor", True),
     ("school_leader_b", False)],
)  # fmt: skip
def test_page_export_and_api_hide_who_asked_from_the_same_people(
    request: pytest.FixtureRequest,
    client_for: Callable[[str], Client],
    school_a: School,
    persona: str,
    may_know: bool,
) -> None:
    assert school_a.phase == "Primary"
    asked = HelpRequest.objects.create(
        school=school_a, area="reading", title="Quiet phonics help", description=".",
        visibility=HelpRequest.Visibility.ANONYMOUS,
    )  # fmt: skip
    user: User = request.getfixturevalue(persona)
    seen = help_request_seen_by(user, asked)
    assert (seen.school == school_a, seen.named) == (may_know, may_know)
    assert seen.school_label == (school_a.name if may_know else HIDDEN)

    web = client_for(persona)
    page = web.get(reverse("help_request_detail", args=[asked.pk])).content.decode()
    listing = web.get(reverse("help_list")).content.decode()
    export = web.get(reverse("help_list"), {"format": "csv"}).content.decode("utf-8-sig")
    api = _api(user).get(f"/api/v1/help-requests/{asked.pk}/").json()
    for shown in (page, listing, export):
        assert (school_a.name in shown) is may_know
        assert (HIDDEN in shown) is not may_know
    assert (api["school"] is not None) is may_know
    if may_know:
        assert api["school"]["urn"] == school_a.urn


def test_the_school_helping_is_shown_only_to_those_who_follow_the_support(
    school_a: School, school_c: School, school_leader_b: User, system_lead: User
) -> None:
    asked = HelpRequest.objects.create(
        school=school_a, area="reading", title="Named", description=".", supporter=school_c
    )
    assert help_request_seen_by(system_lead, asked).supporter == school_c
    assert help_request_seen_by(system_lead, asked).involved
    # School B sees the named request, not who is helping.
    seen_by_b = help_request_seen_by(school_leader_b, asked)
    assert (seen_by_b.school, seen_by_b.supporter, seen_by_b.involved) == (school_a, None, False)
