"""What a concern about a school can be about: the platform's leading trigger areas, in the
words a colleague would use. Each area names the trigger it sits beside (a concern is a
person's early warning; the trigger is the data's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConcernArea:
    code: str
    name: str  # in a list: "Isolation from other schools"
    prompt: str  # under the choice, what it covers


CONCERN_AREAS: tuple[ConcernArea, ...] = (
    ConcernArea("isolation", "Isolation from other schools", "The school has stopped working with other schools."),
    ConcernArea("governance", "Governance", "Governors are not challenging, meeting or attending."),
    ConcernArea("partnership", "Partnership not acting", "Actions agreed with partners are not being done."),
    ConcernArea("team", "Team around the school not working", "Agencies and the school are not working together."),
    ConcernArea("staffing", "Staffing", "Vacancies, sickness or staff leaving."),
    ConcernArea("trust", "Trust", "Staff, families or partners have lost trust in the school's leaders."),
    ConcernArea("evidence", "Evidence", "The school's figures or records cannot be relied on."),
)

AREA_NAMES: dict[str, str] = {area.code: area.name for area in CONCERN_AREAS}
