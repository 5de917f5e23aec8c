"""Partnership health: do partnerships act on what they agree, do schools turn up, do
governors challenge, do staff and leaders stay?

Pure functions on pandas data frames; no Django.

These are the leading indicators the design names beside isolation: partnerships that
talk without acting, weak governance scrutiny, and staff and leadership turnover. Each
measure is a plain count or ratio over records the schools keep themselves, so a school
can check every figure against its own minutes and returns.

Every function takes an ``as_of`` date and treats anything recorded after it as not
having happened yet (an action done after ``as_of`` is not done as at ``as_of``), so that
a measure taken for a past date, to test whether it predicts, is the one the system could
have taken on that date. Counts are over a window ending on ``as_of``: the last 12 months
by default (``HealthSettings``), the window being (as_of - window_days, as_of].

Dates may be ``datetime.date`` objects, strings or pandas datetimes; a missing date
(None, NaN, NaT) is unknown, never "today".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evenbetter.analytics.dates import as_day as _day
from evenbetter.analytics.dates import as_days as _days

ACTION_GROUPS = ("owner_school_id", "partnership_id")
ACTION_COLUMNS = ["agreed", "done", "done_on_time", "overdue", "open", "completion_rate", "on_time_rate"]
PARTNERSHIP_ATTENDANCE_COLUMNS = ["partnership_id", "meetings", "attendance_rate", "last_meeting_days"]
SCHOOL_ATTENDANCE_COLUMNS = ["school_id", "meetings_expected", "meetings_attended", "attendance_rate"]
GOVERNANCE_COLUMNS = [
    "school_id",
    "board_meetings",
    "attendance_rate",
    "vacancy_rate",
    "challenges_per_meeting",
    "days_since_board_meeting",
]
CHURN_COLUMNS = ["school_id", "period", "turnover_percent", "leadership_churn"]


@dataclass(frozen=True)
class HealthSettings:
    # The window counts are taken over: "the last 12 months".
    window_days: int = 365


def _ids(values: pd.Series) -> pd.Series:
    """Integer ids; a float column (ids with NaN among them) comes back as NaN or whole numbers."""
    return pd.to_numeric(values, errors="coerce")


def _empty(columns: list[str], ints: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="int64" if name in ints else "float64") for name in columns})


def _window_start(as_of: pd.Timestamp, settings: HealthSettings) -> pd.Timestamp:
    return as_of - pd.Timedelta(days=settings.window_days)


# --- agreed actions: "talk but no action" ---------------------------------------------


def action_metrics(
    actions: pd.DataFrame,
    *,
    as_of: datetime.date,
    by: str,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """How far agreed actions get done, per owning school or per partnership.

    ``actions``: ``action_id``, ``owner_school_id``, ``partnership_id`` (may be missing),
    ``agreed_on``, ``due_on``, ``done_on`` (missing if not done) and ``status`` ("agreed",
    "in_progress", "done" or "dropped"). ``by``: "owner_school_id" or "partnership_id".

    Only actions agreed in the window count, and dropped ones not at all. Whether an
    action is done is read from ``done_on`` (on or before ``as_of``), not from ``status``,
    which says only how things stand today. Of the actions counted:

    - ``agreed``: all of them; ``done``: done by ``as_of``; ``done_on_time``: done on or
      before ``due_on`` (never when there is no due date);
    - ``overdue``: not done and due before ``as_of``; ``open``: not done and not yet due
      (or with no due date), so that agreed = done + overdue + open;
    - ``completion_rate`` and ``on_time_rate``: of the actions due on or before
      ``as_of``, the share done and the share done on time (0-1, NaN when none was due).
      An action done early but not yet due is in ``done`` but not in the rates, so a
      rate never goes above 1.

    Returns one row per group that had any action agreed on or before ``as_of`` (a group
    whose actions were all agreed before the window gets zeros and NaN rates: it used to
    agree actions and no longer does), sorted by the group; actions with no group are
    left out. Columns: ``by``, then ``ACTION_COLUMNS``.
    """
    if by not in ACTION_GROUPS:
        raise ValueError(f"cannot group actions by {by!r}: use one of {', '.join(ACTION_GROUPS)}")
    settings = settings or HealthSettings()
    columns = [by, *ACTION_COLUMNS]
    counts = (by, "agreed", "done", "done_on_time", "overdue", "open")
    if actions.empty:
        return _empty(columns, counts)
    day = _day(as_of)
    group = _ids(actions[by])
    agreed_on = _days(actions["agreed_on"])
    due_on = _days(actions["due_on"])
    done_on = _days(actions["done_on"])
    dropped = actions["status"].astype("string").str.strip().str.lower().eq("dropped").fillna(False).astype(bool)

    known = group.notna() & agreed_on.notna() & (agreed_on <= day)
    counted = known & (agreed_on > _window_start(day, settings)) & ~dropped
    done = done_on.notna() & (done_on <= day)
    on_time = done & due_on.notna() & (done_on <= due_on)
    due_by_as_of = due_on.notna() & (due_on <= day)
    overdue = ~done & due_on.notna() & (due_on < day)
    flags = pd.DataFrame(
        {
            by: group.astype("Int64"),
            "agreed": counted,
            "done": counted & done,
            "done_on_time": counted & on_time,
            "overdue": counted & overdue,
            "open": counted & ~done & ~overdue,
            "due": counted & due_by_as_of,
            "done_when_due": counted & due_by_as_of & done,
            "on_time_when_due": counted & due_by_as_of & on_time,
        }
    )[known]
    if flags.empty:
        return _empty(columns, counts)
    sums = flags.groupby(by).sum().astype("int64").sort_index()
    due = sums["due"].where(sums["due"] > 0)
    result = sums[["agreed", "done", "done_on_time", "overdue", "open"]].reset_index()
    result[by] = result[by].astype("int64")
    result["completion_rate"] = (sums["done_when_due"] / due).to_numpy(dtype=float)
    result["on_time_rate"] = (sums["on_time_when_due"] / due).to_numpy(dtype=float)
    return result[columns]


# --- partnership meetings: who turns up -----------------------------------------------


def attendance_metrics(
    meetings: pd.DataFrame,
    attendance: pd.DataFrame,
    members: pd.DataFrame,
    *,
    as_of: datetime.date,
    settings: HealthSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attendance at partnership meetings in the window, per partnership and per school.

    ``meetings``: ``meeting_id``, ``partnership_id``, ``held_on``. ``attendance``:
    ``meeting_id``, ``school_id`` of each school present. ``members``: ``partnership_id``,
    ``school_id``, ``joined_on`` (missing: a member from the start) and ``left_on``
    (missing: still a member).

    A school is expected at a meeting of its partnership when it was a member on the
    day: joined on or before it and not yet left (a school that left that day is not
    expected). Only expected schools count: a guest from outside the partnership, or a
    school that came before it joined, raises no rate.

    Returns ``(per_partnership, per_school)``:

    - per partnership (every partnership with a member or a meeting on or before
      ``as_of``): ``meetings`` in the window, ``attendance_rate`` (the mean over those
      meetings, with anyone expected, of the share of expected schools present; NaN if
      none) and ``last_meeting_days`` (days since its latest meeting, however long ago;
      NaN if it never met);
    - per school (every school in ``members``): ``meetings_expected``,
      ``meetings_attended`` and ``attendance_rate`` (NaN when none was expected).
    """
    settings = settings or HealthSettings()
    day = _day(as_of)
    start = _window_start(day, settings)

    if members.empty:
        membership = pd.DataFrame(
            {
                "partnership_id": pd.Series(dtype="int64"),
                "school_id": pd.Series(dtype="int64"),
                "joined_on": pd.Series(dtype="datetime64[s]"),
                "left_on": pd.Series(dtype="datetime64[s]"),
            }
        )
    else:
        membership = pd.DataFrame(
            {
                "partnership_id": _ids(members["partnership_id"]),
                "school_id": _ids(members["school_id"]),
                "joined_on": _days(members["joined_on"]) if "joined_on" in members else pd.NaT,
                "left_on": _days(members["left_on"]) if "left_on" in members else pd.NaT,
            }
        )
        membership = membership.dropna(subset=["partnership_id", "school_id"])
        membership = membership.astype({"partnership_id": "int64", "school_id": "int64"})

    if meetings.empty:
        held = pd.DataFrame(
            {
                "meeting_id": pd.Series(dtype="int64"),
                "partnership_id": pd.Series(dtype="int64"),
                "held_on": pd.Series(dtype="datetime64[s]"),
            }
        )
    else:
        held = pd.DataFrame(
            {
                "meeting_id": meetings["meeting_id"],
                "partnership_id": _ids(meetings["partnership_id"]),
                "held_on": _days(meetings["held_on"]),
            }
        )
        held = held[held["partnership_id"].notna() & held["held_on"].notna() & (held["held_on"] <= day)]
        held = held.astype({"partnership_id": "int64"})
    in_window = held[held["held_on"] > start]

    expected = in_window.merge(membership, on="partnership_id")
    member_then = (expected["joined_on"].isna() | (expected["joined_on"] <= expected["held_on"])) & (
        expected["left_on"].isna() | (expected["left_on"] > expected["held_on"])
    )
    expected = expected[member_then].drop_duplicates(["meeting_id", "school_id"])[
        ["meeting_id", "partnership_id", "school_id"]
    ]
    if attendance.empty:
        expected = expected.assign(present=False)
    else:
        present = pd.DataFrame({"meeting_id": attendance["meeting_id"], "school_id": _ids(attendance["school_id"])})
        present = present.dropna().drop_duplicates().assign(present=True)
        present["school_id"] = present["school_id"].astype("int64")
        expected = expected.merge(present, on=["meeting_id", "school_id"], how="left")
        expected["present"] = expected["present"].fillna(False).astype(bool)

    partnerships = pd.Index(
        sorted(set(membership["partnership_id"].tolist()) | set(held["partnership_id"].tolist())), dtype="int64"
    )
    per_meeting = expected.groupby(["partnership_id", "meeting_id"])["present"].mean()
    latest = held.groupby("partnership_id")["held_on"].max().reindex(partnerships)
    per_partnership = pd.DataFrame(
        {
            "partnership_id": partnerships.to_numpy(dtype=np.int64),
            "meetings": in_window.groupby("partnership_id").size().reindex(partnerships, fill_value=0).to_numpy(),
            "attendance_rate": per_meeting.groupby(level="partnership_id").mean().reindex(partnerships).to_numpy(),
            "last_meeting_days": (day - latest).dt.days.astype(float).to_numpy(),
        },
        columns=PARTNERSHIP_ATTENDANCE_COLUMNS,
    ).astype({"meetings": "int64", "attendance_rate": float})

    schools = pd.Index(sorted(set(membership["school_id"].tolist())), dtype="int64")
    by_school = expected.groupby("school_id")["present"]
    expected_count = by_school.size().reindex(schools, fill_value=0)
    attended = by_school.sum().reindex(schools, fill_value=0)
    per_school = pd.DataFrame(
        {
            "school_id": schools.to_numpy(dtype=np.int64),
            "meetings_expected": expected_count.to_numpy(dtype=np.int64),
            "meetings_attended": attended.to_numpy(dtype=np.int64),
            "attendance_rate": (attended / expected_count.where(expected_count > 0)).to_numpy(dtype=float),
        },
        columns=SCHOOL_ATTENDANCE_COLUMNS,
    )
    return per_partnership, per_school


# --- governance: does the board meet, turn up and challenge? --------------------------


def governance_metrics(
    board_meetings: pd.DataFrame,
    *,
    as_of: datetime.date,
    settings: HealthSettings | None = None,
) -> pd.DataFrame:
    """Governing board meetings in the window, per school.

    ``board_meetings``: ``school_id``, ``held_on``, ``governors_present``,
    ``governors_places`` (seats on the board), ``vacancies`` (seats empty at that
    meeting) and ``challenges`` (questions that challenged leaders, from the minutes).

    - ``board_meetings``: meetings in the window;
    - ``attendance_rate``: governors present over filled seats (places - vacancies),
      summed over the window's meetings that recorded all three, so a large meeting
      counts for more than a small one;
    - ``vacancy_rate``: vacancies over places at the latest meeting in the window that
      recorded both, because vacancies are a state now, not an average;
    - ``challenges_per_meeting``: the mean over meetings that recorded challenges;
    - ``days_since_board_meeting``: since the latest meeting, however long ago.

    Returns one row per school with any board meeting on or before ``as_of``, sorted by
    school; one with none in the window gets 0 meetings and NaN rates.
    """
    settings = settings or HealthSettings()
    ints = ("school_id", "board_meetings")
    if board_meetings.empty:
        return _empty(GOVERNANCE_COLUMNS, ints)
    day = _day(as_of)
    frame = pd.DataFrame(
        {
            "school_id": _ids(board_meetings["school_id"]),
            "held_on": _days(board_meetings["held_on"]),
            "present": pd.to_numeric(board_meetings["governors_present"], errors="coerce").astype(float),
            "places": pd.to_numeric(board_meetings["governors_places"], errors="coerce").astype(float),
            "vacancies": pd.to_numeric(board_meetings["vacancies"], errors="coerce").astype(float),
            "challenges": pd.to_numeric(board_meetings["challenges"], errors="coerce").astype(float),
        }
    )
    frame = frame[frame["school_id"].notna() & frame["held_on"].notna() & (frame["held_on"] <= day)]
    if frame.empty:
        return _empty(GOVERNANCE_COLUMNS, ints)
    frame = frame.astype({"school_id": "int64"}).sort_values(["school_id", "held_on"], kind="stable")
    schools = pd.Index(frame["school_id"].unique(), dtype="int64")
    window = frame[frame["held_on"] > _window_start(day, settings)]

    recorded = window.dropna(subset=["present", "places", "vacancies"])
    filled = (recorded["places"] - recorded["vacancies"]).groupby(recorded["school_id"]).sum().reindex(schools)
    present = recorded.groupby("school_id")["present"].sum().reindex(schools)
    seats = window.dropna(subset=["places", "vacancies"])
    seats = seats[seats["places"] > 0]
    # Whole rows (groupby's last() would take each column's last known value, from different meetings).
    latest_seats = seats.drop_duplicates("school_id", keep="last").set_index("school_id").reindex(schools)
    latest = frame.groupby("school_id")["held_on"].max().reindex(schools)

    return pd.DataFrame(
        {
            "school_id": schools.to_numpy(dtype=np.int64),
            "board_meetings": window.groupby("school_id").size().reindex(schools, fill_value=0).to_numpy(np.int64),
            "attendance_rate": (present / filled.where(filled > 0)).to_numpy(dtype=float),
            "vacancy_rate": (latest_seats["vacancies"] / latest_seats["places"]).to_numpy(dtype=float),
            "challenges_per_meeting": window.groupby("school_id")["challenges"].mean().reindex(schools).to_numpy(float),
            "days_since_board_meeting": (day - latest).dt.days.astype(float).to_numpy(),
        },
        columns=GOVERNANCE_COLUMNS,
    )


# --- staff and leadership churn -------------------------------------------------------


def staff_turnover(leavers: float, average_headcount: float) -> float:
    """Leavers as a percentage of the average headcount over the period (the usual
    workforce-census measure); NaN when either is missing or the headcount is not above 0."""
    if pd.isna(leavers) or pd.isna(average_headcount) or float(average_headcount) <= 0:
        return float("nan")
    return float(leavers) / float(average_headcount) * 100.0


def churn(returns: pd.DataFrame) -> pd.DataFrame:
    """Staff turnover and two-year leadership churn, per school and period.

    ``returns``: one row per school and period, ``school_id``, ``period`` (labels that sort
    oldest first, such as "2017/18"), ``headcount_start``, ``headcount_end``, ``leavers``
    and ``leadership_changes``.

    - ``turnover_percent``: leavers over the mean of the headcounts at the start and end
      of the period, times 100 (see :func:`staff_turnover`); when only one headcount is
      known, that one;
    - ``leadership_churn``: leadership changes in this period and the previous one (the
      period before it among all schools' periods), because one change of head is normal
      and two in two years is a school in trouble. A previous period the school made no
      return for counts as no changes; NaN only when neither period has a figure.

    Returns one row per row of ``returns``, sorted by school and period.
    """
    if returns.empty:
        return _empty(CHURN_COLUMNS, ("school_id",)).astype({"period": "object"})
    frame = pd.DataFrame(
        {
            "school_id": _ids(returns["school_id"]),
            "period": returns["period"].astype(str),
            "headcount": pd.concat(
                [
                    pd.to_numeric(returns["headcount_start"], errors="coerce"),
                    pd.to_numeric(returns["headcount_end"], errors="coerce"),
                ],
                axis=1,
            ).mean(axis=1),
            "leavers": pd.to_numeric(returns["leavers"], errors="coerce").astype(float),
            "changes": pd.to_numeric(returns["leadership_changes"], errors="coerce").astype(float),
        }
    )
    frame = frame[frame["school_id"].notna()].astype({"school_id": "int64"})
    periods = sorted(frame["period"].unique())
    frame["position"] = frame["period"].map({period: position for position, period in enumerate(periods)})
    previous = (
        frame.groupby(["school_id", "position"], as_index=False)["changes"]
        .sum(min_count=1)
        .assign(position=lambda rows: rows["position"] + 1)
    )
    frame = frame.merge(
        previous.rename(columns={"changes": "previous_changes"}), on=["school_id", "position"], how="left"
    )
    headcount = frame["headcount"].where(frame["headcount"] > 0)
    frame["turnover_percent"] = (frame["leavers"] / headcount * 100.0).astype(float)
    frame["leadership_churn"] = frame["changes"].add(frame["previous_changes"], fill_value=0).astype(float)
    return frame.sort_values(["school_id", "position"], kind="stable").reset_index(drop=True)[CHURN_COLUMNS]
