"""Simulated local records: the school-to-school, partnership, governance, workforce and
staff-survey records that no public dataset holds, generated with a known causal story.

Pure functions on pandas data frames; no Django. Everything here is made up, and
whatever shows it must say so (design principle 5, "Real data first"): the register,
the partnerships and the school locations come from real files, only these records are
simulated, so that the early-warning model can be built and tested before a local
authority or trust has years of its own records.

The story
---------
Most schools carry on as they are, with noise: each school has its own habits (how
sociable it is, how reliable, how searching its governors are, how big its staff) and
every year varies around them.

A share of schools (``drift_share``, 15% by default) start to **drift** in an onset year.
From that year on, and in proportion to how far the school drifts (its ``severity``):

- it becomes **isolated**: it starts far fewer contacts with other schools, the few it
  keeps are almost all inside its own partnership, and it declines most contacts other
  schools start with it, so it has fewer distinct peers, above all outside its partnership;
- it stops **acting on what its partnership agreed**: it misses more partnership meetings,
  and of the actions it owns it completes far fewer, and those late;
- its **governing board** meets less often, with lower attendance, more vacancies and
  fewer challenging questions;
- **key posts** (head, deputy, SENCo) fall vacant, teacher and support vacancies, sickness
  absence, staff turnover and changes of leadership rise;
- **trust** falls in the staff survey (trust, shared values, being able to raise problems);
- and, one or two years later (the lead is drawn per school), its **outcomes fall** by
  about ``outcome_drop`` points.

Nothing else moves outcomes here, so the leading signals are visible one or two years
before the outcome shifts: that is what lets a model that claims to find schools at risk
"before it shows in results" be tested on it (design principle 3, "Leading, not lagging").
Before its onset a drifting school is drawn exactly like every other school.

Every random draw comes from one ``numpy.random.default_rng(seed)`` in a fixed order over
schools sorted by id, so the same schools and settings give the same records, row for row.

Example
-------
>>> schools = pd.DataFrame({"school_id": [1, 2, 3], "partnership_id": [7, 7, None],
...                         "latitude": [52.1, 52.2, None], "longitude": [-1.1, -1.2, None]})
>>> records = simulate_local_records(schools, SimulationSettings(seed=1))
>>> sorted(records.meetings["partnership_id"].unique().tolist())
[7]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from evenbetter.analytics.risk import RiskData
from evenbetter.vocabulary.periods import academic_year, is_academic_year, parse_period, start_year

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


def simulate_local_records(schools: pd.DataFrame, settings: SimulationSettings | None = None) -> LocalRecords:
    """Simulated local records for ``schools`` over ``settings.periods``.

    ``schools`` has ``school_id`` (int, unique), ``partnership_id`` (int, or NaN/None for a
    school in no partnership), ``latitude`` and ``longitude`` (floats, may be NaN). Schools
    without coordinates find their peers in their partnership, or anywhere.
    """
    settings = settings or SimulationSettings()
    calendar = _Calendar.of(settings.periods)
    register = _Register.of(schools, settings.nearby_schools)
    rng = np.random.default_rng(settings.seed)
    drift = _Drift.draw(rng, register.size, settings)
    habits = _Habits.draw(rng, register.size, settings)
    meetings, attendance, actions = _partnership_life(rng, register, drift, habits, calendar, settings)
    workforce, survey = _workforce_and_survey(rng, register, drift, habits, calendar, settings)
    return LocalRecords(
        contacts=_contacts(rng, register, drift, habits, calendar, settings),
        meetings=meetings,
        attendance=attendance,
        actions=actions,
        board_meetings=_board_meetings(rng, register, drift, habits, calendar, settings),
        workforce=workforce,
        survey=survey,
        drift=drift.frame(register, calendar),
        outcome_shift=_outcome_shift(rng, register, drift, calendar, settings),
    )


# --- The calendar -------------------------------------------------------------------


def _start_year(period: str) -> int:
    if not is_academic_year(period) or parse_period(period)[0] != period:
        raise ValueError(f"period {period!r} is not an academic year like '2017/18'")
    return start_year(period)


def _period_label(first_year: int) -> str:
    return academic_year(first_year)


@dataclass(frozen=True)
class _Calendar:
    """Days as ordinals (``date.toordinal``) while simulating, ``datetime.date`` at the end."""

    labels: tuple[str, ...]
    start_years: np.ndarray
    starts: np.ndarray  # 1 September of each period
    ends: np.ndarray  # 31 August
    january: np.ndarray  # 1 January, when the spring term starts
    april: np.ndarray  # 1 April, when the summer term starts (near enough)
    school_days: np.ndarray  # every term-time weekday, period after period
    day_offset: np.ndarray  # where each period's school days start in school_days
    day_count: np.ndarray
    first: int
    dates: np.ndarray  # a datetime.date for every day from the first start to the last end

    @classmethod
    def of(cls, periods: tuple[str, ...]) -> _Calendar:
        if not periods:
            raise ValueError("at least one period is needed")
        years = np.array([_start_year(period) for period in periods], dtype=np.int64)
        if (np.diff(years) <= 0).any():
            raise ValueError("periods must be distinct academic years, oldest first")
        starts = np.array([date(year, 9, 1).toordinal() for year in years], dtype=np.int64)
        ends = np.array([date(year + 1, 8, 31).toordinal() for year in years], dtype=np.int64)
        term_ends = np.array([date(year + 1, *_TERM_END).toordinal() for year in years], dtype=np.int64)
        days = [np.arange(start, end + 1) for start, end in zip(starts, term_ends, strict=True)]
        # date.toordinal() % 7 is 0 on Sundays and 6 on Saturdays.
        weekdays = [day[(day % 7 != 0) & (day % 7 != 6)] for day in days]
        counts = np.array([len(day) for day in weekdays], dtype=np.int64)
        first = int(starts[0])
        return cls(
            labels=tuple(periods),
            start_years=years,
            starts=starts,
            ends=ends,
            january=np.array([date(year + 1, 1, 1).toordinal() for year in years], dtype=np.int64),
            april=np.array([date(year + 1, 4, 1).toordinal() for year in years], dtype=np.int64),
            school_days=np.concatenate(weekdays),
            day_offset=np.concatenate(([0], np.cumsum(counts)[:-1])),
            day_count=counts,
            first=first,
            dates=np.array([date.fromordinal(day) for day in range(first, int(ends[-1]) + 1)], dtype=object),
        )

    @property
    def size(self) -> int:
        return len(self.labels)

    def school_day(self, rng: np.random.Generator, period: np.ndarray) -> np.ndarray:
        """A term-time weekday in each given period, uniformly."""
        pick = rng.integers(0, self.day_count[period]) if len(period) else np.zeros(0, dtype=np.int64)
        return self.school_days[self.day_offset[period] + pick]

    def as_dates(self, days: np.ndarray) -> np.ndarray:
        return self.dates[days - self.first]

    def term(self, days: np.ndarray, period: np.ndarray) -> np.ndarray:
        return (days >= self.january[period]).astype(np.int64) + (days >= self.april[period])

    def label(self, index: int) -> str:
        """The period ``index`` periods after the first, beyond the simulated ones if need be."""
        if index < self.size:
            return self.labels[index]
        return _period_label(int(self.start_years[-1]) + index - self.size + 1)


# --- The schools ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Register:
    """Schools sorted by id, with their partnerships as blocks of a member list and their
    nearest schools, so that a peer can be drawn for a million contacts at once."""

    ids: np.ndarray
    partnership: np.ndarray  # index into partnership_ids, -1 for none
    partnership_ids: np.ndarray
    members: np.ndarray  # school indices, partnership after partnership, by id within one
    block_start: np.ndarray  # per partnership: where its members start in members
    block_size: np.ndarray
    position: np.ndarray  # per school: its place in its partnership's block
    own_start: np.ndarray  # per school: where its partnership's block starts (0 for none)
    own_size: np.ndarray  # per school: how many members its partnership has (0 for none)
    nearest: np.ndarray  # (schools with coordinates, k) school indices, nearest first
    nearest_row: np.ndarray  # per school: its row in nearest, -1 without coordinates

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, schools: pd.DataFrame, nearby: int) -> _Register:
        if "school_id" not in schools.columns:
            raise ValueError("schools need a school_id column")
        frame = schools.sort_values("school_id", kind="stable").reset_index(drop=True)
        ids = frame["school_id"].to_numpy(dtype=np.int64)
        if len(np.unique(ids)) != len(ids):
            raise ValueError("school_id must be unique")
        n = len(ids)
        raw = frame["partnership_id"] if "partnership_id" in frame.columns else pd.Series(np.nan, index=frame.index)
        numeric = pd.to_numeric(raw, errors="raise").astype(float)
        known = numeric.notna().to_numpy()
        if (numeric[known] % 1 != 0).any():
            raise ValueError("partnership_id must be a whole number")
        partnership = np.full(n, -1, dtype=np.int64)
        partnership_ids, codes = np.unique(numeric[known].to_numpy().astype(np.int64), return_inverse=True)
        partnership[known] = codes
        members = np.flatnonzero(known)[np.argsort(codes, kind="stable")]
        block_size = np.bincount(codes, minlength=len(partnership_ids)).astype(np.int64)
        block_start = np.concatenate(([0], np.cumsum(block_size)[:-1])).astype(np.int64)
        position = np.full(n, 0, dtype=np.int64)
        position[members] = np.arange(len(members)) - block_start[partnership[members]]
        own_start = np.zeros(n, dtype=np.int64)
        own_size = np.zeros(n, dtype=np.int64)
        own_start[known] = block_start[codes]
        own_size[known] = block_size[codes]
        nearest, nearest_row = cls._nearest(frame, n, nearby)
        return cls(
            ids=ids,
            partnership=partnership,
            partnership_ids=partnership_ids,
            members=members,
            block_start=block_start,
            block_size=block_size,
            position=position,
            own_start=own_start,
            own_size=own_size,
            nearest=nearest,
            nearest_row=nearest_row,
        )

    @staticmethod
    def _nearest(frame: pd.DataFrame, n: int, nearby: int) -> tuple[np.ndarray, np.ndarray]:
        columns = [name for name in ("latitude", "longitude") if name in frame.columns]
        if len(columns) < 2:
            return np.zeros((0, 0), dtype=np.int64), np.full(n, -1, dtype=np.int64)
        coordinates = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        located = np.flatnonzero(np.isfinite(coordinates).all(axis=1))
        nearest_row = np.full(n, -1, dtype=np.int64)
        k = min(nearby, len(located) - 1)
        if k < 1:
            return np.zeros((0, 0), dtype=np.int64), nearest_row
        radians = np.radians(coordinates[located])
        _, found = NearestNeighbors(n_neighbors=k + 1, metric="haversine").fit(radians).kneighbors(radians)
        # A school is usually its own nearest; where twins share a spot it may come later,
        # so push it to the end of its row and keep the k others.
        is_self = located[found] == located[:, None]
        order = np.argsort(is_self, axis=1, kind="stable")[:, :k]
        nearest_row[located] = np.arange(len(located))
        return located[np.take_along_axis(found, order, axis=1)], nearest_row


@dataclass(frozen=True)
class _Drift:
    """Who drifts, from when, how far, and when their outcome follows."""

    drifts: np.ndarray  # bool per school
    onset: np.ndarray  # period index, -1 for schools that do not drift
    lead: np.ndarray  # periods from onset to the first lowered outcome, 0 for no drift
    severity: np.ndarray  # 0 for schools that do not drift
    intensity: np.ndarray  # (schools, periods): severity from the onset period on, else 0

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int, settings: SimulationSettings) -> _Drift:
        periods = len(settings.periods)
        latest = periods - 2
        if not 0 <= settings.drift_share <= 1:
            raise ValueError("drift_share must be between 0 and 1")
        if settings.drift_share > 0 and not 0 <= settings.earliest_onset_index <= latest:
            raise ValueError(
                "earliest_onset_index must leave at least one period after the onset: "
                f"between 0 and {latest} for {periods} periods"
            )
        drifts = rng.random(n) < settings.drift_share
        earliest = min(settings.earliest_onset_index, max(latest, 0))
        onset_draw = rng.integers(earliest, max(latest, earliest) + 1, n)
        lead_draw = rng.integers(1, 3, n)
        severity_draw = rng.uniform(*settings.severity, n)
        onset = np.where(drifts, onset_draw, -1)
        started = drifts[:, None] & (np.arange(periods)[None, :] >= onset[:, None])
        severity = np.where(drifts, severity_draw, 0.0)
        return cls(drifts, onset, np.where(drifts, lead_draw, 0), severity, severity[:, None] * started)

    def frame(self, register: _Register, calendar: _Calendar) -> pd.DataFrame:
        rows = np.flatnonzero(self.drifts)
        return pd.DataFrame(
            {
                "school_id": register.ids[rows],
                "onset_period": pd.Series([calendar.label(int(i)) for i in self.onset[rows]], dtype="str"),
                "outcome_period": pd.Series(
                    [calendar.label(int(i)) for i in self.onset[rows] + self.lead[rows]], dtype="str"
                ),
                "lead_periods": self.lead[rows],
                "severity": self.severity[rows].round(3),
            }
        )


@dataclass(frozen=True)
class _Habits:
    """What makes one steady school differ from another, drawn once per school, the
    same way for schools that will drift and schools that will not."""

    sociability: np.ndarray  # multiplies the contact rate
    reliability: np.ndarray  # added to the chance of attending and of completing actions
    scrutiny: np.ndarray  # multiplies the board's challenging questions
    governor_places: np.ndarray
    headcount: np.ndarray
    turnover: np.ndarray  # multiplies staff turnover
    sickness: np.ndarray  # multiplies sickness absence
    culture: np.ndarray  # the school's staff-survey level, in points from the usual mean

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int, settings: SimulationSettings) -> _Habits:
        low, high = settings.governor_places
        return cls(
            sociability=rng.lognormal(0.0, 0.35, n),
            reliability=rng.normal(0.0, 0.05, n),
            scrutiny=rng.lognormal(0.0, 0.3, n),
            governor_places=rng.integers(low, high + 1, n),
            headcount=np.maximum(5, np.rint(settings.staff_headcount * rng.lognormal(0.0, 0.45, n))).astype(np.int64),
            turnover=rng.lognormal(0.0, 0.3, n),
            sickness=rng.lognormal(0.0, 0.25, n),
            culture=rng.normal(0.0, settings.survey_school_spread, n),
        )


def _blend(pair: tuple[float, float], intensity: np.ndarray) -> np.ndarray:
    usual, drifting = pair
    return usual + intensity * (drifting - usual)


def _cells(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a (rows, periods) array of counts, the row and period of each of the records."""
    rows, periods = counts.shape
    row = np.repeat(np.repeat(np.arange(rows), periods), counts.ravel())
    period = np.repeat(np.tile(np.arange(periods), rows), counts.ravel())
    return row, period


def _text(options: list[str], picks: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(options, dtype=object)[picks], dtype="str")


# --- The records ----------------------------------------------------------------------


def _contacts(
    rng: np.random.Generator,
    register: _Register,
    drift: _Drift,
    habits: _Habits,
    calendar: _Calendar,
    settings: SimulationSettings,
) -> pd.DataFrame:
    n = register.size
    rate = _blend(settings.contacts_per_year, drift.intensity) * habits.sociability[:, None]
    counts = rng.poisson(rate) if n > 1 else np.zeros((n, calendar.size), dtype=np.int64)
    school, period = _cells(counts)
    m = len(school)
    drifting = drift.intensity[school, period] > 0
    # Where a contact is made: its own partnership, nearby, or anywhere; a drifting school
    # keeps almost only its partnership, the rest split as usual between near and far.
    anywhere = 1.0 - settings.share_in_partnership - settings.share_nearby
    in_partnership = np.where(drifting, settings.drifting_share_in_partnership, settings.share_in_partnership)
    outside = 1.0 - in_partnership
    nearby_share = outside * settings.share_nearby / max(settings.share_nearby + anywhere, 1e-9)
    where = rng.random(m)
    place = np.where(where < in_partnership, 0, np.where(where < in_partnership + nearby_share, 1, 2))
    partners = register.own_size[school] - 1
    has_partners = partners >= 1
    has_nearby = register.nearest_row[school] >= 0
    place = np.where((place == 0) & ~has_partners, 1, place)
    place = np.where((place == 1) & ~has_nearby, np.where(has_partners, 0, 2), place)

    # A peer drawn every way for every contact, so the number of draws never depends on the way taken.
    partner_pick = rng.integers(0, np.maximum(partners, 1))
    partner_pick = partner_pick + (partner_pick >= register.position[school])
    partner_index = np.minimum(register.own_start[school] + partner_pick, max(len(register.members) - 1, 0))
    partner = register.members[partner_index] if len(register.members) else np.zeros(m, dtype=np.int64)
    k = register.nearest.shape[1] if register.nearest.size else 1
    near_pick = rng.integers(0, k, m)
    near = register.nearest[np.maximum(register.nearest_row[school], 0), near_pick] if register.nearest.size else school
    far = rng.integers(0, max(n - 1, 1), m)
    far = far + (far >= school)
    peer = np.select([place == 0, place == 1], [partner, near], far)

    # A drifting school turns down most of what others start with it.
    declined = rng.random(m) < settings.declined_when_drifting * drift.intensity[peer, period]
    day = calendar.school_day(rng, period)
    kind = rng.choice(len(CONTACT_KINDS), size=m, p=np.asarray(CONTACT_KIND_SHARES) / sum(CONTACT_KIND_SHARES))
    topic = rng.integers(0, len(TOPICS), m)

    keep = np.flatnonzero(~declined)
    keep = keep[np.lexsort((register.ids[peer[keep]], day[keep], school[keep]))]
    about = [template.format(topic_name) for template in _CONTACT_ABOUT for topic_name in TOPICS]
    return pd.DataFrame(
        {
            "school_id": register.ids[school[keep]],
            "other_school_id": register.ids[peer[keep]],
            "happened_on": calendar.as_dates(day[keep]),
            "kind": _text(list(CONTACT_KINDS), kind[keep]),
            "about": _text(about, kind[keep] * len(TOPICS) + topic[keep]),
        }
    )


def _partnership_life(
    rng: np.random.Generator,
    register: _Register,
    drift: _Drift,
    habits: _Habits,
    calendar: _Calendar,
    settings: SimulationSettings,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    partnerships = len(register.partnership_ids)
    counts = 1 + rng.poisson(max(settings.meetings_per_year - 1, 0.0), (partnerships, calendar.size))
    partnership, period = _cells(counts)
    day = calendar.school_day(rng, period)
    order = np.lexsort((register.partnership_ids[partnership], day))
    partnership, period, day = partnership[order], period[order], day[order]
    meeting_count = len(day)
    topic = rng.integers(0, len(TOPICS), meeting_count)
    titles = [f"{term} term partnership meeting: {topic_name}" for term in _TERMS for topic_name in TOPICS]
    meetings = pd.DataFrame(
        {
            "meeting_id": np.arange(1, meeting_count + 1, dtype=np.int64),
            "partnership_id": register.partnership_ids[partnership].astype(np.int64),
            "held_on": calendar.as_dates(day),
            "title": _text(titles, calendar.term(day, period) * len(TOPICS) + topic),
        }
    )

    # Every member of the partnership is expected; each comes with its own chance.
    size = register.block_size[partnership]
    meeting = np.repeat(np.arange(meeting_count), size)
    within = np.arange(len(meeting)) - np.repeat(np.cumsum(size) - size, size)
    member = register.members[register.block_start[partnership][meeting] + within]
    chance = _blend(settings.meeting_attendance, drift.intensity[member, period[meeting]]) + habits.reliability[member]
    present = rng.random(len(member)) < np.clip(chance, 0.02, 0.99)
    attendance = pd.DataFrame(
        {"meeting_id": meeting[present] + 1, "school_id": register.ids[member[present]]},
    )

    # Actions agreed at each meeting, each owned by one member school.
    action_counts = rng.poisson(settings.actions_per_meeting, meeting_count)
    agreed_at = np.repeat(np.arange(meeting_count), action_counts)
    action_count = len(agreed_at)
    owner_pick = rng.integers(0, register.block_size[partnership[agreed_at]]) if action_count else agreed_at
    owner = register.members[register.block_start[partnership[agreed_at]] + owner_pick]
    action_period = period[agreed_at]
    intensity = drift.intensity[owner, action_period]
    end = calendar.ends[action_period]
    agreed = day[agreed_at]
    low, high = settings.action_due_days
    due = np.minimum(agreed + rng.integers(low, high + 1, action_count), end)
    completes = rng.random(action_count) < np.clip(
        _blend(settings.action_completion, intensity) + habits.reliability[owner], 0.02, 0.99
    )
    lateness = rng.normal(_blend(settings.action_lateness_days, intensity), settings.action_lateness_spread)
    done = agreed + np.maximum(1, np.rint(due - agreed + lateness).astype(np.int64))
    # Whatever is not done by the end of the period is recorded as not done (yet).
    is_done = completes & (done <= end)
    dropped = ~is_done & (rng.random(action_count) < _blend(settings.action_dropped, intensity))
    started = rng.random(action_count) < 0.5
    status = np.where(is_done, 2, np.where(dropped, 3, np.where(started, 1, 0)))
    done_on = np.full(action_count, None, dtype=object)
    done_on[is_done] = calendar.as_dates(done[is_done])
    action_topic = rng.integers(0, len(TOPICS), action_count)
    action_template = rng.integers(0, len(_ACTION_TITLES), action_count)
    action_titles = [template.format(topic_name) for template in _ACTION_TITLES for topic_name in TOPICS]
    actions = pd.DataFrame(
        {
            "action_id": np.arange(1, action_count + 1, dtype=np.int64),
            "meeting_id": agreed_at + 1,
            "partnership_id": register.partnership_ids[partnership[agreed_at]].astype(np.int64),
            "owner_school_id": register.ids[owner],
            "title": _text(action_titles, action_template * len(TOPICS) + action_topic),
            "agreed_on": calendar.as_dates(agreed),
            "due_on": calendar.as_dates(due),
            "done_on": done_on,
            "status": _text(list(ACTION_STATUSES), status),
        }
    )
    return meetings, attendance, actions


def _board_meetings(
    rng: np.random.Generator,
    register: _Register,
    drift: _Drift,
    habits: _Habits,
    calendar: _Calendar,
    settings: SimulationSettings,
) -> pd.DataFrame:
    counts = rng.poisson(_blend(settings.board_meetings_per_year, drift.intensity))
    school, period = _cells(counts)
    b = len(school)
    day = calendar.school_day(rng, period)
    intensity = drift.intensity[school, period]
    places = habits.governor_places[school]
    vacancies = rng.binomial(places, _blend(settings.governor_vacancy_rate, intensity))
    present = rng.binomial(places - vacancies, _blend(settings.governor_attendance, intensity))
    challenges = rng.poisson(_blend(settings.challenges_per_meeting, intensity) * habits.scrutiny[school])
    # The areas challenged: up to three distinct ones, never more than the questions asked,
    # kept as a bit mask so that the text is a lookup, not a join per meeting.
    areas = len(CHALLENGE_AREAS)
    named = np.minimum(challenges, rng.integers(1, 4, b))
    first = rng.integers(0, areas, b)
    second = rng.integers(0, areas - 1, b)
    second = second + (second >= first)
    low, high = np.minimum(first, second), np.maximum(first, second)
    third = rng.integers(0, areas - 2, b)
    third = third + (third >= low)
    third = third + (third >= high)
    mask = (
        np.where(named >= 1, 1 << first, 0) | np.where(named >= 2, 1 << second, 0) | np.where(named >= 3, 1 << third, 0)
    )
    texts = [
        ",".join(area for bit, area in enumerate(CHALLENGE_AREAS) if code >> bit & 1) for code in range(1 << areas)
    ]
    order = np.lexsort((day, school))
    return pd.DataFrame(
        {
            "school_id": register.ids[school[order]],
            "held_on": calendar.as_dates(day[order]),
            "governors_present": present[order],
            "governors_places": places[order],
            "vacancies": vacancies[order],
            "challenges": challenges[order],
            "challenge_areas": _text(texts, mask[order]),
        }
    )


def _workforce_and_survey(
    rng: np.random.Generator,
    register: _Register,
    drift: _Drift,
    habits: _Habits,
    calendar: _Calendar,
    settings: SimulationSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n, periods = register.size, calendar.size
    columns: dict[str, list[np.ndarray]] = {}
    headcount = habits.headcount.copy()
    for period in range(periods):
        intensity = drift.intensity[:, period]
        # Each year starts with the staff the last one ended with.
        start = headcount
        turnover = np.clip(_blend(settings.staff_turnover, intensity) * habits.turnover, 0.0, 0.9)
        leavers = rng.binomial(start, turnover)
        joiners = rng.poisson(leavers * _blend(settings.replacement_rate, intensity))
        end = np.maximum(1, start - leavers + joiners)
        per_staff = start / settings.staff_headcount
        key_post = _blend(settings.key_post_vacancy, intensity)
        values = {
            "head_vacant": (rng.random(n) < key_post).astype(np.int64),
            "deputy_vacant": (rng.random(n) < key_post).astype(np.int64),
            "senco_vacant": (rng.random(n) < key_post).astype(np.int64),
            "teacher_vacancies": rng.poisson(_blend(settings.teacher_vacancies, intensity) * per_staff),
            "support_vacancies": rng.poisson(_blend(settings.support_vacancies, intensity) * per_staff),
            "sickness_days_per_fte": (
                rng.gamma(4.0, _blend(settings.sickness_days_per_fte, intensity) * habits.sickness / 4.0).round(1)
            ),
            "headcount_start": start,
            "headcount_end": end,
            "leavers": leavers,
            "leadership_changes": rng.poisson(_blend(settings.leadership_changes, intensity)),
        }
        for name, value in values.items():
            columns.setdefault(name, []).append(value)
        headcount = end
    index = {
        "school_id": np.repeat(register.ids, periods),
        "period": pd.Series(np.tile(np.asarray(calendar.labels, dtype=object), n), dtype="str"),
    }
    # (schools, periods) laid out school after school, period after period.
    workforce = pd.DataFrame(
        {**index, **{name: np.stack(value, axis=1).ravel() for name, value in columns.items()}},
    )

    usual, drifting = settings.survey_agreement
    questions = ("trust", "shared_values", "raise_problems")
    question_offset = rng.normal(0.0, settings.survey_school_spread / 2, (n, len(questions)))
    noise = rng.normal(0.0, settings.survey_year_noise, (n, periods, len(questions)))
    level = (
        usual
        + habits.culture[:, None, None]
        + question_offset[:, None, :]
        + noise
        + drift.intensity[:, :, None] * (drifting - usual)
    )
    level = np.clip(level, 0.0, 100.0).round(1)
    survey = pd.DataFrame(
        {**index, **{name: level[:, :, i].ravel() for i, name in enumerate(questions)}},
    )
    return workforce, survey


def _outcome_shift(
    rng: np.random.Generator,
    register: _Register,
    drift: _Drift,
    calendar: _Calendar,
    settings: SimulationSettings,
) -> pd.DataFrame:
    n, periods = register.size, calendar.size
    noise = rng.normal(0.0, settings.outcome_noise * settings.outcome_drop, (n, periods))
    lowered = drift.drifts[:, None] & (np.arange(periods)[None, :] >= (drift.onset + drift.lead)[:, None])
    shift = np.where(lowered, np.minimum(0.0, -settings.outcome_drop + noise), 0.0).round(2)
    return pd.DataFrame(
        {
            "school_id": np.repeat(register.ids, periods),
            "period": pd.Series(np.tile(np.asarray(calendar.labels, dtype=object), n), dtype="str"),
            "shift": shift.ravel(),
        }
    )


# --- Showing the planted effect ---------------------------------------------------------

INDICATORS: tuple[str, ...] = (
    "distinct_peers",
    "peers_share_in_partnership",
    "meeting_attendance",
    "overdue_share",
    "board_meetings",
    "board_attendance",
    "challenges_per_meeting",
    "staff_vacancies",
    "sickness_days_per_fte",
    "turnover",
    "trust",
    "outcome_shift",
)


def _ordinals(dates: pd.Series) -> np.ndarray:
    """``date.toordinal()`` of each value, NaN for None; each distinct day is converted once,
    which is much faster than converting millions of date objects one by one."""
    codes, days = pd.factorize(dates.to_numpy(dtype=object), use_na_sentinel=True)
    ordinals = np.array([day.toordinal() for day in days] + [np.nan], dtype=float)
    return ordinals[codes]


def _period_of(dates: pd.Series, starts: np.ndarray) -> np.ndarray:
    return np.searchsorted(starts, _ordinals(dates), side="right") - 1


def school_indicators(records: LocalRecords) -> pd.DataFrame:
    """One row per school and period: the indicators an early-warning model would read
    from these records, with ``drifting`` (the school has drifted by this period) and
    ``will_drift`` (it drifts in some period) for checking what it finds.

    Counts are 0 where there is nothing to count; a rate with nothing under it (the
    overdue share of a school that owns no actions) is NaN. A school's partnership is read
    from the records (whose meetings it attends or whose actions it owns), so a member that
    never did either counts as in none.
    """
    frame = records.outcome_shift.rename(columns={"shift": "outcome_shift"}).copy()
    labels = list(pd.unique(frame["period"]))
    starts = np.array([date(_start_year(label), 9, 1).toordinal() for label in labels], dtype=float)
    period_index = {label: i for i, label in enumerate(labels)}
    frame["period_index"] = frame["period"].map(period_index).astype(np.int64)
    keys = ["school_id", "period_index"]

    onset = records.drift.set_index("school_id")["onset_period"].map(period_index)
    school_onset = frame["school_id"].map(onset)
    frame["will_drift"] = school_onset.notna()
    frame["drifting"] = (frame["period_index"] >= school_onset).fillna(False).astype(bool)

    contacts = records.contacts
    period = _period_of(contacts["happened_on"], starts)
    pairs = pd.DataFrame(
        {
            "school_id": np.concatenate([contacts["school_id"].to_numpy(), contacts["other_school_id"].to_numpy()]),
            "peer": np.concatenate([contacts["other_school_id"].to_numpy(), contacts["school_id"].to_numpy()]),
            "period_index": np.concatenate([period, period]),
        }
    ).drop_duplicates()
    # A school's partnership, as far as the records show it: the partnership whose meetings it attends or whose actions it owns.
    membership = pd.concat(
        [
            records.attendance.merge(records.meetings[["meeting_id", "partnership_id"]], on="meeting_id")[
                ["school_id", "partnership_id"]
            ],
            records.actions.rename(columns={"owner_school_id": "school_id"})[["school_id", "partnership_id"]],
        ]
    ).drop_duplicates("school_id")
    home = membership.set_index("school_id")["partnership_id"]
    frame["partnership_id"] = frame["school_id"].map(home)
    pairs["in_partnership"] = (pairs["school_id"].map(home) == pairs["peer"].map(home)).to_numpy()
    peers = pairs.groupby(keys).agg(
        distinct_peers=("peer", "size"), peers_share_in_partnership=("in_partnership", "mean")
    )

    meetings = records.meetings.assign(period_index=_period_of(records.meetings["held_on"], starts))
    held = meetings.groupby(["partnership_id", "period_index"]).size().rename("held")
    attended = (
        records.attendance.merge(meetings[["meeting_id", "period_index"]], on="meeting_id")
        .groupby(keys)
        .size()
        .rename("attended")
    )

    actions = records.actions
    owned = actions[actions["status"] != "dropped"]
    due = _ordinals(owned["due_on"])
    done = _ordinals(owned["done_on"])
    overdue = pd.DataFrame(
        {
            "school_id": owned["owner_school_id"].to_numpy(),
            "period_index": _period_of(owned["agreed_on"], starts),
            "overdue": np.isnan(done) | (done > due),
        }
    )
    overdue_share = overdue.groupby(keys)["overdue"].mean().rename("overdue_share")

    boards = records.board_meetings.assign(
        period_index=_period_of(records.board_meetings["held_on"], starts),
        attendance=records.board_meetings["governors_present"] / records.board_meetings["governors_places"],
    )
    board = boards.groupby(keys).agg(
        board_meetings=("held_on", "size"),
        board_attendance=("attendance", "mean"),
        challenges_per_meeting=("challenges", "mean"),
    )

    workforce = records.workforce
    staff = pd.DataFrame(
        {
            "school_id": workforce["school_id"],
            "period": workforce["period"],
            "staff_vacancies": workforce[
                ["head_vacant", "deputy_vacant", "senco_vacant", "teacher_vacancies", "support_vacancies"]
            ].sum(axis=1),
            "sickness_days_per_fte": workforce["sickness_days_per_fte"],
            "turnover": workforce["leavers"] / workforce["headcount_start"].clip(lower=1),
        }
    )
    frame = (
        frame.merge(peers, on=keys, how="left")
        .merge(overdue_share, on=keys, how="left")
        .merge(held, left_on=["partnership_id", "period_index"], right_index=True, how="left")
        .merge(attended, on=keys, how="left")
        .merge(board, on=keys, how="left")
        .merge(staff, on=["school_id", "period"], how="left")
        .merge(records.survey[["school_id", "period", "trust"]], on=["school_id", "period"], how="left")
    )
    for count in ("distinct_peers", "board_meetings"):
        frame[count] = frame[count].fillna(0).astype(np.int64)
    frame["meeting_attendance"] = frame["attended"].fillna(0) / frame["held"]
    return frame[["school_id", "period", "drifting", "will_drift", *INDICATORS]]


def planted_effect(records: LocalRecords) -> pd.DataFrame:
    """Per period and indicator, the mean over schools that have drifted by that period
    and over the rest (including schools that drift later), and the difference.

    Columns ``period``, ``indicator``, ``drifting``, ``rest``, ``difference``,
    ``drifting_schools``, ``other_schools``. It shows the story is measurable in the records.
    """
    indicators = school_indicators(records)
    labels = list(pd.unique(indicators["period"]))
    means = indicators.groupby(["period", "drifting"])[list(INDICATORS)].mean()
    sizes = indicators.groupby(["period", "drifting"]).size()
    rows = []
    for label in labels:
        for name in INDICATORS:
            drifting = float(means[name].get((label, True), np.nan))
            rest = float(means[name].get((label, False), np.nan))
            rows.append(
                {
                    "period": label,
                    "indicator": name,
                    "drifting": round(drifting, 3),
                    "rest": round(rest, 3),
                    "difference": round(drifting - rest, 3),
                    "drifting_schools": int(sizes.get((label, True), 0)),
                    "other_schools": int(sizes.get((label, False), 0)),
                }
            )
    return pd.DataFrame(
        rows, columns=["period", "indicator", "drifting", "rest", "difference", "drifting_schools", "other_schools"]
    )


# Which way is better for each leading indicator ``school_indicators`` measures, and for
# the outcome indicator ``planted_risk_data`` adds.
PLANTED_DIRECTIONS = {
    "distinct_peers": "higher",
    "peers_share_in_partnership": "lower",
    "meeting_attendance": "higher",
    "overdue_share": "lower",
    "board_meetings": "higher",
    "board_attendance": "higher",
    "challenges_per_meeting": "higher",
    "staff_vacancies": "lower",
    "sickness_days_per_fte": "lower",
    "turnover": "lower",
    "trust": "higher",
    "attainment": "higher",
}


def planted_risk_data(
    n: int, periods: tuple[str, ...], *, seed: int = 7, first_id: int = 1, earliest_onset_index: int = 0
) -> tuple[RiskData, LocalRecords]:
    """Generated data for testing and benchmarking the early warning: ``n`` schools' leading
    indicators over ``periods`` from this simulator, plus an outcome indicator
    ``attainment`` — a baseline per school, noise of 1.5 a year, and the planted outcome
    shift — and a made-up FSM share unrelated to the drift, in the long form the risk model
    reads."""
    rng = np.random.default_rng(1)
    partnership = np.where(rng.random(n) < 0.85, rng.integers(1, n // 8 + 1, n), -1).astype(float)
    partnership[partnership < 0] = np.nan
    schools = pd.DataFrame(
        {
            "school_id": np.arange(first_id, first_id + n),
            "partnership_id": partnership,
            "latitude": rng.uniform(50.5, 54.5, n),
            "longitude": rng.uniform(-3.0, 0.0, n),
        }
    )
    records = simulate_local_records(
        schools, SimulationSettings(seed=seed, periods=periods, earliest_onset_index=earliest_onset_index)
    )
    indicators = school_indicators(records)
    leading = [name for name in INDICATORS if name != "outcome_shift"]
    observations = indicators.melt(
        id_vars=["school_id", "period"], value_vars=leading, var_name="indicator", value_name="value"
    ).dropna(subset=["value"])
    noise = np.random.default_rng(seed + 1)
    baseline = pd.Series(noise.normal(65.0, 10.0, n), index=schools["school_id"])
    attainment = pd.DataFrame(
        {
            "school_id": indicators["school_id"],
            "indicator": "attainment",
            "period": indicators["period"],
            "value": baseline.loc[indicators["school_id"]].to_numpy()
            + noise.normal(0.0, 1.5, len(indicators))
            + indicators["outcome_shift"].to_numpy(),
        }
    )
    observations = pd.concat([observations, attainment[observations.columns]], ignore_index=True)
    context = pd.DataFrame({"school_id": schools["school_id"], "fsm": noise.uniform(2.0, 50.0, n)})
    return RiskData(observations=observations, directions=PLANTED_DIRECTIONS, context=context), records
