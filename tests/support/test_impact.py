"""What changed after a support, against a hand calculation; the brokers' view of help
asked and given, and who sees which requests in it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.analytics.impact import BETTER
from evenbetter.benchmarks.models import FamilyMember
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.models import School
from evenbetter.support.impact import impact_for
from evenbetter.support.models import Engagement, HelpRequest, SupportEvent

pytestmark = pytest.mark.django_db

LONDON = dt.UTC


def _value(school: School, indicator: Indicator, year: int, value: float) -> None:
    Observation.objects.create(
        school=school, indicator=indicator, period=f"{year}/{(year + 1) % 100:02d}",
        period_start=dt.date(year, 9, 1), value=value,
    )  # fmt: skip


@pytest.fixture
def reading_family(register: object, school_a: School, school_b: School) -> tuple[Indicator, list[School]]:
    """School A's family: six schools whose reading progress rose by 1, 2, 3, 1, 2, 3, and
    school B (which will help) whose rose by 30 — it must be left out of the comparison."""
    reading = Indicator.objects.create(
        code="ks2_readprog", name="Reading progress", unit="score", direction="higher", domain="outcomes",
        comparison="score",
    )  # fmt: skip
    others = list(School.objects.exclude(pk__in=[school_a.pk, school_b.pk]).order_by("urn")[:6])
    for rank, (member, rise) in enumerate(zip([*others, school_b], [1, 2, 3, 1, 2, 3, 30], strict=True), start=1):
        FamilyMember.objects.create(school=school_a, member=member, rank=rank, distance=rank / 10, weight_share=1)
        _value(member, reading, 2017, 10.0)
        _value(member, reading, 2018, 10.0 + rise)
    _value(school_a, reading, 2016, -9.0)  # an earlier year that must not be read as "before"
    _value(school_a, reading, 2017, 0.0)
    _value(school_a, reading, 2018, 6.0)
    return reading, others


def _closed(school: School, supporter: School, agreed: dt.datetime, closed: dt.datetime) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school, supporter=supporter, area="reading", title="Reading", description="Help.",
        status=HelpRequest.Status.CLOSED, agreed_at=agreed, closed_at=closed,
    )  # fmt: skip


def test_impact_is_the_school_change_less_its_family_change_with_a_t_interval(
    reading_family: tuple[Indicator, list[School]], school_a: School, school_b: School
) -> None:
    support = _closed(
        school_a, school_b, dt.datetime(2018, 10, 15, 12, tzinfo=LONDON), dt.datetime(2019, 6, 30, 12, tzinfo=LONDON)
    )
    [line] = impact_for(support)
    # By hand: before 2017/18, after 2018/19. The school rose 6; the family (B left out)
    # rose 1, 2, 3, 1, 2, 3: mean 2, so the effect is 4. s = sqrt(4/5); t(0.95, 5) = 2.015;
    # half-width = 2.015 x 0.8944 x sqrt(1 + 1/6) = 1.9467.
    assert (line.before_period, line.after_period) == ("2017/18", "2018/19")
    estimate = line.estimate
    assert estimate is not None
    assert estimate.comparison_schools == 6
    assert estimate.school_change == pytest.approx(6.0)
    assert estimate.family_change == pytest.approx(2.0)
    assert estimate.effect == pytest.approx(4.0)
    half = 2.015048 * math.sqrt(4 / 5) * math.sqrt(1 + 1 / 6)
    assert estimate.low == pytest.approx(4.0 - half, abs=1e-4)
    assert estimate.high == pytest.approx(4.0 + half, abs=1e-4)
    assert estimate.verdict == BETTER
    assert "rose by 6.0" in line.words and "not proof" in line.words


def test_no_impact_is_claimed_before_the_results_are_in(
    reading_family: tuple[Indicator, list[School]], school_a: School, school_b: School
) -> None:
    support = _closed(
        school_a, school_b, dt.datetime(2018, 10, 1, tzinfo=LONDON), dt.datetime(2019, 10, 1, tzinfo=LONDON)
    )
    [line] = impact_for(support)  # closed in 2019/20, whose results are not in
    assert line.estimate is None and "not measured yet" in line.words
    open_support = HelpRequest.objects.create(
        school=school_a, supporter=school_b, area="reading", title="Open", description="Help.",
        status=HelpRequest.Status.IN_PROGRESS,
    )  # fmt: skip
    assert impact_for(open_support) == []


def test_a_kept_impact_follows_the_request_and_new_values_once_they_commit(
    reading_family: tuple[Indicator, list[School]],
    school_a: School,
    school_b: School,
    django_capture_on_commit_callbacks,
) -> None:
    from evenbetter.indicators.models import Dispute
    from evenbetter.indicators.services import dispute_raise, dispute_resolve
    from tests.conftest import make_user

    reading, _ = reading_family
    support = _closed(
        school_a, school_b, dt.datetime(2018, 10, 15, 12, tzinfo=LONDON), dt.datetime(2019, 6, 30, 12, tzinfo=LONDON)
    )
    assert impact_for(support)[0].estimate.effect == pytest.approx(4.0)  # type: ignore[union-attr]  # kept now
    # Closed a year later: another after-year (2019/20, not in yet), so not the kept lines.
    support.closed_at = dt.datetime(2019, 10, 1, tzinfo=LONDON)
    assert impact_for(support)[0].estimate is None
    support.closed_at = dt.datetime(2019, 6, 30, 12, tzinfo=LONDON)
    # School A's 2018/19 value corrected from 6 to 8 (a dispute upheld as wrong), committed:
    # an effect of 6, not the kept 4.
    lead = make_user("lead_for_dispute")
    value = Observation.objects.get(school=school_a, indicator=reading, period="2018/19")
    dispute = dispute_raise(user=lead, observation=value, reason="Our own data says 8.", suggested_value=8.0)
    with django_capture_on_commit_callbacks(execute=True):
        dispute_resolve(
            user=lead, dispute=dispute, outcome=Dispute.Status.CORRECTED, note="Checked.", corrected_value=8.0
        )
    assert impact_for(support)[0].estimate.effect == pytest.approx(6.0)  # type: ignore[union-attr]


def test_the_brokers_view_counts_days_once_and_only_their_requests(
    client_for: Callable[[str], Client], school_a: School, school_b: School, school_c: School
) -> None:
    ours = HelpRequest.objects.create(
        school=school_a, supporter=school_b, area="reading", title="Ours", description=".",
        status=HelpRequest.Status.IN_PROGRESS, agreed_at=dt.datetime(2024, 1, 20, tzinfo=LONDON),
    )  # fmt: skip
    theirs = HelpRequest.objects.create(
        school=school_b, supporter=school_c, area="maths", title="Theirs", description=".",
        status=HelpRequest.Status.REQUESTED,
    )  # fmt: skip
    HelpRequest.objects.filter(pk=ours.pk).update(created_at=dt.datetime(2024, 1, 1, tzinfo=LONDON))
    HelpRequest.objects.filter(pk=theirs.pk).update(created_at=dt.datetime(2024, 1, 1, tzinfo=LONDON))
    for step, day in (("suggest", 5), ("suggest", 9), ("agree", 20)):  # matched first on day 5
        event = SupportEvent.objects.create(help_request=ours, step=step, from_status="requested", to_status="x")
        SupportEvent.objects.filter(pk=event.pk).update(at=dt.datetime(2024, 1, day, tzinfo=LONDON))
    for days in ("1.5", "0.5", "1.0"):
        Engagement.objects.create(help_request=ours, on=dt.date(2024, 2, 1), days=Decimal(days))

    lead = client_for("partnership_lead").get(reverse("help_summary")).context
    assert lead["summary"]["requests"] == 1  # school B is not in the Alton cluster
    assert lead["summary"]["days_given"] == 3.0  # not 9: three engagements, three events
    assert lead["summary"]["median_days_to_match"] == 4.0
    assert lead["summary"]["median_days_to_agree"] == 19.0
    assert [row["supporter"] for row in lead["by_supporter"]] == [school_b.name]

    system = client_for("system_lead").get(reverse("help_summary")).context
    assert system["summary"]["requests"] == 2
    assert {row["area"]: row["requests"] for row in system["by_area"]} == {"Early reading and phonics": 1, "Maths": 1}
