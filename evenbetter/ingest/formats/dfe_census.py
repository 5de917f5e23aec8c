"""DfE school census, school level (``national-2019/england_census.csv``).

Columns: ``URN, LA, ESTAB, SCHOOLTYPE`` then pupil numbers and percentages: on roll,
girls and boys, SEN support and EHC plans, first language, free school meals. The file
does not say which year it covers, so the import is told (``period``, e.g. 2018/19).
Every figure is context: it describes the pupils, not how well the school does. ``NA``
(independent schools report no language or free school meals) is missing, never 0.

With ``add_missing_schools``, a school in the census but not on the register is added
with what the census knows of it (URN, authority, establishment number, type): parse
stages its values under a stand-in id, and commit creates the school first and then
writes its values, inside the import's one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from evenbetter.indicators.models import ImportRun, Indicator
from evenbetter.indicators.problems import Problem
from evenbetter.indicators.store import CommitCounts, IndicatorDefinition, catalogue_sync, observations_write
from evenbetter.ingest.csvfile import CsvRow, CsvTable
from evenbetter.ingest.observations import BATCH, Measure, PeriodOption, percent
from evenbetter.ingest.registry import Staged, register
from evenbetter.ingest.values import as_urn
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


# Columns that say which school a row is about, not how its pupils are.
IDENTITY_COLUMNS = frozenset({"URN", "LA", "ESTAB", "SCHOOLTYPE"})


@dataclass
class CensusStaged(Staged):
    # Schools to add before the values are written, by the stand-in id their values carry.
    new_schools: dict[int, School] = field(default_factory=dict)


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

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # One instance reads one file: what parse learns about it, commit needs.
        self._census_rows: dict[str, CsvRow] = {}
        self._new_schools: dict[int, School] = {}
        self._unread: tuple[str, ...] = ()

    def keep_row(self, row: CsvRow) -> bool:
        # The national rows ("NAT" in the URN column) are totals by phase, not schools.
        return row.values["URN"].strip().upper() != "NAT"

    def measures(self, table: CsvTable) -> list[Measure]:
        self._unread = tuple(c for c in table.header if c not in CENSUS_INDICATORS and c not in IDENTITY_COLUMNS)
        return [Measure(column, d.code) for column, d in CENSUS_INDICATORS.items() if column in table.header]

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        table = super().read_table(content, file_name)
        if self.options.get("add_missing_schools"):
            # What the census says about each school, for those the register lacks.
            self._census_rows = {row.values["URN"].strip(): row for row in table.rows if "URN" in row.values}
        return table

    def resolve_schools(self, rows: list[CsvRow], file_name: str) -> dict[str, int]:
        found = super().resolve_schools(rows, file_name)
        if not self.options.get("add_missing_schools"):
            return found
        for row in rows:
            urn = row.values[self.school_column].strip()
            number = as_urn(urn)
            if urn in found or number is None:
                continue
            # A stand-in id (minus the URN) until commit has created the school.
            found[urn] = -number
            self._new_schools[-number] = _school_from_census(self._census_rows[urn])
        return found

    def parse(self, content: bytes, file_name: str) -> Staged:
        staged = super().parse(content, file_name)
        if self._unread:
            staged.problems.append(unread_columns(file_name, self._unread))
        return CensusStaged(
            records=staged.records,
            rows_read=staged.rows_read,
            problems=staged.problems,
            rows_accepted=staged.rows_accepted,
            new_schools=dict(self._new_schools),
        )

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = CommitCounts()
        records = staged.records
        new_schools = staged.new_schools if isinstance(staged, CensusStaged) else {}
        if new_schools:
            ids = schools_create(list(new_schools.values()))
            stand_ins = {stand_in: ids[school.urn] for stand_in, school in new_schools.items() if school.urn}
            records = [r._replace(school_id=stand_ins[r.school_id]) if r.school_id < 0 else r for r in records]
            n = len(new_schools)
            counts.example(
                f"{n:,} school{'s' if n != 1 else ''} the register lacks added from the census, "
                "named by URN until the register is imported"
            )
        return observations_write(records, catalogue_sync(self.indicators), run, counts=counts)


def unread_columns(file_name: str, columns: tuple[str, ...]) -> Problem:
    """A warning for the columns of a file that no indicator reads: a misspelt header is not lost silently."""
    return Problem(
        file_name,
        1,
        columns[0],
        f"{len(columns)} column(s) are not ones this format knows and were not read: {', '.join(columns)}",
        "warning",
    )


@cache
def local_authorities() -> dict[str, str]:
    """LA code -> name, from the DfE's list shipped in ``reference/``, and the authorities it no longer lists."""
    path = Path(__file__).parent / "reference" / "la_and_region_codes_meta.csv"
    current = {
        row["LEA"].strip(): row["LA Name"].strip() for row in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))
    }
    # Merged in April 2019 into Dorset (838) and Bournemouth, Christchurch and Poole (839);
    # the 2018/19 census still uses the old codes for 291 schools.
    return {"835": "Dorset", "836": "Poole", "837": "Bournemouth", **current}


@cache
def local_authority_regions() -> dict[str, str]:
    """LA code -> the DfE's region name ("North West B"), from the same shipped list."""
    path = Path(__file__).parent / "reference" / "la_and_region_codes_meta.csv"
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))
    regions = {row["LEA"].strip(): row["REGION NAME"].strip() for row in rows}
    # The old Dorset, Poole and Bournemouth codes (see _local_authorities) are all South West.
    south_west = regions.get("838", "")
    return {**{code: south_west for code in ("835", "836", "837") if south_west}, **regions}


# The census's school types that name a phase. A special school is its own phase in the
# DfE's census totals (SPE) and is compared with special schools; an independent school
# or a pupil referral unit may teach any age, so its phase is left for the register.
PHASES = {
    "State-funded primary": "Primary",
    "State-funded secondary": "Secondary",
    "State-funded nursery": "Nursery",
    "State-funded special school": "Special",
    "Non-maintained special school": "Special",
}


def _school_from_census(row: CsvRow) -> School:
    urn = row.values["URN"].strip()
    la = row.values.get("LA", "").strip()
    school_type = row.values.get("SCHOOLTYPE", "").strip()
    return School(
        urn=int(urn),
        name=f"URN {urn} (name not in the census)",
        la_code=la,
        la_name=local_authorities().get(la, ""),
        establishment_number=row.values.get("ESTAB", "").strip(),
        type_name=school_type,
        phase=PHASES.get(school_type, ""),
        # It was in this year's census, so it was open; the register says more when imported.
        status=School.Status.OPEN,
    )


def schools_create(schools: list[School]) -> dict[int, int]:
    """Create the schools; return URN -> id (read back: not every database returns ids)."""
    School.objects.bulk_create(schools, batch_size=BATCH)
    urns = [school.urn for school in schools if school.urn is not None]
    ids: dict[int, int] = {}
    for start in range(0, len(urns), BATCH):
        for urn, pk in School.objects.filter(urn__in=urns[start : start + BATCH]).values_list("urn", "pk"):
            if urn is not None:
                ids[urn] = pk
    return ids
