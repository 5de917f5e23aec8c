"""The academic year a day falls in, and the day a year ends."""

from __future__ import annotations

import datetime as dt

from evenbetter.vocabulary.periods import academic_year_end, academic_year_of


def test_the_year_turns_on_1_september() -> None:
    assert academic_year_of(dt.date(2019, 8, 31)) == "2018/19"
    assert academic_year_of(dt.date(2019, 9, 1)) == "2019/20"
    assert academic_year_of(dt.date(1999, 12, 1)) == "1999/00"


def test_a_year_ends_on_31_august() -> None:
    assert academic_year_end("2018/19") == dt.date(2019, 8, 31)
    assert academic_year_end("2019/20") == dt.date(2020, 8, 31)
