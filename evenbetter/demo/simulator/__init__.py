"""Simulated local records: the school-to-school, partnership, governance, workforce and
staff-survey records that no public dataset holds, generated with a known causal story.

Pure functions on pandas data frames; no Django. The simulator only makes records: they
are measured by the same code as real ones, once ``evenbetter.demo.local_records`` has
written them to the database (partnership life, workforce returns, staff surveys). One
module per job: ``settings`` (the story's parameters), ``schools`` (calendar, drift,
habits), ``records`` (the records themselves). Everything here is made up, and
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

import numpy as np
import pandas as pd

from evenbetter.demo.simulator.records import (
    _board_meetings,
    _contacts,
    _outcome_shift,
    _partnership_life,
    _workforce_and_survey,
    planted_outcome,
)
from evenbetter.demo.simulator.schools import _Calendar, _Drift, _Habits, _Register
from evenbetter.demo.simulator.settings import (
    ACTION_STATUSES,
    CHALLENGE_AREAS,
    CONTACT_KIND_SHARES,
    CONTACT_KINDS,
    TOPICS,
    LocalRecords,
    SimulationSettings,
)

__all__ = [
    "ACTION_STATUSES",
    "CHALLENGE_AREAS",
    "CONTACT_KINDS",
    "CONTACT_KIND_SHARES",
    "TOPICS",
    "LocalRecords",
    "SimulationSettings",
    "planted_outcome",
    "simulate_local_records",
]


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
