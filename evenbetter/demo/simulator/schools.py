"""The calendar and the schools as the simulator draws them: who drifts, when and how far,
and each school's own habits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from evenbetter.demo.simulator.settings import (
    _TERM_END,
    SimulationSettings,
)
from evenbetter.vocabulary.periods import academic_year, is_academic_year, parse_period, start_year

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
