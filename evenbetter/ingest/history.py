"""Loading a whole inspection-history folder (``history-2005-2020/``) in one go, each file
through its ordinary format, in the order that lets each find what it needs:

1. the school spine (its schools, with ``add_missing_schools``, and its predecessor links);
2. Ofsted's inspection history (``ofsted_history``), onto the schools now known;
3. the trimmed key stage 2 and 4 tables through ``wide`` with the shipped mappings
   (``formats/reference/history_ks*_perf*.csv``), skipping and naming schools not on the
   register.

Each file is its own import, all or nothing, with its own ImportRun; a file that fails does
not stop the others (its run says why). The national bench and ``manage.py import_history``
call ``history_import``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_path

REFERENCE = Path(__file__).parent / "formats" / "reference"


@dataclass(frozen=True)
class HistoryFile:
    name: str
    source_format: str
    options: dict[str, Any]


def history_files(*, add_missing_schools: bool = True) -> list[HistoryFile]:
    ks2 = {"mapping": REFERENCE / "history_ks2_perf.csv", "skip_unknown_schools": True}
    ks4 = {"mapping": REFERENCE / "history_ks4_perf.csv", "skip_unknown_schools": True}
    # 2015/16 predates the 9-1 grades: its mapping leaves out the measures whose scale changed.
    ks4_2016 = {"mapping": REFERENCE / "history_ks4_perf_2016.csv", "skip_unknown_schools": True}
    return [
        HistoryFile(
            "school_details_2018.csv", "school_spine", {"add_missing_schools": True} if add_missing_schools else {}
        ),
        HistoryFile("ofsted_ratings_2018.csv", "ofsted_history", {}),
        *(HistoryFile(f"ks2_perf_{year}.csv", "wide", ks2) for year in (2016, 2017, 2018)),
        HistoryFile("ks4_perf_2016.csv", "wide", ks4_2016),
        *(HistoryFile(f"ks4_perf_{year}.csv", "wide", ks4) for year in (2017, 2018)),
    ]


@dataclass(frozen=True)
class HistoryRun:
    file: HistoryFile
    run: ImportRun | None  # None when the folder lacks the file
    seconds: float


def history_import(
    folder: Path,
    *,
    add_missing_schools: bool = True,
    dry_run: bool = False,
    report: Callable[[HistoryRun], None] | None = None,
) -> list[HistoryRun]:
    """Import every file of the folder; ``report`` is called after each one."""
    done = []
    for file in history_files(add_missing_schools=add_missing_schools):
        path = folder / file.name
        started = time.perf_counter()
        run = (
            import_path(path=path, source_format=file.source_format, dry_run=dry_run, **file.options)
            if path.is_file()
            else None
        )
        result = HistoryRun(file, run, time.perf_counter() - started)
        done.append(result)
        if report is not None:
            report(result)
    return done
