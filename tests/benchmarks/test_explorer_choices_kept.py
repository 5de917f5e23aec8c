"""The explorer's indicator choices and an indicator's periods are kept in the figures cache:
a second view reads no values for them, and a write of values (or a change to the catalogue)
renews them; the same for every reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evenbetter.benchmarks.services import RefreshResult
from evenbetter.indicators.models import Indicator
from evenbetter.indicators.store import StagedObservation, observations_write
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _value(school: School, code: str, period: str, start: dt.date, value: float) -> StagedObservation:
    return StagedObservation(school.pk, code, period, start, value, "value", False, 1, "x")


def test_a_second_view_reads_no_values_for_the_choices_or_the_periods(
    client_for: Callable[[str], Client], benchmarked: RefreshResult
) -> None:
    client = client_for("system_lead")
    for query in ({}, {"indicator": "reading"}):  # the indicator shown when none is asked for, and one asked for
        first = client.get(reverse("explorer"), query)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(reverse("explorer"), query)
        assert not [q["sql"] for q in queries.captured_queries if "indicators_observation" in q["sql"]]
        assert second.context["indicator"] == first.context["indicator"]
        assert second.context["indicator_choices"] == first.context["indicator_choices"]
        assert second.context["periods"] == first.context["periods"]
    assert second.context["periods"] == [("2018/19", "2018/19"), ("2017/18", "2017/18")]


def test_a_write_of_values_renews_the_periods_and_the_choices(
    client_for: Callable[[str], Client],
    benchmarked: RefreshResult,
    school_a: School,
    django_capture_on_commit_callbacks,
) -> None:
    client = client_for("governor")
    before = client.get(reverse("explorer"), {"indicator": "reading"})
    assert ("2019/20", "2019/20") not in before.context["periods"]
    writing = Indicator.objects.create(
        code="writing", name="Writing", unit="%", direction="higher", domain="outcomes", comparison="percent"
    )
    with django_capture_on_commit_callbacks(execute=True):
        observations_write(
            [
                _value(school_a, "reading", "2019/20", dt.date(2019, 9, 1), 70.0),
                _value(school_a, "writing", "2018/19", dt.date(2018, 9, 1), 60.0),
            ],
            {"reading": Indicator.objects.get(code="reading").pk, "writing": writing.pk},
            None,
        )
    after = client.get(reverse("explorer"), {"indicator": "reading"})
    assert after.context["periods"][0] == ("2019/20", "2019/20")
    outcomes = dict(after.context["indicator_choices"])["Outcomes"]
    assert ("writing", "Writing") in outcomes and ("writing", "Writing") not in dict(
        before.context["indicator_choices"]
    )["Outcomes"]


def test_the_choices_are_the_same_for_every_reader_whoever_asks_first(
    client_for: Callable[[str], Client], benchmarked: RefreshResult
) -> None:
    governor = client_for("governor").get(reverse("explorer"), {"indicator": "reading"})
    lead = client_for("system_lead").get(reverse("explorer"), {"indicator": "reading"})
    assert governor.context["indicator_choices"] == lead.context["indicator_choices"]
    assert governor.context["periods"] == lead.context["periods"]
