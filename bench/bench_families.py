"""Families for every school in England's 2018/19 school census, beside a brute-force
all-pairs search in the same run.

    .venv/bin/python bench/bench_families.py

Context: pupils on roll (NOR), % FSM ever (PNUMFSMEVER), % EAL (PNUMEAL), % SEN support
(PSENELSE), read straight from ``national-2019/england_census.csv``; the phase is the
census's school type (the real file vendored in ``data/england/``, or under
``EVENBETTER_DATA_DIR`` if set). Prints both times, their ratio, and how often the two agree.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evenbetter.analytics.families import FamilySettings, _scaled, build_families  # noqa: E402

DATA_DIR = Path(os.environ.get("EVENBETTER_DATA_DIR") or ROOT / "data" / "england")
CENSUS = DATA_DIR / "national-2019" / "england_census.csv"
COLUMNS = {"NOR": "pupils_on_roll", "PNUMFSMEVER": "percent_fsm", "PNUMEAL": "percent_eal", "PSENELSE": "percent_sen"}


def brute_force(schools: pd.DataFrame, settings: FamilySettings) -> dict[int, list[int]]:
    """Every pair within each phase, for schools with every variable known."""
    variables = list(COLUMNS.values())
    families: dict[int, list[int]] = {}
    for _, group in schools.groupby("phase"):
        group = group.sort_values("school_id").reset_index(drop=True)
        scaled = _scaled(group[variables].astype(float), settings).to_numpy()
        complete = ~np.isnan(scaled).any(axis=1)
        ids = group["school_id"].to_numpy()[complete]
        points = scaled[complete]
        for start in range(0, len(points), 500):
            block = points[start : start + 500]
            distances = np.sqrt(((block[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
            distances[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
            for row, school in enumerate(ids[start : start + 500]):
                order = np.lexsort((ids, distances[row]))[: settings.size]
                families[int(school)] = [int(ids[i]) for i in order if np.isfinite(distances[row, i])]
    return families


def main() -> None:
    census = pd.read_csv(CENSUS, encoding="utf-8-sig", na_values=["NA", "SUPP", "NE", "x", ":", ""], low_memory=False)
    schools = census.rename(columns={"URN": "school_id", "SCHOOLTYPE": "phase", **COLUMNS})
    schools = schools[["school_id", "phase", *COLUMNS.values()]]
    schools = schools[pd.to_numeric(schools["school_id"], errors="coerce").notna()]  # drop the national rows
    schools = schools.assign(school_id=schools["school_id"].astype(int))
    settings = FamilySettings(weights=dict.fromkeys(COLUMNS.values(), 1.0))
    started = time.perf_counter()
    families = build_families(schools, settings)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    expected = brute_force(schools, settings)
    brute = time.perf_counter() - started
    complete = schools.dropna()["school_id"]
    agree = 0
    members = families.members.groupby("school_id")["member_id"].apply(list).to_dict()
    for school in complete:
        agree += members.get(int(school), []) == expected.get(int(school), [])
    print(f"schools: {len(schools):,}; with every variable: {len(complete):,}; no family: {len(families.no_family):,}")
    print(f"families (shortlist by nearest neighbours, exact distances): {ours:.2f} s")
    print(f"brute force, all pairs within each phase (complete schools only): {brute:.2f} s")
    print(f"ratio families/brute force: {ours / brute:.2f}")
    print(f"identical families for complete schools: {agree / len(complete):.1%}")


if __name__ == "__main__":
    main()
