"""Reads of the database into the pure frames of ``evenbetter.analytics.risk`` and ``triggers``.

Reads only: runs, scores and everything else the early warning writes stay in ``services.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from evenbetter.analytics.risk.settings import RiskData
from evenbetter.analytics.triggers.evaluation import evaluate_triggers, trigger_states
from evenbetter.analytics.triggers.framework import TriggerData, all_triggers
from evenbetter.indicators.models import Indicator, Inspection, Observation
from evenbetter.ingest.formats.dfe_census import local_authority_regions
from evenbetter.partnerships.models import Action, BoardMeeting, Contact, Meeting
from evenbetter.schools.models import School
from evenbetter.schools.selectors import successor_of_each_predecessor
from evenbetter.vocabulary.directions import LOWER
from evenbetter.vocabulary.periods import ACADEMIC_YEAR, academic_year_of


def inspections_frame() -> pd.DataFrame:
    """Every graded inspection as ``school_id, period, grade, date``.

    ``period`` is the academic year of the inspection's date (or, for a source with no dates,
    the period it reports the grade for); ``date`` is the day (``NaT`` when the source gave
    none). A school's predecessors' inspections (``schools.SchoolLink``: the school it was
    before an academy conversion) are its own past: they come under its id. The same
    inspection from two sources (the register's latest and a history) is read once, and an
    undated grade is dropped where a dated inspection of the school gives the same grade in
    the same period.
    """
    successor = successor_of_each_predecessor()
    records = [
        (successor.get(school_id, school_id), academic_year_of(day) if day else as_at, grade, day)
        for school_id, day, as_at, grade in Inspection.objects.filter(grade__isnull=False).values_list(
            "school_id", "inspected_on", "as_at", "grade"
        )
    ]
    inspections = pd.DataFrame.from_records(records, columns=["school_id", "period", "grade", "date"])
    inspections["date"] = pd.to_datetime(inspections["date"])
    inspections = inspections[inspections["period"].astype(str).str.match(ACADEMIC_YEAR)].drop_duplicates()
    dated = inspections["date"].notna()
    keys = ["school_id", "period", "grade"]
    dated_keys = pd.MultiIndex.from_frame(inspections.loc[dated, keys])
    echoed = ~dated & pd.MultiIndex.from_frame(inspections[keys]).isin(dated_keys)
    return inspections[~echoed].sort_values(["school_id", "date", "period"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class LoadedData:
    risk: RiskData
    triggers: TriggerData
    periods: list[str]
    # Every trigger for every school as at the latest period (``evaluate_triggers``, default
    # settings), evaluated for the features: the run keeps them as its evidence. The earlier
    # periods' are not kept (each holds every school's evidence and wording: at national scale,
    # ten periods of them would be hundreds of megabytes held for nothing).
    trigger_results: dict[str, pd.DataFrame]
    fingerprint: str
    uses_generated_data: bool


def load_data() -> LoadedData:
    """Everything the early warning reads, from the database, as pure frames."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = Observation.objects.filter(value__isnull=False).values_list(
        "school_id", "indicator__code", "period", "value"
    )
    observations = pd.DataFrame.from_records(
        rows.iterator(chunk_size=50_000), columns=["school_id", "indicator", "period", "value"]
    )
    # Academic years only: each distinct period matched once (a regular expression per row
    # was about a second of every run on the demo's half a million values).
    periods_read = observations["period"].astype(str)
    academic = [period for period in periods_read.unique().tolist() if ACADEMIC_YEAR.match(period)]
    observations = observations[periods_read.isin(academic).to_numpy()].reset_index(drop=True)
    observations["value"] = observations["value"].astype(float)
    inspections = inspections_frame()
    directions = {code: i.direction for code, i in indicators.items()}
    domains = {code: i.domain for code, i in indicators.items()}
    headline = frozenset(code for code, i in indicators.items() if i.headline and i.domain == Indicator.Domain.OUTCOMES)
    fsm = (
        observations[observations["indicator"] == "percent_fsm"]
        .sort_values("period")
        .groupby("school_id")["value"]
        .last()
    )
    register_fsm = pd.Series(
        dict(School.objects.filter(percent_fsm__isnull=False).values_list("pk", "percent_fsm")), dtype=float
    )
    fsm = fsm.combine_first(register_fsm)
    # Phase and region for the fairness report, beside FSM: every school on the register.
    register = pd.DataFrame.from_records(
        School.objects.values_list("pk", "phase", "la_code"), columns=["school_id", "phase", "la_code"]
    )
    context = pd.DataFrame(
        {
            "school_id": register["school_id"].astype(int),
            "fsm": register["school_id"].map(fsm).to_numpy(dtype=float),
            "phase": register["phase"].replace("", "unknown").to_numpy(),
            "region": register["la_code"].map(local_authority_regions()).fillna("unknown").to_numpy(),
        }
    )

    trigger_data = TriggerData(
        observations=observations,
        directions=directions,
        inspections=inspections if not inspections.empty else None,
        headline=headline,
        domains=domains,
        names={code: i.name for code, i in indicators.items()},
    )
    periods = sorted(observations["period"].unique().tolist())
    # Trigger states per period, as features: the model may learn how much each one counts.
    extra = []
    trigger_results = {}
    for period in periods:
        results = evaluate_triggers(trigger_data, period)
        if period == periods[-1]:
            trigger_results[period] = results
        states = trigger_states(results).reset_index()
        long = states.melt(id_vars="school_id", var_name="feature", value_name="value").dropna(subset=["value"])
        long["feature"] = "trigger_" + long["feature"].astype(str)
        long["period"] = period
        extra.append(long[["school_id", "period", "feature", "value"]])
    extra_features = pd.concat(extra, ignore_index=True) if extra else None
    # A trigger state is 1 when the trigger fired: lower is better, so the model may never
    # read "did not fire" as raising the risk.
    trigger_directions = {f"trigger_{trigger.code}": LOWER for trigger in all_triggers()}
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(observations, index=False).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(inspections, index=False).to_numpy().tobytes())
    # Made-up records (the demo's) are marked at the source: say so on every run that read them.
    generated = Observation.objects.filter(import_run__options__generated=True).exists() or any(
        model.objects.filter(is_generated=True).exists() for model in (Contact, Meeting, Action, BoardMeeting)
    )
    return LoadedData(
        risk=RiskData(
            observations=observations,
            directions={**directions, **trigger_directions},
            inspections=inspections if not inspections.empty else None,
            extra_features=extra_features,
            context=context,
        ),
        triggers=trigger_data,
        periods=periods,
        trigger_results=trigger_results,
        fingerprint=digest.hexdigest(),
        uses_generated_data=generated,
    )
