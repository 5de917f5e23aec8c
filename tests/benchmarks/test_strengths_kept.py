"""Each school's strengths and areas are worked out for every school by the refresh after an
import and kept (``SchoolStrengths``), the same as working them out for one school; a later
import and its refresh write them again; the school page reads the kept row (fewer queries)
and draws the same without it; a reader who sees published figures only is never shown a
local record's strength, whoever read first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.benchmarks.models import SchoolStrengths
from evenbetter.benchmarks.selectors import StrengthsAndAreas, _school_strengths, _strengths_from
from evenbetter.benchmarks.services import strengths_keep
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.jobs.models import Job
from evenbetter.jobs.services import job_execute
from evenbetter.schools.models import School
from tests.benchmarks.conftest import build_benchmarked, strong_three_years
from tests.conftest import school_page_part

pytestmark = pytest.mark.django_db


def _absence_file(values: dict[int, float]) -> bytes:
    lines = ["LA,ESTAB,URN,PERCTOT,PPERSABS10"]
    lines += [f"850,{i},{urn},{value:.1f},{2 * value:.1f}" for i, (urn, value) in enumerate(values.items(), start=1)]
    return ("\n".join(lines) + "\n").encode()


def _import_absence(values: dict[int, float], period: str, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the refresh is queued on commit
        run = import_file(content=_absence_file(values), file_name="absence.csv", source_format="dfe_absence",
                          period=period)  # fmt: skip
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems


def _refresh() -> None:
    """The refresh the import queued, run as a worker runs it (in this test's transaction)."""
    queued = Job.objects.get(kind="refresh", status=Job.Status.QUEUED)
    assert job_execute(queued.pk) == Job.Status.SUCCEEDED


def _words(found: StrengthsAndAreas) -> tuple[list[str], list[str]]:
    return [line.text for line in found.strengths], [line.text for line in found.areas]


@pytest.fixture
def primaries(register: ImportRun) -> list[int]:
    """The open primaries' URNs, reading benchmarked over two years (the lowest URN 50, then
    up in fives to 95)."""
    build_benchmarked(shifts={2017: -10, 2018: 0})
    return list(School.objects.exclude(status=School.Status.CLOSED).order_by("urn").values_list("urn", flat=True))


def test_the_refresh_after_an_import_keeps_every_schools_strengths_as_worked_out_alone(
    primaries: list[int], django_capture_on_commit_callbacks
) -> None:
    # Absence, lower is better: the first URN least absent in both years.
    for period in ("2017/18", "2018/19"):
        _import_absence({urn: 2.0 + i for i, urn in enumerate(primaries)}, period, django_capture_on_commit_callbacks)
    _refresh()

    kept = dict(SchoolStrengths.objects.values_list("school_id", "found"))
    assert set(kept) == set(School.objects.values_list("pk", flat=True))  # a row for every school
    for school in School.objects.all():
        for with_local in (True, False):
            assert _words(_strengths_from(kept[school.pk], with_local=with_local)) == _words(
                _school_strengths(school=school, with_local=with_local)
            )
    first, last = School.objects.get(urn=primaries[0]), School.objects.get(urn=primaries[-1])
    # Checked by hand: the first is least absent of its family in both years and the lowest in reading.
    assert {(row["kind"], row["indicator"]) for row in kept[first.pk]} >= {
        ("strength", Indicator.objects.get(code="absence_overall").pk),
        ("area_to_develop", Indicator.objects.get(code="reading").pk),
    }
    assert ("strength", Indicator.objects.get(code="reading").pk) in {
        (row["kind"], row["indicator"]) for row in kept[last.pk]
    }


def test_a_later_import_and_its_refresh_write_them_again(
    primaries: list[int], django_capture_on_commit_callbacks
) -> None:
    for period in ("2017/18", "2018/19"):
        _import_absence({urn: 2.0 + i for i, urn in enumerate(primaries)}, period, django_capture_on_commit_callbacks)
    _refresh()
    first = School.objects.get(urn=primaries[0])
    absence = Indicator.objects.get(code="absence_overall").pk
    kinds = {row["kind"] for row in SchoolStrengths.objects.get(school=first).found if row["indicator"] == absence}
    assert kinds == {"strength"}

    # The same two years imported again, the order turned round: now the most absent.
    for period in ("2017/18", "2018/19"):
        _import_absence({urn: 12.0 - i for i, urn in enumerate(primaries)}, period, django_capture_on_commit_callbacks)
    _refresh()
    kinds = {row["kind"] for row in SchoolStrengths.objects.get(school=first).found if row["indicator"] == absence}
    assert kinds == {"area_to_develop"}


def _glance(client: Client, school: School) -> tuple[str, int]:
    """The glance of strengths as drawn, and the queries the page took, from an empty cache."""
    return school_page_part(client, school, 'id="glance-strengths-heading"', 'id="glance-data-heading"')


def test_the_page_reads_the_kept_row_and_draws_the_same_without_it(
    primaries: list[int], client_for: Callable[[str], Client]
) -> None:
    school = School.objects.get(urn=primaries[-1])
    lead = client_for("system_lead")
    strengths_keep()
    kept, with_row = _glance(lead, school)
    assert "Reading" in kept
    SchoolStrengths.objects.all().delete()
    worked_out, without_row = _glance(lead, school)
    assert worked_out == kept
    assert with_row < without_row


@pytest.mark.parametrize("first", ["partnership_lead", "school_leader_b"])
def test_a_local_records_strength_kept_is_shown_only_to_who_may_see_it(
    client_for: Callable[[str], Client], school_a: School, first: str
) -> None:
    strong_three_years(school_a, "ks2_writprog", "Writing progress", public=True)
    strong_three_years(school_a, "staff_stability", "Staff stability", public=False)  # a local record
    strengths_keep()
    assert SchoolStrengths.objects.filter(school=school_a).exists()
    readers = ["partnership_lead", "school_leader_b"]
    if first == "school_leader_b":
        readers.reverse()
    seen = {}
    for reader in readers:
        page = client_for(reader).get(school_a.get_absolute_url()).content.decode()
        seen[reader] = page[page.index('id="glance-strengths-heading"') : page.index('id="glance-areas-heading"')]
    assert "Writing progress" in seen["partnership_lead"] and "Staff stability" in seen["partnership_lead"]
    assert "Writing progress" in seen["school_leader_b"] and "Staff stability" not in seen["school_leader_b"]
    # Worked out for the page when no row is kept (each reader's own entry in the figures cache).
    SchoolStrengths.objects.all().delete()
    for with_local, shown in ((True, {"Writing progress", "Staff stability"}), (False, {"Writing progress"})):
        assert {
            line.indicator.name for line in _school_strengths(school=school_a, with_local=with_local).strengths
        } == (shown)


def test_the_kept_lines_carry_the_sparklines_values_and_whether_they_were_generated(primaries: list[int]) -> None:
    from evenbetter.benchmarks.selectors import school_benchmarks
    from evenbetter.indicators.selectors import generated_values_of

    # The reading values of the first half of the schools from a generated (demo) run.
    generated_run = ImportRun.objects.create(
        source_format="demo", file_name="values.csv", sha256="0" * 64, status=ImportRun.Status.SUCCEEDED,
        options={"generated": True},
    )  # fmt: skip
    halves = School.objects.filter(urn__in=primaries[: len(primaries) // 2])
    Observation.objects.filter(indicator__code="reading", school__in=halves).update(import_run=generated_run)
    strengths_keep()
    lead = User.objects.create_user("lead-for-points")
    Membership.objects.create(user=lead, role=Role.SYSTEM_LEAD)
    checked = 0
    for school_id, found in SchoolStrengths.objects.values_list("school_id", "found"):
        school = School.objects.get(pk=school_id)
        worked_out = {
            entry.indicator.pk: [[p.period, p.value] for p in entry.points]
            for entry in school_benchmarks(user=lead, school=school)
        }
        generated = {indicator for indicator, _ in generated_values_of(school)}
        for row in found:
            assert row["points"] == worked_out[row["indicator"]]
            assert row["generated"] == (row["indicator"] in generated)
            checked += 1
    assert checked and any(
        row["generated"] is False
        for _, found in SchoolStrengths.objects.values_list("school_id", "found")
        for row in found
    )
    assert any(
        row["generated"] for _, found in SchoolStrengths.objects.values_list("school_id", "found") for row in found
    )


def test_the_glance_draws_the_same_from_the_kept_values_in_fewer_queries(
    primaries: list[int], client_for: Callable[[str], Client]
) -> None:
    school = School.objects.get(urn=primaries[-1])
    lead = client_for("system_lead")
    strengths_keep()
    kept, with_points = _glance(lead, school)
    assert "Reading" in kept and "<svg" in kept  # a sparkline drawn
    # A row kept before the values were (lines without points): the benchmarks are read.
    for row in SchoolStrengths.objects.all():
        row.found = [{k: v for k, v in line.items() if k not in ("points", "generated")} for line in row.found]
        row.save()
    read, without_points = _glance(lead, school)
    assert read == kept
    assert with_points < without_points
