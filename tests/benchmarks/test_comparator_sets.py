"""Comparator sets a school builds itself: who may make, see and remove them, and bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.benchmarks.models import ComparatorSet
from evenbetter.benchmarks.services import RefreshResult
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

OTHERS = [115865, 115869, 115900, 116275]  # open primaries of the sample


def _make(client: Client, school: School, **data: object) -> object:
    return client.post(reverse("comparator_set_create", args=[school.pk]), data)


def test_a_school_leader_makes_a_set_by_hand_and_sees_its_benchmarks(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School
) -> None:
    client = client_for("school_leader_a")
    response = _make(client, school_a, name="Our partners", kind="by_hand", urns=", ".join(map(str, OTHERS)))
    comparator = ComparatorSet.objects.get(school=school_a)
    assert response.status_code == 302
    assert set(comparator.members.values_list("urn", flat=True)) == set(OTHERS)
    page = client.get(f"{school_a.get_absolute_url()}?sections=all&compare={comparator.pk}")
    assert page.status_code == 200
    (reading,) = [b for b in page.context["benchmark_charts"] + [(b, "", {}) for b in page.context["benchmark_others"]]
                  if b[0].indicator.code == "reading"]  # fmt: skip
    latest = reading[0].latest
    values = {115865: 60.0, 115869: 65.0, 115900: 70.0, 116275: 75.0}  # reading_values() for these URNs
    assert latest.family_count == 4
    assert latest.family_median == pytest.approx(sorted(values.values())[1] + 2.5)  # 67.5
    assert "Our partners" in reading[0].comparison_label


def test_who_may_see_a_set_and_who_may_not(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School, school_leader_a
) -> None:
    comparator = ComparatorSet.objects.create(school=school_a, name="Ours", kind="by_hand", created_by=school_leader_a)
    comparator.members.set(School.objects.filter(urn__in=OTHERS))
    # Where the comparison form sends its choice: Even better's own page.
    url = f"{reverse('school_section', args=[school_a.pk, 'even-better'])}?compare={comparator.pk}"
    for persona in ("school_leader_a", "governor", "partnership_lead", "system_lead"):
        assert client_for(persona).get(url).status_code == 200, persona
    # Another school's leader and a partner agency may open the school's page, but not its own set.
    for persona in ("school_leader_b", "partner_agency"):
        assert client_for(persona).get(url).status_code == 404, persona
        assert client_for(persona).get(school_a.get_absolute_url()).status_code == 200


def test_only_those_who_see_the_school_in_full_may_remove_a_set(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School, school_leader_a
) -> None:
    comparator = ComparatorSet.objects.create(school=school_a, name="Ours", kind="by_hand", created_by=school_leader_a)
    url = reverse("comparator_set_delete", args=[school_a.pk, comparator.pk])
    for persona in ("governor", "school_leader_b", "partner_agency", "outsider"):
        assert client_for(persona).post(url).status_code == 403, persona
    assert ComparatorSet.objects.filter(pk=comparator.pk).exists()
    assert client_for("school_leader_a").get(url).status_code == 405  # a GET changes nothing
    assert client_for("school_leader_a").post(url).status_code == 302
    assert not ComparatorSet.objects.filter(pk=comparator.pk).exists()


@pytest.mark.parametrize(
    ("urns", "message"),
    [
        ("", "List the URNs"),
        ("115865, abc", "not URNs"),
        ("115865 9223372036854775808 ²", "not URNs (a URN is a number): 9223372036854775808, ²"),  # no server error
        ("115865 999999 115869", "No school you can see has the URN 999999"),
        ("115865 115869", "at least three other schools"),
        ("115850 115865 115869", "at least three other schools"),  # itself does not count
    ],
)
def test_a_bad_set_is_refused_with_a_clear_message_and_nothing_is_made(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School, urns: str, message: str
) -> None:
    response = _make(client_for("school_leader_a"), school_a, name="Bad", kind="by_hand", urns=urns)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ComparatorSet.objects.exists()


def test_nearby_schools_like_us_within_a_distance(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School
) -> None:
    # Alton's neighbours in East Hampshire lie within 10 km; the New Forest and Surrey do not.
    response = _make(client_for("school_leader_a"), school_a, name="Near", kind="nearby", within_km=10, size=10)
    assert response.status_code == 200  # too few: three are needed
    assert "at least three other schools" in response.content.decode()
    response = _make(client_for("school_leader_a"), school_a, name="Near", kind="nearby", within_km=60, size=10)
    comparator = ComparatorSet.objects.get(school=school_a)
    assert response.status_code == 302 and comparator.within_km == 60
    members = set(comparator.members.values_list("urn", flat=True))
    assert {115851, 115865, 115869} <= members
    assert not members & {124935, 125131}  # closed schools are not compared with
    assert 115850 not in members
    assert _make(client_for("school_leader_a"), school_a, name="Near", kind="nearby").status_code == 200
