"""Writes of reaching out, and the candidate supporters a request is matched against."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evenbetter.accounts.models import User
from evenbetter.analytics.matching import MatchResult, MatchSettings, match_supporters
from evenbetter.benchmarks.models import Benchmark, FamilyMember
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.schools.models import School
from evenbetter.support.models import AREA_INDICATORS, HelpRequest, SupportOffer


def help_request_create(
    *,
    school: School,
    created_by: User,
    area: str,
    title: str,
    description: str,
    urgency: str,
    kind: str,
    visibility: str,
    on_behalf: bool,
) -> HelpRequest:
    return HelpRequest.objects.create(
        school=school,
        created_by=created_by,
        area=area,
        title=title.strip(),
        description=description.strip(),
        urgency=urgency,
        kind=kind,
        visibility=visibility,
        on_behalf=on_behalf,
        school_agreed=True,
    )


def support_offer_create(
    *, school: School, created_by: User, area: str, description: str, days_per_term: float
) -> SupportOffer:
    return SupportOffer.objects.create(
        school=school, created_by=created_by, area=area, description=description.strip(), days_per_term=days_per_term
    )


def candidates_for(request: HelpRequest) -> pd.DataFrame:
    """Every open school as a possible supporter, with what matching reads.

    Strength: the mean family percentile over the area's published indicators in each
    school's latest period; consistent when every one of its last three periods is in the
    top quarter. A school in the current run's high band counts as on the watch list (the
    early warning is not yet per area: the note on issue 7 says so).
    """
    codes = AREA_INDICATORS.get(request.area, ())
    schools = pd.DataFrame.from_records(
        School.objects.exclude(status=School.Status.CLOSED).values_list("pk", "name", "phase", "latitude", "longitude"),
        columns=["school_id", "name", "phase", "latitude", "longitude"],
    )
    rows = pd.DataFrame.from_records(
        Benchmark.objects.filter(indicator__code__in=codes, family_percentile__isnull=False).values_list(
            "school_id", "indicator_id", "period_start", "family_percentile"
        ),
        columns=["school_id", "indicator_id", "period_start", "family_percentile"],
    )
    if rows.empty:
        schools["strength_percentile"] = np.nan
        schools["strength_consistent"] = False
    else:
        rows = rows.sort_values("period_start")
        latest = rows.groupby(["school_id", "indicator_id"]).tail(1).groupby("school_id")["family_percentile"].mean()
        recent = rows.groupby(["school_id", "indicator_id"]).tail(3)
        consistent = recent.groupby("school_id")["family_percentile"].min() >= 75
        schools["strength_percentile"] = schools["school_id"].map(latest)
        schools["strength_consistent"] = schools["school_id"].map(consistent).fillna(False).astype(bool)
    distances = dict(FamilyMember.objects.filter(school=request.school).values_list("member_id", "distance"))
    schools["context_distance"] = schools["school_id"].map(distances)
    offered: dict[int, float] = {}
    for school_id, days in SupportOffer.objects.filter(area=request.area, active=True).values_list(
        "school_id", "days_per_term"
    ):
        offered[school_id] = offered.get(school_id, 0.0) + float(days)
    schools["capacity_days_left"] = schools["school_id"].map(offered)
    schools["current_supports"] = 0
    schools["past_supports"] = 0
    schools["past_benefit"] = np.nan
    run = RiskRun.objects.first()
    high = (
        set(RiskScore.objects.filter(run=run, band=RiskScore.Band.HIGH).values_list("school_id", flat=True))
        if run
        else set()
    )
    schools["on_watch_list_for_area"] = schools["school_id"].isin(high)
    return schools


def suggestions_for(request: HelpRequest, *, top: int = 10) -> MatchResult:
    school = request.school
    need = {
        "school_id": school.pk,
        "phase": school.phase,
        "latitude": school.latitude if school.latitude is not None else np.nan,
        "longitude": school.longitude if school.longitude is not None else np.nan,
        "area": request.get_area_display(),
    }
    return match_supporters(need, candidates_for(request), settings=MatchSettings(top=top))
