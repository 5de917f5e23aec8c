"""Every trigger at once, and their states as model features."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from evenbetter.analytics.triggers.framework import (
    ASSESSMENT_COLUMNS,
    RESULT_COLUMNS,
    Snapshot,
    TriggerData,
    TriggerSettings,
    all_triggers,
    get_trigger,
)


def evaluate_triggers(
    data: TriggerData,
    period: str,
    *,
    settings: TriggerSettings | None = None,
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every trigger (or those in ``only``, by code) for every school, as at ``period``.

    Returns one row per school in ``data.observations`` and trigger, columns
    ``RESULT_COLUMNS``, ordered by school and then by trigger as registered. Only
    observations and inspections of ``period`` and earlier are read.
    """
    settings = settings or TriggerSettings()
    if only is None:
        chosen = all_triggers()
    else:
        wanted = {get_trigger(code).code for code in only}  # an unknown code is a KeyError
        chosen = [trigger for trigger in all_triggers() if trigger.code in wanted]
    snapshot = Snapshot.build(data, period)
    frames = []
    for position, trigger_class in enumerate(chosen):
        assessed = trigger_class().assess(snapshot, settings)
        if len(assessed) != len(snapshot.school_ids) or list(assessed.columns) != ASSESSMENT_COLUMNS:
            raise ValueError(f"Trigger {trigger_class.code!r} must return one row per school: {ASSESSMENT_COLUMNS}")
        frames.append(
            assessed.assign(
                trigger=trigger_class.code, name=trigger_class.name, kind=trigger_class.kind, position=position
            )
        )
    if not frames:
        return _empty_results()
    results = pd.concat(frames, ignore_index=True)
    results = results.sort_values(["school_id", "position"], kind="stable", ignore_index=True)
    return results[RESULT_COLUMNS]


def _empty_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_id": pd.Series(dtype="int64"),
            "trigger": pd.Series(dtype=object),
            "name": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            "measured": pd.Series(dtype=bool),
            "fired": pd.Series(dtype=bool),
            "severity": pd.Series(dtype=float),
            "evidence": pd.Series(dtype=object),
            "explanation": pd.Series(dtype=object),
        }
    )


def trigger_states(results: pd.DataFrame) -> pd.DataFrame:
    """The results as model features: one row per school (indexed by ``school_id``), one
    column per trigger code in the order they appear, 1.0 fired, 0.0 measured and not
    fired, NaN not measured (a model must be able to tell "fine" from "unknown")."""
    state = np.where(results["fired"].to_numpy(dtype=bool), 1.0, 0.0)
    state = np.where(results["measured"].to_numpy(dtype=bool), state, np.nan)
    codes = list(dict.fromkeys(results["trigger"]))
    wide = (
        pd.DataFrame(
            {"school_id": results["school_id"].to_numpy(), "trigger": results["trigger"].to_numpy(), "state": state}
        )
        .pivot(index="school_id", columns="trigger", values="state")
        .reindex(columns=codes)
    )
    wide.columns.name = None
    return wide.astype(float)
