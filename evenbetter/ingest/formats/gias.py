"""Get Information About Schools (GIAS): the Department for Education's register extract.

Proven on ``hampshire-surrey/gias_20220420.csv`` (111 columns). Columns are found by
name, so a narrower or reordered extract still loads; a column that is absent leaves
that field as it was. The register's personal fields (``HeadTitle``, ``HeadFirstName``,
``HeadLastName``, ``HeadPreferredJobTitle``, ``TelephoneNum``) are never read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from pyproj import Transformer

from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun, Inspection
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import CommitCounts
from evenbetter.ingest.csvfile import CsvRow, read_csv
from evenbetter.ingest.registry import SourceFormat, Staged, register
from evenbetter.ingest.values import LARGEST_INTEGER, parse_count, parse_date, parse_decimal, parse_int, parse_text
from evenbetter.schools.models import School
from evenbetter.vocabulary.grades import ofsted_grade

NOT_APPLICABLE = frozenset({"Not applicable", "Does not have links"})
STATUSES = {
    "open": School.Status.OPEN,
    "closed": School.Status.CLOSED,
    "open, but proposed to close": School.Status.OPEN_PROPOSED_TO_CLOSE,
    "proposed to open": School.Status.PROPOSED_TO_OPEN,
}
LINKS_COLUMN = "Linked establishments"
REGISTER_SOURCE = "Register (Get Information About Schools)"
PLACEHOLDER_DATE = dt.date(1900, 1, 1)
# The British National Grid covers 0-700 km east and 0-1,300 km north.
GRID_LIMITS = {"easting": 700_000, "northing": 1_300_000}


def _text(raw: str) -> str:
    return parse_text(raw, not_applicable=NOT_APPLICABLE)


def _urban_rural(raw: str) -> str:
    return _text(raw).removeprefix("(England/Wales) ").removeprefix("(England/Wales)").strip()


def _status(raw: str) -> str:
    try:
        return STATUSES[raw.strip().lower()]
    except KeyError:
        known = ", ".join(f'"{name.capitalize()}"' for name in STATUSES)
        raise ValueError(f'"{raw.strip()}" is not a register status (expected one of {known})') from None


def _age(raw: str) -> int | None:
    return parse_count(raw, maximum=99)


def _percent(raw: str) -> Decimal | None:
    value = parse_decimal(raw)
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f'"{raw.strip()}" is not a percentage between 0 and 100')
    return value


def _required_text(raw: str) -> str:
    text = _text(raw)
    if not text:
        raise ValueError("a value is required here")
    return text


def _urn(raw: str) -> int:
    value = parse_int(raw)
    if value is None or value <= 0 or value > LARGEST_INTEGER:
        raise ValueError(f'"{raw.strip()}" is not a URN (a positive whole number is required)')
    return value


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], Any]
    required: bool = False


COLUMNS = [
    Column("URN", "urn", _urn, required=True),
    Column("EstablishmentName", "name", _required_text, required=True),
    Column("LA (code)", "la_code", _required_text, required=True),
    Column("LA (name)", "la_name", _required_text, required=True),
    Column("EstablishmentStatus (name)", "status", _status, required=True),
    Column("EstablishmentNumber", "establishment_number", _text),
    Column("TypeOfEstablishment (name)", "type_name", _text),
    Column("EstablishmentTypeGroup (name)", "type_group", _text),
    Column("PhaseOfEducation (name)", "phase", _text),
    Column("OpenDate", "open_date", parse_date),
    Column("CloseDate", "close_date", parse_date),
    Column("StatutoryLowAge", "statutory_low_age", _age),
    Column("StatutoryHighAge", "statutory_high_age", _age),
    Column("Gender (name)", "gender", _text),
    Column("ReligiousCharacter (name)", "religious_character", _text),
    Column("SchoolCapacity", "capacity", parse_count),
    Column("NumberOfPupils", "pupils_on_roll", parse_count),
    Column("PercentageFSM", "percent_fsm", _percent),
    Column("CensusDate", "census_date", parse_date),
    Column("Trusts (name)", "trust_name", _text),
    Column("Federations (name)", "federation_name", _text),
    Column("Town", "town", _text),
    Column("Postcode", "postcode", _text),
    Column("UrbanRural (name)", "urban_rural", _urban_rural),
    Column("DistrictAdministrative (name)", "district", _text),
    Column("AdministrativeWard (name)", "ward", _text),
    Column("Easting", "easting", parse_int),
    Column("Northing", "northing", parse_int),
    Column("OfstedRating (name)", "ofsted_rating", _text),
    Column("OfstedLastInsp", "ofsted_last_inspection", parse_date),
    Column(LINKS_COLUMN, "linked_establishments", _text),
]
REQUIRED_HEADERS = [column.header for column in COLUMNS if column.required]


@cache
def _grid_to_wgs84() -> Transformer:
    # OSGB36 / British National Grid (EPSG:27700) to latitude/longitude (EPSG:4326).
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def latitude_longitude(easting: int, northing: int) -> tuple[float, float]:
    longitude, latitude = _grid_to_wgs84().transform(easting, northing)
    return round(latitude, 6), round(longitude, 6)


@register
class GiasRegister(SourceFormat):
    code = "gias"
    name = "Get Information About Schools register (CSV)"
    description = "The DfE's register of establishments: one row per school, open and closed."

    def parse(self, content: bytes, file_name: str) -> Staged:
        table = read_csv(content, file_name, spill_column=LINKS_COLUMN)
        missing = [header for header in REQUIRED_HEADERS if header not in table.header]
        if missing:
            raise ImportRejected(
                [Problem(file_name, 1, header, "this required column is missing from the header") for header in missing]
            )
        present = [column for column in COLUMNS if column.header in table.header]
        problems: list[Problem] = []
        records: list[dict[str, Any]] = []
        first_line_of: dict[int, int] = {}
        for row in table.rows:
            record = self._parse_row(row, present, file_name, problems)
            if record is None:
                continue
            urn = record["urn"]
            if urn in first_line_of:
                problems.append(
                    Problem(file_name, row.line, "URN", f"URN {urn} is already on line {first_line_of[urn]}")
                )
                continue
            first_line_of[urn] = row.line
            records.append(record)
        return Staged(records=records, rows_read=len(table.rows), problems=problems)

    def _parse_row(
        self, row: CsvRow, columns: list[Column], file_name: str, problems: list[Problem]
    ) -> dict[str, Any] | None:
        record: dict[str, Any] = {}
        row_ok = True
        for column in columns:
            raw = row.values[column.header]
            try:
                record[column.field] = column.parse(raw)
            except ValueError as error:
                problems.append(
                    Problem(
                        file_name,
                        row.line,
                        column.header,
                        f"{error}; the value was not read (a value held before is kept)"
                        if not column.required
                        else str(error),
                        "error" if column.required else "warning",
                    )
                )
                row_ok = row_ok and not column.required
                # Left out of the record, not set to blank: a value the school already
                # has is not wiped by a cell this file garbles.
                record.pop(column.field, None)
        if not row_ok:
            return None
        if record.get("open_date") == PLACEHOLDER_DATE:
            # The register writes 1 January 1900 when it does not know when a school opened.
            record["open_date"] = None
        if record.get("easting") == 0 and record.get("northing") == 0:
            # The register writes 0, 0 for a school it has no location for.
            record["easting"] = record["northing"] = None
        for axis, limit in GRID_LIMITS.items():
            value = record.get(axis)
            if value is not None and not 0 <= value <= limit:
                header = axis.capitalize()
                problems.append(
                    Problem(
                        file_name,
                        row.line,
                        header,
                        f"{value} is outside the British National Grid; the location was left blank",
                        "warning",
                    )
                )
                record["easting"] = record["northing"] = None
        if "easting" in record and "northing" in record:
            if record["easting"] is not None and record["northing"] is not None:
                record["latitude"], record["longitude"] = latitude_longitude(record["easting"], record["northing"])
            else:
                record["latitude"] = record["longitude"] = None
        return record

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        from evenbetter.schools.services import register_sync_localities, register_sync_partnerships

        counts = CommitCounts()
        existing = School.objects.in_bulk([record["urn"] for record in staged.records], field_name="urn")
        to_create: list[School] = []
        to_update: list[School] = []
        changed_fields: set[str] = set()
        now = timezone.now()
        for record in staged.records:
            school = existing.get(record["urn"])
            if school is None:
                to_create.append(School(**record))
                counts.example(f"new school: {record['name']} ({record['urn']})")
                continue
            changes = {name: value for name, value in record.items() if getattr(school, name) != value}
            if not changes:
                counts.unchanged += 1
                continue
            counts.example(
                f"{school.name} ({school.urn}): "
                + "; ".join(f"{name} {getattr(school, name)!s} → {value!s}" for name, value in sorted(changes.items()))
            )
            for name, value in changes.items():
                setattr(school, name, value)
            school.updated_at = now
            changed_fields.update(changes)
            to_update.append(school)
        School.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            School.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}), batch_size=500)
        counts.created, counts.updated = len(to_create), len(to_update)
        register_sync_partnerships(today=timezone.localdate())
        _register_inspections(staged.records, run)
        register_sync_localities()
        return counts


def _register_inspections(records: list[dict[str, Any]], run: ImportRun | None) -> None:
    """The register's latest inspection of each school, kept as a dated inspection event."""
    by_urn = {r["urn"]: r for r in records if r.get("ofsted_rating") and r.get("ofsted_last_inspection")}
    schools = dict(School.objects.filter(urn__in=by_urn).values_list("urn", "pk"))
    have = set(
        Inspection.objects.filter(source=REGISTER_SOURCE, school_id__in=schools.values()).values_list(
            "school_id", "as_at"
        )
    )
    new = []
    for urn, record in by_urn.items():
        inspected_on = record["ofsted_last_inspection"]
        if (schools[urn], inspected_on.isoformat()) in have:
            continue
        try:
            grade = ofsted_grade(record["ofsted_rating"])
        except ValueError:
            grade = None  # an unfamiliar label is kept as text, without a number
        new.append(
            Inspection(
                school_id=schools[urn],
                inspected_on=inspected_on,
                as_at=inspected_on.isoformat(),
                grade=grade,
                grade_label=record["ofsted_rating"],
                source=REGISTER_SOURCE,
                import_run=run,
            )
        )
    Inspection.objects.bulk_create(new)
    import_records_changed()  # the school page keeps its inspections until an import is recorded
