"""Key stage 2 performance tables: all three real years, their differing column sets."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.ingest.runner import import_file, import_path
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

FILES = [("ks2_2016_850.csv", "2016/17"), ("ks2_2017_936.csv", "2017/18"), ("ks2_2018_850.csv", "2018/19")]
IDENTITY = {"RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN", "SCHNAME", "ADDRESS1", "ADDRESS2", "ADDRESS3", "TOWN",
            "PCODE", "TELNUM", "URN_AC", "SCHNAME_AC", "OPEN_AC", "NFTYPE", "ICLOSE", "RELDENOM", "AGERANGE",
            "CONFEXAM", "TAB15", "TAB1618", "PCON_CODE", "PCON_NAME"}  # fmt: skip


@pytest.fixture
def real_register(real_data_dir: Path) -> Path:
    run = import_path(path=real_data_dir / "hampshire-surrey" / "gias_20220420.csv", source_format="gias")
    assert run.status == ImportRun.Status.SUCCEEDED
    return real_data_dir / "hampshire-surrey"


def _dictionary_fields(folder: Path) -> set[str]:
    fields = set()
    for name in ("ks2_meta_2016-2017.csv", "ks2_meta_2018-2019.csv"):
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                fields.add((row.get("FieldName") or row.get("Field Name") or "").strip().upper())
    return fields


def _expected(folder: Path, file_name: str) -> tuple[int, int]:
    """(school rows on the register, non-blank measure cells in them), read with csv alone."""
    fields = _dictionary_fields(folder)
    urns = set(School.objects.values_list("urn", flat=True))
    with (folder / file_name).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        measures = [
            i
            for i, name in enumerate(header)
            if name.upper() in fields
            and name.upper() not in IDENTITY
            and not re.search(r"_1\d$", name.upper())
            and not name.upper().endswith("_DESCR")
        ]
        rows = [r for r in reader if r and r[0] == "1" and r[4].strip().isdigit() and int(r[4]) in urns]
    cells = sum(1 for r in rows for i in measures if i < len(r) and r[i].strip())
    return len(rows), cells


# One register, the three years' files imported in turn (each the real file of about 1,000 schools
# and 200 columns, a few seconds an import): each year's counts, then what the years hold together.
def test_each_years_file_imports_with_the_expected_counts_then_values_across_three_years(
    real_register: Path,
) -> None:
    for file_name, period in FILES:
        schools, cells = _expected(real_register, file_name)
        run = import_path(path=real_register / file_name, source_format="dfe_ks2", period=period)
        assert run.status == ImportRun.Status.SUCCEEDED, (file_name, run.errors[:3])
        assert (run.rows_accepted, run.records_created) == (schools, cells), file_name
        again = import_path(path=real_register / file_name, source_format="dfe_ks2", period=period)
        assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, cells), file_name
    import_path(path=real_register / "ks2_2017_850.csv", source_format="dfe_ks2", period="2017/18")
    ashford = {
        (o.indicator.code, o.period): o.value
        for o in Observation.objects.filter(school__urn=115921).select_related("indicator")
    }
    # Ashford Hill Primary School (850/2119), from the three files.
    assert ashford[("ks2_ptrwm_exp", "2016/17")] == 80.0
    assert ashford[("ks2_ptrwm_exp", "2017/18")] == 86.0
    assert ashford[("ks2_ptrwm_exp", "2018/19")] == 89.0
    assert ashford[("ks2_readprog", "2018/19")] == 1.7
    assert ashford[("ks2_telig", "2018/19")] == 18.0
    headline = Indicator.objects.get(code="ks2_ptrwm_exp")
    assert (headline.unit, headline.direction, headline.domain) == ("%", "higher", "outcomes")
    assert "expected standard in reading, writing and maths" in headline.description
    assert Indicator.objects.get(code="ks2_readprog").minimum is None  # progress can be negative
    # Columns repeating an earlier year inside a later file are not indicators of their own.
    assert not Indicator.objects.filter(code__in=["ks2_ptrwm_exp_17", "ks2_ptrwm_exp_18"]).exists()
    assert Indicator.objects.filter(code="ks2_ptrwm_exp_3yr").exists()
    # Suppressed and missing cells are never zero.
    suppressed = Observation.objects.filter(status="suppressed")
    assert suppressed.filter(period=FILES[2][1]).exists()
    assert not suppressed.exclude(value=None).exists()
    assert not Observation.objects.filter(status="missing").exclude(value=None).exists()


def test_a_short_row_is_blank_to_the_end_but_a_cut_last_line_is_an_error(register: ImportRun) -> None:
    header = b"RECTYPE,LEA,ESTAB,URN,PTRWM_EXP,READPROG,TELIG\n"
    short = header + b"1,850,2000,115850,71%,0.5\n1,850,2001,115851\n"
    run = import_file(content=short, file_name="ks2.csv", source_format="dfe_ks2", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    assert run.records_created == 2
    cut = header + b"1,850,2000,115850,71%,0.5"
    failed = import_file(content=cut, file_name="ks2.csv", source_format="dfe_ks2", period="2018/19")
    assert [(e["line"], e["column"]) for e in failed.errors] == [(2, "TELIG")]


def test_a_percentage_over_100_is_refused_with_line_and_column(register: ImportRun) -> None:
    content = b"RECTYPE,LEA,ESTAB,URN,PTRWM_EXP\n1,850,2000,115850,71%\n1,850,2001,115851,107%\n"
    run = import_file(content=content, file_name="ks2.csv", source_format="dfe_ks2", period="2018/19")
    assert [(e["line"], e["column"]) for e in run.errors] == [(3, "PTRWM_EXP")]
    assert not Observation.objects.exists()
