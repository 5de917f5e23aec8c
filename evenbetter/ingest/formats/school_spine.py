"""A school spine: one row per school with its predecessor or successor (``Other URN``).

Proven on ``history-2005-2020/school_details_2018.csv`` (the 2017/18 spine, 26,078 schools,
saved in Windows-1252: read as such, and the run says so). Columns: ``URN, Name, Status,
Date Opened, Date Closed, Other URN`` (required), and ``City, Postcode, Type, Primary,
Secondary, Post 16, Age From, Age To, Gender, Religion, Local Authority``. Dates are
``yyyymmdd``; ``Status`` is the register's code (1 open, 2 closed, 3 open but proposed to
close, 4 proposed to open).

``Other URN`` links two schools that are one school over time. The file writes the link on
both rows (the closed school names its successor, the new one its predecessor); which is
which is read from the dates: the school that opened is the successor, else the one that
closed is the predecessor, else the earlier to close or open. A link whose direction the
file does not settle is reported, not guessed. Each link becomes a ``schools.SchoolLink``
(kind "predecessor"), through which the successor's history starts with the predecessor's.

A school the register already holds is left as the register says: the register is the
fresher source, and the spine only adds the links. A school the register lacks is skipped
and reported, with its links, unless the import is told ``add_missing_schools``: then it is
added with what the spine knows (name, status, dates, type, phase, ages, town, postcode),
so that a national history can be loaded without the national register. Not by default:
an authority that loads a national spine for its links would not want every school in
England added to its register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from evenbetter.indicators.apps import import_records_changed
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.problems import ImportRejected, Problem
from evenbetter.indicators.store import BATCH, CommitCounts
from evenbetter.ingest.csvfile import CsvRow, read_csv
from evenbetter.ingest.formats.dfe_census import local_authorities, schools_create
from evenbetter.ingest.registry import SourceFormat, Staged, register
from evenbetter.ingest.values import as_urn, is_missing, parse_count, parse_day, parse_int
from evenbetter.schools.models import School, SchoolLink

REQUIRED = ["URN", "Name", "Status", "Date Opened", "Date Closed", "Other URN"]
STATUSES = {
    "1": School.Status.OPEN,
    "2": School.Status.CLOSED,
    "3": School.Status.OPEN_PROPOSED_TO_CLOSE,
    "4": School.Status.PROPOSED_TO_OPEN,
}
SOURCE = "School spine"


@dataclass(frozen=True)
class SpineSchool:
    urn: int
    line: int
    fields: dict[str, Any]
    other: int | None

    @property
    def opened(self) -> dt.date | None:
        return self.fields.get("open_date")

    @property
    def closed(self) -> dt.date | None:
        return self.fields.get("close_date")


@dataclass
class SpineStaged(Staged):
    # (predecessor URN, successor URN) -> (the day the successor took over, the line it is on)
    links: dict[tuple[int, int], tuple[dt.date | None, int]] = field(default_factory=dict)
    file_name: str = ""


def _phase(values: dict[str, str]) -> str:
    if values.get("Type", "").strip() == "Special School":
        return "Special"
    primary, secondary, post16 = (values.get(c, "").strip() == "1" for c in ("Primary", "Secondary", "Post 16"))
    if primary and secondary:
        return "All-through"
    if primary:
        return "Primary"
    if secondary:
        return "Secondary"
    return "16 plus" if post16 else ""


def _optional_day(raw: str) -> dt.date | None:
    return None if is_missing(raw) else parse_day(raw)


def linked_order(school: SpineSchool, other: SpineSchool | None) -> tuple[int, int] | None:
    """(predecessor URN, successor URN) for a school and the one its row names, from their dates;
    None when the dates do not settle it."""
    named = school.other
    if named is None:
        return None
    if other is None:
        if school.closed and not school.opened:
            return school.urn, named
        if school.opened and not school.closed:
            return named, school.urn
        return None
    if school.opened and not other.opened:
        return other.urn, school.urn
    if other.opened and not school.opened:
        return school.urn, other.urn
    if school.closed and not other.closed:
        return school.urn, other.urn
    if other.closed and not school.closed:
        return other.urn, school.urn
    for mine, theirs in ((school.closed, other.closed), (school.opened, other.opened)):
        if mine and theirs and mine != theirs:
            return (school.urn, other.urn) if mine < theirs else (other.urn, school.urn)
    return None


@register
class SchoolSpine(SourceFormat):
    code = "school_spine"
    name = "School spine with predecessors: URN, Name, Status, dates, Other URN (CSV)"
    description = (
        "Links each school to the school it was before (or became), e.g. history-2005-2020/school_details_2018.csv. "
        "Schools not on the register are skipped unless you ask to add them."
    )

    def parse(self, content: bytes, file_name: str) -> Staged:
        table = read_csv(content, file_name)
        missing = [c for c in REQUIRED if c not in table.header]
        if missing:
            raise ImportRejected([Problem(file_name, 1, c, "this required column is missing") for c in missing])
        problems: list[Problem] = []
        spine: dict[int, SpineSchool] = {}
        for row in table.rows:
            school = self._read_row(row, file_name, problems)
            if school is None:
                continue
            if school.urn in spine:
                problems.append(
                    Problem(file_name, row.line, "URN", f"URN {school.urn} is already on line {spine[school.urn].line}")
                )
                continue
            spine[school.urn] = school
        links: dict[tuple[int, int], tuple[dt.date | None, int]] = {}
        unsettled: list[str] = []
        for school in spine.values():
            if school.other is None:
                continue
            order = linked_order(school, spine.get(school.other))
            if order is None:
                unsettled.append(f"{school.urn} and {school.other} (line {school.line})")
                continue
            predecessor, successor = order
            if (predecessor, successor) in links:
                continue  # written on both rows
            later, earlier = spine.get(successor), spine.get(predecessor)
            took_over = (later.opened if later else None) or (
                earlier.closed + dt.timedelta(days=1) if earlier and earlier.closed else None
            )
            links[(predecessor, successor)] = (took_over, school.line)
        if unsettled:
            problems.append(
                Problem(
                    file_name,
                    None,
                    "Other URN",
                    f"{len(unsettled)} link(s) were not made because the dates do not say which school came first: "
                    + ", ".join(unsettled[:10])
                    + (f" and {len(unsettled) - 10} more" if len(unsettled) > 10 else ""),
                    "warning",
                )
            )
        return SpineStaged(
            records=list(spine.values()), rows_read=len(table.rows), problems=problems, links=links, file_name=file_name
        )

    def _read_row(self, row: CsvRow, file_name: str, problems: list[Problem]) -> SpineSchool | None:
        values = row.values
        raw_urn = values["URN"].strip()
        urn = as_urn(raw_urn)
        if urn is None:
            problems.append(Problem(file_name, row.line, "URN", f'"{raw_urn}" is not a URN'))
            return None
        found: list[Problem] = []

        def read(column: str, parse: Any) -> Any:
            try:
                return parse(values.get(column, ""))
            except ValueError as error:
                found.append(Problem(file_name, row.line, column, str(error)))
                return None

        status = STATUSES.get(values["Status"].strip())
        if status is None:
            found.append(
                Problem(file_name, row.line, "Status", f'"{values["Status"].strip()}" is not a status (1, 2, 3 or 4)')
            )
        other = read("Other URN", parse_int)
        if other is not None and (other <= 0 or other == urn):
            found.append(
                Problem(file_name, row.line, "Other URN", f'"{values["Other URN"].strip()}" is not another URN')
            )
        la = values.get("Local Authority", "").strip()
        fields = {
            "name": values["Name"].strip() or f"URN {urn}",
            "status": status,
            "open_date": read("Date Opened", _optional_day),
            "close_date": read("Date Closed", _optional_day),
            "type_group": values.get("Type", "").strip(),
            "phase": _phase(values),
            "statutory_low_age": read("Age From", lambda raw: parse_count(raw, maximum=99)),
            "statutory_high_age": read("Age To", lambda raw: parse_count(raw, maximum=99)),
            "gender": values.get("Gender", "").strip(),
            "religious_character": values.get("Religion", "").strip(),
            "la_code": la,
            "la_name": local_authorities().get(la, ""),
            "town": values.get("City", "").strip(),
            "postcode": values.get("Postcode", "").strip(),
        }
        problems.extend(found)
        if found:
            return None
        return SpineSchool(urn, row.line, fields, other)

    def commit(self, staged: Staged, run: ImportRun | None = None) -> CommitCounts:
        counts = CommitCounts()
        spine: list[SpineSchool] = staged.records
        links = staged.links if isinstance(staged, SpineStaged) else {}
        wanted = sorted({s.urn for s in spine} | {urn for pair in links for urn in pair})
        ids: dict[int, int] = {}
        for start in range(0, len(wanted), BATCH):
            for urn, pk in School.objects.filter(urn__in=wanted[start : start + BATCH]).values_list("urn", "pk"):
                if urn is not None:
                    ids[urn] = pk
        lacking = [s for s in spine if s.urn not in ids]
        if lacking and self.options.get("add_missing_schools"):
            ids.update(schools_create([School(urn=s.urn, **s.fields) for s in lacking]))
            counts.created += len(lacking)
            counts.example(f"{len(lacking):,} school(s) the register lacks added from the spine")
        elif lacking:
            staged.problems.append(
                Problem(
                    self._file_name(staged),
                    min(s.line for s in lacking),
                    "URN",
                    f"{len(lacking)} school(s) are not on the register and were skipped (ask to add missing "
                    f"schools to add them): {', '.join(str(s.urn) for s in sorted(lacking, key=lambda s: s.urn)[:10])}"
                    + (f" and {len(lacking) - 10} more" if len(lacking) > 10 else ""),
                    "warning",
                )
            )
        counts.unchanged += len(spine) - len(lacking)
        self._links_write(links, ids, counts, staged)
        return counts

    def _file_name(self, staged: Staged) -> str:
        return staged.file_name if isinstance(staged, SpineStaged) else ""

    def _links_write(
        self,
        links: dict[tuple[int, int], tuple[dt.date | None, int]],
        ids: dict[int, int],
        counts: CommitCounts,
        staged: Staged,
    ) -> None:
        unmade = [(pair, line) for pair, (_, line) in links.items() if pair[0] not in ids or pair[1] not in ids]
        if unmade:
            staged.problems.append(
                Problem(
                    self._file_name(staged),
                    min(line for _, line in unmade),
                    "Other URN",
                    f"{len(unmade)} link(s) name a school that is not on the register and were not made: "
                    + ", ".join(f"{a} → {b} (line {line})" for (a, b), line in sorted(unmade)[:10])
                    + (f" and {len(unmade) - 10} more" if len(unmade) > 10 else ""),
                    "warning",
                )
            )
        existing = {
            (link.predecessor_id, link.successor_id): link
            for link in SchoolLink.objects.filter(kind=SchoolLink.Kind.PREDECESSOR)
        }
        new, changed = [], []
        for (predecessor, successor), (took_over, _) in links.items():
            if predecessor not in ids or successor not in ids:
                continue
            pair = (ids[predecessor], ids[successor])
            current = existing.get(pair)
            if current is None:
                new.append(SchoolLink(predecessor_id=pair[0], successor_id=pair[1], linked_on=took_over, source=SOURCE))
                counts.example(f"URN {predecessor} became URN {successor}")
            elif current.linked_on != took_over:
                current.linked_on = took_over
                changed.append(current)
            else:
                counts.unchanged += 1
        SchoolLink.objects.bulk_create(new, batch_size=BATCH)
        SchoolLink.objects.bulk_update(changed, ["linked_on"], batch_size=BATCH)
        import_records_changed()  # the school page keeps its links until an import is recorded
        counts.created += len(new)
        counts.updated += len(changed)
