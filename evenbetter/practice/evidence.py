"""The evidence behind shared practice: where the school behind it is strong in the item's
areas, relative to schools like it (its family), from the published benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from evenbetter.benchmarks.selectors import strong_in_area
from evenbetter.practice.models import PracticeItem


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
    """For each school behind the item, its evidence of being strong in the item's areas:
    the indicators that make it strong there by the one rule
    (``benchmarks.selectors.strong_in_area``), with their latest family percentile."""
    schools = {school.pk: school.name for school in item.schools.all()}
    if not schools:
        return []
    found: dict[tuple[int, str], Evidence] = {}
    for area in item.area_codes:
        for row in strong_in_area(area=area, schools=list(schools)).to_dict("records"):
            school_id = int(str(row["school_id"]))
            found.setdefault(
                (school_id, str(row["indicator"])),
                Evidence(schools[school_id], str(row["indicator_name"]), str(row["latest_period"]),
                         float(str(row["latest_percentile"]))),
            )  # fmt: skip
    return sorted(found.values(), key=lambda e: -e.percentile)[:6]
