"""Every write of the early warning: runs, scores, alerts, responses and decisions.

The database is read into the pure frames of ``evenbetter.analytics.risk`` and
``triggers`` (``risk_data``), the model is backtested and fitted there, and the results
come back here to be kept as a versioned ``RiskRun``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from evenbetter.accounts.models import Role, User
from evenbetter.analytics.risk.scoring import confidence_bands, score
from evenbetter.analytics.risk.settings import RANKING_NAMES, Outcome, RiskSettings
from evenbetter.analytics.triggers.evaluation import evaluate_triggers
from evenbetter.analytics.triggers.framework import all_triggers
from evenbetter.earlywarning.frames import load_data
from evenbetter.earlywarning.models import RiskResponse, RiskRun, RiskScore, WatchDecision
from evenbetter.earlywarning.selectors import newest_run
from evenbetter.earlywarning.wording import ReasonWriter, reading_of
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import PartnershipMembership, School

logger = logging.getLogger(__name__)
# A school whose risk rises past this (or into the high band) is an alert to its leads.
ALERT_THRESHOLD = 0.5


def outcome_from_options(*, kind: str, grade: int = 2, indicator: str = "", fall: float = 0.0) -> Outcome:
    """An outcome from command-line or form choices, with the indicator's direction from the catalogue."""
    if kind == "inspection_below":
        if grade not in (1, 2, 3):
            raise ValueError("the grade must be 1, 2 or 3: the outcome is an inspection worse than it")
        return Outcome(kind=kind, grade=grade)
    if kind == "indicator_fall":
        found = Indicator.objects.filter(code=indicator).first()
        if found is None:
            raise ValueError(f'there is no indicator "{indicator}"')
        if found.direction == Indicator.Direction.NEITHER:
            raise ValueError(f'"{indicator}" runs neither way (context): it cannot fall')
        if fall <= 0:
            raise ValueError("the fall must be more than 0 units")
        return Outcome(kind=kind, indicator=indicator, fall=fall, direction=found.direction)
    raise ValueError(f'unknown outcome "{kind}": use inspection_below or indicator_fall')


def _plain(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value


def backtest_summary(result: Any) -> dict[str, Any]:
    table = result.table()
    fairness = result.by_fsm_quintile()
    best = result.best_baseline()
    rows = result.predictions
    bands = confidence_bands(rows["risk"].to_numpy(dtype=float), rows["y"].to_numpy(dtype=float))
    return {
        # How sure a score is: what happened to held-out schools given scores like it.
        "bands": [{str(k): _plain(v) for k, v in band.items()} for band in bands.to_dict("records")],
        "method": result.method,
        # The model beside the best of the baselines (for a fall, the better of its two directions).
        "best_baseline": (
            {
                "name": best,
                "words": RANKING_NAMES[best],
                "roc_auc": _plain(table.loc[best, "roc_auc"]),
                "model_roc_auc": _plain(table.loc["model", "roc_auc"]),
                "margin": _plain(table.loc["model", "roc_auc"] - table.loc[best, "roc_auc"]),
            }
            if best is not None
            else None
        ),
        "table": [{str(k): _plain(v) for k, v in row.items()} for row in table.reset_index().to_dict("records")],
        "by_fsm_quintile": [
            {str(k): _plain(v) for k, v in row.items()} for row in fairness.reset_index().to_dict("records")
        ],
        "report": result.report(),
    }


@transaction.atomic
def risk_run_create(
    *,
    outcome: Outcome,
    as_of: str | None = None,
    created_by: User | None = None,
    random_state: int = 0,
    with_backtest: bool = True,
    alert: bool = True,
) -> RiskRun:
    """Backtest, fit and score every school as at ``as_of`` (default: the latest period), keep the run."""
    data = load_data()
    if not data.periods:
        raise ValueError("there are no indicator values to learn from")
    as_of = as_of or data.periods[-1]
    summary: dict[str, Any] = {}
    if with_backtest:
        try:
            # Loaded here (scikit-learn, a second or more), not by every process that shows a page.
            from evenbetter.analytics.risk.backtest import backtest

            summary = backtest_summary(backtest(data.risk, outcome, random_state=random_state))
        except ValueError as error:
            summary = {"method": "not run", "error": str(error)}
    scores = score(data.risk, outcome, as_of=as_of, random_state=random_state)
    # The triggers as at the run's period were evaluated for the features (the latest period's,
    # unless asked for another).
    results = data.trigger_results.get(as_of)
    if results is None:
        results = evaluate_triggers(data.triggers, as_of)
    by_school: dict[int, list[dict[str, Any]]] = {}
    for row in results[results["measured"]].to_dict("records"):
        by_school.setdefault(int(row["school_id"]), []).append(
            {
                "code": row["trigger"],
                "name": row["name"],
                "kind": row["kind"],
                "fired": bool(row["fired"]),
                "severity": _plain(row["severity"]),
                "evidence": row["evidence"],
                "explanation": row["explanation"],
            }
        )
    previous_run = newest_run()
    previous = dict(RiskScore.objects.filter(run=previous_run).values_list("school_id", "risk")) if previous_run else {}
    model = scores.model
    run = RiskRun.objects.create(
        created_by=created_by,
        outcome={k: _plain(v) for k, v in outcome.__dict__.items()},
        outcome_text=outcome.describe(),
        as_of=as_of,
        model_kind=model.chosen_kind,
        random_state=random_state,
        settings={"alert_threshold": ALERT_THRESHOLD},
        data_fingerprint=data.fingerprint,
        training_examples=int(scores.training_examples),
        training_positives=int(scores.training_positives),
        backtest=summary,
        schools_scored=len(scores.table),
        uses_generated_data=data.uses_generated_data,
    )
    known = set(School.objects.values_list("pk", flat=True))
    trigger_names = {t.code: t.name for t in all_triggers()}
    # A value may be up to max_staleness periods older than as_of: its family standing is in
    # the benchmarks of that period.
    recent = [p for p in data.periods if p <= as_of][-(RiskSettings().max_staleness + 1) :]
    writer = ReasonWriter.for_run(
        periods=recent, trigger_names=trigger_names, sources=scores.reasons["source"].unique().tolist()
    )
    considered: dict[int, list[dict[Any, Any]]] = {}
    for reason in scores.reasons.to_dict("records"):
        considered.setdefault(int(reason["school_id"]), []).append(reason)
    evidence = scores.evidence.to_dict("index")
    made = []
    for row in scores.table.to_dict("records"):
        school_id = int(row["school_id"])
        if school_id not in known:
            continue
        pushes = considered.get(school_id, [])
        made.append(
            RiskScore(
                run=run,
                school_id=school_id,
                risk=float(row["risk"]),
                rank=int(row["rank"]),
                band=str(row["band"]),
                previous_risk=previous.get(school_id),
                reasons=[
                    [str(r["feature"]), _plain(r["contribution"]), writer.sentence(school_id, r)]
                    for r in pushes
                    if r["shown"]
                ],
                set_aside=[
                    [
                        str(r["feature"]),
                        _plain(r["contribution"]),
                        writer.words(school_id, r),
                        writer.why_set_aside(r),
                    ]
                    for r in pushes
                    if not r["shown"]
                ],
                evidence={str(k): _plain(v) for k, v in evidence.get(row["school_id"], {}).items()},
                triggers=by_school.get(school_id, []),
            )
        )
    RiskScore.objects.bulk_create(made, batch_size=2000)
    if alert and previous:
        transaction.on_commit(lambda: risk_alerts_send(run=run))
    return run


def risk_alerts_send(*, run: RiskRun) -> int:
    """E-mail the leads of every school whose risk rose past the threshold or into the high band."""
    rising = [
        s
        for s in run.scores.select_related("school")
        if s.previous_risk is not None
        and s.risk > s.previous_risk
        and (
            (s.risk >= ALERT_THRESHOLD > s.previous_risk)
            or (s.band == RiskScore.Band.HIGH and s.previous_risk < s.risk - 0.1)
        )
    ]
    system_leads = list(
        User.objects.filter(memberships__role=Role.SYSTEM_LEAD, is_active=True).exclude(email="").distinct()
    )
    sent = 0
    for score_row in rising:
        partnership_ids = PartnershipMembership.objects.filter(
            school=score_row.school, left_on__isnull=True
        ).values_list("partnership_id", flat=True)
        leads = User.objects.filter(
            memberships__role=Role.PARTNERSHIP_LEAD, memberships__partnership_id__in=partnership_ids, is_active=True
        ).exclude(email="")
        recipients = sorted({u.email for u in [*system_leads, *leads]})
        if not recipients:
            continue
        reasons = "\n".join(f"- {reason.words}" for reason in reading_of(score_row, None).reasons[:3])
        url = reverse("school_risk", args=[score_row.school_id])
        send_mail(
            subject=f"Early warning: {score_row.school.name}'s risk has risen to {score_row.risk:.0%}",
            message=(
                f"{score_row.school.name}'s early-warning risk rose from {score_row.previous_risk:.0%} to "
                f"{score_row.risk:.0%} ({score_row.get_band_display().lower()}) in the run as at {run.as_of}.\n\n"
                f"What raised the chance:\n{reasons or '- see the school risk page'}\n\n"
                f"The school can see its own score and reasons and may have answered already: {url}\n"
                "A score is a prompt for a conversation, never a judgement."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        sent += 1
    return sent


def _current_score(school: School) -> RiskScore | None:
    """The school's score in the latest run, which a response or decision is about."""
    return RiskScore.objects.filter(school=school, run=newest_run()).first()


def risk_response_create(*, school: School, author: User, text: str) -> RiskResponse:
    score_row = _current_score(school)
    return RiskResponse.objects.create(school=school, score=score_row, author=author, text=text.strip())


def watch_decision_create(*, school: School, decided_by: User, kind: str, note: str) -> WatchDecision:
    score_row = _current_score(school)
    return WatchDecision.objects.create(
        school=school, score=score_row, decided_by=decided_by, kind=kind, note=note.strip()
    )
