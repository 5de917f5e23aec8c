"""Each school's glance of the data (how far its published values, local records and generated
values go; its confidence in the evidence base) is kept for every school by the refresh
(``SchoolDataGlance``), the same as working it out for one school, for every access; a write
of values drops the rows of its schools and the refresh writes them again; the school page
reads the kept row (fewer queries) and draws the same without it; a reader who sees published
figures only is never shown local records, whoever read first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.http import HttpRequest
from django.test import Client

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun, Indicator, Observation, SchoolDataGlance
from evenbetter.indicators.panels import _glance_data, _glance_kept
from evenbetter.indicators.services import data_glance_keep
from evenbetter.indicators.store import StagedObservation, observations_write
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School
from tests.conftest import school_page_part

pytestmark = pytest.mark.django_db

YEARS = {"2016/17": "2016-09-01", "2017/18": "2017-09-01", "2018/19": "2018-09-01", "2019/20": "2019-09-01"}


def _indicator(code: str, *, public: bool) -> Indicator:
    return Indicator.objects.create(
        code=code, name=code.replace("_", " ").capitalize(), unit="score", direction="higher", domain="outcomes",
        comparison="score", decimal_places=0, is_public=public,
    )  # fmt: skip


def _run(*, generated: bool) -> ImportRun:
    return ImportRun.objects.create(
        source_format="demo" if generated else "dfe_ks2", file_name="values.csv", sha256="0" * 64,
        status=ImportRun.Status.SUCCEEDED, options={"generated": True} if generated else {},
    )  # fmt: skip


def _values(school: School, indicator: Indicator, run: ImportRun, periods: list[str], value: float = 50.0) -> None:
    for period in periods:
        Observation.objects.create(
            school=school, indicator=indicator, period=period, period_start=YEARS[period], value=value, import_run=run
        )


@pytest.fixture
def held(school_a: School, school_b: School) -> dict[str, School]:
    """school_a: published values to 2018/19, generated ones of a published indicator to
    2019/20, local records to 2017/18 and generated local records to 2019/20, a confidence
    (a local record) in 2017/18 and one held missing in 2018/19; school_b: published values only."""
    real, made_up = _run(generated=False), _run(generated=True)
    reading, staff = _indicator("reading_score", public=True), _indicator("staff_stability", public=False)
    confidence = _indicator("data_confidence", public=False)
    _values(school_a, reading, real, ["2016/17", "2017/18", "2018/19"])
    _values(school_a, reading, made_up, ["2019/20"])
    _values(school_a, staff, real, ["2016/17", "2017/18"])
    _values(school_a, staff, made_up, ["2018/19", "2019/20"])
    _values(school_a, confidence, real, ["2017/18"], value=72.0)
    Observation.objects.create(
        school=school_a, indicator=confidence, period="2018/19", period_start=YEARS["2018/19"], value=None,
        status=Observation.Status.MISSING, import_run=real,
    )  # fmt: skip
    _values(school_b, reading, real, ["2017/18"])
    return {"a": school_a, "b": school_b}


def _request(user: User) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request


def test_the_refresh_keeps_every_schools_glance_as_worked_out_alone(
    held: dict[str, School], partnership_lead: User, school_leader_b: User
) -> None:
    assert data_glance_keep() == School.objects.count()  # a row for every school
    for school in School.objects.all():
        kept = SchoolDataGlance.objects.select_related("confidence__indicator").get(school=school)
        for user in (partnership_lead, school_leader_b):
            assert _glance_kept(kept, school_access(user, school)) == _glance_data(_request(user), school)
    a = SchoolDataGlance.objects.get(school=held["a"])
    # Checked by hand against the fixture.
    assert (a.published_up_to, a.local_up_to) == ("2018/19", "2018/19")  # the confidence held missing
    assert (a.generated_published_up_to, a.generated_up_to) == ("2019/20", "2019/20")
    assert a.confidence is not None and (a.confidence.period, a.confidence.value) == ("2017/18", 72.0)
    sources, confidence = _glance_kept(a, SchoolAccess.PUBLIC)
    assert [(s.key, s.latest_period) for s in sources] == [("published", "2018/19"), ("generated", "2019/20")]
    assert confidence is None  # a local record


def test_a_write_of_values_drops_its_schools_rows_and_the_refresh_writes_them_again(held: dict[str, School]) -> None:
    data_glance_keep()
    reading = Indicator.objects.get(code="reading_score")
    start = dt.date.fromisoformat(YEARS["2019/20"])
    staged = StagedObservation(held["b"].pk, "reading_score", "2019/20", start, 61.0, "value", False, 0, "")
    observations_write([staged], {"reading_score": reading.pk}, _run(generated=False))
    assert not SchoolDataGlance.objects.filter(school=held["b"]).exists()  # worked out when read until then
    assert SchoolDataGlance.objects.filter(school=held["a"]).exists()  # another school's row holds
    data_glance_keep()
    assert SchoolDataGlance.objects.get(school=held["b"]).published_up_to == "2019/20"


def _glance(client: Client, school: School) -> tuple[str, int]:
    """The glance of the data as drawn, and the queries the page took, from an empty cache."""
    return school_page_part(client, school, 'id="glance-data-heading"')


@pytest.mark.parametrize("reader", ["partnership_lead", "school_leader_b"])
def test_the_page_reads_the_kept_row_and_draws_the_same_without_it(
    held: dict[str, School], client_for: Callable[[str], Client], reader: str
) -> None:
    client = client_for(reader)
    data_glance_keep()
    kept, with_row = _glance(client, held["a"])
    assert "Published data up to 2018/19" in kept
    SchoolDataGlance.objects.all().delete()
    worked_out, without_row = _glance(client, held["a"])
    assert worked_out == kept
    assert with_row < without_row


@pytest.mark.parametrize("first", ["partnership_lead", "school_leader_b"])
def test_local_records_kept_are_shown_only_to_who_may_see_them(
    held: dict[str, School], client_for: Callable[[str], Client], first: str
) -> None:
    data_glance_keep()
    readers = ["partnership_lead", "school_leader_b"]
    if first == "school_leader_b":
        readers.reverse()
    seen = {reader: _glance(client_for(reader), held["a"])[0] for reader in readers}
    assert "Local records up to 2018/19" in seen["partnership_lead"]
    assert "Confidence in the evidence" in seen["partnership_lead"]
    assert "Generated for the demo up to 2019/20" in seen["partnership_lead"]
    assert "Local records" not in seen["school_leader_b"]
    assert "Confidence in the evidence" not in seen["school_leader_b"]
    assert "Generated for the demo up to 2019/20" in seen["school_leader_b"]  # a published indicator's
