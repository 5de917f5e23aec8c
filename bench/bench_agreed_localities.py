"""Agreed localities on the real Hampshire and Surrey register, beside the register's own
district sync measured in the same run.

    .venv/bin/python bench/bench_agreed_localities.py [repeats]

The register (``hampshire-surrey/gias_20220420.csv``, 1,096 schools) is imported once. Then,
each repeat, from no agreement at all:

- the baseline: ``register_sync_localities`` with no agreement (what every register import
  runs);
- agreeing one locality per district holding every other open school of it (about half the
  register), through ``locality_agree`` (links, the current-state rows, the districts left);
- ``register_sync_localities`` again, now that agreements cover half the schools;
- moving 100 schools from one agreed locality to another (``locality_schools_set``).

Prints the median of each, and each as a multiple of the baseline.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from _setup import django_with_fresh_database


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    django_with_fresh_database("localities")
    from django.conf import settings
    from django.utils import timezone

    from evenbetter.ingest.runner import import_file
    from evenbetter.schools.models import Locality, LocalityLink, School
    from evenbetter.schools.services import locality_agree, locality_schools_set, register_sync_localities

    path = settings.EVENBETTER_DATA_DIR / "hampshire-surrey" / "gias_20220420.csv"
    import_file(content=path.read_bytes(), file_name=path.name, source_format="gias")
    districts: dict[str, list[School]] = {}
    for school in School.objects.exclude(district="").exclude(status=School.Status.CLOSED).order_by("urn"):
        districts.setdefault(school.district, []).append(school)
    timings: dict[str, list[float]] = {"baseline": [], "agree": [], "sync": [], "move": []}
    covered = 0
    for _ in range(repeats):
        LocalityLink.objects.all().delete()
        Locality.objects.filter(source=Locality.Source.AGREED).delete()
        register_sync_localities()  # back to every school in its district

        started = time.perf_counter()
        register_sync_localities()
        timings["baseline"].append(time.perf_counter() - started)

        started = time.perf_counter()
        agreed = [
            locality_agree(
                name=f"{district} (agreed)",
                description="",
                agreed_by="bench",
                agreed_on=dt.date(2026, 9, 1),
                schools=schools[::2],
                lead=None,
                by=None,
            )
            for district, schools in sorted(districts.items())
        ]
        timings["agree"].append(time.perf_counter() - started)
        covered = LocalityLink.objects.filter(left_on=None).count()

        started = time.perf_counter()
        register_sync_localities()
        timings["sync"].append(time.perf_counter() - started)

        largest = max(agreed, key=lambda locality: locality.schools.count())
        other = next(locality for locality in agreed if locality.pk != largest.pk)
        moving = list(largest.schools.order_by("urn")[:100])
        started = time.perf_counter()
        locality_schools_set(locality=other, schools=[*other.schools.all(), *moving], on=timezone.localdate(), by=None)
        timings["move"].append(time.perf_counter() - started)
        assert all(set(school.localities.all()) == {other} for school in moving)

    baseline = statistics.median(timings["baseline"])
    print(f"{len(districts)} districts; {covered} of {School.objects.count()} schools in agreed localities")
    labels = {
        "baseline": "register sync, no agreement (baseline)",
        "agree": f"agree {len(districts)} localities (half the schools)",
        "sync": "register sync, half the schools agreed",
        "move": "move 100 schools between agreed localities",
    }
    for key, label in labels.items():
        median = statistics.median(timings[key])
        print(f"{label:48} {median * 1000:8.1f} ms   {median / baseline:6.1f} x the baseline")


if __name__ == "__main__":
    main()
