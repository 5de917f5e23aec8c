"""The records themselves: contacts, partnership life, governance, workforce, staff survey
and the planted outcome shift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evenbetter.demo.simulator.schools import _blend, _Calendar, _cells, _Drift, _Habits, _Register, _text
from evenbetter.demo.simulator.settings import (
    _ACTION_TITLES,
    _CONTACT_ABOUT,
    _TERMS,
    ACTION_STATUSES,
    CHALLENGE_AREAS,
    CONTACT_KIND_SHARES,
    CONTACT_KINDS,
    TOPICS,
    LocalRecords,
    SimulationSettings,
)

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


def planted_outcome(records: LocalRecords, *, seed: int, shuffle: bool = False) -> pd.DataFrame:
    """A made-up outcome indicator for testing the early warning (never for the demo, whose
    results are real): per school and period a baseline (mean 65, spread 10), noise of 1.5
    a year and the planted ``outcome_shift``. Columns ``school_id``, ``period``, ``value``.

    ``shuffle`` gives each school another school's shift: the same falls, unrelated to the
    records, so that a model that still "finds" them has learned something it should not.
    """
    shift = records.outcome_shift
    ids = pd.unique(shift["school_id"].to_numpy())
    rng = np.random.default_rng(seed)
    baseline = pd.Series(rng.normal(65.0, 10.0, len(ids)), index=ids)
    owner = shift["school_id"]
    if shuffle:
        owner = owner.map(dict(zip(ids, rng.permutation(ids), strict=True)))
    value = baseline.loc[owner].to_numpy() + rng.normal(0.0, 1.5, len(shift)) + shift["shift"].to_numpy()
    return pd.DataFrame({"school_id": owner.to_numpy(), "period": shift["period"].to_numpy(), "value": value.round(2)})
