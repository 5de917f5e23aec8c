"""The evidence behind shared practice: how strong the school behind it is in the item's
areas, relative to schools like it (its family), from the published benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from evenbetter.benchmarks.models import Benchmark
from evenbetter.practice.models import PracticeItem
from evenbetter.vocabulary.areas import AREA_INDICATORS


@dataclass(frozen=True)
class Evidence:
    school_name: str
    indicator_name: str
    period: str
    percentile: float

    @property
    def words(self) -> str:
        share = "every similar school" if self.percentile >= 99.5 else f"{self.percentile:.0f}% of similar schools"
        return f"{self.school_name}: better than {share} in {self.indicator_name.lower()} ({self.period})"


def evidence_for(item: PracticeItem) -> list[Evidence]:
    """For each school behind the item and each of its areas' published indicators, the
    latest family percentile where it is in the top half (a strength worth citing)."""
    codes = [code for area in item.area_codes for code in AREA_INDICATORS.get(area, ())]
    if not codes:
        return []
    rows = (
        Benchmark.objects.filter(
            school__in=item.schools.all(), indicator__code__in=codes, indicator__is_public=True,
            family_percentile__isnull=False,
        )
        .select_related("school", "indicator")
        .order_by("school_id", "indicator_id", "-period_start")
    )  # fmt: skip
    latest: dict[tuple[int, int], Benchmark] = {}
    for row in rows:
        latest.setdefault((row.school_id, row.indicator_id), row)
    found = [
        Evidence(b.school.name, b.indicator.name, b.period, float(b.family_percentile or 0))
        for b in latest.values()
        if (b.family_percentile or 0) >= 50
    ]
    return sorted(found, key=lambda e: -e.percentile)[:6]
