"""The register importer on the real Hampshire and Surrey file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_path
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def gias_file(real_data_dir: Path) -> Path:
    return real_data_dir / "hampshire-surrey" / "gias_20220420.csv"


@pytest.fixture
def imported(gias_file: Path) -> ImportRun:
    run = import_path(path=gias_file, source_format="gias")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems[:3]
    return run


def test_every_school_in_the_file_is_imported_open_and_closed(imported: ImportRun) -> None:
    # The file has 1,096 establishments (the last line has no line break, so `wc -l`
    # shows 1,096 lines with the header and undercounts by one).
    assert imported.rows_read == 1096
    assert imported.records_created == 1096
    assert School.objects.count() == 1096
    assert School.objects.filter(la_code="850").count() == 520
    assert School.objects.filter(la_code="936").count() == 576
    assert School.objects.filter(status=School.Status.CLOSED).count() == 368
    assert School.objects.filter(status=School.Status.OPEN_PROPOSED_TO_CLOSE).count() == 2


def test_a_known_open_school_has_its_register_facts(imported: ImportRun) -> None:
    school = School.objects.get(urn=115850)
    assert school.name == "Alton Infant School"
    assert (school.la_code, school.la_name, school.establishment_number) == ("850", "Hampshire", "2000")
    assert school.type_name == "Community school"
    assert school.phase == "Primary"
    assert school.status == School.Status.OPEN
    assert (school.statutory_low_age, school.statutory_high_age) == (4, 7)
    assert school.pupils_on_roll == 138
    assert school.percent_fsm == Decimal("21.7")
    assert school.census_date == dt.date(2021, 1, 21)
    assert (school.town, school.postcode) == ("Alton", "GU34 1DH")
    assert school.district == "East Hampshire"
    assert school.ward == "Alton Eastbrooke"
    assert school.urban_rural == "Urban city and town"
    assert (school.easting, school.northing) == (472080, 139716)
    assert school.ofsted_rating == "Good"
    assert school.ofsted_last_inspection == dt.date(2019, 1, 23)


def test_latitude_and_longitude_come_from_the_grid_reference(imported: ImportRun) -> None:
    alton = School.objects.get(urn=115850)
    # Alton lies at about 51.15°N, 0.97°W.
    assert alton.latitude == pytest.approx(51.152, abs=0.002)
    assert alton.longitude == pytest.approx(-0.971, abs=0.002)
    located = School.objects.exclude(latitude=None)
    # 27 rows have no grid reference and one (Stepgates Middle School, closed in 1993)
    # has 0, 0, which the register uses for "unknown": neither gets a location.
    assert located.count() == 1068
    assert School.objects.get(urn=130018).latitude is None
    # Every located school is in Hampshire or Surrey (roughly 50.7–51.5°N, 1.95°W–0.05°E).
    assert not located.exclude(latitude__range=(50.6, 51.6), longitude__range=(-2.0, 0.1)).exists()
    assert not School.objects.filter(easting=None).exclude(latitude=None).exists()


def test_the_registers_placeholder_opening_date_means_unknown(imported: ImportRun, gias_file: Path) -> None:
    import csv

    with gias_file.open(encoding="utf-8-sig", newline="") as handle:
        placeholders = [int(r["URN"]) for r in csv.DictReader(handle) if r["OpenDate"] == "01-01-1900"]
    assert placeholders, "the real file has schools with the 1900 placeholder"
    assert not School.objects.filter(open_date=dt.date(1900, 1, 1)).exists()
    assert School.objects.filter(urn__in=placeholders, open_date=None).count() == len(placeholders)


def test_closed_schools_are_kept_with_their_status_and_close_date(imported: ImportRun) -> None:
    closed = School.objects.get(urn=115864)
    assert closed.name == "Bordon Junior School"
    assert closed.status == School.Status.CLOSED
    assert closed.close_date is not None
    assert not closed.is_open


def test_linked_establishments_spilling_past_the_last_column_are_kept(imported: ImportRun) -> None:
    # The register writes each link as a field of its own beyond the header's 111.
    grove = School.objects.get(urn=125131)
    assert grove.linked_establishments == (
        "130037 Predecessor; 130052 Predecessor; 130043 Predecessor; 142380 Successor"
    )


def test_personal_fields_of_the_register_are_not_stored(imported: ImportRun) -> None:
    field_names = {field.name for field in School._meta.get_fields()}
    assert not field_names & {"head_first_name", "head_last_name", "head_title", "telephone", "telephone_num"}
    values = " ".join(str(v) for v in model_to_dict(School.objects.get(urn=115850)).values())
    # Alton Infant School's headteacher's surname and telephone number in the file:
    assert "Mead" not in values
    assert "0142083857" not in values


def test_trusts_and_federations_become_partnerships_and_districts_localities(imported: ImportRun) -> None:
    glf = Partnership.objects.get(kind=Partnership.Kind.TRUST, name="GLF SCHOOLS")
    assert glf.source == Partnership.Source.REGISTER
    open_glf = School.objects.filter(trust_name="GLF SCHOOLS").exclude(status=School.Status.CLOSED)
    assert set(glf.memberships.filter(left_on=None).values_list("school_id", flat=True)) == set(
        open_glf.values_list("pk", flat=True)
    )
    forest_edge = Partnership.objects.get(kind=Partnership.Kind.FEDERATION, name="Forest Edge Learning Federation")
    assert forest_edge.memberships.filter(left_on=None).count() == 3
    districts = set(School.objects.exclude(district="").values_list("district", flat=True))
    assert set(Locality.objects.values_list("name", flat=True)) == districts
    east_hampshire = Locality.objects.get(name="East Hampshire")
    assert east_hampshire.schools.count() == School.objects.filter(district="East Hampshire").count() == 47


def test_reimporting_the_same_file_changes_nothing(imported: ImportRun, gias_file: Path) -> None:
    before = {s.urn: model_to_dict(s) | {"updated_at": s.updated_at} for s in School.objects.all()}
    memberships_before = list(PartnershipMembership.objects.values().order_by("pk"))
    localities_before = {loc.name: set(loc.schools.values_list("pk", flat=True)) for loc in Locality.objects.all()}

    again = import_path(path=gias_file, source_format="gias")

    assert again.status == ImportRun.Status.SUCCEEDED
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 1096)
    assert again.sha256 == imported.sha256
    after = {s.urn: model_to_dict(s) | {"updated_at": s.updated_at} for s in School.objects.all()}
    assert after == before
    assert list(PartnershipMembership.objects.values().order_by("pk")) == memberships_before
    assert {loc.name: set(loc.schools.values_list("pk", flat=True)) for loc in Locality.objects.all()} == (
        localities_before
    )


def test_a_changed_register_updates_only_what_changed(imported: ImportRun, gias_file: Path, tmp_path: Path) -> None:
    content = gias_file.read_bytes().replace(b'"Alton Infant School"', b'"Alton Infant and Nursery School"')
    changed = tmp_path / "gias_changed.csv"
    changed.write_bytes(content)

    run = import_path(path=changed, source_format="gias")

    assert (run.records_created, run.records_updated, run.records_unchanged) == (0, 1, 1095)
    assert School.objects.get(urn=115850).name == "Alton Infant and Nursery School"


def test_a_school_that_leaves_its_trust_keeps_its_history(imported: ImportRun, gias_file: Path, tmp_path: Path) -> None:
    danetree = School.objects.get(urn=138764)
    glf = Partnership.objects.get(kind=Partnership.Kind.TRUST, name="GLF SCHOOLS")
    assert glf.memberships.filter(school=danetree, left_on=None).exists()
    lines = gias_file.read_bytes().split(b"\n")
    moved = [
        line.replace(b'"GLF SCHOOLS"', b'"BOURNE EDUCATION TRUST"') if line.startswith(b"138764,") else line
        for line in lines
    ]
    changed = tmp_path / "gias_moved.csv"
    changed.write_bytes(b"\n".join(moved))

    import_path(path=changed, source_format="gias")

    old = glf.memberships.get(school=danetree)
    assert old.left_on is not None
    bourne = Partnership.objects.get(kind=Partnership.Kind.TRUST, name="BOURNE EDUCATION TRUST")
    new = bourne.memberships.get(school=danetree)
    assert new.left_on is None
    assert new.joined_on == old.left_on


def test_a_dry_run_counts_but_writes_nothing(gias_file: Path) -> None:
    run = import_path(path=gias_file, source_format="gias", dry_run=True)
    assert run.status == ImportRun.Status.DRY_RUN
    assert run.records_created == 1096
    assert School.objects.count() == 0
    assert Partnership.objects.count() == 0


def test_linked_establishments_read_as_urn_and_relation(imported: ImportRun) -> None:
    assert School.objects.get(urn=125131).links == [
        (130037, "Predecessor"),
        (130052, "Predecessor"),
        (130043, "Predecessor"),
        (142380, "Successor"),
    ]
    assert School.objects.get(urn=115850).links == []


def test_the_registers_latest_inspections_become_dated_events(imported: ImportRun, gias_file: Path) -> None:
    import csv

    from evenbetter.indicators.models import Inspection

    with gias_file.open(encoding="utf-8-sig", newline="") as handle:
        rated = [r for r in csv.DictReader(handle) if r["OfstedRating (name)"] and r["OfstedLastInsp"]]
    assert Inspection.objects.count() == len(rated)
    ashford = Inspection.objects.get(school__urn=115921)
    assert (ashford.inspected_on, ashford.grade, ashford.grade_label) == (
        dt.date(2021, 11, 12),
        4,
        "Serious Weaknesses",
    )
    import_path(path=gias_file, source_format="gias")
    assert Inspection.objects.count() == len(rated)
