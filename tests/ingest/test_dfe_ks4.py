"""Key stage 4 (provisional) on the real national file (``national-2019/england_ks4provisional.csv``).

Expected numbers are worked out here from the file with the csv module. The file's
"no value" codes: ``NA`` (no figure published), ``NE`` (no entries), ``LOWCOV`` (too few
pupils covered for a progress score) are missing; ``SUPP`` is suppressed; blank is no
value at all. Percentages carry ``%``; Progress 8 and its limits can be negative.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

PERIOD = "2018/19"
IDENTITY = {"RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "ICLOSE", "NFTYPE"}
MISSING = {"NA", "NE", "LOWCOV"}


@pytest.fixture
def ks4_file(real_data_dir: Path) -> Path:
    return real_data_dir / "national-2019" / "england_ks4provisional.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _school_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    # 1 mainstream, 2 special: both are schools with a URN; 4, 5 and 7 are totals.
    return [r for r in rows if r["RECTYPE"] in {"1", "2"}]


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _observations(urn: int) -> dict[str, Observation]:
    found = Observation.objects.filter(school__urn=urn, period=PERIOD).select_related("indicator")
    return {o.indicator.code: o for o in found}


def test_against_the_local_register_every_school_is_skipped(register: ImportRun, ks4_file: Path) -> None:
    rows = _rows(ks4_file)
    schools = {r["URN"] for r in _school_rows(rows)}
    assert not schools & {str(u) for u in School.objects.values_list("urn", flat=True)}, "the register is primary"

    run = import_path(path=ks4_file, source_format="dfe_ks4", period=PERIOD)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_read, run.rows_accepted, run.records_created) == (len(rows), 0, 0) == (5652, 0, 0)
    (skipped,) = run.warnings
    assert str(skipped["message"]).startswith(f"{len(schools)} schools are not on the register")
    assert not Observation.objects.exists()


def test_the_real_file_imports_every_mainstream_and_special_school(db: None, ks4_file: Path) -> None:
    rows = _rows(ks4_file)
    schools = _school_rows(rows)
    School.objects.bulk_create([School(urn=int(r["URN"]), name=r["SCHNAME"], status="open") for r in schools])
    measures = [c for c in rows[0] if c not in IDENTITY]
    cells = Counter(
        "blank" if not r[c].strip() else r[c] if r[c] in MISSING | {"SUPP"} else "number"
        for r in schools
        for c in measures
    )

    run = import_path(path=ks4_file, source_format="dfe_ks4", period=PERIOD)

    assert run.status == ImportRun.Status.SUCCEEDED, run.errors[:3]
    assert (run.rows_read, run.rows_accepted) == (len(rows), len(schools)) == (5652, 4296 + 1199)
    assert run.records_created == cells.total() - cells["blank"]
    assert not run.warnings, "the totals rows are not schools, and every column is known"
    by_status = Counter(Observation.objects.values_list("status", flat=True))
    assert by_status == {
        "value": cells["number"],
        "suppressed": cells["SUPP"],
        "missing": cells["NA"] + cells["NE"] + cells["LOWCOV"],
    }
    assert not Observation.objects.filter(status__in=["missing", "suppressed"], value__isnull=False).exists()
    assert not Observation.objects.filter(provisional=False).exists(), "the whole file is provisional"

    # 1,202,4611,100054,The Camden School for Girls,0,VA,107,63.4,95,2,0.74,0.48,1,0.71,0.44,0.97,88.8%,74.8%,5.83,60.7%,55.1%,40.2%,88.8%,1
    camden = _observations(100054)
    assert {code: o.value for code, o in camden.items()} == {
        "ks4_pupils": 107,
        "ks4_attainment8": 63.4,
        "ks4_p8_pupils": 95,
        "ks4_p8_adjusted": 2,
        "ks4_progress8": 0.74,
        "ks4_progress8_lower": 0.48,
        "ks4_progress8_upper": 1,
        "ks4_progress8_unadjusted": 0.71,
        "ks4_progress8_unadjusted_lower": 0.44,
        "ks4_progress8_unadjusted_upper": 0.97,
        "ks4_english_maths_4": 88.8,
        "ks4_english_maths_5": 74.8,
        "ks4_ebacc_aps": 5.83,
        "ks4_ebacc_entered": 60.7,
        "ks4_ebacc_4": 55.1,
        "ks4_ebacc_5": 40.2,
        "ks4_five_gcses_4": 88.8,
        "ks4_progress8_band": 1,
    }
    # South Bank Engineering UTC: Progress 8 -1.45 (-1.81 to -1.08), 0.0% EBacc (a real 0), band SUPP.
    utc = _observations(142905)
    assert (utc["ks4_progress8"].value, utc["ks4_progress8_lower"].value, utc["ks4_progress8_upper"].value) == (
        -1.45,
        -1.81,
        -1.08,
    )
    assert (utc["ks4_ebacc_4"].value, utc["ks4_ebacc_4"].status) == (0.0, "value")
    assert (utc["ks4_progress8_band"].value, utc["ks4_progress8_band"].status) == (None, "suppressed")
    # Trinity Academy: LOWCOV for every progress figure, and a blank band (no value at all).
    trinity = _observations(140966)
    assert (trinity["ks4_progress8"].value, trinity["ks4_progress8"].status) == (None, "missing")
    assert trinity["ks4_attainment8"].value == 36.4
    assert "ks4_progress8_band" not in trinity
    # Ickburgh School (special, RECTYPE 2): 6 pupils, NE for Attainment 8, SUPP for Progress 8.
    ickburgh = _observations(100312)
    assert ickburgh["ks4_pupils"].value == 6
    assert (ickburgh["ks4_attainment8"].value, ickburgh["ks4_attainment8"].status) == (None, "missing")
    assert (ickburgh["ks4_progress8"].value, ickburgh["ks4_progress8"].status) == (None, "suppressed")
    # City of London School (independent): NA everywhere.
    assert {o.status for o in _observations(100003).values()} == {"missing"}

    again = import_path(path=ks4_file, source_format="dfe_ks4", period=PERIOD)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, run.records_created)


def _camden_file(ks4_file: Path) -> list[dict[str, str]]:
    rows = _rows(ks4_file)
    School.objects.bulk_create([School(urn=u, name=f"School {u}", status="open") for u in (100054, 142905)])
    return [dict(r) for r in rows if r["URN"] in {"100054", "142905"}]


def _import(content: bytes) -> ImportRun:
    return import_file(content=content, file_name="ks4.csv", source_format="dfe_ks4", period=PERIOD)


def test_a_percentage_or_band_out_of_range_is_refused_with_where(db: None, ks4_file: Path) -> None:
    rows = _camden_file(ks4_file)
    rows[0]["PTL2BASICS_94"] = "108.8%"
    rows[1]["P8_BANDING"] = "6"
    run = _import(_csv(rows))
    assert run.status == ImportRun.Status.FAILED
    assert [(e["file"], e["line"], e["column"]) for e in run.errors] == [
        ("ks4.csv", 2, "PTL2BASICS_94"),
        ("ks4.csv", 3, "P8_BANDING"),
    ]
    assert not Observation.objects.exists()


def test_a_school_twice_with_different_results_is_refused(db: None, ks4_file: Path) -> None:
    rows = _camden_file(ks4_file)
    rows.append({**rows[0], "ATT8SCR": "64.1"})
    run = _import(_csv(rows))
    assert run.status == ImportRun.Status.FAILED
    assert [(e["line"], e["column"]) for e in run.errors] == [(4, "ATT8SCR")]
    assert not Observation.objects.exists()


def test_a_file_without_record_types_or_with_a_word_for_a_number_is_refused(db: None, ks4_file: Path) -> None:
    rows = _camden_file(ks4_file)
    without = [{k: v for k, v in r.items() if k != "RECTYPE"} for r in rows]
    run = _import(_csv(without))
    assert [(e["line"], e["column"]) for e in run.errors] == [(1, "RECTYPE")]
    rows[1]["ATT8SCR"] = "34.1a"
    worded = _import(_csv(rows))
    assert [(e["line"], e["column"]) for e in worded.errors] == [(3, "ATT8SCR")]
    assert not Observation.objects.exists()
