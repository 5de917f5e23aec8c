"""The story's parameters (:class:`SimulationSettings`), the words records are made of, and
the shape of what the simulator returns (:class:`LocalRecords`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CONTACT_KINDS: tuple[str, ...] = ("visit", "joint_training", "peer_review", "shared_staff", "call")
# How often each kind of contact happens, in the order above.
CONTACT_KIND_SHARES: tuple[float, ...] = (0.3, 0.2, 0.1, 0.1, 0.3)
ACTION_STATUSES: tuple[str, ...] = ("agreed", "in_progress", "done", "dropped")
# Areas a governing board challenges its leaders on; no name may contain a comma.
CHALLENGE_AREAS: tuple[str, ...] = (
    "attendance",
    "SEND",
    "behaviour",
    "safeguarding",
    "finance",
    "curriculum",
    "reading",
    "maths",
    "disadvantaged pupils",
    "staffing",
)
TOPICS: tuple[str, ...] = (
    "phonics",
    "reading",
    "maths mastery",
    "writing",
    "SEND provision",
    "attendance",
    "behaviour",
    "transition",
    "early years",
    "assessment",
    "curriculum planning",
    "safeguarding",
    "disadvantaged pupils",
    "leadership",
)
_CONTACT_ABOUT: tuple[str, ...] = (
    "visit to see {}",
    "joint training on {}",
    "peer review of {}",
    "shared specialist for {}",
    "call about {}",
)
_ACTION_TITLES: tuple[str, ...] = (
    "Share {} plan with partner schools",
    "Arrange peer visits on {}",
    "Draft common approach to {}",
    "Report back on {} pilot",
    "Collect data on {} across the partnership",
)
_TERMS: tuple[str, ...] = ("Autumn", "Spring", "Summer")
# Schools meet in term time: weekdays from 1 September to 20 July.
_TERM_END = (7, 20)


@dataclass(frozen=True)
class SimulationSettings:
    """The story's parameters.

    A pair ``(usual, drifting)`` is the value for a school carrying on as it is and for a
    drifting school at full severity; a drifting school gets the blend
    ``usual + severity * (drifting - usual)`` from its onset period on.
    """

    seed: int = 0
    # Academic years, oldest first; "2017/18" runs from 2017-09-01 to 2018-08-31.
    periods: tuple[str, ...] = ("2016/17", "2017/18", "2018/19")
    drift_share: float = 0.15
    # The onset period index is drawn from [earliest_onset_index, len(periods) - 2], so that
    # every drifting school has at least one period after its onset.
    earliest_onset_index: int = 0
    # Points the outcome falls once the lead has passed (e.g. % reaching the expected standard).
    outcome_drop: float = 8.0
    # Spread of that fall, as a share of outcome_drop: not every drifting school falls as far.
    outcome_noise: float = 0.25
    # How far a drifting school drifts, drawn uniformly per school from this range.
    severity: tuple[float, float] = (0.6, 1.0)

    # School-to-school contact.
    # Contacts a school starts in a year (each school's own rate varies around this).
    contacts_per_year: tuple[float, float] = (10.0, 2.5)
    # Of a school's contacts, the share with its own partnership and with a nearby school;
    # the rest are with any school, near or far.
    share_in_partnership: float = 0.55
    share_nearby: float = 0.30
    # How many of a school's geographically nearest schools count as nearby.
    nearby_schools: int = 10
    # Of a drifting school's (fewer) contacts, the share inside its partnership.
    drifting_share_in_partnership: float = 0.9
    # Of the contacts other schools start with a drifting school, the share that never happen.
    declined_when_drifting: float = 0.7

    # Partnership life: meetings, attendance, agreed actions.
    # Meetings a partnership holds in a year (at least one).
    meetings_per_year: float = 6.0
    # Chance a member school is at a partnership meeting.
    meeting_attendance: tuple[float, float] = (0.85, 0.4)
    # Actions agreed at a meeting, each owned by one member school.
    actions_per_meeting: float = 2.5
    # Days from the meeting to the due date (1 to 3 months), never after the period's end.
    action_due_days: tuple[int, int] = (30, 91)
    # Chance the owner completes an action by the end of the period.
    action_completion: tuple[float, float] = (0.85, 0.3)
    # Mean days after its due date that a completed action is done (negative: early).
    action_lateness_days: tuple[float, float] = (-10.0, 20.0)
    # Spread of that lateness, in days.
    action_lateness_spread: float = 10.0
    # Chance an unfinished action is dropped rather than left in progress.
    action_dropped: tuple[float, float] = (0.05, 0.25)

    # Governance.
    # Governing board meetings (full board and committees) a school holds in a year.
    board_meetings_per_year: tuple[float, float] = (6.0, 3.0)
    # Smallest and largest number of places on a board.
    governor_places: tuple[int, int] = (9, 14)
    # Chance each place is vacant at a meeting.
    governor_vacancy_rate: tuple[float, float] = (0.06, 0.25)
    # Chance a governor in post is present.
    governor_attendance: tuple[float, float] = (0.85, 0.6)
    # Challenging questions minuted per board meeting.
    challenges_per_meeting: tuple[float, float] = (4.0, 1.0)

    # Workforce.
    # Median staff headcount; schools vary around it (log-normal).
    staff_headcount: float = 35.0
    # Share of staff who leave in a year.
    staff_turnover: tuple[float, float] = (0.12, 0.28)
    # Joiners per leaver: below one, a drifting school shrinks and carries vacancies.
    replacement_rate: tuple[float, float] = (1.0, 0.8)
    # Teacher and support vacancies at a time, per staff_headcount staff.
    teacher_vacancies: tuple[float, float] = (0.4, 2.0)
    support_vacancies: tuple[float, float] = (0.5, 1.5)
    # Chance each key post (head, deputy, SENCo) is vacant in a year.
    key_post_vacancy: tuple[float, float] = (0.04, 0.3)
    # Sickness absence, days per full-time equivalent in a year.
    sickness_days_per_fte: tuple[float, float] = (4.5, 9.0)
    # Changes of head or deputy in a year.
    leadership_changes: tuple[float, float] = (0.15, 0.8)

    # Staff survey.
    # Mean % of staff agreeing (trust, shared values, able to raise problems).
    survey_agreement: tuple[float, float] = (72.0, 50.0)
    # Spread between schools, and of one school from year to year, in percentage points.
    survey_school_spread: float = 8.0
    survey_year_noise: float = 4.0


@dataclass(frozen=True)
class LocalRecords:
    contacts: pd.DataFrame  # school_id, other_school_id, happened_on, kind, about
    meetings: pd.DataFrame  # meeting_id, partnership_id, held_on, title
    attendance: pd.DataFrame  # meeting_id, school_id (schools present)
    actions: (
        pd.DataFrame
    )  # action_id, meeting_id, partnership_id, owner_school_id, title, agreed_on, due_on, done_on, status
    board_meetings: (
        pd.DataFrame
    )  # school_id, held_on, governors_present, governors_places, vacancies, challenges, challenge_areas
    workforce: pd.DataFrame  # school_id, period, head_vacant, deputy_vacant, senco_vacant, teacher_vacancies, support_vacancies, sickness_days_per_fte, headcount_start, headcount_end, leavers, leadership_changes
    survey: pd.DataFrame  # school_id, period, trust, shared_values, raise_problems
    drift: pd.DataFrame  # school_id, onset_period, outcome_period, lead_periods, severity (drifting schools only)
    outcome_shift: pd.DataFrame  # school_id, period, shift (one row per school and period)
