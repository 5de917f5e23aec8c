"""DfE key stage 2 performance tables, school level (``hampshire-surrey/ks2_*.csv``).

About 300 columns, and the column sets differ from year to year. The indicator catalogue
is built from the DfE's own column dictionaries, shipped in ``reference/``
(``ks2_meta_2016-2017.csv`` and ``ks2_meta_2018-2019.csv``): every measure column becomes
the indicator ``ks2_<column>`` named by the DfE's label (the later dictionary wins where
both describe a column), so the same column in different years is the same indicator.

Left out on purpose: identity, address and text columns; columns that repeat an earlier
year's figure inside a later file (suffixes ``_16``, ``_17``, ``_18``: those years have
their own files); and the progress bands (``*_DESCR``, words). Three-year totals
(``_3YR``) are kept: small schools are judged on them. Only ``RECTYPE`` 1 rows are
schools. Rows end early when their last fields are empty (schools with no KS2 cohort
that year): the missing fields are read as blank. ``SUPP`` is suppressed; ``NA``, ``NE``, ``NEW`` (a new school), ``NP`` (not
published) and ``LOWCOV`` (too few pupils covered) are missing. The files do not say
their year, so the import is told (``period``, e.g. 2018/19 for ``ks2_2018_*.csv``).
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

from evenbetter.indicators.models import Indicator
from evenbetter.indicators.problems import Problem
from evenbetter.indicators.store import IndicatorDefinition
from evenbetter.ingest.csvfile import CsvRow, CsvStream, CsvTable
from evenbetter.ingest.observations import Measure, PeriodOption, read_number
from evenbetter.ingest.registry import Staged, register

REFERENCE = Path(__file__).parent / "reference"
DICTIONARIES = ["ks2_meta_2016-2017.csv", "ks2_meta_2018-2019.csv"]  # later wins
SOURCE = "DfE key stage 2 performance tables"
NOT_MEASURES = {
    "RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "ADDRESS1", "ADDRESS2", "ADDRESS3", "TOWN",
    "PCODE", "TELNUM", "URN_AC", "SCHNAME_AC", "OPEN_AC", "NFTYPE", "ICLOSE", "RELDENOM", "AGERANGE",
    "CONFEXAM", "TAB15", "TAB1618", "PCON_CODE", "PCON_NAME",
}  # fmt: skip
EARLIER_YEAR = re.compile(r"_1\d$")
NO_FIGURE = {"ne", "new", "np", "lowcov"}
CONTEXT_PREFIXES = ("TELIG", "TKS1", "PTKS1", "BELIG", "GELIG", "PBELIG", "PGELIG", "TFSM", "PTFSM", "TNOTFSM",
                    "PTNOTFSM", "TEAL", "PTEAL", "TMOB", "PTMOB", "TSEN", "PSEN", "TOTPUPS", "TPUPYEAR")  # fmt: skip
HEADLINE_NAMES = {
    "PTRWM_EXP": "Reading, writing and maths: expected standard",
    "PTRWM_HIGH": "Reading, writing and maths: higher standard",
    "READPROG": "Reading progress",
    "WRITPROG": "Writing progress",
    "MATPROG": "Maths progress",
    "READ_AVERAGE": "Reading: average scaled score",
    "MAT_AVERAGE": "Maths: average scaled score",
    "PTFSM6CLA1A": "Disadvantaged pupils (KS2 cohort)",
    "TELIG": "Pupils in the KS2 cohort",
}


def _no_figure(raw: str) -> float | None:
    return None if raw.strip().lower() in NO_FIGURE else read_number(raw)


def _definition(field: str, label: str) -> IndicatorDefinition:
    upper = field.upper()
    context = upper.startswith(CONTEXT_PREFIXES) or upper == "TKS1AVERAGE"
    name = HEADLINE_NAMES.get(upper) or label.strip().rstrip(".") or field
    limit = upper.endswith(("_LOWER", "_UPPER"))
    is_progress = "PROG" in upper and not upper.endswith(("_LOWER", "_UPPER", "COV")) and not context
    if "PROG" in upper and not upper.endswith("COV"):
        unit, comparison, low, high = "score", Indicator.Comparison.SCORE, None, None
    elif upper.startswith("DIFFN"):
        unit, comparison, low, high = "points", Indicator.Comparison.SCORE, -100.0, 100.0
    elif "AVERAGE" in upper:
        unit, comparison, low, high = "score", Indicator.Comparison.SCORE, 0.0, None
    elif upper.startswith("P") or upper.endswith("COV"):
        unit, comparison, low, high = "%", Indicator.Comparison.PERCENT, 0.0, 100.0
    else:
        unit, comparison, low, high = "pupils", Indicator.Comparison.COUNT, 0.0, None
    higher_is_better = not context and not limit and comparison != Indicator.Comparison.COUNT
    higher_is_better = higher_is_better and not upper.startswith("DIFFN") and not upper.endswith("COV")
    return IndicatorDefinition(
        code=f"ks2_{field.lower()}",
        name=name[:200],
        unit=unit,
        direction=Indicator.Direction.HIGHER_IS_BETTER if higher_is_better else Indicator.Direction.NEITHER,
        domain=Indicator.Domain.CONTEXT if context else Indicator.Domain.OUTCOMES,
        comparison=comparison,
        source=SOURCE,
        description=f"{label.strip()} ({field}).",
        decimal_places=0 if comparison == Indicator.Comparison.COUNT else 1,
        minimum=low,
        maximum=high,
        headline=upper in HEADLINE_NAMES,
        # Progress scores are measured against the national average, which is 0 by design.
        standard=0.0 if is_progress else None,
        standard_label="National average progress (0)" if is_progress else "",
        cohort_indicator="" if context else "ks2_telig",
    )


@cache
def ks2_catalogue() -> dict[str, IndicatorDefinition]:
    """Column name (upper case) -> indicator, from the DfE's dictionaries."""
    labels: dict[str, tuple[str, str]] = {}
    for name in DICTIONARIES:
        for row in csv.DictReader(io.StringIO((REFERENCE / name).read_text(encoding="utf-8-sig"))):
            field = (row.get("FieldName") or row.get("Field Name") or "").strip()
            if field:
                labels[field.upper()] = (field, row.get("Label/Description", ""))
    return {
        upper: _definition(field, label)
        for upper, (field, label) in labels.items()
        if upper not in NOT_MEASURES and not EARLIER_YEAR.search(upper) and not upper.endswith("_DESCR")
    }


@register
class DfeKs2(PeriodOption):
    code = "dfe_ks2"
    name = "DfE key stage 2 performance tables, school level (CSV)"
    description = "Attainment and progress at age 11, with the cohort's context; one file per year."
    indicators = list(ks2_catalogue().values())
    required_columns = ["RECTYPE"]
    short_rows_are_blank = True

    def keep_row(self, row: CsvRow) -> bool:
        return row.values["RECTYPE"].strip() == "1"

    def measures(self, table: CsvTable) -> list[Measure]:
        catalogue = ks2_catalogue()
        return [
            Measure(column, catalogue[column.upper()].code, _no_figure)
            for column in table.header
            if column.upper() in catalogue
        ]

    def parse(self, content: bytes, file_name: str) -> Staged:
        staged = super().parse(content, file_name)
        # The header as the file was read above (whatever its line endings: "\r" alone too).
        header = CsvStream(content, file_name, pad_short_rows=True).header
        catalogue = ks2_catalogue()
        unknown = [
            c
            for c in header
            if c.upper() not in catalogue
            and c.upper() not in NOT_MEASURES
            and not EARLIER_YEAR.search(c.upper())
            and not c.upper().endswith("_DESCR")
        ]
        if unknown:
            staged.problems.append(
                Problem(
                    file_name,
                    1,
                    unknown[0],
                    f"{len(unknown)} column(s) are in neither DfE dictionary and were skipped: {', '.join(unknown)}",
                    "warning",
                )
            )
        return staged
