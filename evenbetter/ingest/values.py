"""Shared parsing rules for the values in real public files.

Real files mark "no value" in many ways (``NA``, ``SUPP``, ``NE``, ``LOWCOV``, ``x``, ``:``, blank),
carry ``%``, ``£`` and thousands separators, and write dates day first. Each helper
returns the parsed value, ``None`` for a missing value, or raises ``ValueError`` with a
message fit to show a person.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

# The largest whole number the databases' integer columns hold (URNs, pupil numbers).
LARGEST_INTEGER = 2_147_483_647
# The DfE's performance tables add LOWCOV (too few pupils covered), NP (not published) and NEW
# (a new school); its trimmed republications keep them in any column.
MISSING_MARKERS = frozenset(
    {"", "na", "n/a", "supp", "ne", "x", ":", "..", "-", "ne%", "supp%", "na%", "lowcov", "np", "new"}
)
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
COMPACT_DATE = re.compile(r"^\d{8}$")


def is_missing(raw: str) -> bool:
    return raw.strip().lower() in MISSING_MARKERS


def _clean_number(raw: str) -> str:
    return raw.strip().replace(",", "").replace("£", "").replace("%", "").strip()


def parse_int(raw: str) -> int | None:
    if is_missing(raw):
        return None
    text = _clean_number(raw)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f'"{raw.strip()}" is not a whole number') from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f'"{raw.strip()}" is not a whole number')
    return int(value)


def parse_count(raw: str, maximum: int = LARGEST_INTEGER) -> int | None:
    """A whole number from 0 to ``maximum`` (pupils, places, ages), or None when missing."""
    value = parse_int(raw)
    if value is not None and not 0 <= value <= maximum:
        raise ValueError(f'"{raw.strip()}" is not a number from 0 to {maximum:,}')
    return value


def as_urn(text: str) -> int | None:
    """The URN a cell names (a positive whole number in plain digits, that a database holds), else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None  # "²".isdigit() is true too, and int() refuses it
    value = int(text)
    return value if 0 < value <= LARGEST_INTEGER else None


def parse_decimal(raw: str) -> Decimal | None:
    if is_missing(raw):
        return None
    try:
        value = Decimal(_clean_number(raw))
    except InvalidOperation:
        raise ValueError(f'"{raw.strip()}" is not a number') from None
    if not value.is_finite():
        raise ValueError(f'"{raw.strip()}" is not a number')
    return value


def parse_date(raw: str) -> dt.date | None:
    if is_missing(raw):
        return None
    text = raw.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date (expected day-month-year, e.g. 23-01-2019)')


def parse_text(raw: str, *, not_applicable: frozenset[str] = frozenset()) -> str:
    text = raw.strip()
    return "" if text in not_applicable else text


def parse_day(raw: str) -> dt.date:
    """A day written ``2019-01-17``, ``20190117`` (Ofsted's and the DfE's trimmed files),
    ``17/01/2019`` or ``17-01-2019``; ValueError saying whether it is no date or no real one."""
    text = raw.strip()
    if COMPACT_DATE.match(text):
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise ValueError(
                f'"{text}" is not a real date (year {text[:4]}, month {text[4:6]}, day {text[6:]})'
            ) from None
    for fmt in DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{4}", text):
        raise ValueError(f'"{text}" is not a real date')
    raise ValueError(f'"{text}" is not a date: write it as 2019-01-17, 20190117 or 17/01/2019')
