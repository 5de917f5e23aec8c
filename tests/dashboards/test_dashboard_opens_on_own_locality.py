"""The outcome dashboard opens on the reader's own locality (as "who is strong at what" does,
from the one selector ``schools.access.own_locality_of``); a reader can still choose every
school they see, and the address names what is shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.access import own_locality_of
from evenbetter.schools.models import Locality, School

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "locality"),
    [
        ("school_leader_a", "East Hampshire"),  # a head of a school in East Hampshire
        ("school_leader_b", "Guildford"),
        ("governor", "East Hampshire"),
        ("staff_member", "East Hampshire"),
        ("locality_lead", "East Hampshire"),  # the locality led
        ("partner_agency", "East Hampshire"),  # the locality worked with
        ("partnership_lead", "East Hampshire"),  # where the Alton cluster's schools are
        ("system_lead", None),
    ],
)
def test_each_readers_own_locality(
    client_for: Callable[[str], Client], request: pytest.FixtureRequest, persona: str, locality: str | None
) -> None:
    client_for(persona)  # the personas' schools and groups exist
    own = own_locality_of(request.getfixturevalue(persona))
    assert (own.name if own else None) == locality


def test_a_head_in_east_hampshire_lands_on_east_hampshire(
    client_for: Callable[[str], Client], east_hampshire: Locality
) -> None:
    page = client_for("school_leader_a").get(reverse("dashboard"))
    assert page.context["filters"]["locality"] == east_hampshire.slug
    assert page.context["scope"] == "East Hampshire"
    assert page.context["board"].schools == east_hampshire.schools.exclude(status="closed").count()
    # The address that names it, for the browser to show and a reader to share.
    assert f'data-address="?locality={east_hampshire.slug}"' in page.content.decode()
    # The links that follow the filters keep the locality.
    assert page.context["query"] == f"locality={east_hampshire.slug}"


def test_a_head_may_still_choose_every_school(client_for: Callable[[str], Client]) -> None:
    page = client_for("school_leader_a").get(reverse("dashboard"), {"locality": ""})
    assert page.context["filters"]["locality"] == ""
    assert page.context["scope"] == "every school you see"
    assert page.context["board"].schools == School.objects.exclude(status=School.Status.CLOSED).count()
    assert b"data-address" not in page.content  # the address already says it


def test_other_filters_alone_still_open_on_the_own_locality(
    client_for: Callable[[str], Client], guildford: Locality
) -> None:
    page = client_for("school_leader_b").get(reverse("dashboard"), {"phase": "Primary"})
    assert page.context["filters"]["locality"] == guildford.slug


def test_a_system_lead_with_no_locality_lands_on_every_school(client_for: Callable[[str], Client]) -> None:
    page = client_for("system_lead").get(reverse("dashboard"))
    assert page.context["filters"]["locality"] == ""
    assert page.context["scope"] == "every school you see"
    assert page.context["board"].schools == School.objects.exclude(status=School.Status.CLOSED).count()
    assert b"data-address" not in page.content


def test_who_is_strong_opens_on_the_same_locality(
    client_for: Callable[[str], Client], east_hampshire: Locality
) -> None:
    # A locality lead leads no school: the page opens on the locality they lead, as the dashboard does.
    for persona in ("locality_lead", "school_leader_a"):
        form = client_for(persona).get(reverse("strengths")).context["form"]
        assert form.initial["locality"] == east_hampshire
    assert client_for("system_lead").get(reverse("strengths")).context["form"].initial["locality"] is None
