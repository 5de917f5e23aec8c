"""The DfE's trimmed key stage tables (``history-2005-2020/ks*_perf_*.csv``) through ``wide`` with
the shipped mappings, and the whole history folder loaded in one command."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from evenbetter.indicators.models import ImportRun, Indicator, Inspection, Observation
from evenbetter.ingest.formats.dfe_ks2 import ks2_catalogue
from evenbetter.ingest.history import REFERENCE
from evenbetter.ingest.runner import import_path
from evenbetter.schools.models import School, SchoolLink

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures"
KS2 = FIXTURES / "ks2_perf_sample.csv"


@pytest.fixture
def schools() -> None:
    for urn in (100000, 143648, 100053):
        School.objects.create(urn=urn, name=f"School {urn}", status=School.Status.OPEN)


def _values(urn: int) -> dict[str, tuple[str, float | None, str]]:
    return {
        code: (period, value, status)
        for code, period, value, status in Observation.objects.filter(school__urn=urn).values_list(
            "indicator__code", "period", "value", "status"
        )
    }


def test_ks2_table_reads_with_the_shipped_mapping_into_the_dfe_indicators(schools: None) -> None:
    assert not Indicator.objects.exists(), "the KS2 catalogue comes with the import, from the dfe_ks2 format"
    run = import_path(
        path=KS2, source_format="wide", mapping=REFERENCE / "history_ks2_perf.csv", skip_unknown_schools=True
    )
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    values = _values(100000)
    # "Academic Year" 2018 is 2017/18; percentages carry "%".
    assert values["ks2_ptread_exp"] == ("2017/18", 76.0, "value")
    assert values["ks2_ptrwm_high"] == ("2017/18", 21.0, "value")
    assert values["ks2_readprog"] == ("2017/18", 0.9, "value")
    # The trimmed "Writing Score" is the grammar, punctuation and spelling test's.
    assert values["ks2_gps_average"] == ("2017/18", 110.0, "value")
    assert values["ks2_telig"] == ("2017/18", 29.0, "value")
    assert len(values) == 17
    # LOWCOV: too few pupils covered for a progress score — missing, not an error.
    assert _values(143648)["ks2_readprog"] == ("2017/18", None, "missing")
    reading = Indicator.objects.get(code="ks2_ptread_exp")
    assert reading.name == ks2_catalogue()["PTREAD_EXP"].name
    warnings = [str(p["message"]) for p in run.warnings]
    assert any("999998" in m and "not on the register" in m for m in warnings)
    assert any("Reading Progress Band" in m and "not read" in m for m in warnings)


def test_without_being_told_to_skip_an_unknown_school_refuses_the_file(schools: None) -> None:
    run = import_path(path=KS2, source_format="wide", mapping=REFERENCE / "history_ks2_perf.csv")
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(4, "school_id")]
    assert not Observation.objects.exists()


def test_ks4_2015_16_leaves_out_the_measures_whose_scale_changed(schools: None) -> None:
    run = import_path(
        path=FIXTURES / "ks4_perf_2016_sample.csv",
        source_format="wide",
        mapping=REFERENCE / "history_ks4_perf_2016.csv",
        skip_unknown_schools=True,
    )
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert _values(100053) == {
        "ks4_pupils": ("2015/16", 172.0, "value"),
        "ks4_progress8": ("2015/16", -0.26, "value"),
        "ks4_ebacc_entered": ("2015/16", 43.0, "value"),
    }


def test_a_mapping_giving_two_period_columns_is_refused(schools: None, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("column,indicator\nURN,school_id\nAcademic Year,period_end_year\nKS2 Pupils,period\n")
    run = import_path(path=KS2, source_format="wide", mapping=mapping)
    assert run.status == ImportRun.Status.FAILED
    assert "two columns are mapped to the period" in str(run.errors[0]["message"])


def test_the_whole_folder_loads_in_one_command_and_again_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    shutil.copy(FIXTURES / "school_spine_windows_1252.csv", folder / "school_details_2018.csv")
    (folder / "ofsted_ratings_2018.csv").write_bytes(
        (FIXTURES / "inspections_ofsted_history.csv").read_bytes().replace(b"\n100000,", b"\n100128,")
    )
    (folder / "ks2_perf_2018.csv").write_bytes(
        KS2.read_bytes().replace(b"\n100000,", b"\n100128,").replace(b"\n143648,", b"\n145210,")
    )
    out = io.StringIO()
    call_command("import_history", str(folder), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "school_details_2018.csv (school_spine): Succeeded" in text
    assert "ofsted_ratings_2018.csv (ofsted_history): Succeeded" in text
    assert "ks2_perf_2018.csv (wide): Succeeded" in text
    assert "3 file(s) imported" in text and "not in the folder: ks2_perf_2016.csv" in text
    assert SchoolLink.objects.filter(predecessor__urn=100128, successor__urn=145210).exists()
    assert Inspection.objects.filter(school__urn=100128).count() == 3
    assert Observation.objects.filter(school__urn=100128, indicator__code="ks2_ptread_exp").exists()
    counts = (
        School.objects.count(),
        SchoolLink.objects.count(),
        Inspection.objects.count(),
        Observation.objects.count(),
    )
    again = io.StringIO()
    call_command("import_history", str(folder), stdout=again, stderr=io.StringIO())
    assert ", 0 created, 0 updated" in again.getvalue()
    assert (
        School.objects.count(),
        SchoolLink.objects.count(),
        Inspection.objects.count(),
        Observation.objects.count(),
    ) == counts
