"""Leading triggers: what comes before decline (isolation, weak governance scrutiny,
partnerships that talk without acting, staffing, low trust, unreliable data, breadth of
decline)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from evenbetter.analytics.triggers.explanations import _assessment, _join, _listed, _numbers, number
from evenbetter.analytics.triggers.framework import (
    LEADING,
    Snapshot,
    Trigger,
    TriggerSettings,
    register_trigger,
)
from evenbetter.analytics.triggers.thresholds import Check, Condition, ThresholdTrigger
from evenbetter.vocabulary.directions import HIGHER, LOWER


def _simple(check: Check, sentence: str) -> Condition:
    return Condition((check,), sentence)


PEERS = Check(
    "peers_12m",
    "peer schools in contact",
    "<=",
    "isolation_peers_at_most",
    # 1 at the threshold (one peer) is half; no peer at all is fully severe.
    scale=2,
    nouns=("peer school", "peer schools"),
)
NARROW_PEERS = Check(
    "peers_12m",
    "peer schools in contact",
    "<=",
    "narrow_contact_peers_at_most",
    # 3 peers is a quarter, 2 half (fewer than 2 is isolation anyway).
    scale=4,
    nouns=("peer school", "peer schools"),
)


@register_trigger
class Isolation(ThresholdTrigger):
    """A school that stops working with other schools is often a school starting to
    struggle, and one that only talks to its own cluster is less connected than its
    number of contacts suggests."""

    code = "isolation"
    name = "Isolation from other schools"
    kind = LEADING
    indicators = ("peers_12m", "days_since_contact", "contact_outside_partnership")
    conditions = (
        _simple(PEERS, "Little contact with other schools: {peers_12m} in the last 12 months."),
        _simple(
            Check(
                "days_since_contact",
                "days since contact with another school",
                ">",
                "isolation_days_over",
                scale=180,  # a whole year without contact is fully severe
                nouns=("day", "days"),
            ),
            "No contact with another school for {days_since_contact}.",
        ),
        Condition(
            (
                NARROW_PEERS,
                Check(
                    "contact_outside_partnership",
                    "contact outside its partnerships",
                    "<",
                    "narrow_contact_outside_under",
                    scale=10,  # no contact at all outside its partnerships is fully severe
                    unit="%",
                ),
            ),
            "Contact mostly within its own partnership: {peers_12m}, and {contact_outside_partnership} "
            "of contact with schools outside it.",
        ),
    )


@register_trigger
class GovernanceScrutiny(ThresholdTrigger):
    """A board that rarely meets, is half empty or asks no hard questions lets a school
    drift; weak scrutiny comes before falling results, not after."""

    code = "governance_scrutiny"
    name = "Weak governance scrutiny"
    kind = LEADING
    indicators = ("challenges_per_meeting", "board_meetings_12m", "board_attendance", "governor_vacancy_rate")
    conditions = (
        _simple(
            Check(
                "challenges_per_meeting",
                "challenges recorded per board meeting",
                "<",
                "challenges_per_meeting_under",
                scale=1.5,  # no challenge recorded at all is fully severe
                nouns=("challenge", "challenges"),
            ),
            "Little challenge from governors: {challenges_per_meeting} recorded per board meeting.",
        ),
        _simple(
            Check(
                "board_meetings_12m",
                "governing board meetings in 12 months",
                "<",
                "board_meetings_under",
                scale=3,  # no meeting at all is fully severe
                nouns=("meeting", "meetings"),
            ),
            "The governing board met rarely: {board_meetings_12m} in the last 12 months.",
        ),
        _simple(
            Check(
                "board_attendance",
                "governors present at board meetings",
                "<",
                "board_attendance_under",
                scale=25,  # 25 points below (40% present) is fully severe
                unit="%",
            ),
            "Governors often absent: {board_attendance} present at board meetings.",
        ),
        _simple(
            Check(
                "governor_vacancy_rate",
                "governor seats empty",
                ">",
                "governor_vacancy_rate_over",
                scale=20,  # 20 points above (40% empty) is fully severe
                unit="%",
            ),
            "Empty seats on the governing board: {governor_vacancy_rate} of seats vacant.",
        ),
    )


@register_trigger
class WeakPartnership(ThresholdTrigger):
    """A partnership that meets and agrees but does not act is talk, not help: actions
    left undone and meetings missed show a school drifting away from its partners."""

    code = "weak_partnership"
    name = "Partnership without action"
    kind = LEADING
    indicators = ("actions_completion", "actions_overdue", "partnership_attendance")
    conditions = (
        _simple(
            Check(
                "actions_completion",
                "partnership actions done when due",
                "<",
                "actions_completion_under",
                scale=50,  # none done is fully severe
                unit="%",
            ),
            "Partnership actions not done: only {actions_completion} of the actions due were completed.",
        ),
        _simple(
            Check(
                "actions_overdue",
                "partnership actions overdue",
                ">=",
                "actions_overdue_at_least",
                scale=3,  # 3 overdue is a third, 5 or more fully severe
                nouns=("action", "actions"),
            ),
            "Partnership actions overdue: {actions_overdue} past their due date.",
        ),
        _simple(
            Check(
                "partnership_attendance",
                "partnership meetings attended",
                "<",
                "partnership_attendance_under",
                scale=50,  # attending none is fully severe
                unit="%",
            ),
            "Missing partnership meetings: attended {partnership_attendance} of them.",
        ),
    )


@register_trigger
class Staffing(ThresholdTrigger):
    """Vacant key posts, many vacancies, sickness and turnover take leaders' time and
    the continuity children need, well before results show it."""

    code = "staffing"
    name = "Staffing gaps and instability"
    kind = LEADING
    indicators = (
        "head_vacant",
        "deputy_vacant",
        "senco_vacant",
        "teacher_vacancies",
        "sickness_days_per_fte",
        "staff_turnover",
        "leadership_changes",
    )
    conditions = (
        _simple(
            # A vacant headship is fully severe (the flag 1 is at the threshold, one step past).
            Check("head_vacant", "headteacher post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=1),
            "The headteacher post is vacant or covered on an interim basis.",
        ),
        _simple(
            # A vacant deputy or SENCO post is half as severe as a vacant headship.
            Check("deputy_vacant", "deputy head post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=2),
            "A deputy head post is vacant.",
        ),
        _simple(
            Check("senco_vacant", "SENCO post vacant (1 = yes)", ">=", "key_post_vacant_at_least", scale=2),
            "The SENCO post is vacant.",
        ),
        _simple(
            Check(
                "teacher_vacancies",
                "teacher vacancies",
                ">=",
                "teacher_vacancies_at_least",
                scale=3,  # 2 vacancies is a third, 4 or more fully severe
                nouns=("teaching post", "teaching posts"),
            ),
            "Teacher vacancies: {teacher_vacancies} vacant or filled temporarily.",
        ),
        _simple(
            Check(
                "sickness_days_per_fte",
                "sickness days per full-time member of staff",
                ">",
                "sickness_days_over",
                scale=8,  # 8 days above (16 days) is fully severe
                nouns=("day", "days"),
            ),
            "High staff sickness: {sickness_days_per_fte} lost per full-time member of staff.",
        ),
        _simple(
            Check(
                "staff_turnover",
                "staff turnover",
                ">",
                "staff_turnover_over",
                scale=20,  # 20 points above (40% leaving) is fully severe
                unit="%",
            ),
            "High staff turnover: {staff_turnover} of staff left in the year.",
        ),
        _simple(
            Check(
                "leadership_changes",
                "changes of headteacher or deputy",
                ">=",
                "leadership_changes_at_least",
                scale=2,  # 2 changes is half, 3 or more fully severe
                nouns=("change", "changes"),
            ),
            "Unsettled leadership: {leadership_changes} of headteacher or deputy in the year.",
        ),
    )


def _survey_check(indicator: str, label: str) -> Check:
    # 30 points below the threshold (30% agreeing) is fully severe.
    return Check(indicator, label, "<", "survey_agreeing_under", scale=30, unit="%")


@register_trigger
class LowTrust(ThresholdTrigger):
    """Where staff do not trust leaders, cannot raise problems or do not share the
    school's aims, problems stay hidden until they show in results."""

    code = "low_trust"
    name = "Low staff trust"
    kind = LEADING
    indicators = ("survey_trust", "survey_raise_problems", "survey_shared_values")
    conditions = (
        _simple(
            _survey_check("survey_trust", "staff who trust leaders and colleagues"),
            "Low trust: only {survey_trust} of staff trust leaders and colleagues.",
        ),
        _simple(
            _survey_check("survey_raise_problems", "staff who feel able to raise problems"),
            "Staff do not feel able to raise problems: only {survey_raise_problems} say they can.",
        ),
        _simple(
            _survey_check("survey_shared_values", "staff who share the school's values"),
            "Staff do not share the school's values: only {survey_shared_values} say they do.",
        ),
    )


def _pulse_check(indicator: str, label: str) -> Check:
    # 30 points below the threshold (30% agreeing) is fully severe, as for the staff survey.
    return Check(indicator, label, "<", "pulse_agreeing_under", scale=30, unit="%")


@register_trigger
class LowWellbeing(ThresholdTrigger):
    """Pupils who are unhappy or feel unsafe, families who see it, and staff who do not trust
    leaders or cannot raise a problem say a school is struggling before its results do. Fed by
    the school's own pulse surveys (``evenbetter/voice``), each a share agreeing of at least ten
    answers (fewer are kept as suppressed, and a suppressed value is not measured)."""

    code = "low_wellbeing"
    name = "Low wellbeing or trust"
    kind = LEADING
    indicators = (
        "pulse_pupils_happy",
        "pulse_pupils_safe",
        "pulse_parents_happy",
        "pulse_parents_safe",
        "pulse_staff_trust",
        "pulse_staff_raise_problems",
    )
    conditions = (
        _simple(
            _pulse_check("pulse_pupils_happy", "pupils who say they feel happy at school"),
            "Pupils are not happy: only {pulse_pupils_happy} say they feel happy at school.",
        ),
        _simple(
            _pulse_check("pulse_pupils_safe", "pupils who say they feel safe at school"),
            "Pupils do not feel safe: only {pulse_pupils_safe} say they feel safe at school.",
        ),
        _simple(
            _pulse_check("pulse_parents_happy", "parents and carers who say their child is happy at school"),
            "Families see unhappy children: only {pulse_parents_happy} of parents and carers say their child is "
            "happy at school.",
        ),
        _simple(
            _pulse_check("pulse_parents_safe", "parents and carers who say their child feels safe at school"),
            "Families worry about safety: only {pulse_parents_safe} of parents and carers say their child feels "
            "safe at school.",
        ),
        _simple(
            _pulse_check("pulse_staff_trust", "staff who say they trust leaders and colleagues"),
            "Low trust: only {pulse_staff_trust} of staff say they trust leaders and colleagues.",
        ),
        _simple(
            _pulse_check("pulse_staff_raise_problems", "staff who say they feel able to raise problems"),
            "Staff do not feel able to raise problems: only {pulse_staff_raise_problems} say they can.",
        ),
    )


@register_trigger
class CollectiveConcerns(ThresholdTrigger):
    """People who work with a school — its peers, governors, agencies, leads and its own staff —
    often see trouble before any figure does: several of them raising a concern in one term
    is a pattern worth a conversation."""

    code = "collective_concerns"
    name = "Concerns raised by people who work with the school"
    kind = LEADING
    indicators = ("concerns_term",)
    conditions = (
        _simple(
            Check(
                "concerns_term",
                "concerns raised in the last term",
                ">=",
                "concerns_at_least",
                scale=3,  # three past the threshold (five concerns) is fully severe
                nouns=("concern", "concerns"),
            ),
            "People who work with the school raised {concerns_term} in the last term.",
        ),
    )


@register_trigger
class DataConfidence(ThresholdTrigger):
    """When the evidence about a school is incomplete or implausible, every other
    judgement about it is weaker, and missing returns are themselves a sign of strain."""

    code = "data_confidence"
    name = "Low confidence in the data"
    kind = LEADING
    indicators = ("data_confidence",)
    conditions = (
        _simple(
            Check(
                "data_confidence",
                "data confidence score (0-100)",
                "<",
                "data_confidence_under",
                scale=30,  # 30 points below (a score of 30) is fully severe
            ),
            "Low confidence in the school's data: a confidence score of {data_confidence} out of 100.",
        ),
    )


# ---------------------------------------------------------------------------------------
# Triggers on change since the previous period


def _orientation(snapshot: Snapshot) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better, 0 otherwise, per column."""
    signs = np.zeros(len(snapshot.columns))
    for code, position in snapshot.columns.items():
        direction = snapshot.direction(code)
        signs[position] = 1.0 if direction == HIGHER else -1.0 if direction == LOWER else 0.0
    return signs


@register_trigger
class BreadthOfDecline(Trigger):
    """Many measures slipping at once, each by a little, comes before a fall in any one
    of them that is large enough to notice.

    Reads every indicator with a direction that the school has in both the period and
    its previous period; an unchanged value is not worse. Measured only when at least
    ``min_indicators`` are compared, since a share of two or three says little. Fires when
    at least ``decline_share_at_least`` % of them got worse. Severity is the share of the
    way from the least number worse that fires to all of them worse, counting the least
    as one step: with 5 compared, 3 worse is 1/3, 4 is 2/3, 5 is 1. The evidence names
    the ones that fell most, by change relative to the previous value.
    """

    code = "breadth_of_decline"
    name = "Decline across many measures"
    kind = LEADING
    indicators = ()
    # The evidence names at most this many of the indicators that fell most ...
    named: ClassVar[int] = 5
    # ... and the explanation this many.
    told: ClassVar[int] = 3

    def assess(self, snapshot: Snapshot, settings: TriggerSettings) -> pd.DataFrame:
        size = len(snapshot.school_ids)
        period, since = snapshot.period, snapshot.previous_period
        signs = _orientation(snapshot)
        current, previous = snapshot.current, snapshot.previous
        compared = ~np.isnan(current) & ~np.isnan(previous) & (signs != 0)[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            better_by = (current - previous) * signs[None, :]  # negative: got worse
            # A fall from 0 has no relative size; it is put first.
            relative = np.where(previous != 0, better_by / np.abs(previous), -np.inf)
        worse = compared & (better_by < 0)
        count, worse_count = compared.sum(axis=1), worse.sum(axis=1)
        measured = count >= settings.min_indicators
        # The least number worse that fires; the small allowance keeps 60% of 5 at 3.
        needed = np.maximum(np.ceil(count * settings.decline_share_at_least / 100.0 - 1e-9), 1).astype(np.int64)
        fired = measured & (worse_count >= needed)
        with np.errstate(invalid="ignore", divide="ignore"):
            severity = np.where(fired, (worse_count - needed + 1) / (count - needed + 1), 0.0)

        # The indicators that fell most, worst first; "" past the last one that fell.
        order = np.argsort(np.where(worse, relative, np.inf), axis=1, kind="stable")[:, : self.named]
        names = np.array([snapshot.name_of(code) for code in snapshot.columns], dtype=object)
        rows = np.arange(size)
        fell, fell_names = [], []
        for rank in range(self.named):
            if rank >= order.shape[1]:
                fell_names.append(np.full(size, "", dtype=object))
                continue
            column = order[:, rank]
            fell_here = worse[rows, column]
            fell.append(
                np.where(
                    fell_here,
                    names[column]
                    + " "
                    + _numbers(previous[rows, column])
                    + " in "
                    + since
                    + " to "
                    + _numbers(current[rows, column])
                    + f" in {period}",
                    "",
                )
            )
            fell_names.append(np.where(fell_here, names[column], ""))
        fell_most = _join(fell, ", ", size)
        threshold = (
            f"threshold: at least {number(settings.decline_share_at_least)}% worse, "
            f"of at least {settings.min_indicators} compared"
        )
        evidence = np.where(
            since == "",
            f"no earlier period than {period} to compare with ({threshold})",
            _numbers(worse_count)
            + " of "
            + _numbers(count)
            + f" indicators worse in {period} than in "
            + since
            + f" ({threshold})"
            + np.where(fell_most != "", "; fell most: " + fell_most, ""),
        )
        explanation = (
            "Many things got worse at once: "
            + _numbers(worse_count)
            + " of "
            + _numbers(count)
            + " measures fell since "
            + since
            + ", most of all "
            + _listed(fell_names[: self.told], size)
            + "."
        )
        return _assessment(snapshot, measured, fired, severity, evidence, explanation)
