"""A school's own workforce return: kept as indicators that only its own people see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.partnerships.forms import recent_academic_years
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

RETURN = {
    "teacher_vacancies": 2,
    "support_vacancies": 1,
    "sickness_days_per_fte": "6.5",
    "headcount_start": 28,
    "headcount_end": 32,
    "leavers": 6,
    "leadership_changes": 1,
    "head_vacant": "on",
}


def test_a_return_becomes_indicators_with_turnover_worked_out(
    client_for: Callable[[str], Client], school_a: School
) -> None:
    period = recent_academic_years()[1]
    response = client_for("school_leader_a").post(
        reverse("workforce_return", args=[school_a.pk]), {"period": period, **RETURN}
    )
    assert response.status_code == 302
    values = dict(Observation.objects.filter(school=school_a, period=period).values_list("indicator__code", "value"))
    # 6 leavers from an average of (28 + 32) / 2 = 30 staff is 20%.
    assert values["staff_turnover"] == 20.0
    assert (values["head_vacant"], values["deputy_vacant"], values["teacher_vacancies"]) == (1.0, 0.0, 2.0)
    assert values["sickness_days_per_fte"] == 6.5
    run = ImportRun.objects.get(source_format="workforce_return")
    assert run.records_created == 8
    # Saving again for the same year replaces, it does not add.
    client_for("school_leader_a").post(
        reverse("workforce_return", args=[school_a.pk]), {"period": period, **RETURN, "leavers": 3}
    )
    assert Observation.objects.filter(school=school_a, period=period).count() == 8
    assert Observation.objects.get(school=school_a, period=period, indicator__code="staff_turnover").value == 10.0


def test_returns_are_seen_by_the_schools_own_people_only(client_for: Callable[[str], Client], school_a: School) -> None:
    period = recent_academic_years()[0]
    client_for("school_leader_a").post(reverse("workforce_return", args=[school_a.pk]), {"period": period, **RETURN})

    def codes(persona: str) -> set[str]:
        page = client_for(persona).get(f"{school_a.get_absolute_url()}?sections=all")
        sources = page.context["data_sources"]
        return {row.series.indicator.code for source in sources for _, rows in source.domains for row in rows}

    for persona in ("school_leader_a", "governor", "partnership_lead", "system_lead"):
        assert "staff_turnover" in codes(persona), persona
    for persona in ("school_leader_b", "partner_agency"):
        assert "staff_turnover" not in codes(persona), persona


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"leavers": 80}, "More staff left than the school had"),
        ({"headcount_start": 0}, "greater than or equal to 1"),
        ({"period": "1999/00"}, "valid choice"),
        ({"sickness_days_per_fte": "lots"}, "Enter a number"),
    ],
)
def test_a_bad_return_is_refused_and_changes_nothing(
    client_for: Callable[[str], Client], school_a: School, data: dict[str, object], message: str
) -> None:
    payload = {"period": recent_academic_years()[0], **RETURN, **data}
    response = client_for("school_leader_a").post(reverse("workforce_return", args=[school_a.pk]), payload)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Observation.objects.exists()
