"""Families and benchmarks computed from the database and kept, checked by hand."""

from __future__ import annotations

import pytest

from evenbetter.benchmarks.models import Benchmark, FamilyMember, FamilyRun
from evenbetter.benchmarks.services import RefreshResult, benchmarks_refresh
from evenbetter.schools.models import School
from tests.benchmarks.conftest import reading_values

pytestmark = pytest.mark.django_db


def _linear_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_every_open_school_gets_the_other_open_primaries_as_family(
    benchmarked: RefreshResult, school_a: School
) -> None:
    open_ids = set(School.objects.exclude(status=School.Status.CLOSED).values_list("pk", flat=True))
    family = set(FamilyMember.objects.filter(school=school_a).values_list("member_id", flat=True))
    assert family == open_ids - {school_a.pk}  # nine schools: fewer than a family of 30
    closed = School.objects.filter(status=School.Status.CLOSED)
    assert not FamilyMember.objects.filter(member__in=closed).exists()
    member = FamilyMember.objects.filter(school=school_a).order_by("rank").first()
    assert member is not None
    variables = [why[0] for why in member.why]
    assert variables[:4] == ["pupils_on_roll", "percent_fsm", "percent_eal", "percent_sen"]
    assert sum(why[3] or 0 for why in member.why) == pytest.approx(1.0, abs=0.01)


def test_a_benchmark_matches_the_hand_calculation(benchmarked: RefreshResult, school_a: School) -> None:
    values = reading_values()
    own = values[school_a.urn]
    others = [v for urn, v in values.items() if urn != school_a.urn]
    row = Benchmark.objects.get(school=school_a, indicator__code="reading", period="2018/19")
    assert row.value == own
    assert row.family_count == 9
    assert row.family_median == pytest.approx(_linear_quantile(others, 0.5))
    assert row.family_q3 == pytest.approx(_linear_quantile(others, 0.75))
    assert row.family_percentile == pytest.approx(100 * sum(v < own for v in others) / 9)
    assert row.target == pytest.approx(_linear_quantile(others, 0.75))
    assert row.gap_to_target == pytest.approx(max(_linear_quantile(others, 0.75) - own, 0))
    # No fixed standard: the median of all ten primaries.
    assert row.standard == pytest.approx(_linear_quantile(list(values.values()), 0.5))
    # Two years held: the average is over both.
    assert row.average_periods == 2
    assert row.average_value == pytest.approx(own - 5)


def test_context_is_described_not_benchmarked(benchmarked: RefreshResult) -> None:
    assert set(Benchmark.objects.values_list("indicator__code", flat=True).distinct()) == {"reading"}


def test_refreshing_again_replaces_rather_than_adds(benchmarked: RefreshResult) -> None:
    members, benchmarks = FamilyMember.objects.count(), Benchmark.objects.count()
    again = benchmarks_refresh()
    assert (FamilyMember.objects.count(), Benchmark.objects.count()) == (members, benchmarks)
    assert again.run.benchmarks_written == benchmarks == 20  # ten schools, two years
    assert FamilyRun.objects.count() == 2


def test_a_school_with_too_little_context_has_no_family_and_says_why(benchmarked: RefreshResult) -> None:
    from evenbetter.indicators.models import Observation

    lonely = School.objects.exclude(status=School.Status.CLOSED).order_by("urn").last()
    assert lonely is not None
    Observation.objects.filter(school=lonely, indicator__domain="context").delete()
    lonely.pupils_on_roll = None
    lonely.save()
    run = benchmarks_refresh().run
    assert not FamilyMember.objects.filter(school=lonely).exists()
    assert "too little context" in run.no_family[str(lonely.pk)]
    # Still ranked among all schools, though with no family figures.
    row = Benchmark.objects.get(school=lonely, indicator__code="reading", period="2018/19")
    assert row.family_median is None and row.all_percentile is not None


def test_strengths_in_plain_words_and_never_from_the_evidence_base(
    benchmarked: RefreshResult, school_a: School, school_leader_a
) -> None:
    from evenbetter.benchmarks.selectors import school_strengths
    from evenbetter.indicators.models import Indicator, Observation

    # The top reader of the ten: a strength in both years held.
    best = School.objects.get(urn=max(reading_values(), key=lambda urn: reading_values()[urn]))
    lines = school_strengths(user=school_leader_a, school=best)
    assert [line.indicator.code for line in lines.strengths] == ["reading"]
    assert "top quarter of its family in 2 of the last 2 years" in lines.strengths[0].text
    assert lines.areas == []
    # A school's data-quality score is benchmarked but is never called a strength or an area.
    confidence = Indicator.objects.create(
        code="data_confidence", name="Confidence", unit="%", direction="higher", domain="data_quality",
        comparison="percent",
    )  # fmt: skip
    for i, school in enumerate(School.objects.exclude(status=School.Status.CLOSED).order_by("urn")):
        Observation.objects.create(
            school=school, indicator=confidence, period="2018/19", period_start=best.created_at.date(), value=50 + i
        )
    benchmarks_refresh()
    assert Benchmark.objects.filter(indicator=confidence).count() == 10
    lines = school_strengths(user=school_leader_a, school=best)
    assert [line.indicator.code for line in lines.strengths] == ["reading"]
