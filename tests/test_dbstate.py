"""The checks that refusals write nothing (``tests/dbstate.py``) see every kind of write: a row
added, deleted or changed in any one column, in any table, and nothing when nothing changed;
the cheap one (``table_writes``) sees every write statement that changed a row, whatever table it
names and however it reached the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun
from evenbetter.schools.models import Partnership, PartnershipMembership, School
from tests.dbstate import changed_tables, table_state, table_writes

pytestmark = pytest.mark.django_db


def test_nothing_written_is_nothing_changed(register: ImportRun, governor: User) -> None:
    before = table_state()
    School.objects.filter(urn=115850).update(name=School.objects.get(urn=115850).name)  # the same value again
    list(School.objects.all())
    assert changed_tables(before, table_state()) == []
    assert before["schools_school"][0] == School.objects.count() > 0


def test_a_change_to_any_one_column_is_seen(register: ImportRun, school_a: School) -> None:
    school_a.refresh_from_db()
    changes = {
        "name": school_a.name.upper() if school_a.name != school_a.name.upper() else school_a.name.lower(),
        "postcode": school_a.postcode + " ",  # one trailing space
        "urn": school_a.urn + 1_000_000,
        "pupils_on_roll": (school_a.pupils_on_roll or 0) + 1,
        "percent_fsm": (school_a.percent_fsm or 0) + Decimal("0.1"),
        "latitude": (school_a.latitude or 0.0) + 1e-9,
        "open_date": dt.date(1901, 1, 1) if school_a.open_date != dt.date(1901, 1, 1) else None,
        "capacity": None if school_a.capacity is not None else 1,
    }
    for column, value in changes.items():
        with transaction.atomic():
            before = table_state()
            School.objects.filter(pk=school_a.pk).update(**{column: value})
            assert changed_tables(before, table_state()) == ["schools_school"], column
            transaction.set_rollback(True)
    # … and each change rolled back is the same state as before it.
    before = table_state()
    with transaction.atomic():
        School.objects.filter(pk=school_a.pk).update(name="Renamed")
        transaction.set_rollback(True)
    assert changed_tables(before, table_state()) == []


def test_a_row_added_or_deleted_is_seen_in_its_own_table_only(
    register: ImportRun, school_a: School, school_c: School
) -> None:
    before = table_state()
    cluster = Partnership.objects.create(name="New", slug="new", kind=Partnership.Kind.CLUSTER)
    assert changed_tables(before, table_state()) == ["schools_partnership"]

    before = table_state()
    membership = PartnershipMembership.objects.create(partnership=cluster, school=school_a)
    assert changed_tables(before, table_state()) == ["schools_partnershipmembership"]

    # A deleted row and an added one in its place: the same number of rows, another row.
    before = table_state()
    membership.delete()
    PartnershipMembership.objects.create(partnership=cluster, school=school_c)
    after = table_state()
    assert before["schools_partnershipmembership"][0] == after["schools_partnershipmembership"][0]
    assert changed_tables(before, after) == ["schools_partnershipmembership"]

    before = table_state()
    PartnershipMembership.objects.filter(partnership=cluster).delete()
    assert changed_tables(before, table_state()) == ["schools_partnershipmembership"]


def test_a_many_to_many_table_and_an_ignored_table(register: ImportRun, governor: User) -> None:
    state = table_state()
    assert "accounts_user_groups" in state, "many-to-many tables are checked too"
    assert "django_session" not in state
    assert "schools_school" not in table_state(ignore={"schools_school"})


# --- the cheap check: writes counted ---------------------------------------------------------------


def test_reading_and_a_write_that_matches_nothing_are_no_writes(register: ImportRun, governor: User) -> None:
    before = table_writes()
    list(School.objects.all())
    School.objects.filter(urn=-1).update(name="No such school")
    PartnershipMembership.objects.filter(pk=-1).delete()
    assert changed_tables(before, table_writes()) == []


def test_each_write_is_seen_in_the_table_it_wrote_only(register: ImportRun, school_a: School, school_c: School) -> None:
    # A model's table through the ORM: added, changed (even to the same value), deleted.
    before = table_writes()
    cluster = Partnership.objects.create(name="New", slug="new", kind=Partnership.Kind.CLUSTER)
    assert changed_tables(before, table_writes()) == ["schools_partnership"]
    before = table_writes()
    School.objects.filter(pk=school_a.pk).update(name=School.objects.get(pk=school_a.pk).name)
    assert changed_tables(before, table_writes()) == ["schools_school"]
    before = table_writes()
    PartnershipMembership.objects.bulk_create(
        [PartnershipMembership(partnership=cluster, school=school) for school in (school_a, school_c)]
    )
    PartnershipMembership.objects.filter(partnership=cluster).delete()
    assert changed_tables(before, table_writes()) == ["schools_partnershipmembership"]
    # Raw SQL through Django's cursor, to a table no ORM call above touched.
    before = table_writes()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE schools_locality SET name = 'Changed' WHERE id = -1")
        cursor.execute("UPDATE schools_locality SET name = name")
    assert changed_tables(before, table_writes()) == ["schools_locality"]


def test_a_write_below_djangos_cursor_is_seen(register: ImportRun, school_a: School) -> None:
    """Through the driver's own connection, as the SQLite staging of an import writes (and as
    anything could): still seen, in its table."""
    before = table_writes()
    raw = connection.connection
    if connection.vendor == "sqlite":
        raw.execute("UPDATE schools_school SET name = 'Renamed below' WHERE id = ?", [school_a.pk])
    else:
        with raw.cursor() as cursor:
            cursor.execute("UPDATE schools_school SET name = 'Renamed below' WHERE id = %s", [school_a.pk])
    assert changed_tables(before, table_writes()) == ["schools_school"]


def test_a_temporary_table_and_an_ignored_table_are_no_tables_change(register: ImportRun, governor: User) -> None:
    before = table_writes(ignore={"schools_school"})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE scratch_rows (n integer)")
        cursor.execute("INSERT INTO scratch_rows VALUES (1), (2)")
        if connection.vendor == "sqlite":  # as the staging of an import writes its own
            cursor.execute("INSERT INTO temp.scratch_rows VALUES (3)")
        cursor.execute("UPDATE schools_school SET name = name || ' '")
    assert changed_tables(before, table_writes(ignore={"schools_school"})) == []


def test_a_write_rolled_back_to_a_savepoint_is_still_a_write(register: ImportRun, school_a: School) -> None:
    """Stricter than the state of the tables (the second test above): a refusal that wrote and
    took it back still wrote."""
    before = table_writes()
    with transaction.atomic():
        School.objects.filter(pk=school_a.pk).update(name="Renamed")
        transaction.set_rollback(True)
    assert changed_tables(before, table_writes()) == ["schools_school"]
