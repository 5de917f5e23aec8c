"""Every write of families, benchmarks and comparator sets."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connection, models, transaction

from evenbetter.accounts.models import User
from evenbetter.analytics.benchmark import BENCHMARK_COLUMNS, BenchmarkSettings, FamilyMatrix, benchmark_indicator
from evenbetter.analytics.families import Families, FamilySettings, build_families
from evenbetter.analytics.strengths import strengths_and_areas
from evenbetter.benchmarks.frames import (
    FAMILY_CONTEXT,
    benchmarks_of_schools,
    cohorts_frame,
    context_frame,
    strengths_input,
    values_frame,
)
from evenbetter.benchmarks.models import Benchmark, ComparatorSet, FamilyMember, FamilyRun, SchoolStrengths
from evenbetter.benchmarks.selectors import found_records
from evenbetter.indicators.figures_cache import figures_changed
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.schools.models import School

DEFAULT_FAMILY_WEIGHTS = {
    "pupils_on_roll": 1.0,
    "percent_fsm": 1.0,
    "percent_eal": 1.0,
    "percent_sen": 1.0,
    "percent_ehc_plan": 0.5,
    "prior_attainment": 1.0,
}
BATCH = 5000


def family_weights() -> dict[str, float]:
    configured = getattr(settings, "EVENBETTER_FAMILY_WEIGHTS", None) or {}
    return {name: float(configured.get(name, weight)) for name, weight in DEFAULT_FAMILY_WEIGHTS.items()}


def family_settings() -> FamilySettings:
    return FamilySettings(weights=family_weights(), size=int(getattr(settings, "EVENBETTER_FAMILY_SIZE", 30)))


@dataclass(frozen=True)
class RefreshResult:
    run: FamilyRun
    families: Families


def benchmarks_refresh(
    *, progress: Callable[[str], None] | None = None, indicators_done: Callable[[int, int], None] | None = None
) -> RefreshResult:
    """Recompute every school's family and every benchmark, replacing the ones held.

    One transaction: pages go on reading the old figures until the new ones are all written.
    ``indicators_done(done, total)`` is told after each indicator is benchmarked (a job's
    progress, which it must write outside this transaction to be seen).
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    context = context_frame()
    family_config = family_settings()
    families = build_families(context, family_config)
    say(f"families for {families.members['school_id'].nunique():,} schools ({time.perf_counter() - started:.1f} s)")
    matrix = FamilyMatrix.from_members(context["school_id"].to_numpy(), families.members)
    with transaction.atomic():
        FamilyMember.objects.all().delete()
        _write_members(families)
        say(f"{len(families.members):,} family members written ({time.perf_counter() - started:.1f} s)")
        Benchmark.objects.all().delete()
        figures_changed()  # the families and benchmarks cached are out of date once this commits
        written = _write_benchmarks(context, matrix, say, indicators_done or (lambda done, total: None))
        say(f"benchmarks written ({time.perf_counter() - started:.1f} s)")
        kept = strengths_keep()
        say(f"strengths and areas of {kept:,} schools kept ({time.perf_counter() - started:.1f} s)")
        run = FamilyRun.objects.create(
            settings={
                "weights": dict(family_config.weights),
                "indicators": {variable: code for variable, (code, _) in FAMILY_CONTEXT.items()},
                "size": family_config.size,
                "shortlist": family_config.shortlist,
            },
            schools_with_family=int(families.members["school_id"].nunique()),
            no_family={
                str(school_id): str(reason)
                for school_id, reason in zip(
                    families.no_family["school_id"].astype(int).tolist(),
                    families.no_family["reason"].tolist(),
                    strict=True,
                )
            },
            benchmarks_written=written,
            seconds=round(time.perf_counter() - started, 2),
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE benchmarks_benchmark; ANALYZE benchmarks_familymember")
    return RefreshResult(run, families)


STRENGTHS_BATCH = 2000  # schools whose benchmarks are read at once (some 400,000 rows at national scale)


def strengths_keep() -> int:
    """Every school's strengths and areas to develop, worked out from the benchmarks held in one
    pass per batch of schools and kept (``SchoolStrengths``), replacing the ones kept: a row for
    every school, empty when it stands out nowhere. ``benchmarks_refresh`` calls it inside its
    transaction, so the kept rows always come from the benchmarks held; the school page reads
    one row instead of working them out. Returns the number of schools."""
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        SchoolStrengths.objects.all().delete()
        for start in range(0, len(school_ids), STRENGTHS_BATCH):
            batch = school_ids[start : start + STRENGTHS_BATCH]
            # The batch's benchmarks read once: what strengths are worked out from, and the values
            # kept beside each (two reads of the same rows were half of this step).
            benchmarks = benchmarks_of_schools(between=(batch[0], batch[-1] + 1))
            frame = strengths_input(benchmarks)
            by_school: dict[int, list[dict[str, Any]]] = {}
            if not frame.empty:
                for record in found_records(strengths_and_areas(frame)):
                    by_school.setdefault(int(record["school_id"]), []).append(record)
                _with_points(by_school, benchmarks, between=(batch[0], batch[-1] + 1))
            SchoolStrengths.objects.bulk_create(
                [SchoolStrengths(school_id=pk, found=by_school.get(pk, [])) for pk in batch], batch_size=BATCH
            )
    return len(school_ids)


def _with_points(
    by_school: dict[int, list[dict[str, Any]]], benchmarks: pd.DataFrame, *, between: tuple[int, int]
) -> None:
    """Add to each kept line the school's benchmarked values of its indicator, oldest first
    (``points``: what ``school_benchmarks`` gives the glance's sparkline), and whether any of
    the school's values of it came from generated records (``generated``: as
    ``generated_values_of`` says), so that the school page's first view reads neither.
    ``benchmarks``: the batch's (``benchmarks_of_schools``, in its order)."""
    first, last = between
    indicators = {int(record["indicator"]) for records in by_school.values() for record in records}
    if not indicators:
        return
    points: dict[tuple[int, int], list[list[Any]]] = {}
    shown = benchmarks[benchmarks["indicator_id"].isin(indicators)]
    for school_id, indicator_id, period, value in zip(
        shown["school_id"].tolist(),
        shown["indicator_id"].tolist(),
        shown["period"].tolist(),
        shown["value"].astype(float).tolist(),
        strict=True,
    ):
        points.setdefault((school_id, indicator_id), []).append([period, value])
    # The runs of generated records first (``indicators.selectors.generated_values_of``'s rule):
    # none in real data, so nothing more is read.
    generated_runs = list(ImportRun.objects.filter(options__generated=True).values_list("pk", flat=True))
    generated = (
        set(
            Observation.objects.filter(school_id__gte=first, school_id__lt=last, import_run_id__in=generated_runs)
            .values_list("school_id", "indicator_id")
            .distinct()
        )
        if generated_runs
        else set()
    )
    for school_id, records in by_school.items():
        for record in records:
            key = (school_id, int(record["indicator"]))
            record["points"] = points.get(key, [])
            record["generated"] = key in generated


def _write_members(families: Families) -> None:
    members = families.members
    if members.empty:
        return
    variables = families.explanations["variable"].drop_duplicates().tolist()
    n = len(variables)
    # The explanations come in the members' order, one row per variable.
    explained = families.explanations
    # As Python floats (tolist), each row's values a list: rounding numpy scalars one by one,
    # with np.isnan on each, was most of the time of writing 20,000 members.
    school_values = explained["school_value"].to_numpy(dtype=float).reshape(-1, n).tolist()
    member_values = explained["member_value"].to_numpy(dtype=float).reshape(-1, n).tolist()
    shares = explained["share"].to_numpy(dtype=float).reshape(-1, n).tolist()

    def plain(value: float) -> float | None:
        return None if value != value else round(value, 2)  # NaN is the one value not equal to itself

    columns = zip(
        members["school_id"].astype(int).tolist(),
        members["member_id"].astype(int).tolist(),
        members["rank"].astype(int).tolist(),
        members["distance"].astype(float).tolist(),
        members["weight_share"].astype(float).tolist(),
        strict=True,
    )
    rows = []
    for i, (school_id, member_id, rank, distance, weight_share) in enumerate(columns):
        why = [
            [variables[j], plain(school_values[i][j]), plain(member_values[i][j]), plain(shares[i][j])]
            for j in range(n)
        ]
        rows.append((school_id, member_id, rank, distance, weight_share, json.dumps(why)))
    rows_insert(
        FamilyMember, ["school_id", "member_id", "rank", "distance", "weight_share", "why"], rows, json_columns={"why"}
    )


def _write_benchmarks(
    context: pd.DataFrame, matrix: FamilyMatrix, say: Callable[[str], None], indicators_done: Callable[[int, int], None]
) -> int:
    """Benchmark every indicator that runs one way (context is described, not benchmarked)."""
    indicators = {
        i.pk: i
        for i in Indicator.objects.exclude(direction=Indicator.Direction.NEITHER).exclude(
            comparison=Indicator.Comparison.ORDINAL
        )
    }
    if not indicators:
        return 0
    observations = values_frame(list(indicators))
    if observations.empty:
        return 0
    cohorts = cohorts_frame({i.cohort_indicator for i in indicators.values() if i.cohort_indicator})
    options = BenchmarkSettings()
    written = 0
    total = int(observations["indicator_id"].nunique())
    indicators_done(0, total)
    for done, (indicator_id, group) in enumerate(observations.groupby("indicator_id", sort=True), start=1):
        indicator = indicators[int(str(indicator_id))]
        values = group.drop(columns=["indicator_id"])
        if indicator.cohort_indicator and not cohorts.empty:
            own = cohorts[cohorts["code"] == indicator.cohort_indicator][["school_id", "period", "cohort"]]
            values = values.merge(own, on=["school_id", "period"], how="left")
        result = benchmark_indicator(
            values, context, matrix, direction=indicator.direction, standard=indicator.standard, settings=options
        )
        if result.empty:
            indicators_done(done, total)
            continue
        starts = dict(zip(values["period"], values["period_start"], strict=False))
        result = result.assign(
            indicator_id=indicator.pk,
            period_start=result["period"].map(starts),
            small_cohort=result["small_cohort"].astype(bool),
        )
        # Python values, a gap as None (NULL), for the driver: one pass over the whole frame.
        plain = result[BENCHMARK_FIELDS].astype(object)
        rows = [tuple(row) for row in plain.where(plain.notna(), None).to_numpy().tolist()]
        rows_insert(Benchmark, BENCHMARK_FIELDS, rows)
        written += len(rows)
        indicators_done(done, total)
    say(f"{written:,} benchmarks for {len(indicators):,} indicators")
    return written


BENCHMARK_FIELDS = ["indicator_id", "period_start", *BENCHMARK_COLUMNS]


def rows_insert(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    json_columns: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Plain INSERTs through the driver: a model instance per row is most of the time otherwise
    (here and in the demo's generated records). ``rows``: values as the database takes them
    (``connection.ops.adapt_datefield_value`` for a date), one tuple per row in ``columns``' order.

    Values of ``json_columns`` come as JSON text; PostgreSQL is told to read them as jsonb.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    placeholders = ", ".join(as_json if c in json_columns else "%s" for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows[start : start + BATCH])  # noqa: S608


class ComparatorSetError(ValueError):
    """A comparator set that cannot be made, and why, in words for the person making it."""


def comparator_set_create(
    *, school: School, name: str, kind: str, members: list[School], created_by: User, within_km: float | None = None
) -> ComparatorSet:
    name = name.strip()
    if not name:
        raise ComparatorSetError("Give the set a name.")
    members = [m for m in members if m.pk != school.pk]
    if len(members) < 3:
        raise ComparatorSetError("A comparator set needs at least three other schools to say anything.")
    if ComparatorSet.objects.filter(school=school, name=name).exists():
        raise ComparatorSetError(f'This school already has a comparator set called "{name}".')
    with transaction.atomic():
        comparator = ComparatorSet.objects.create(
            school=school, name=name, kind=kind, within_km=within_km, created_by=created_by
        )
        comparator.members.set(members)
    return comparator


def comparator_set_delete(*, comparator: ComparatorSet) -> None:
    comparator.delete()
