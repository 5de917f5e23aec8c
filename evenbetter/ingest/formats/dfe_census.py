"""DfE school census, school level (``national-2019/england_census.csv``).

Columns: ``URN, LA, ESTAB, SCHOOLTYPE`` then pupil numbers and percentages: on roll,
girls and boys, SEN support and EHC plans, first language, free school meals. The file
does not say which year it covers, so the import is told (``period``, e.g. 2018/19).
Every figure is context: it describes the pupils, not how well the school does.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from functools import cache
from pathlib import Path

from evenbetter.indicators.models import ImportRun, Indicator
from evenbetter.ingest.csvfile import CsvRow, CsvTable, read_csv
from evenbetter.ingest.observations import IndicatorDefinition, Measure, PeriodOption, percent
from evenbetter.ingest.registry import Loaded, Progress, register
from evenbetter.schools.models import School

SOURCE = "DfE schools, pupils and their characteristics (school census)"
CONTEXT = Indicator.Domain.CONTEXT
NEITHER = Indicator.Direction.NEITHER


def _count(code: str, name: str, description: str) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code,
        name=name,
        unit="pupils",
        direction=NEITHER,
        domain=CONTEXT,
        comparison=Indicator.Comparison.COUNT,
        source=SOURCE,
        description=description,
        decimal_places=0,
        minimum=0.0,
    )


def _percent(code: str, name: str, description: str) -> IndicatorDefinition:
    return percent(code, name, SOURCE, direction=NEITHER, domain=CONTEXT, description=description)


# Column -> indicator, in the file's order.
CENSUS_INDICATORS: dict[str, IndicatorDefinition] = {
    "NOR": _count("pupils_on_roll", "Pupils on roll", "Headcount of pupils on roll (NOR)."),
    "NORG": _count("pupils_girls", "Girls on roll", "Headcount of girls on roll (NORG)."),
    "NORB": _count("pupils_boys", "Boys on roll", "Headcount of boys on roll (NORB)."),
    "PNORG": _percent("percent_girls", "Girls", "Percentage of pupils who are girls (PNORG)."),
    "PNORB": _percent("percent_boys", "Boys", "Percentage of pupils who are boys (PNORB)."),
    # In the DfE's naming, ...ELSE counts pupils with an EHC plan (or a statement) and
    # ...ELK those on SEN support: special schools' national row has 98% under PSENELSE.
    "TSENELSE": _count(
        "pupils_ehc_plan", "Pupils with an EHC plan", "Pupils with an EHC plan or statement (TSENELSE)."
    ),
    "PSENELSE": _percent(
        "percent_ehc_plan", "EHC plan", "Percentage of pupils with an EHC plan or statement (PSENELSE)."
    ),
    "TSENELK": _count("pupils_sen_support", "Pupils with SEN support", "Pupils with SEN support (TSENELK)."),
    "PSENELK": _percent("percent_sen", "SEN support", "Percentage of pupils with SEN support (PSENELK)."),
    "NUMEAL": _count(
        "pupils_eal",
        "Pupils with English as an additional language",
        "Pupils whose first language is known or believed to be other than English (NUMEAL).",
    ),
    "NUMENGFL": _count("pupils_english_first", "Pupils with English as first language", "NUMENGFL."),
    "NUMUNCFL": _count("pupils_language_unclassified", "Pupils whose first language is unclassified", "NUMUNCFL."),
    "PNUMEAL": _percent(
        "percent_eal",
        "English as an additional language",
        "Percentage of pupils whose first language is other than English (PNUMEAL).",
    ),
    "PNUMENGFL": _percent("percent_english_first", "English as first language", "PNUMENGFL."),
    "PNUMUNCFL": _percent("percent_language_unclassified", "First language unclassified", "PNUMUNCFL."),
    "NUMFSM": _count(
        "pupils_fsm", "Pupils eligible for free school meals", "Pupils eligible for free school meals now (NUMFSM)."
    ),
    "NUMFSMEVER": _count(
        "pupils_fsm_ever",
        "Pupils eligible for FSM in the last six years",
        "Pupils eligible for free school meals at any time in the last six years (NUMFSMEVER).",
    ),
    "PNUMFSMEVER": _percent(
        "percent_fsm",
        "Free school meals in the last six years",
        "Percentage of pupils eligible for free school meals at any time in the last six years (PNUMFSMEVER).",
    ),
}


@register
class DfeCensus(PeriodOption):
    code = "dfe_census"
    name = "DfE school census, school level (CSV)"
    description = "Pupils on roll and their characteristics (SEN, first language, free school meals) per school."
    indicators = [
        replace(
            d, headline=d.code in {"pupils_on_roll", "percent_fsm", "percent_eal", "percent_sen", "percent_ehc_plan"}
        )
        for d in CENSUS_INDICATORS.values()
    ]

    def load(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None = None) -> Loaded:
        if self.options.get("add_missing_schools"):
            added = _add_missing_schools(read_csv(content, file_name))
            loaded = super().load(content, file_name, run, progress)
            loaded.counts.example(f"{added} schools added to the register from the census")
            return loaded
        return super().load(content, file_name, run, progress)

    def keep_row(self, row: CsvRow) -> bool:
        # The national rows ("NAT" in the URN column) are totals by phase, not schools.
        return row.values["URN"].strip().upper() != "NAT"

    def measures(self, table: CsvTable) -> list[Measure]:
        return [Measure(column, d.code) for column, d in CENSUS_INDICATORS.items() if column in table.header]


@cache
def _local_authorities() -> dict[str, str]:
    """LA code -> name, from the DfE's list shipped in ``reference/``."""
    path = Path(__file__).parent / "reference" / "la_and_region_codes_meta.csv"
    return {
        row["LEA"].strip(): row["LA Name"].strip() for row in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))
    }


PHASES = {"primary": "Primary", "secondary": "Secondary", "special": "Special", "pupil referral": "Not applicable"}


def _phase(school_type: str) -> str:
    lowered = school_type.lower()
    return next((phase for word, phase in PHASES.items() if word in lowered), "")


def _add_missing_schools(table: CsvTable) -> int:
    """Schools in the census but not on the register, added with what the census says.

    The census carries no name, address or status: such a school is named by its URN,
    marked open (it was in the census), and the register fills the rest when imported.
    Runs inside the import's transaction, so a failed import adds no school.
    """
    urns = {int(r.values["URN"]) for r in table.rows if r.values["URN"].strip().isdigit()}
    known = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
    authorities = _local_authorities()
    new = []
    for row in table.rows:
        urn_text = row.values["URN"].strip()
        if not urn_text.isdigit() or int(urn_text) in known:
            continue
        la = row.values.get("LA", "").strip()
        school_type = row.values.get("SCHOOLTYPE", "").strip()
        new.append(
            School(
                urn=int(urn_text),
                name=f"URN {urn_text} (name not in the census)",
                la_code=la,
                la_name=authorities.get(la, ""),
                establishment_number=row.values.get("ESTAB", "").strip(),
                type_name=school_type,
                phase=_phase(school_type),
                status=School.Status.OPEN,
            )
        )
        known.add(int(urn_text))
    School.objects.bulk_create(new, batch_size=2000)
    return len(new)
