"""The early warning's inspections frame: each inspection with its date, a predecessor's
inspections read as its successor's own past, and one inspection told by two sources read once."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from evenbetter.earlywarning.frames import inspections_frame, load_data
from evenbetter.indicators.models import Inspection
from evenbetter.schools.models import School, SchoolLink

pytestmark = pytest.mark.django_db


def _school(urn: int, status: str = School.Status.OPEN) -> School:
    return School.objects.create(urn=urn, name=f"School {urn}", status=status)


def _inspect(school: School, day: str | None, grade: int, source: str = "history", as_at: str = "") -> None:
    on = dt.date.fromisoformat(day) if day else None
    Inspection.objects.create(
        school=school, inspected_on=on, as_at=as_at or (on.isoformat() if on else ""), grade=grade, source=source
    )


def _rows(frame: pd.DataFrame, school: School) -> list[tuple[str, int, str]]:
    mine = frame[frame["school_id"] == school.pk]
    return [
        (period, int(grade), "" if pd.isna(day) else day.date().isoformat())
        for period, grade, day in mine[["period", "grade", "date"]].itertuples(index=False)
    ]


def test_each_inspection_comes_with_its_date_and_academic_year() -> None:
    school = _school(100000)
    _inspect(school, "2018-09-25", 4)
    _inspect(school, "2019-06-12", 3)
    frame = inspections_frame()
    assert list(frame.columns) == ["school_id", "period", "grade", "date"]
    assert _rows(frame, school) == [("2018/19", 4, "2018-09-25"), ("2018/19", 3, "2019-06-12")]


def test_a_predecessors_inspections_are_its_successors_past() -> None:
    old, new, other = _school(100001, School.Status.CLOSED), _school(145000), _school(100002)
    SchoolLink.objects.create(predecessor=old, successor=new, linked_on=dt.date(2017, 11, 1), source="spine")
    _inspect(old, "2010-03-01", 3)
    _inspect(old, "2016-05-04", 4)
    _inspect(new, "2019-02-01", 2)
    _inspect(other, "2016-05-04", 1)
    frame = inspections_frame()
    assert _rows(frame, new) == [
        ("2009/10", 3, "2010-03-01"),
        ("2015/16", 4, "2016-05-04"),
        ("2018/19", 2, "2019-02-01"),
    ]
    assert _rows(frame, old) == [], "the closed school's history is counted once, as its successor's"
    assert _rows(frame, other) == [("2015/16", 1, "2016-05-04")]
    # What the model is given is this frame.
    risk_inspections = load_data().risk.inspections
    assert risk_inspections is not None
    assert _rows(risk_inspections, new) == _rows(frame, new)


def test_a_chain_of_links_ends_at_the_school_open_now_and_a_split_keeps_its_own() -> None:
    first, second, third = _school(100003, School.Status.CLOSED), _school(140000, School.Status.CLOSED), _school(146000)
    SchoolLink.objects.create(predecessor=first, successor=second, source="spine")
    SchoolLink.objects.create(predecessor=second, successor=third, source="spine")
    split, half_a, half_b = _school(100004, School.Status.CLOSED), _school(146001), _school(146002)
    SchoolLink.objects.create(predecessor=split, successor=half_a, source="spine")
    SchoolLink.objects.create(predecessor=split, successor=half_b, source="spine")
    _inspect(first, "2008-01-10", 2)
    _inspect(second, "2013-01-10", 3)
    _inspect(split, "2012-01-10", 1)
    frame = inspections_frame()
    assert [row[2] for row in _rows(frame, third)] == ["2008-01-10", "2013-01-10"]
    assert _rows(frame, split) == [("2011/12", 1, "2012-01-10")]
    assert _rows(frame, half_a) == _rows(frame, half_b) == []


def test_one_inspection_told_twice_is_read_once() -> None:
    school = _school(100005)
    _inspect(school, "2019-03-01", 2, source="Register (Get Information About Schools)")
    _inspect(school, "2019-03-01", 2, source="Ofsted inspection history")
    # A list of latest grades (no date) saying the same for the same year is an echo.
    _inspect(school, None, 2, source="Ofsted ratings", as_at="2018/19")
    # A different grade from an undated list is another fact: kept.
    _inspect(school, None, 3, source="Ofsted ratings", as_at="2016/17")
    frame = inspections_frame()
    assert _rows(frame, school) == [("2018/19", 2, "2019-03-01"), ("2016/17", 3, "")]


def test_no_inspections_give_an_empty_frame_with_its_columns() -> None:
    frame = inspections_frame()
    assert frame.empty and list(frame.columns) == ["school_id", "period", "grade", "date"]
