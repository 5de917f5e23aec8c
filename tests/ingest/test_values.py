"""The shared parsing rules for values in real public files (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evenbetter.ingest.values import is_missing, parse_date, parse_decimal, parse_int


@pytest.mark.parametrize("raw", ["", "  ", "NA", "SUPP", "ne", "x", ":", ".."])
def test_every_missing_marker_means_no_value(raw: str) -> None:
    assert is_missing(raw)
    assert parse_int(raw) is None
    assert parse_decimal(raw) is None
    assert parse_date(raw) is None


@pytest.mark.parametrize(("raw", "value"), [("138", 138), ("1,234", 1234), (" 7 ", 7), ("12.0", 12)])
def test_whole_numbers(raw: str, value: int) -> None:
    assert parse_int(raw) == value


@pytest.mark.parametrize("raw", ["12.5", "ten", "1e", "0x10"])
def test_what_is_not_a_whole_number_is_refused_with_the_value(raw: str) -> None:
    with pytest.raises(ValueError, match="not a whole number"):
        parse_int(raw)


@pytest.mark.parametrize(("raw", "value"), [("21.7%", "21.7"), ("£35,120", "35120"), ("-0.5", "-0.5")])
def test_decimals_lose_percent_pound_and_separators(raw: str, value: str) -> None:
    assert parse_decimal(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "abc"])
def test_what_is_not_a_finite_number_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal(raw)


def test_dates_are_read_day_first() -> None:
    assert parse_date("02-05-2019") == dt.date(2019, 5, 2)
    assert parse_date("02/05/2019") == dt.date(2019, 5, 2)
    assert parse_date("2019-05-02") == dt.date(2019, 5, 2)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31-02-2019")
