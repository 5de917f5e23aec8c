"""DfE key stage 4 performance tables, school level (``national-2019/england_ks4provisional.csv``).

Rows with ``RECTYPE`` 1 (mainstream schools) and 2 (special schools, as the DfE's
dictionary of its performance tables names them; their ``NFTYPE`` is CYS, ACCS,
INDSPEC…) are schools; 4, 5 and 7 are authority and national totals, with no URN. The
figures are provisional, and each observation says so. ``SUPP`` is suppressed; ``NA``,
``NE`` (no pupils entered) and ``LOWCOV`` (too few pupils covered for a progress score)
are missing; a blank cell is no value at all. Percentages are written with ``%``. The
file does not say its year, so the import is told (``period``, e.g. 2018/19).
"""

from __future__ import annotations

from evenbetter.indicators.models import Indicator
from evenbetter.indicators.store import IndicatorDefinition
from evenbetter.ingest.csvfile import CsvRow, CsvTable
from evenbetter.ingest.formats.dfe_census import unread_columns
from evenbetter.ingest.observations import Measure, PeriodOption, read_number
from evenbetter.ingest.registry import Staged, register

SOURCE = "DfE key stage 4 performance tables (provisional)"
OUTCOMES, CONTEXT = Indicator.Domain.OUTCOMES, Indicator.Domain.CONTEXT
HIGHER, NEITHER, LOWER = (
    Indicator.Direction.HIGHER_IS_BETTER,
    Indicator.Direction.NEITHER,
    Indicator.Direction.LOWER_IS_BETTER,
)
PERCENT, SCORE, COUNT, ORDINAL = (
    Indicator.Comparison.PERCENT,
    Indicator.Comparison.SCORE,
    Indicator.Comparison.COUNT,
    Indicator.Comparison.ORDINAL,
)


def _ks4(
    column: str, code: str, name: str, unit: str, comparison: str, direction: str, low: float | None, high: float | None
) -> tuple[str, IndicatorDefinition]:
    return column, IndicatorDefinition(
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        domain=CONTEXT if comparison == COUNT else OUTCOMES,
        comparison=comparison,
        source=SOURCE,
        description=f"{name} ({column}).",
        decimal_places=0 if comparison in (COUNT, ORDINAL) else 2 if "Progress 8" in name else 1,
        minimum=low,
        maximum=high,
        ordinal_labels=(
            {
                "1": "Well above average",
                "2": "Above average",
                "3": "Average",
                "4": "Below average",
                "5": "Well below average",
            }
            if comparison == ORDINAL
            else {}
        ),
        headline=code in {"ks4_attainment8", "ks4_progress8", "ks4_english_maths_4", "ks4_ebacc_aps"},
        # Progress 8 is measured against the national average, which is 0 by design.
        standard=0.0 if code == "ks4_progress8" else None,
        standard_label="National average progress (0)" if code == "ks4_progress8" else "",
        cohort_indicator="ks4_pupils" if comparison != COUNT else "",
    )


KS4_INDICATORS = dict(
    [
        _ks4("TPUP", "ks4_pupils", "Pupils at the end of key stage 4", "pupils", COUNT, NEITHER, 0, None),
        _ks4("ATT8SCR", "ks4_attainment8", "Attainment 8 score", "score", SCORE, HIGHER, 0, 90),
        _ks4("P8PUP", "ks4_p8_pupils", "Pupils in the Progress 8 measure", "pupils", COUNT, NEITHER, 0, None),
        _ks4("TP8ADJ", "ks4_p8_adjusted", "Pupils whose Progress 8 scores were adjusted", "pupils", COUNT, NEITHER, 0, None),
        _ks4("P8MEA", "ks4_progress8", "Progress 8 score", "score", SCORE, HIGHER, None, None),
        _ks4("P8CILOW", "ks4_progress8_lower", "Progress 8: lower confidence limit", "score", SCORE, NEITHER, None, None),
        _ks4("P8CIUPP", "ks4_progress8_upper", "Progress 8: upper confidence limit", "score", SCORE, NEITHER, None, None),
        _ks4("P8MEA_ORIG", "ks4_progress8_unadjusted", "Progress 8 score before adjustment", "score", SCORE, NEITHER, None, None),
        _ks4("P8CILOW_ORIG", "ks4_progress8_unadjusted_lower", "Progress 8 before adjustment: lower limit", "score", SCORE, NEITHER, None, None),
        _ks4("P8CIUPP_ORIG", "ks4_progress8_unadjusted_upper", "Progress 8 before adjustment: upper limit", "score", SCORE, NEITHER, None, None),
        _ks4("PTL2BASICS_94", "ks4_english_maths_4", "Grade 4 or above in English and maths", "%", PERCENT, HIGHER, 0, 100),
        _ks4("PTL2BASICS_95", "ks4_english_maths_5", "Grade 5 or above in English and maths", "%", PERCENT, HIGHER, 0, 100),
        _ks4("EBACCAPS", "ks4_ebacc_aps", "EBacc average point score", "score", SCORE, HIGHER, 0, 9),
        _ks4("PTEBACC_E_PTQ_EE", "ks4_ebacc_entered", "Entered for the EBacc", "%", PERCENT, HIGHER, 0, 100),
        _ks4("PTEBACC_94", "ks4_ebacc_4", "EBacc achieved at grade 4 or above", "%", PERCENT, HIGHER, 0, 100),
        _ks4("PTEBACC_95", "ks4_ebacc_5", "EBacc achieved at grade 5 or above", "%", PERCENT, HIGHER, 0, 100),
        _ks4("PT5EM_94", "ks4_five_gcses_4", "Five GCSEs at grade 4 or above including English and maths", "%", PERCENT, HIGHER, 0, 100),
        _ks4("P8_BANDING", "ks4_progress8_band", "Progress 8 band", "band", ORDINAL, LOWER, 1, 5),
    ]
)  # fmt: skip


# Record types that are schools: mainstream and special.
SCHOOL_RECORDS = frozenset({"1", "2"})
# Columns that say which school a row is about, not how its pupils did.
IDENTITY_COLUMNS = frozenset({"RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "ICLOSE", "NFTYPE"})


def _no_figure(raw: str) -> float | None:
    return None if raw.strip().lower() == "lowcov" else read_number(raw)


@register
class DfeKs4(PeriodOption):
    code = "dfe_ks4"
    name = "DfE key stage 4 performance tables, school level (CSV)"
    description = "Attainment 8, Progress 8 with its confidence limits, English and maths, EBacc (provisional)."
    indicators = list(KS4_INDICATORS.values())
    required_columns = ["RECTYPE"]
    provisional = True

    # The columns of the file being read that are neither indicators nor identity.
    _unread: tuple[str, ...] = ()

    def keep_row(self, row: CsvRow) -> bool:
        return row.values["RECTYPE"].strip() in SCHOOL_RECORDS

    def measures(self, table: CsvTable) -> list[Measure]:
        self._unread = tuple(c for c in table.header if c not in KS4_INDICATORS and c not in IDENTITY_COLUMNS)
        return [Measure(column, d.code, _no_figure) for column, d in KS4_INDICATORS.items() if column in table.header]

    def parse(self, content: bytes, file_name: str) -> Staged:
        staged = super().parse(content, file_name)
        if self._unread:
            staged.problems.append(unread_columns(file_name, self._unread))
        return staged
