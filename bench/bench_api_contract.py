"""How long the API contract test takes (schemathesis over every operation, valid and
invalid input). It asserted under 60 s; timings belong here, printed, not asserted.

    .venv/bin/python bench/bench_api_contract.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/api/test_openapi.py::test_the_api_keeps_to_its_own_description"


def main() -> None:
    started = time.perf_counter()
    finished = subprocess.run(  # noqa: S603  # the arguments are this script's own constants
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=1", TEST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    print(finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr.strip())
    print(f"the API contract test, with start-up and database set-up: {seconds:.1f} s (it used to assert under 60 s)")


if __name__ == "__main__":
    main()
