"""Suggestions for a real request: the strongest school like the requester comes first,
and the rules that keep a school out are applied."""

from __future__ import annotations

import datetime as dt

import pytest

from evenbetter.benchmarks.services import benchmarks_refresh
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest, SupportOffer
from evenbetter.support.services import suggestions_for

pytestmark = pytest.mark.django_db


def test_the_strongest_in_its_family_is_suggested_first(register: object, school_a: School) -> None:
    reading = Indicator.objects.create(
        code="ks2_readprog", name="Reading progress", unit="score", direction="higher", domain="outcomes",
        comparison="score",
    )  # fmt: skip
    context = [
        Indicator.objects.create(
            code=code, name=code, unit="", direction="neither", domain="context", comparison="count"
        )
        for code in ("pupils_on_roll", "percent_fsm", "percent_eal", "percent_sen")
    ]
    open_schools = list(School.objects.exclude(status=School.Status.CLOSED).order_by("urn"))
    for i, school in enumerate(open_schools):
        for year in (2016, 2017, 2018):
            Observation.objects.create(
                school=school, indicator=reading, period=f"{year}/{(year + 1) % 100}",
                period_start=dt.date(year, 9, 1), value=float(i),
            )  # fmt: skip
        for indicator, value in zip(context, (200 + 10 * i, 10 + i, 5 + i, 12 + i % 3), strict=True):
            Observation.objects.create(
                school=school, indicator=indicator, period="2018/19", period_start=dt.date(2018, 9, 1), value=value
            )
    benchmarks_refresh()
    best = open_schools[-1]
    SupportOffer.objects.create(school=best, area="reading", description="Phonics lead", days_per_term=3)
    request = HelpRequest.objects.create(school=school_a, area="reading", title="Phonics", description="Help.")
    result = suggestions_for(request)
    suggested = result.suggestions["school_id"].tolist()
    assert suggested[0] == best.pk
    assert school_a.pk not in suggested
    assert any("3 days a term" in reason for reason in result.suggestions.iloc[0]["reasons"])
    # The weakest in their families are not suggested, and say why.
    assert open_schools[0].pk in set(result.excluded["school_id"])


def test_matching_reads_load_track_record_and_time_left_from_the_supports_given(
    register: object, school_a: School, school_b: School, school_c: School
) -> None:
    from django.utils import timezone

    from evenbetter.support.models import Engagement, SupportReview
    from evenbetter.support.services import candidates_for

    done = HelpRequest.objects.create(
        school=school_c, supporter=school_b, area="maths", title="Done", description=".", status="closed"
    )
    SupportReview.objects.create(help_request=done, side="requester", benefit=5, objectives_met="yes", what_changed=".")
    SupportReview.objects.create(help_request=done, side="supporter", benefit=1, objectives_met="no", what_changed=".")
    under_way = HelpRequest.objects.create(
        school=school_c, supporter=school_b, area="reading", title="Now", description=".", status="in_progress"
    )
    Engagement.objects.create(help_request=under_way, on=timezone.localdate(), days=1)
    Engagement.objects.create(help_request=done, on=dt.date(2001, 1, 1), days=4)  # another term: not counted
    SupportOffer.objects.create(school=school_b, area="reading", description="Phonics", days_per_term=3)
    request = HelpRequest.objects.create(school=school_a, area="reading", title="Phonics", description="Help.")
    row = candidates_for(request).set_index("school_id").loc[school_b.pk]
    assert row["current_supports"] == 1
    assert row["past_supports"] == 1
    assert row["past_benefit"] == 1.0  # the school helped rated it 5 of 5; the helper's own rating is not its record
    assert row["capacity_days_left"] == 2.0
    assert candidates_for(request).set_index("school_id").loc[school_c.pk, "current_supports"] == 0
