"""DfE school workforce census, school level (``national-2019/england_swf.csv``).

Headcounts and full-time equivalents of teachers, teaching assistants and support staff,
the pupil:teacher ratio and the mean teacher salary (written like "£45,421"). Headers
are matched ignoring case and runs of spaces (the real file has "Pupil:     Teacher
Ratio"). The file does not say which year it covers, so the import is told (``period``).
"""

from __future__ import annotations

import re

from evenbetter.indicators.models import Indicator
from evenbetter.ingest.csvfile import CsvTable
from evenbetter.ingest.observations import IndicatorDefinition, Measure, PeriodOption
from evenbetter.ingest.registry import register

SOURCE = "DfE school workforce in England (school workforce census)"


def _workforce(code: str, name: str, unit: str, comparison: str, header: str, places: int = 1) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code,
        name=name,
        unit=unit,
        direction=Indicator.Direction.NEITHER,
        domain=Indicator.Domain.WORKFORCE,
        comparison=comparison,
        source=SOURCE,
        description=f'"{header}" in the school workforce census.',
        decimal_places=places,
        minimum=0.0,
        headline=code in {"teachers_fte", "pupil_teacher_ratio", "teacher_salary_mean"},
    )


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header).strip().lower()


COUNT, AMOUNT = Indicator.Comparison.COUNT, Indicator.Comparison.AMOUNT
# Header (normalised) -> indicator.
WORKFORCE_INDICATORS: dict[str, IndicatorDefinition] = {
    _key(header): definition
    for header, definition in [
        (h, _workforce(code, name, unit, comparison, h, places))
        for h, code, name, unit, comparison, places in [
            ("Total Number of Teachers (Headcount)", "teachers_headcount", "Teachers (headcount)", "people", COUNT, 0),
            ("Total Number of Teaching Assistants (Headcount)", "tas_headcount", "Teaching assistants (headcount)", "people", COUNT, 0),
            (
                "Total Number of Non Classroom-based School Support Staff, Excluding Auxiliary Staff (Headcount)",
                "support_staff_headcount", "Support staff (headcount)", "people", COUNT, 0,
            ),
            ("Total Number of Teachers (Full-Time Equivalent)", "teachers_fte", "Teachers (FTE)", "FTE", AMOUNT, 1),
            ("Total Number of Teaching Assistants (Full-time Equivalent)", "tas_fte", "Teaching assistants (FTE)", "FTE", AMOUNT, 1),
            (
                "Total Number of Non Classroom-based School Support Staff, Excluding Auxiliary Staff (Full-Time Equivalent)",
                "support_staff_fte", "Support staff (FTE)", "FTE", AMOUNT, 1,
            ),
            ("Pupil: Teacher Ratio", "pupil_teacher_ratio", "Pupils per teacher", "pupils", AMOUNT, 1),
            ("Mean Gross FTE Salary of All Teachers (£s)", "teacher_salary_mean", "Mean teacher salary (FTE)", "£", AMOUNT, 0),
        ]
    ]
}  # fmt: skip


@register
class DfeWorkforce(PeriodOption):
    code = "dfe_workforce"
    name = "DfE school workforce census, school level (CSV)"
    description = "Teachers, teaching assistants and support staff; pupil:teacher ratio; mean teacher salary."
    indicators = list(WORKFORCE_INDICATORS.values())

    def measures(self, table: CsvTable) -> list[Measure]:
        return [
            Measure(header, WORKFORCE_INDICATORS[_key(header)].code)
            for header in table.header
            if _key(header) in WORKFORCE_INDICATORS
        ]
