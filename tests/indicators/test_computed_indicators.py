"""Computed indicators: one registry (each app registers its own), one ImportRun lifecycle."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from evenbetter.indicators.computed import ComputedIndicators, Measured, all_computed, computed_refresh
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.runs import mark_interrupted_runs, this_process
from evenbetter.indicators.store import IndicatorDefinition, StagedObservation
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

DEFINITION = IndicatorDefinition(
    code="test_measure",
    name="A measure for the test",
    unit="",
    direction=Indicator.Direction.HIGHER_IS_BETTER,
    domain=Indicator.Domain.DATA_QUALITY,
    comparison=Indicator.Comparison.COUNT,
    source="The test",
)


class Counted(ComputedIndicators):
    # Not registered: the registry holds only what the apps ship.
    code = "test_measure"
    name = "A measure for the test"
    owner = "tests"
    definitions = [DEFINITION]

    def __init__(self, value: float, fail: bool = False) -> None:
        self.value, self.fail = value, fail

    def measure(self) -> Measured:
        if self.fail:
            raise RuntimeError("the measure broke")
        school = School.objects.create(urn=999_001, name="Test school")
        staged = [StagedObservation(school.pk, "test_measure", "2018/19", dt.date(2018, 9, 1), self.value,
                                    Observation.Status.VALUE, False, 0, "test")]  # fmt: skip
        return Measured(staged, rows_read=1, options={"period": "2018/19"})


def test_each_app_registers_its_own() -> None:
    owners = {c.code: c.owner for c in all_computed()}
    assert owners == {
        "concerns": "concerns",
        "data_quality": "indicators",
        "partnership_life": "partnerships",
        "pulse_surveys": "voice",
    }


def test_a_measure_is_kept_with_its_run() -> None:
    run = computed_refresh(Counted(3.0))
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.source_format, run.file_name, run.options) == ("test_measure", "(computed)", {"period": "2018/19"})
    assert (run.rows_read, run.records_created) == (1, 1)
    assert Observation.objects.get(indicator__code="test_measure").import_run == run


def test_a_measure_that_breaks_is_recorded_as_failed_and_writes_nothing() -> None:
    with pytest.raises(RuntimeError):
        computed_refresh(Counted(3.0, fail=True))
    run = ImportRun.objects.get(source_format="test_measure")
    assert run.status == ImportRun.Status.FAILED
    assert "the measure broke" in run.problems[0]["message"]
    assert not Observation.objects.filter(indicator__code="test_measure").exists()


def test_a_computed_run_whose_process_died_shows_as_interrupted() -> None:
    # Its process is kept like an import's, so a refresh killed before its commit is told
    # apart from one still going.
    run = computed_refresh(Counted(3.0))
    assert run.process == this_process()
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = f"{this_process().rpartition(':')[0]}:{finished.pid}"
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, process=dead)
    assert mark_interrupted_runs() == 1
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.INTERRUPTED
