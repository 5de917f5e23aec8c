"""Inspection histories, in any country: one graded inspection per row.

``inspections`` reads ``school_id, date, grade`` (CSV or Excel), with an optional ``type``
and sub-judgement columns. Schools are named by URN, or by an authority's own identifiers
when the import is given ``scheme`` (as the generic formats do). A grade is a number 1-4
or its name: Outstanding, Good, Satisfactory (the third grade before September 2012),
Requires improvement, Inadequate, Serious weaknesses or Special measures (both
Inadequate). Dates are ``2019-01-17``, ``20190117`` (as Ofsted's history writes them),
``17/01/2019`` or ``17-01-2019``.

Column names may be written the way publishers write them: ``URN`` or ``school`` for
``school_id``, ``Inspection Date`` for ``date``, ``Rating`` or ``Overall effectiveness``
for ``grade``. So Ofsted's history file (``URN, Rating, Inspection Date``) reads as it
is; ``ofsted_history`` is the same format named for it, keeping its inspections under
Ofsted's name.

Each inspection is kept as an ``Inspection`` with its date and, as ``as_at``, the academic
year the date falls in. What is checked:

- a date that cannot be read, that does not exist (30 February) or that is in the future is
  an error, with its line and column; so is a grade that is not one;
- the same inspection twice (same school, same day, same grade: exact repeats, or the old
  and new name of grade 3 on the same day) is read once, and the run says which lines it
  ignored; two different grades for one school on one day are an error;
- a school that is not on the register is skipped and reported (a history names schools
  long closed that a register may not hold): the run names them;
- an inspection already held from the same source, unchanged, is left as it is; one whose
  grade has changed is corrected. The import writes everything or nothing.

The latest-grade indicator ``ofsted_overall`` is not written from a history: it stays the
snapshot the ``ofsted_ratings`` format keeps. A history's grades are events with dates,
which the school page lists and the early warning reads (``earlywarning.frames``); written
again as a yearly indicator they would reach the model twice and be benchmarked as if
current.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from django.utils import timezone

from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun, Inspection
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import BATCH, CommitCounts
from evenbetter.ingest.csvfile import CsvRow, CsvTable
from evenbetter.ingest.formats.generic import URN_SCHEME, _scheme
from evenbetter.ingest.observations import unknown_schools_warning
from evenbetter.ingest.registry import SourceFormat, Staged, register
from evenbetter.ingest.values import as_urn, parse_day
from evenbetter.ingest.xlsxfile import read_table
from evenbetter.schools.models import School, SchoolIdentifier
from evenbetter.vocabulary.grades import GRADE_NAMES, OFSTED_GRADES
from evenbetter.vocabulary.periods import academic_year_of

# How publishers name the columns, lower case, spaces and underscores alike.
ALIASES: dict[str, tuple[str, ...]] = {
    "school_id": ("school_id", "urn", "school"),
    "date": ("date", "inspection_date", "inspected_on", "date_of_inspection", "inspection_end_date"),
    "grade": ("grade", "rating", "overall_effectiveness", "overall_grade"),
    "type": ("type", "inspection_type"),
}
# Sub-judgements Ofsted has given (the 2019 framework's and the 2015 framework's); any other
# column named ``judgement_<name>`` is read as one too.
JUDGEMENTS = frozenset(
    {
        "quality_of_education",
        "behaviour_and_attitudes",
        "personal_development",
        "leadership_and_management",
        "effectiveness_of_leadership_and_management",
        "quality_of_teaching_learning_and_assessment",
        "personal_development_behaviour_and_welfare",
        "outcomes_for_pupils",
        "early_years_provision",
        "sixth_form_provision",
    }
)
JUDGEMENT_PREFIX = "judgement_"
EARLIEST_YEAR = 1900
GRADE_WORDS = ", ".join(name.capitalize() for name in OFSTED_GRADES)


def _key(header: str) -> str:
    return re.sub(r"[\s_]+", "_", header.strip().lower())


def read_inspection_date(raw: str, today: dt.date) -> dt.date:
    """The day an inspection took place, or ValueError saying plainly what is wrong."""
    text = raw.strip()
    if not text:
        raise ValueError("a date is required")
    day = parse_day(text)
    if day > today:
        raise ValueError(f'"{text}" is in the future: an inspection history holds inspections that took place')
    if day.year < EARLIEST_YEAR:
        raise ValueError(f'"{text}" is not a plausible inspection date')
    return day


def read_grade(raw: str) -> tuple[int, str]:
    """The grade 1-4 and its name as the source wrote it (a number gets its name)."""
    text = raw.strip()
    if not text:
        raise ValueError("a grade is required")
    try:
        number = float(text)
    except ValueError:
        grade = OFSTED_GRADES.get(text.lower())
        if grade is None:
            raise ValueError(f'"{text}" is not a grade: write 1 to 4, or one of {GRADE_WORDS}') from None
        return grade, text
    if number not in (1, 2, 3, 4):
        raise ValueError(f'"{text}" is not a grade: grades are 1 (best) to 4')
    return int(number), GRADE_NAMES[int(number)]


@dataclass(frozen=True)
class StagedInspection:
    school_id: int
    inspected_on: dt.date
    grade: int
    label: str
    inspection_type: str
    judgements: dict[str, int]
    line: int

    @property
    def facts(self) -> tuple[int, str, tuple[tuple[str, int], ...]]:
        """What makes two lines about one school and day the same inspection (not the label)."""
        return self.grade, self.inspection_type, tuple(sorted(self.judgements.items()))


@dataclass
class InspectionsStaged(Staged):
    # How many lines repeated an earlier one, for the run's summary.
    repeats: int = 0


@register
class InspectionHistory(SourceFormat):
    code = "inspections"
    name = "Inspection history: school_id, date, grade (CSV or Excel)"
    description = (
        "One graded inspection per row: the school (URN or your own identifier with a scheme), the date, the "
        "grade (1-4 or its name); optional type and sub-judgements. Ofsted's history file reads as it is."
    )
    source: ClassVar[str] = "Inspection history"
    # Only URNs (a national file), or URNs and an authority's scheme.
    takes_scheme: ClassVar[bool] = True

    def columns(self, table: CsvTable) -> dict[str, str]:
        """Our name -> the file's header, for the columns found; missing required ones are an error."""
        by_key: dict[str, str] = {}
        for header in table.header:
            by_key.setdefault(_key(header), header)
        found: dict[str, str] = {}
        for name, aliases in ALIASES.items():
            present = [by_key[alias] for alias in aliases if alias in by_key]
            if len(present) > 1:
                raise ImportRejected(
                    [
                        Problem(
                            table.file_name,
                            1,
                            present[1],
                            f'two columns could be the {name}: "{present[0]}" and this one',
                        )
                    ]
                )
            if present:
                found[name] = present[0]
        missing = [name for name in ("school_id", "date", "grade") if name not in found]
        if missing:
            raise ImportRejected(
                [
                    Problem(
                        table.file_name,
                        1,
                        name,
                        f"this required column is missing (it may also be called {', '.join(ALIASES[name][1:])})",
                    )
                    for name in missing
                ]
            )
        return found

    def parse(self, content: bytes, file_name: str) -> Staged:
        scheme = _scheme(self.options, file_name) if self.takes_scheme else URN_SCHEME
        table = read_table(content, file_name)
        columns = self.columns(table)
        known = set(columns.values())
        judgement_columns = {
            header: _key(header).removeprefix(JUDGEMENT_PREFIX)
            for header in table.header
            if header not in known and (_key(header) in JUDGEMENTS or _key(header).startswith(JUDGEMENT_PREFIX))
        }
        problems: list[Problem] = []
        unread = [h for h in table.header if h not in known and h not in judgement_columns and h.strip()]
        if unread:
            problems.append(
                Problem(
                    file_name,
                    1,
                    unread[0],
                    f"{len(unread)} column(s) are neither the school, date, grade, type nor a sub-judgement, "
                    f"and were not read: {', '.join(unread)}",
                    "warning",
                )
            )
        school_column = columns["school_id"]
        schools = self._schools({row.values[school_column].strip() for row in table.rows}, scheme)
        today = timezone.localdate()
        staged: dict[tuple[int, dt.date], StagedInspection] = {}
        repeats: list[tuple[int, int]] = []
        unknown: dict[str, int] = {}
        for row in table.rows:
            record = self._read_row(row, columns, judgement_columns, schools, today, file_name, problems, unknown)
            if record is None:
                continue
            earlier = staged.get((record.school_id, record.inspected_on))
            if earlier is None:
                staged[(record.school_id, record.inspected_on)] = record
            elif earlier.facts == record.facts:
                repeats.append((row.line, earlier.line))
            else:
                problems.append(
                    Problem(
                        file_name,
                        row.line,
                        columns["grade"],
                        f"school {row.values[school_column].strip()} already has an inspection on "
                        f"{record.inspected_on:%d %B %Y} on line {earlier.line} ({_described(earlier)}); "
                        f"this line says {_described(record)}",
                    )
                )
        if repeats:
            shown = ", ".join(f"line {line} (as line {first})" for line, first in repeats[:10])
            more = f" and {len(repeats) - 10} more" if len(repeats) > 10 else ""
            problems.append(
                Problem(
                    file_name,
                    repeats[0][0],
                    None,
                    f"{len(repeats)} line{'s repeat' if len(repeats) != 1 else ' repeats'} an inspection already "
                    f"on an earlier line and {'were' if len(repeats) != 1 else 'was'} ignored: {shown}{more}",
                    "warning",
                )
            )
        if unknown:
            problems.append(unknown_schools_warning(file_name, unknown, school_column))
        return InspectionsStaged(
            records=list(staged.values()),
            rows_read=len(table.rows),
            problems=problems,
            repeats=len(repeats),
        )

    def _schools(self, keys: set[str], scheme: str) -> dict[str, int]:
        keys.discard("")
        found: dict[str, int] = {}
        wanted = sorted(keys)
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            if scheme == URN_SCHEME:
                urns = {urn: key for key in batch if (urn := as_urn(key)) is not None}
                for urn, pk in School.objects.filter(urn__in=urns).values_list("urn", "pk"):
                    if urn is not None:
                        found[urns[urn]] = pk
            else:
                found.update(
                    SchoolIdentifier.objects.filter(scheme=scheme, value__in=batch).values_list("value", "school_id")
                )
        return found

    def _read_row(
        self,
        row: CsvRow,
        columns: dict[str, str],
        judgement_columns: dict[str, str],
        schools: dict[str, int],
        today: dt.date,
        file_name: str,
        problems: list[Problem],
        unknown: dict[str, int],
    ) -> StagedInspection | None:
        values = row.values
        key = values[columns["school_id"]].strip()
        if not key:
            problems.append(Problem(file_name, row.line, columns["school_id"], "the school is not named"))
            return None
        row_problems: list[Problem] = []
        try:
            inspected_on = read_inspection_date(values[columns["date"]], today)
        except ValueError as error:
            row_problems.append(Problem(file_name, row.line, columns["date"], str(error)))
        try:
            grade, label = read_grade(values[columns["grade"]])
        except ValueError as error:
            row_problems.append(Problem(file_name, row.line, columns["grade"], str(error)))
        judgements: dict[str, int] = {}
        for header, name in judgement_columns.items():
            if not values[header].strip():
                continue  # not every inspection judges every part (no sixth form, say)
            try:
                judgements[name] = read_grade(values[header])[0]
            except ValueError as error:
                row_problems.append(Problem(file_name, row.line, header, str(error)))
        problems.extend(row_problems)
        if row_problems:
            return None
        school_id = schools.get(key)
        if school_id is None:
            unknown.setdefault(key, row.line)
            return None
        return StagedInspection(
            school_id=school_id,
            inspected_on=inspected_on,
            grade=grade,
            label=label,
            inspection_type=values[columns["type"]].strip() if "type" in columns else "",
            judgements=judgements,
            line=row.line,
        )

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = CommitCounts()
        records: list[StagedInspection] = staged.records
        school_ids = sorted({r.school_id for r in records})
        existing: dict[tuple[int, dt.date], Inspection] = {}
        for start in range(0, len(school_ids), BATCH):
            for inspection in Inspection.objects.filter(
                source=self.source, school_id__in=school_ids[start : start + BATCH], inspected_on__isnull=False
            ):
                if inspection.inspected_on is not None:
                    existing[(inspection.school_id, inspection.inspected_on)] = inspection
        names = dict(School.objects.filter(pk__in=school_ids[:200]).values_list("pk", "name"))
        new: list[Inspection] = []
        changed: list[Inspection] = []
        for record in records:
            wanted = {
                "as_at": academic_year_of(record.inspected_on),
                "grade": record.grade,
                "grade_label": record.label,
                "inspection_type": record.inspection_type,
                "judgements": record.judgements,
            }
            current = existing.get((record.school_id, record.inspected_on))
            name = names.get(record.school_id, f"school {record.school_id}")
            if current is None:
                new.append(
                    Inspection(
                        school_id=record.school_id,
                        inspected_on=record.inspected_on,
                        source=self.source,
                        import_run=run,
                        **wanted,
                    )
                )
                counts.example(f"{name}: inspected {record.inspected_on:%d %B %Y}, new: {record.label}")
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                counts.example(
                    f"{name}: inspected {record.inspected_on:%d %B %Y}, {current.grade_label} → {record.label}"
                )
                for k, v in wanted.items():
                    setattr(current, k, v)
                current.import_run = run
                changed.append(current)
            else:
                counts.unchanged += 1
        Inspection.objects.bulk_create(new, batch_size=BATCH)
        Inspection.objects.bulk_update(
            changed, ["as_at", "grade", "grade_label", "inspection_type", "judgements", "import_run"], batch_size=BATCH
        )
        import_records_changed()  # the school page keeps its inspections until an import is recorded
        counts.created, counts.updated = len(new), len(changed)
        return counts


def _described(record: StagedInspection) -> str:
    parts = [record.label]
    if record.inspection_type:
        parts.append(f"type {record.inspection_type}")
    if record.judgements:
        parts.append(", ".join(f"{k} {v}" for k, v in sorted(record.judgements.items())))
    return "; ".join(parts)


@register
class OfstedHistory(InspectionHistory):
    code = "ofsted_history"
    name = "Ofsted inspection history: URN, Rating, Inspection Date (CSV)"
    description = (
        "Every graded inspection of each school, as Ofsted's history lists them (e.g. "
        "history-2005-2020/ofsted_ratings_2018.csv); the inspections format, under Ofsted's name."
    )
    source = "Ofsted inspection history"
    takes_scheme = False

    def parse(self, content: bytes, file_name: str) -> Staged:
        if str(self.options.get("scheme") or URN_SCHEME) != URN_SCHEME:
            raise ImportRejected(
                [Problem(file_name, None, None, "Ofsted's history names schools by URN: use the inspections format")]
            )
        return super().parse(content, file_name)
