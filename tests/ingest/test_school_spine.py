"""The school spine (``school_details_2018.csv``'s layout, in Windows-1252): predecessor links
read the right way round from the dates, schools the register lacks skipped or (when asked)
added, and the link carrying a closed school's inspections into its successor's past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from evenbetter.earlywarning.frames import inspections_frame
from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School, SchoolLink

pytestmark = pytest.mark.django_db

SPINE = Path(__file__).parent.parent / "fixtures" / "school_spine_windows_1252.csv"


def _links() -> set[tuple[int | None, int | None, dt.date | None]]:
    return {
        (link.predecessor.urn, link.successor.urn, link.linked_on)
        for link in SchoolLink.objects.select_related("predecessor", "successor")
    }


def _warnings(run: ImportRun) -> list[str]:
    return [str(p["message"]) for p in run.warnings]


def test_with_missing_schools_added_every_link_is_made_the_right_way_round() -> None:
    # On the register already: the predecessor of 147416, which the spine does not list.
    School.objects.create(urn=121646, name="St Aelred's RC Primary (register)", status=School.Status.CLOSED)
    run = import_path(path=SPINE, source_format="school_spine", add_missing_schools=True)
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert _links() == {
        # The closed school names its successor and the new one its predecessor: one link.
        (100128, 145210, dt.date(2017, 11, 1)),
        # Both closed: the one that opened (in 2019) is the successor.
        (103312, 145243, dt.date(2019, 1, 1)),
        # Only the successor is in the file: it opened, so the other came first.
        (121646, 147416, dt.date(2019, 9, 1)),
    }
    assert any("999999 → 140652" in m and "not on the register" in m for m in _warnings(run))
    added = School.objects.get(urn=100128)
    assert (added.name, added.status, added.close_date, added.phase, added.la_code) == (
        "Greenacres Primary School",
        School.Status.CLOSED,
        dt.date(2017, 10, 31),
        "Primary",
        "203",
    )
    assert School.objects.get(urn=138950).phase == "Secondary"
    # The register's own facts are left as the register says.
    assert School.objects.get(urn=121646).name == "St Aelred's RC Primary (register)"


def test_the_file_is_read_as_windows_1252_and_the_run_says_so() -> None:
    run = import_path(path=SPINE, source_format="school_spine", add_missing_schools=True)
    assert School.objects.get(urn=126416).name == "St Thomas à Becket Church of England Aided Primary School"
    assert School.objects.get(urn=147416).name == "St Aelred's Catholic Primary School – a Catholic Voluntary Academy"
    (note,) = [p for p in run.warnings if "Windows-1252" in str(p["message"])]
    assert (note["line"], note["column"]) == (3, "Name")


def test_without_being_asked_schools_the_register_lacks_are_skipped_and_named() -> None:
    School.objects.create(urn=100128, name="Greenacres (register)", status=School.Status.CLOSED)
    School.objects.create(urn=145210, name="Greenacres Academy (register)", status=School.Status.OPEN)
    run = import_path(path=SPINE, source_format="school_spine")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert set(School.objects.values_list("urn", flat=True)) == {100128, 145210}
    assert _links() == {(100128, 145210, dt.date(2017, 11, 1))}
    (skipped,) = [m for m in _warnings(run) if "school(s) are not on the register" in m]
    assert skipped.startswith("6 school(s)") and "103312" in skipped
    assert any("103312 → 145243" in m for m in _warnings(run))


def test_a_second_import_changes_nothing() -> None:
    import_path(path=SPINE, source_format="school_spine", add_missing_schools=True)
    links, schools = _links(), list(School.objects.order_by("pk").values())
    again = import_path(path=SPINE, source_format="school_spine", add_missing_schools=True)
    assert (again.records_created, again.records_updated) == (0, 0)
    assert (_links(), list(School.objects.order_by("pk").values())) == (links, schools)


def test_a_link_whose_direction_the_dates_do_not_settle_is_reported_not_guessed() -> None:
    content = (
        b"URN,Name,Status,Date Opened,Date Closed,Other URN\n"
        b"100001,One,1,,,100002\n"
        b"100002,Two,1,,,100001\n"
        b"100003,Three,1,,,not a urn\n"
    )
    run = import_file(content=content, file_name="spine.csv", source_format="school_spine", add_missing_schools=True)
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(4, "Other URN")]
    fixed = content.replace(b"not a urn", b"")
    run = import_file(content=fixed, file_name="spine.csv", source_format="school_spine", add_missing_schools=True)
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert not SchoolLink.objects.exists()
    assert any("100001 and 100002" in m and "do not say which school came first" in m for m in _warnings(run))


def test_a_predecessors_inspections_become_its_successors_past_through_the_imports() -> None:
    import_path(path=SPINE, source_format="school_spine", add_missing_schools=True)
    history = (
        b"URN,Rating,Inspection Date\n"
        b"100128,Satisfactory,20100301\n100128,Inadequate,20161130\n145210,Good,20190515\n126416,Good,20110315\n"
    )
    run = import_file(content=history, file_name="history.csv", source_format="ofsted_history")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    frame = inspections_frame()
    successor = School.objects.get(urn=145210).pk
    mine = frame[frame["school_id"] == successor]
    assert mine["grade"].tolist() == [3, 4, 2]
    assert [d.date().isoformat() for d in mine["date"]] == ["2010-03-01", "2016-11-30", "2019-05-15"]
    assert not (frame["school_id"] == School.objects.get(urn=100128).pk).any()
