"""Generic formats any authority or trust can produce, in any country.

- ``indicator_catalogue``: defines indicators (code, name, unit, direction, domain, …);
- ``school_list``: registers schools under an identifier scheme of the authority's own,
  either pointing at a school already on the register (by URN) or adding a school that
  has no URN (outside England);
- ``long``: one value per row: ``school_id, period, indicator, value``;
- ``wide``: one row per school and period, one column per indicator, with an optional
  mapping file (``column,indicator``) when the headers are not indicator codes.

Each reads CSV or Excel (.xlsx). Schools are identified by URN, or by the authority's
own identifiers when the import is given ``scheme``. In these files an unknown school or
an unknown indicator is an error, not a skip: a local file should match the register
(unless the import is told ``skip_unknown_schools``, for a national file read through
``wide``: then they are skipped and named). A wide file's mapping may name indicators the
platform's own formats ship (the DfE's key stage 2 and 4 measures) before any file of that
format was imported; ``reference/history_ks*_perf*.csv`` are such mappings, for the trimmed
tables of ``history-2005-2020/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from evenbetter.indicators.models import ImportRun, Indicator
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import CommitCounts, IndicatorDefinition, catalogue_sync, observations_write
from evenbetter.ingest.csvfile import CsvRow, CsvTable, read_csv
from evenbetter.ingest.formats.dfe_census import unread_columns
from evenbetter.ingest.observations import Measure, StreamingObservations
from evenbetter.ingest.registry import Loaded, Progress, SourceFormat, Staged, all_formats, register
from evenbetter.ingest.values import as_urn, parse_decimal, parse_int
from evenbetter.ingest.xlsxfile import read_table
from evenbetter.schools.models import School, SchoolIdentifier
from evenbetter.vocabulary.periods import academic_year_ending

URN_SCHEME = "urn"


def _scheme(options: dict[str, Any], file_name: str) -> str:
    scheme = str(options.get("scheme") or URN_SCHEME).strip()
    if scheme != slugify(scheme) or not scheme:
        raise ImportRejected(
            [Problem(file_name, None, None, f'"{scheme}" is not a scheme name: use lower-case letters, digits and -')]
        )
    return scheme


def _definition_of(indicator: Indicator) -> IndicatorDefinition:
    return IndicatorDefinition(
        indicator.code,
        indicator.name,
        indicator.unit,
        indicator.direction,
        indicator.domain,
        indicator.comparison,
        indicator.source,
        indicator.description,
        indicator.decimal_places,
        indicator.minimum,
        indicator.maximum,
        dict(indicator.ordinal_labels),
        indicator.headline,
    )


class GenericObservations(StreamingObservations):
    """Values for indicators already in the catalogue, for schools already registered."""

    school_column = "school_id"
    unknown_school_is_error = True
    _catalogue: dict[str, IndicatorDefinition] | None = None

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        self.scheme = _scheme(self.options, file_name)
        return read_table(content, file_name)

    def unknown_school_is_an_error(self) -> bool:
        # A national file read through a generic format (the DfE's trimmed tables through
        # ``wide``) names schools a local register lacks: asked, they are skipped and named.
        return not self.options.get("skip_unknown_schools")

    def definitions(self) -> dict[str, IndicatorDefinition]:
        if self._catalogue is None:
            self._catalogue = {i.code: _definition_of(i) for i in Indicator.objects.all()}
        return self._catalogue

    def period_of(self, row: CsvRow, file_name: str) -> str:
        return row.values["period"]

    def resolve_schools(self, rows: list[CsvRow], file_name: str) -> dict[str, int]:
        if self.scheme == URN_SCHEME:
            return super().resolve_schools(rows, file_name)
        keys = sorted({row.values[self.school_column].strip() for row in rows})
        return dict(
            SchoolIdentifier.objects.filter(scheme=self.scheme, value__in=keys).values_list("value", "school_id")
        )

    def indicator_ids(self) -> dict[str, int]:
        return dict(Indicator.objects.values_list("code", "pk"))

    def load(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None = None) -> Loaded:
        self.scheme = _scheme(self.options, file_name)
        return super().load(content, file_name, run, progress)

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        return observations_write(staged.records, self.indicator_ids(), run)


@register
class LongFile(GenericObservations):
    code = "long"
    name = "Generic long file: school_id, period, indicator, value (CSV or Excel)"
    description = "One value per row, for indicators in the catalogue."
    required_columns = ["period", "indicator", "value"]
    staged_in_sql = True  # one value a row: on SQLite the plain ones are checked in SQL

    def measures(self, table: CsvTable) -> list[Measure]:
        self._measures: dict[str, list[Measure]] = {}
        return [Measure("value", "")]  # the indicator is named on each row

    def row_measures(
        self, row: CsvRow, measures: list[Measure], file_name: str, problems: list[Problem]
    ) -> list[Measure]:
        code = row.values["indicator"].strip()
        known = self._measures.get(code)
        if known is not None:  # the common case: an indicator already seen in this file
            return known
        if code not in self.definitions():
            problems.append(
                Problem(
                    file_name,
                    row.line,
                    "indicator",
                    f'"{code}" is not an indicator in the catalogue: define it first (format indicator_catalogue)',
                )
            )
            return []
        known = self._measures[code] = [Measure("value", code)]
        return known


# What a mapping file may map a column to besides an indicator: the file's key columns.
SCHOOL_KEY, PERIOD_KEY = "school_id", "period"
# A column of years written as the year an academic year ends (the DfE's "Academic Year" 2018
# is 2017/18, the year its tests were sat).
PERIOD_END_YEAR = "period_end_year"
KEY_TARGETS = {SCHOOL_KEY: SCHOOL_KEY, PERIOD_KEY: PERIOD_KEY, PERIOD_END_YEAR: PERIOD_KEY}


def shipped_definitions() -> dict[str, IndicatorDefinition]:
    """Every indicator a registered format ships (the DfE's key stage 2 and 4 measures …), by code:
    a wide file may carry them before any file of that format has been imported."""
    shipped: dict[str, IndicatorDefinition] = {}
    for source in all_formats():
        for definition in getattr(source, "indicators", []):
            shipped.setdefault(definition.code, definition)
    return shipped


@register
class WideFile(GenericObservations):
    code = "wide"
    name = "Generic wide file: one row per school and period, a column per indicator (CSV or Excel)"
    description = (
        "Columns are indicator codes, or are named in a mapping file (column,indicator), which may also name "
        "the school_id and period columns (or period_end_year: 2018 means 2017/18)."
    )
    required_columns = ["period"]

    _parsed_mapping: dict[str, str] | None = None
    _period_end_year = False
    _shipped_used: tuple[IndicatorDefinition, ...] = ()
    _unread: tuple[str, ...] = ()

    def header_names(self, header: list[str], file_name: str) -> list[str]:
        mapping = self._mapping(file_name) or {}
        renamed = []
        for column in header:
            target = KEY_TARGETS.get(mapping.get(column, ""))
            if target is not None:
                self._period_end_year = self._period_end_year or mapping[column] == PERIOD_END_YEAR
                if target in header and target != column:
                    raise ImportRejected(
                        [
                            Problem(
                                file_name,
                                1,
                                column,
                                f"the mapping makes this the {target} column, but the file has one",
                            )
                        ]
                    )
            renamed.append(target or column)
        return renamed

    def read_table(self, content: bytes, file_name: str) -> CsvTable:
        table = super().read_table(content, file_name)
        header = self.header_names(table.header, file_name)
        if header == table.header:
            return table
        renames = dict(zip(table.header, header, strict=True))
        rows = [CsvRow(row.line, {renames[k]: v for k, v in row.values.items()}) for row in table.rows]
        return CsvTable(table.file_name, header, rows)

    def period_of(self, row: CsvRow, file_name: str) -> str:
        raw = row.values["period"]
        if self._period_end_year and raw.strip().isdigit() and len(raw.strip()) == 4:
            return academic_year_ending(int(raw))
        return raw

    def definitions(self) -> dict[str, IndicatorDefinition]:
        return shipped_definitions() | super().definitions()

    def indicator_ids(self) -> dict[str, int]:
        # Shipped indicators the file carries join the catalogue as their format defines them.
        if self._shipped_used:
            catalogue_sync(self._shipped_used)
        return super().indicator_ids()

    def measures(self, table: CsvTable) -> list[Measure]:
        mapping = self._mapping(table.file_name)
        catalogue = self.definitions()
        in_store = super().definitions()
        keys = (self.school_column, "period")
        value_columns = [c for c in table.header if c not in keys]
        problems: list[Problem] = []
        measures: list[Measure] = []
        if mapping is not None:
            for column, code in mapping.items():
                if code in KEY_TARGETS:
                    continue
                if column not in table.header:
                    problems.append(
                        Problem(table.file_name, 1, column, "the mapping names a column the file does not have")
                    )
                elif code not in catalogue:
                    problems.append(
                        Problem(table.file_name, 1, column, f'"{code}" is not an indicator in the catalogue')
                    )
                else:
                    measures.append(Measure(column, code))
            self._unread = tuple(c for c in value_columns if c not in mapping)
        else:
            for column in value_columns:
                if column in catalogue:
                    measures.append(Measure(column, column))
                else:
                    problems.append(
                        Problem(
                            table.file_name,
                            1,
                            column,
                            "this column is not an indicator code in the catalogue: rename it or give a mapping file",
                        )
                    )
        if problems:
            raise ImportRejected(problems)
        self._shipped_used = tuple(catalogue[m.indicator] for m in measures if m.indicator not in in_store)
        return measures

    def load(self, content: bytes, file_name: str, run: ImportRun, progress: Progress | None = None) -> Loaded:
        loaded = super().load(content, file_name, run, progress)
        if self._unread:
            loaded.problems.append(unread_columns(file_name, self._unread))
        return loaded

    def _mapping(self, file_name: str) -> dict[str, str] | None:
        if self._parsed_mapping is not None:
            return self._parsed_mapping
        mapping = self.options.get("mapping")
        if not mapping:
            return None
        content = mapping.read_bytes() if isinstance(mapping, Path) else bytes(mapping)
        mapping_name = mapping.name if isinstance(mapping, Path) else "mapping file"
        table = read_csv(content, mapping_name)
        missing = [c for c in ("column", "indicator") if c not in table.header]
        if missing:
            raise ImportRejected([Problem(mapping_name, 1, c, "the mapping file needs this column") for c in missing])
        result: dict[str, str] = {}
        for row in table.rows:
            column, code = row.values["column"].strip(), row.values["indicator"].strip()
            if column in result:
                raise ImportRejected([Problem(mapping_name, row.line, "column", f'"{column}" is mapped twice')])
            result[column] = code
        periods = [c for c, code in result.items() if KEY_TARGETS.get(code) == PERIOD_KEY]
        if len(periods) > 1:
            raise ImportRejected(
                [
                    Problem(
                        mapping_name, None, "indicator", f"two columns are mapped to the period: {', '.join(periods)}"
                    )
                ]
            )
        self._parsed_mapping = result
        return result


def _optional_number(raw: str, parse: Any) -> Any:
    return parse(raw) if raw.strip() else None


@register
class IndicatorCatalogue(SourceFormat):
    code = "indicator_catalogue"
    name = "Indicator catalogue: code, name, unit, direction, domain, comparison (CSV or Excel)"
    description = "Defines an authority's own indicators so that long and wide files can carry them."
    required = ["code", "name", "unit", "direction", "domain", "comparison"]

    def parse(self, content: bytes, file_name: str) -> Staged:
        table = read_table(content, file_name)
        missing = [c for c in self.required if c not in table.header]
        if missing:
            raise ImportRejected([Problem(file_name, 1, c, "this required column is missing") for c in missing])
        problems: list[Problem] = []
        records: dict[str, IndicatorDefinition] = {}
        choices = {
            "direction": Indicator.Direction.values,
            "domain": Indicator.Domain.values,
            "comparison": Indicator.Comparison.values,
        }
        for row in table.rows:
            values = {k: v.strip() for k, v in row.values.items()}
            code = values["code"]
            row_problems = []
            if code != slugify(code) or not code:
                row_problems.append(("code", f'"{code}" is not a code: use lower-case letters, digits, - and _'))
            if not values["name"]:
                row_problems.append(("name", "a name is required"))
            for column, allowed in choices.items():
                if values[column] not in allowed:
                    row_problems.append((column, f'"{values[column]}" is not one of {", ".join(allowed)}'))
            bounds: dict[str, Any] = {}
            for column, parse in (
                ("minimum", parse_decimal),
                ("maximum", parse_decimal),
                ("decimal_places", parse_int),
                ("standard", parse_decimal),
            ):
                try:
                    bounds[column] = _optional_number(values.get(column, ""), parse)
                except ValueError as error:
                    row_problems.append((column, str(error)))
            if code in records:
                row_problems.append(("code", f'"{code}" is defined twice in this file'))
            problems += [Problem(file_name, row.line, column, message) for column, message in row_problems]
            if row_problems:
                continue
            records[code] = IndicatorDefinition(
                code=code,
                name=values["name"],
                unit=values["unit"],
                direction=values["direction"],
                domain=values["domain"],
                comparison=values["comparison"],
                source=values.get("source", "") or file_name,
                description=values.get("description", ""),
                decimal_places=bounds["decimal_places"] if bounds["decimal_places"] is not None else 1,
                minimum=float(bounds["minimum"]) if bounds["minimum"] is not None else None,
                maximum=float(bounds["maximum"]) if bounds["maximum"] is not None else None,
                # An authority's own indicators are few and chosen: charted unless it says no.
                headline=values.get("headline", "yes").lower() not in {"no", "n", "false", "0"},
                standard=float(bounds["standard"]) if bounds["standard"] is not None else None,
                standard_label=values.get("standard_label", ""),
                cohort_indicator=values.get("cohort_indicator", ""),
                # An authority's own indicator is published unless it says "public: no".
                is_public=values.get("public", "yes").lower() not in {"no", "n", "false", "0"},
            )
        return Staged(records=list(records.values()), rows_read=len(table.rows), problems=problems)

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        # Through the catalogue's one writer, which renews the figures kept with the old names.
        counts = CommitCounts()
        catalogue_sync(staged.records, counts=counts)
        return counts


@register
class SchoolList(SourceFormat):
    code = "school_list"
    name = "School list: the authority's own identifiers (CSV or Excel)"
    description = (
        "Columns local_id and either urn (a school on the register) or name (a school with no URN); "
        "optional: phase, town, postcode, authority. Needs the scheme's name."
    )
    optional_text = {"phase": "phase", "town": "town", "postcode": "postcode", "authority": "la_name"}

    def parse(self, content: bytes, file_name: str) -> Staged:
        scheme = _scheme(self.options, file_name)
        if scheme == URN_SCHEME:
            raise ImportRejected([Problem(file_name, None, None, "give the name of your identifier scheme, not urn")])
        self.scheme = scheme
        table = read_table(content, file_name)
        if "local_id" not in table.header or not {"urn", "name"} & set(table.header):
            raise ImportRejected(
                [Problem(file_name, 1, "local_id", "a school list needs a local_id column and a urn or a name column")]
            )
        wanted = [as_urn(r.values["urn"]) for r in table.rows if "urn" in r.values]
        urns: dict[int | None, int] = dict(
            School.objects.filter(urn__in=[u for u in wanted if u]).values_list("urn", "pk")
        )
        problems: list[Problem] = []
        records: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for row in table.rows:
            local_id = row.values["local_id"].strip()
            if not local_id:
                problems.append(Problem(file_name, row.line, "local_id", "a local identifier is required"))
                continue
            if local_id in seen:
                problems.append(
                    Problem(file_name, row.line, "local_id", f'"{local_id}" is already on line {seen[local_id]}')
                )
                continue
            seen[local_id] = row.line
            record: dict[str, Any] = {"local_id": local_id, "line": row.line}
            raw_urn = row.values.get("urn", "").strip()
            if raw_urn:
                try:
                    urn = parse_int(raw_urn)
                except ValueError as error:
                    problems.append(Problem(file_name, row.line, "urn", str(error)))
                    continue
                if urn not in urns:
                    problems.append(Problem(file_name, row.line, "urn", f"URN {raw_urn} is not on the register"))
                    continue
                record["school_id"] = urns[urn]
            else:
                name = row.values.get("name", "").strip()
                if not name:
                    problems.append(Problem(file_name, row.line, "name", "a school without a URN needs a name"))
                    continue
                record["fields"] = {"name": name, "status": School.Status.OPEN} | {
                    field: row.values.get(column, "").strip() for column, field in self.optional_text.items()
                }
            records.append(record)
        return Staged(records=records, rows_read=len(table.rows), problems=problems)

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = CommitCounts()
        known = {i.value: i for i in SchoolIdentifier.objects.filter(scheme=self.scheme).select_related("school")}
        for record in staged.records:
            identifier = known.get(record["local_id"])
            if "school_id" in record:
                if identifier is None:
                    SchoolIdentifier.objects.create(
                        scheme=self.scheme, value=record["local_id"], school_id=record["school_id"]
                    )
                    counts.created += 1
                elif identifier.school_id != record["school_id"]:
                    identifier.school_id = record["school_id"]
                    identifier.save(update_fields=["school"])
                    counts.updated += 1
                else:
                    counts.unchanged += 1
                continue
            fields = record["fields"]
            if identifier is None:
                school = School.objects.create(**fields)
                SchoolIdentifier.objects.create(scheme=self.scheme, value=record["local_id"], school=school)
                counts.created += 1
            elif any(getattr(identifier.school, k) != v for k, v in fields.items()):
                # updated_at as the register import sets it: what is kept over the register is
                # keyed by its latest change (schools.selectors.register_stamp).
                School.objects.filter(pk=identifier.school_id).update(**fields, updated_at=timezone.now())
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts
