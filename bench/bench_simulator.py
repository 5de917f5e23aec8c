"""How long the simulator of local records takes (it was a timing assertion in the tests;
timings belong here, where they are printed, not asserted on a shared machine).

    .venv/bin/python bench/bench_simulator.py [schools] [periods]

Default: 1,000 schools over three academic years (the demo makes about as many), which
took well under five seconds when this was written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evenbetter.demo.simulator import SimulationSettings, simulate_local_records
from evenbetter.vocabulary.periods import academic_year


def main(n: int, years: int) -> None:
    rng = np.random.default_rng(1)
    partnership = np.where(rng.random(n) < 0.85, rng.integers(1, max(n // 8, 1) + 1, n), -1).astype(float)
    partnership[partnership < 0] = np.nan
    schools = pd.DataFrame(
        {
            "school_id": np.arange(100001, 100001 + n),
            "partnership_id": partnership,
            "latitude": rng.uniform(50.5, 54.5, n),
            "longitude": rng.uniform(-3.0, 0.0, n),
        }
    )
    periods = tuple(academic_year(year) for year in range(2016, 2016 + years))
    started = time.perf_counter()
    records = simulate_local_records(schools, SimulationSettings(seed=9, periods=periods))
    seconds = time.perf_counter() - started
    print(
        f"simulated {n:,} schools × {years} years: {len(records.contacts):,} contacts, {len(records.meetings):,} "
        f"meetings, {len(records.actions):,} actions, {len(records.board_meetings):,} board meetings in {seconds:.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
