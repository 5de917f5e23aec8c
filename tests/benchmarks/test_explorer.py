"""The explorer: one indicator across a group of schools, within what the user may see."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from evenbetter.accounts.models import AuditEvent
from evenbetter.benchmarks.services import RefreshResult
from evenbetter.schools.models import School
from tests.benchmarks.conftest import reading_values

pytestmark = pytest.mark.django_db


def test_all_schools_with_quartiles_and_csv(client_for: Callable[[str], Client], benchmarked: RefreshResult) -> None:
    client = client_for("school_leader_b")
    response = client.get(reverse("explorer"), {"indicator": "reading", "period": "2018/19"})
    distribution = response.context["distribution"]
    values = sorted(reading_values().values())
    assert [value for _, value, _ in distribution.rows] == sorted(values, reverse=True)  # best first
    assert distribution.median == pytest.approx((values[4] + values[5]) / 2)
    assert distribution.rows[0][2] == 100.0 and distribution.rows[-1][2] == 0.0
    csv = client.get(reverse("explorer"), {"indicator": "reading", "period": "2018/19", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 11  # a header and ten schools
    xlsx = client.get(reverse("explorer"), {"indicator": "reading", "period": "2018/19", "format": "xlsx"})
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 11 and sorted((r[6] for r in rows[1:]), reverse=True) == sorted(values, reverse=True)
    # Each row names its own school, as the register has it.
    register = {s.urn: (s.name, s.phase, s.la_name) for s in School.objects.all()}
    assert all(register[urn] == (name, phase, la_name) for urn, name, phase, la_name, *_ in rows[1:])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2  # each export is recorded


def test_a_locality_and_a_family(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School
) -> None:
    client = client_for("school_leader_b")
    local = client.get(reverse("explorer"), {"indicator": "reading", "scope": "locality:east-hampshire"})
    assert {s.district for s, _, _ in local.context["distribution"].rows} == {"East Hampshire"}
    family = client.get(reverse("explorer"), {"indicator": "reading", "scope": f"family:{school_a.pk}"})
    assert len(family.context["distribution"].rows) == 10  # the school and its nine


def test_a_governor_sees_only_their_own_school(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School
) -> None:
    response = client_for("governor").get(reverse("explorer"), {"indicator": "reading"})
    assert [s.pk for s, _, _ in response.context["distribution"].rows] == [school_a.pk]
    # Nor can a governor reach another school's family through the scope.
    other = School.objects.get(urn=125116)
    response = client_for("governor").get(reverse("explorer"), {"indicator": "reading", "scope": f"family:{other.pk}"})
    assert "You cannot see that school" in response.content.decode()
    assert [s.pk for s, _, _ in response.context["distribution"].rows] == [school_a.pk]


def test_bad_choices_are_named_and_ignored(client_for: Callable[[str], Client], benchmarked: RefreshResult) -> None:
    response = client_for("school_leader_a").get(
        reverse("explorer"), {"indicator": "nope", "period": "1999/00", "scope": "galaxy:far", "phase": "Moon"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is no indicator &quot;nope&quot;" in text
    assert "is not a group of schools" in text
    assert "is not a phase" in text


def test_the_kept_distribution_is_renewed_by_new_values(
    client_for: Callable[[str], Client],
    benchmarked: RefreshResult,
    school_a: School,
    django_capture_on_commit_callbacks,
) -> None:
    import datetime as dt

    from evenbetter.indicators.models import Indicator
    from evenbetter.indicators.store import StagedObservation, observations_write

    client = client_for("school_leader_b")

    def shown() -> dict[int, float]:
        rows = client.get(reverse("explorer"), {"indicator": "reading"}).context["distribution"].rows
        return {school.pk: value for school, value, _ in rows}

    before = shown()[school_a.pk]
    reading = Indicator.objects.get(code="reading")
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [StagedObservation(school_a.pk, "reading", "2018/19", dt.date(2018, 9, 1), 12.5, "value", False, 1, "x")],
            {"reading": reading.pk},
            None,
        )
    assert before != 12.5 and shown()[school_a.pk] == 12.5
    assert client.get(reverse("explorer"), {"indicator": "reading"}).context["distribution"].rows[-1][0] == school_a


def test_readers_who_see_different_schools_never_share_a_kept_distribution(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, school_a: School
) -> None:
    # The school leader sees every school's published values; the governor, asking next for
    # the same indicator and period, still gets only their own school, and the leader's
    # second look (from the cache) is what it was.
    leader = client_for("school_leader_b")
    everyone = [
        s.pk for s, _, _ in leader.get(reverse("explorer"), {"indicator": "reading"}).context["distribution"].rows
    ]
    governed = client_for("governor").get(reverse("explorer"), {"indicator": "reading"}).context["distribution"]
    assert len(everyone) == 10 and [s.pk for s, _, _ in governed.rows] == [school_a.pk]
    again = leader.get(reverse("explorer"), {"indicator": "reading"}).context["distribution"]
    assert [s.pk for s, _, _ in again.rows] == everyone


def test_the_table_lists_a_page_at_a_time(
    client_for: Callable[[str], Client], benchmarked: RefreshResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evenbetter.benchmarks import views

    monkeypatch.setattr(views, "EXPLORER_LISTED", 3)  # a hundred a page on the site
    client = client_for("school_leader_b")
    first = client.get(reverse("explorer"), {"indicator": "reading"})
    second = client.get(reverse("explorer"), {"indicator": "reading", "page": 2})
    every = first.context["distribution"].rows
    assert [s.pk for s, _, _ in second.context["listed"]] == [s.pk for s, _, _ in every[3:6]]
    text = second.content.decode()
    assert "Schools 4 to 6 of 10" in text and "<td>4</td>" in text and "<td>3</td>" not in text
    # The pages' links carry the filters as shown: the period too, though the address left it out.
    shown = f"indicator=reading&amp;period={quote(second.context['period'], safe='')}"
    assert f"{shown}&amp;page=1" in text and f"{shown}&amp;page=3" in text
    assert len(first.context["listed"]) == 3 and "Previous" not in first.content.decode()
