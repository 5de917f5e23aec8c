"""Key stage 4 (provisional) on the real national file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_path
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

MEASURES = ["TPUP", "ATT8SCR", "P8PUP", "TP8ADJ", "P8MEA", "P8CILOW", "P8CIUPP", "P8MEA_ORIG", "P8CILOW_ORIG",
            "P8CIUPP_ORIG", "PTL2BASICS_94", "PTL2BASICS_95", "EBACCAPS", "PTEBACC_E_PTQ_EE", "PTEBACC_94",
            "PTEBACC_95", "PT5EM_94", "P8_BANDING"]  # fmt: skip


def test_the_real_ks4_file_imports_every_school_row(db: None, real_data_dir: Path) -> None:
    path = real_data_dir / "national-2019" / "england_ks4provisional.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["RECTYPE"] == "1"]
    School.objects.bulk_create([School(urn=int(r["URN"]), name=r["SCHNAME"], status="open") for r in rows])
    expected = sum(1 for r in rows for column in MEASURES if r[column].strip())

    run = import_path(path=path, source_format="dfe_ks4", period="2018/19")

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_accepted, run.records_created) == (len(rows), expected)
    camden = {o.indicator.code: o for o in Observation.objects.filter(school__urn=100054).select_related("indicator")}
    # The Camden School for Girls: 63.4, 0.74 (0.48 to 1), 88.8%, band 1.
    assert camden["ks4_attainment8"].value == 63.4
    assert (
        camden["ks4_progress8"].value,
        camden["ks4_progress8_lower"].value,
        camden["ks4_progress8_upper"].value,
    ) == (
        0.74,
        0.48,
        1.0,
    )
    assert camden["ks4_english_maths_4"].value == 88.8
    assert camden["ks4_progress8_band"].value == 1
    assert all(o.provisional for o in camden.values())
    low_coverage = [r["URN"] for r in rows if r["P8MEA"] == "LOWCOV"]
    assert low_coverage
    assert (
        Observation.objects.get(school__urn=int(low_coverage[0]), indicator__code="ks4_progress8").status == "missing"
    )
    suppressed = [r["URN"] for r in rows if r["P8_BANDING"] == "SUPP"]
    band = Observation.objects.get(school__urn=int(suppressed[0]), indicator__code="ks4_progress8_band")
    assert (band.status, band.value) == ("suppressed", None)
    again = import_path(path=path, source_format="dfe_ks4", period="2018/19")
    assert (again.records_created, again.records_updated) == (0, 0)
