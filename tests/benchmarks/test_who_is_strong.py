"""Who is strong at what: the schools strong in an area by the school page's rule, in words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.benchmarks.models import Benchmark
from evenbetter.benchmarks.selectors import strong_schools_in
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _benchmark(school: School, indicator: Indicator, period: str, start: str, value: float, percentile: float) -> None:
    Benchmark.objects.create(
        school=school, indicator=indicator, period=period, period_start=start, value=value,
        family_percentile=percentile, family_count=20,
    )  # fmt: skip


@pytest.fixture
def writing(register: object, school_a: School, school_b: School, school_c: School) -> Indicator:
    """Writing progress: school C in its family's top quarter three years running, school B once."""
    indicator = Indicator.objects.create(
        code="ks2_writprog", name="Writing progress", unit="score", direction="higher", domain="outcomes",
        comparison="score", decimal_places=1,
    )  # fmt: skip
    for period, start in (("2016/17", "2016-09-01"), ("2017/18", "2017-09-01"), ("2018/19", "2018-09-01")):
        _benchmark(school_c, indicator, period, start, 3.0, 90.0)
        _benchmark(school_b, indicator, period, start, 2.0, 90.0 if period == "2018/19" else 40.0)
        _benchmark(school_a, indicator, period, start, -1.0, 20.0)
    return indicator


def test_only_schools_strong_by_the_rule_are_listed_with_their_evidence(writing: Indicator, school_c: School) -> None:
    strong = strong_schools_in(area="writing", schools=School.objects.all())
    assert [s.school for s in strong] == [school_c]
    assert strong[0].lines == [
        "Writing progress: 3.0 points in 2018/19, higher than most similar schools (better than 9 in 10)"
    ]
    assert strong_schools_in(area="maths", schools=School.objects.all()) == []


def test_the_page_leaves_out_the_readers_own_school_and_offers_to_ask(
    writing: Indicator, client_for: Callable[[str], Client], school_c: School
) -> None:
    own = client_for("school_leader_a").get(reverse("strengths") + "?area=writing&locality=").content.decode()
    assert school_c.name in own and "Ask for help with writing" in own
    # School C's own leader is not told to ask itself.
    from evenbetter.accounts.models import Role
    from tests.conftest import make_user

    leader_c = make_user("leader_c", Role.SCHOOL_LEADER, school=school_c)
    client = Client()
    client.force_login(leader_c)
    page = client.get(reverse("strengths") + "?area=writing&locality=").content.decode()
    assert school_c.name not in page.split("<h2>", 1)[1]
    assert client_for("governor").get(reverse("strengths")).status_code == 403
