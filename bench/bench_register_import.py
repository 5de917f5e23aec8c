"""The register import on the real Hampshire and Surrey file, beside a bare CSV parse.

The file is ``hampshire-surrey/gias_20220420.csv`` under ``settings.EVENBETTER_DATA_DIR``
(``data/england/`` in the repository unless the environment points elsewhere).

    .venv/bin/python bench/bench_register_import.py [repeats]

Prints the median of each over the repeats: the first import (1,096 schools created,
trusts, federations and localities made), the re-import of the same file (nothing
changes), and, as the baseline in the same run, reading the same file with the csv
module alone.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time

from _setup import django_with_fresh_database


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    django_with_fresh_database("register")
    from django.conf import settings

    from evenbetter.indicators.models import ImportRun
    from evenbetter.ingest.runner import import_file
    from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School

    path = settings.EVENBETTER_DATA_DIR / "hampshire-surrey" / "gias_20220420.csv"
    content = path.read_bytes()
    first, again, parse = [], [], []
    for _ in range(repeats):
        for model in (PartnershipMembership, Partnership, Locality, School, ImportRun):
            model.objects.all().delete()
        started = time.perf_counter()
        run = import_file(content=content, file_name=path.name, source_format="gias")
        first.append(time.perf_counter() - started)
        assert run.records_created == 1096
        started = time.perf_counter()
        run = import_file(content=content, file_name=path.name, source_format="gias")
        again.append(time.perf_counter() - started)
        assert run.records_unchanged == 1096
        started = time.perf_counter()
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        parse.append(time.perf_counter() - started)
        assert len(rows) == 1096
    baseline = statistics.median(parse)
    for label, times in (("first import", first), ("re-import (no change)", again), ("csv parse only", parse)):
        median = statistics.median(times)
        print(f"{label:24} {median * 1000:8.1f} ms   {median / baseline:6.1f} x the parse")


if __name__ == "__main__":
    main()
