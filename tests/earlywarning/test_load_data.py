"""What the early warning reads from the database, and whether it says the data is made up."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.earlywarning.frames import load_data
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.partnerships.indicators import partnership_life_refresh
from evenbetter.partnerships.models import Contact
from evenbetter.schools.models import Partnership, School

pytestmark = pytest.mark.django_db


def test_real_records_are_not_called_generated_and_generated_ones_are(
    alton_cluster: Partnership, school_a: School, school_c: School
) -> None:
    contact = Contact.objects.create(
        school=school_a, other_school=school_c, kind="visit", happened_on=dt.date(2018, 10, 1)
    )
    partnership_life_refresh()
    data = load_data()
    assert not data.uses_generated_data
    assert "2018/19" in data.periods
    assert {"peers_12m"} <= set(data.risk.observations["indicator"])
    # Trigger states are features, per period.
    assert data.risk.extra_features is not None
    assert "trigger_isolation" in set(data.risk.extra_features["feature"])
    contact.is_generated = True
    contact.save()
    assert load_data().uses_generated_data


def test_the_context_carries_fsm_phase_and_region_for_the_fairness_report(school_a: School) -> None:
    context = load_data().risk.context
    assert context is not None
    row = context.set_index("school_id").loc[school_a.pk]
    assert row["phase"] == school_a.phase
    # Hampshire (LA 850) is in the DfE's South East region.
    assert school_a.la_code == "850" and row["region"].startswith("South East")
    assert set(context["school_id"]) == set(School.objects.values_list("pk", flat=True))


def test_only_academic_years_are_read_not_values_of_a_day(school_a: School) -> None:
    attendance = Indicator.objects.create(code="attendance_test", name="Attendance (test)", unit="%")
    for period, start, value in (
        ("2018/19", dt.date(2018, 9, 1), 95.0),
        ("2019-01-17", dt.date(2019, 1, 17), 93.0),
        (" 2019 / 20 ", dt.date(2019, 9, 1), 94.0),
    ):
        Observation.objects.create(
            school=school_a, indicator=attendance, period=period, period_start=start, value=value
        )
    read = load_data().risk.observations
    read = read[read["indicator"] == "attendance_test"]
    assert sorted(zip(read["period"], read["value"], strict=True)) == [(" 2019 / 20 ", 94.0), ("2018/19", 95.0)]
