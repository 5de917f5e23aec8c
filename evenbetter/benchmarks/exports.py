"""A school's family, its benchmarks and the explorer's distribution as tables to export
(``accounts.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from evenbetter.accounts.exports import ExportTable
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import School


class FamilyTable(ExportTable):
    """The school's family (``data``: a ``SchoolFamily``), with why each member is in it."""

    slug = "family"

    def __init__(self, school: School) -> None:
        self.school = school

    def filename(self, data: Any) -> str:
        return f"family-of-{self.school.name}"

    def header(self, data: Any) -> list[str]:
        header = ["rank", "urn", "school", "distance", "share of context known"]
        for _variable, label in data.variables:
            header += [f"{label}: this school", f"{label}: member", f"{label}: share of distance"]
        return header

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for row in data.rows:
            line: list[object] = [row.rank, row.member.urn, row.member.name, row.distance, row.weight_share]
            for why in row.why:
                line += [why["school_value"], why["member_value"], why["share"]]
            yield line


class BenchmarksTable(ExportTable):
    """Every benchmark point of the school (``data``: its ``IndicatorBenchmark`` list)."""

    slug = "benchmarks"

    def __init__(self, school: School) -> None:
        self.school = school

    def filename(self, data: Any) -> str:
        return f"benchmarks-{self.school.name}"

    def header(self, data: Any) -> list[str]:
        return [
            "indicator code", "indicator", "unit", "better when", "period", "value", "compared with",
            "comparison schools with a value", "lower quartile", "median", "upper quartile",
            "better than % of comparison", "better than % locally", "better than % of all schools",
            "even-better target", "gap to target", "standard", "standard is", "multi-year average",
            "years in average", "cohort", "small cohort",
        ]  # fmt: skip

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        for entry in data:
            for p in entry.points:
                yield [
                    entry.indicator.code, entry.indicator.name, entry.indicator.unit,
                    entry.indicator.get_direction_display(), p.period, p.value, entry.comparison_label,
                    p.family_count, p.family_q1, p.family_median, p.family_q3, p.family_percentile,
                    p.local_percentile, p.all_percentile, p.target, p.gap_to_target, p.standard,
                    entry.standard_label, p.average_value, p.average_periods, p.cohort,
                    "yes" if p.small_cohort else "no",
                ]  # fmt: skip


class ExplorerTable(ExportTable):
    """The explorer's distribution of one indicator in one period (``data``: a ``Distribution``)."""

    slug = "explorer"

    def __init__(self, indicator: Indicator | None, period: str) -> None:
        self.indicator, self.period = indicator, period

    def filename(self, data: Any) -> str:
        return f"{self.indicator.code if self.indicator else ''}-{self.period}-{data.scope_label}"

    def header(self, data: Any) -> list[str]:
        return ["urn", "school", "phase", "local authority", "indicator", "period", "value",
                "better than % of the others shown"]  # fmt: skip

    def rows(self, data: Any) -> Iterable[Sequence[object]]:
        name = self.indicator.name if self.indicator else ""
        for s, value, pct in data.rows:
            yield [s.urn, s.name, s.phase, s.la_name, name, self.period, value, pct]
