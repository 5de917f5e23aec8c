"""Periods: academic years ("2018/19") and dates, written one way whatever the source."""

from __future__ import annotations

import datetime as dt
import re

# The one pattern of an academic year, as sources write it: "2018/19", "2018-19", "201819",
# "2018/2019". ``parse_period`` turns any of them into the one way we store it, "2018/19".
ACADEMIC_YEAR = re.compile(r"^\s*(\d{4})\s*(?:/|-|–|_)?\s*(\d{2}|\d{4})\s*$")
# The academic year in England and Wales starts on 1 September; other systems differ, but
# the start date only orders periods, it is never shown.
ACADEMIC_YEAR_START_MONTH = 9


def academic_year(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def academic_year_ending(end_year: int) -> str:
    """The academic year that ends in ``end_year``: 2018 is 2017/18 (the DfE's trimmed tables
    write the year the tests were sat, in May or June)."""
    return academic_year(end_year - 1)


def academic_year_of(day: dt.date) -> str:
    """The academic year a day falls in: 2019-03-01 is in 2018/19, 2019-09-01 in 2019/20."""
    return academic_year(day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1)


def is_academic_year(text: str) -> bool:
    """True for an academic year in any way a source writes it ("2018/19", "2018-2019")."""
    if ACADEMIC_YEAR.match(text) is None:
        return False
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


def start_year(period: str) -> int:
    """The calendar year an academic year starts in (2018 for "2018/19"), or a date's year."""
    return parse_period(period)[1].year


def academic_year_end(period: str) -> dt.date:
    """The last day of an academic year: 31 August (the day before the next one starts)."""
    _, start = parse_period(period)
    return dt.date(start.year + 1, ACADEMIC_YEAR_START_MONTH, 1) - dt.timedelta(days=1)


def parse_period(raw: str) -> tuple[str, dt.date]:
    """``("2018/19", 2018-09-01)`` for an academic year, ``("2019-01-17", that date)`` for a date."""
    text = raw.strip()
    match = ACADEMIC_YEAR.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year == start + 1 or (len(end) == 2 and int(end) == (start + 1) % 100):
            return academic_year(start), dt.date(start, ACADEMIC_YEAR_START_MONTH, 1)
        raise ValueError(f'"{text}" is not an academic year: the second year must follow the first')
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            date = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return date.isoformat(), date
    if re.fullmatch(r"\d{4}", text):
        raise ValueError(f'"{text}" is ambiguous: write an academic year as 2018/19 or a date as 2019-01-17')
    raise ValueError(f'"{text}" is not a period (expected an academic year like 2018/19 or a date like 2019-01-17)')
