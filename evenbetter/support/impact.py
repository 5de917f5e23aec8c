"""What changed after a support: the school's indicators in the area, before and after,
against its family's change over the same years (``benchmarks.change``, the one home of that
measurement, shared with practice; arithmetic in ``analytics.impact``), and the system's
view of help asked, given and what came of it.

"Before" is the last academic year finished before the support was agreed; "after" is the
academic year the support closed in (its results come at the year's end) or, when that
is not published yet, the first later one. The family is the school's family of similar
schools, without the school that helped (its results may have moved with the support).
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Min, QuerySet, Sum
from django.utils import timezone

from evenbetter.analytics.impact import TOO_FEW, ImpactEstimate, system_summary
from evenbetter.benchmarks.change import IndicatorImpact, area_indicators, change_against_family
from evenbetter.indicators.figures_cache import figures_cached, records_changed, records_generation, rows_sql
from evenbetter.support.models import Engagement, HelpRequest, SupportEvent
from evenbetter.vocabulary.periods import academic_year, academic_year_of, parse_period


def impact_for(help_request: HelpRequest) -> list[IndicatorImpact]:
    """One line per indicator of the area, for a closed support; empty before it closes.

    Kept in the figures cache (a few queries per indicator; the summaries of help list every
    closed support), keyed by every field of the request it reads, until the data changes."""
    if help_request.status != HelpRequest.Status.CLOSED or help_request.closed_at is None:
        return []
    r = help_request
    inputs = (
        r.pk,
        r.status,
        r.created_at,
        r.agreed_at,
        r.closed_at,
        r.school_id,
        r.supporter_id,
        r.supporter_agency_id,
        r.area,
    )
    return figures_cached("support-impact", lambda: _impact_for(help_request), scope=inputs)


def _impact_for(help_request: HelpRequest) -> list[IndicatorImpact]:
    if help_request.closed_at is None:  # impact_for asks only about closed supports
        return []
    started = timezone.localtime(help_request.agreed_at or help_request.created_at).date()
    ended = timezone.localtime(help_request.closed_at).date()
    _, start_year = parse_period(academic_year_of(started))
    return change_against_family(
        school_id=help_request.school_id,
        indicators=area_indicators(help_request.area),
        before=academic_year(start_year.year - 1),
        after_from=academic_year_of(ended),
        leave_out=[help_request.supporter_id] if help_request.supporter_id else [],
        event="the support",
    )


def headline_estimate(lines: list[IndicatorImpact]) -> ImpactEstimate | None:
    """The first indicator of the area that could be judged: the support's one-line result."""
    for line in lines:
        if line.estimate is not None and line.estimate.verdict != TOO_FEW:
            return line.estimate
    return None


def _supporter_key(help_request: HelpRequest) -> str | None:
    if help_request.supporter_agency_id is not None:
        return f"agency {help_request.supporter_agency_id}"
    return f"school {help_request.supporter_id}" if help_request.supporter_id is not None else None


SUPPORT_RECORDS = "support"  # the records' generation (``figures_cache.records_generation``)


def support_records_changed(**kwargs: object) -> None:
    """A help request, one of its events, days given, a review, an offer, an agency or its links
    was written or deleted: the system view kept over them, and the suggestions kept for a
    request (``services.suggestions_kept``), are out of date once that commits (connected in
    ``apps.py``)."""
    records_changed(SUPPORT_RECORDS)


def system_view(requests: QuerySet[HelpRequest]) -> dict[str, object]:
    """Help asked and given, how fast it was matched, by area and by supporter, and what changed.

    Kept in the figures cache (every closed support's impact, a pandas summary by area and
    supporter: the dashboards ask on every request) under the requests' own SQL, which names
    the reader's scope and filters, and the support records' generation, renewed by every write
    of a request, an event or days given; the figures' generation covers the impacts."""
    requests = requests.exclude(status=HelpRequest.Status.WITHDRAWN)
    return figures_cached(
        "support-system-view",
        lambda: _system_view(requests),
        scope=(rows_sql(requests), records_generation(SUPPORT_RECORDS)),
    )


def _system_view(requests: QuerySet[HelpRequest]) -> dict[str, object]:
    rows = list(requests.select_related("school", "supporter", "supporter_agency"))
    ids = [row.pk for row in rows]
    # Two separate aggregates: one query joining both would multiply days by events.
    first_suggested = dict(
        SupportEvent.objects.filter(help_request_id__in=ids, step="suggest")
        .values("help_request_id")
        .annotate(at=Min("at"))
        .values_list("help_request_id", "at")
    )
    days_given = dict(
        Engagement.objects.filter(help_request_id__in=ids)
        .values("help_request_id")
        .annotate(days=Sum("days"))
        .values_list("help_request_id", "days")
    )
    records = []
    for row in rows:
        estimate = headline_estimate(impact_for(row)) if row.status == HelpRequest.Status.CLOSED else None
        records.append(
            {
                "support_id": row.pk,
                "area": row.get_area_display(),
                "requested_on": row.created_at,
                "matched_on": first_suggested.get(row.pk),
                "agreed_on": row.agreed_at,
                "closed_on": row.closed_at if row.status == HelpRequest.Status.CLOSED else None,
                # A school and an agency may share an id: the key says which it is.
                "supporter_id": _supporter_key(row),
                "supporter": row.supporter_name or None,
                "requester_id": row.school_id,
                "days_given": float(days_given.get(row.pk) or 0),
                "effect": estimate.effect if estimate else None,
                "effect_low": estimate.low if estimate else None,
                "effect_high": estimate.high if estimate else None,
            }
        )
    columns = [
        "support_id", "area", "requested_on", "matched_on", "agreed_on", "closed_on", "supporter_id", "supporter",
        "requester_id", "days_given", "effect", "effect_low", "effect_high",
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in ("requested_on", "matched_on", "agreed_on", "closed_on"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    summary = system_summary(frame)
    by_area = [
        {"area": area, **system_summary(group)} for area, group in frame.groupby("area", sort=True) if len(group)
    ]
    given = frame.dropna(subset=["supporter_id"])
    by_supporter = (
        given.groupby("supporter")
        .agg(supports=("support_id", "count"), days=("days_given", "sum"))
        .sort_values(["days", "supports"], ascending=False)
        .reset_index()
        .to_dict("records")
    )
    return {"summary": summary, "by_area": by_area, "by_supporter": by_supporter}
