"""DfE pupil absence in schools (school-level file, e.g. ``national-2019/england_abs.csv``).

Columns: ``LA, ESTAB, URN, PERCTOT, PPERSABS10``. The file does not say which academic
year it covers, so the import is told (``period``, e.g. 2018/19).
"""

from __future__ import annotations

from evenbetter.indicators.models import Indicator
from evenbetter.ingest.csvfile import CsvTable
from evenbetter.ingest.observations import Measure, PeriodOption, percent
from evenbetter.ingest.registry import register

SOURCE = "DfE pupil absence in schools in England"


@register
class DfeAbsence(PeriodOption):
    code = "dfe_absence"
    name = "DfE pupil absence, school level (CSV)"
    description = "Overall absence rate and persistent absence per school for one academic year."
    indicators = [
        percent(
            "absence_overall",
            "Overall absence",
            SOURCE,
            direction=Indicator.Direction.LOWER_IS_BETTER,
            domain=Indicator.Domain.ATTENDANCE,
            description="Percentage of possible sessions missed through authorised and unauthorised absence (PERCTOT).",
            headline=True,
        ),
        percent(
            "absence_persistent",
            "Persistent absence",
            SOURCE,
            direction=Indicator.Direction.LOWER_IS_BETTER,
            domain=Indicator.Domain.ATTENDANCE,
            description="Percentage of pupils missing 10% or more of possible sessions (PPERSABS10).",
            headline=True,
        ),
    ]

    def measures(self, table: CsvTable) -> list[Measure]:
        columns = {"PERCTOT": "absence_overall", "PPERSABS10": "absence_persistent"}
        return [Measure(column, code) for column, code in columns.items() if column in table.header]
