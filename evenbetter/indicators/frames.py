"""Reads of the store into data frames, for the pure functions of ``evenbetter.analytics``.

Reads only: the writes stay in ``services.py`` and ``store.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from evenbetter.indicators.models import Dispute, Observation
from evenbetter.schools.models import School


def quality_frames(*, exclude: Iterable[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every value held (but the ``exclude``d indicators), the schools with any, and open disputes."""
    rows = (
        Observation.objects.exclude(indicator__code__in=list(exclude))
        .values_list("school_id", "indicator__code", "period", "period_start", "value", "status")
        .iterator(chunk_size=20_000)
    )
    observations = pd.DataFrame.from_records(
        rows, columns=["school_id", "indicator", "period", "period_start", "value", "status"]
    )
    observations["value"] = observations["value"].astype(float)
    schools = pd.DataFrame.from_records(
        School.objects.filter(observations__isnull=False).distinct().values_list("pk", "phase"),
        columns=["school_id", "phase"],
    )
    disputed = pd.DataFrame.from_records(
        Dispute.objects.filter(status=Dispute.Status.OPEN).values_list("observation__school_id"), columns=["school_id"]
    )
    return observations, schools, disputed
