"""Partnership health (actions, attendance, governance, churn) on small hand-made records."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from evenbetter.analytics.partnership_health import (
    ACTION_COLUMNS,
    CHURN_COLUMNS,
    GOVERNANCE_COLUMNS,
    PARTNERSHIP_ATTENDANCE_COLUMNS,
    SCHOOL_ATTENDANCE_COLUMNS,
    HealthSettings,
    action_metrics,
    attendance_metrics,
    churn,
    governance_metrics,
    staff_turnover,
)

AS_OF = dt.date(2024, 6, 30)
# The window is (2023-07-01, 2024-06-30]: 2024-06-30 less 365 days (2024 is a leap year).
D = dt.date

# --- actions ---------------------------------------------------------------------------


@pytest.fixture
def actions() -> pd.DataFrame:
    rows = [
        # id, owner, partnership, agreed, due, done, status
        (1, 1, 10, D(2024, 1, 10), D(2024, 3, 1), D(2024, 3, 1), "done"),  # done on the due day: on time
        (2, 1, 10, D(2024, 1, 10), D(2024, 3, 1), D(2024, 4, 15), "done"),  # done late
        (3, 1, 10, D(2024, 2, 1), D(2024, 5, 1), None, "in_progress"),  # overdue
        (4, 1, 10, D(2024, 2, 1), D(2024, 5, 1), None, "dropped"),  # dropped: not counted
        (5, 1, 20, D(2024, 5, 1), D(2024, 9, 1), None, "agreed"),  # open, due in the future
        (6, 1, 10, D(2024, 3, 1), D(2024, 6, 1), D(2024, 7, 10), "done"),  # done after as_of: overdue then
        (7, 1, 20, D(2024, 7, 5), D(2024, 8, 1), None, "agreed"),  # agreed after as_of: not yet
        (8, 2, None, D(2023, 5, 1), D(2023, 6, 1), None, "agreed"),  # before the window
        (9, 1, None, D(2024, 6, 1), D(2024, 6, 30), None, "agreed"),  # due on as_of: open, but due
        (10, 1, None, D(2024, 4, 1), D(2024, 9, 1), D(2024, 4, 20), "done"),  # done early, not yet due
        (11, 3, None, D(2024, 8, 1), D(2024, 9, 1), None, "agreed"),  # school 3: only the future
    ]
    return pd.DataFrame(
        rows, columns=["action_id", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"]
    )


def test_actions_per_owning_school(actions: pd.DataFrame) -> None:
    result = action_metrics(actions, as_of=AS_OF, by="owner_school_id")
    assert list(result.columns) == ["owner_school_id", *ACTION_COLUMNS]
    # School 3's only action is agreed after as_of: no row. School 2's is before the window: zeros.
    assert result["owner_school_id"].tolist() == [1, 2]
    school = result.set_index("owner_school_id").loc[1]
    # Counted: 1, 2, 3, 5, 6, 9, 10 (4 dropped, 7 in the future, 8 is school 2's).
    # Done by as_of: 1, 2, 10. On time: 1, 10. Overdue: 3, 6 (done only after as_of).
    # Open: 5 (due September), 9 (due on as_of itself, so not yet overdue).
    assert school[["agreed", "done", "done_on_time", "overdue", "open"]].tolist() == [7, 3, 2, 2, 2]
    # Due on or before as_of: 1, 2, 3, 6, 9. Of them done: 1, 2 (2/5); on time: 1 (1/5).
    # Action 10, done early but due in September, is in neither rate.
    assert school["completion_rate"] == pytest.approx(0.4)
    assert school["on_time_rate"] == pytest.approx(0.2)
    lapsed = result.set_index("owner_school_id").loc[2]
    assert lapsed[["agreed", "done", "done_on_time", "overdue", "open"]].tolist() == [0, 0, 0, 0, 0]
    assert np.isnan(lapsed["completion_rate"])
    assert np.isnan(lapsed["on_time_rate"])


def test_actions_per_partnership_leave_out_actions_with_none(actions: pd.DataFrame) -> None:
    result = action_metrics(actions, as_of=AS_OF, by="partnership_id")
    assert result["partnership_id"].tolist() == [10, 20]
    assert result["partnership_id"].dtype == np.int64
    rows = result.set_index("partnership_id")
    # Partnership 10: 1, 2, 3, 6 (4 dropped): done 1, 2; on time 1; overdue 3, 6; all four due.
    assert rows.loc[10, ["agreed", "done", "done_on_time", "overdue", "open"]].tolist() == [4, 2, 1, 2, 0]
    assert rows.loc[10, ["completion_rate", "on_time_rate"]].tolist() == pytest.approx([0.5, 0.25])
    # Partnership 20: 5 is open and not yet due (7 is in the future): nothing due, NaN rates.
    assert rows.loc[20, ["agreed", "done", "done_on_time", "overdue", "open"]].tolist() == [1, 0, 0, 0, 1]
    assert rows.loc[20, ["completion_rate", "on_time_rate"]].isna().all()


def test_an_action_done_after_as_of_is_done_later_on(actions: pd.DataFrame) -> None:
    # On 2024-07-31 (window (2023-08-01, 2024-07-31]) action 6 (due 2024-06-01, done
    # 2024-07-10) is done, and late. Partnership 10: 1, 2, 3, 6, all due; done 1, 2, 6 (3/4);
    # on time 1 only; overdue 3.
    result = action_metrics(actions, as_of=D(2024, 7, 31), by="partnership_id").set_index("partnership_id")
    assert result.loc[10, ["done", "done_on_time", "overdue"]].tolist() == [3, 1, 1]
    assert result.loc[10, "completion_rate"] == pytest.approx(0.75)
    later = action_metrics(actions, as_of=D(2024, 7, 31), by="owner_school_id").set_index("owner_school_id")
    # Owner 1 now counts 7 too (agreed 2024-07-05): 1, 2, 3, 5, 6, 7, 9, 10. Done 1, 2, 6, 10;
    # overdue 3 and 9 (due 2024-06-30); open 5 and 7 (due in August and September).
    # Due by now: 1, 2, 3, 6, 9 -> done 1, 2, 6 = 3/5; on time 1 only = 1/5.
    assert later.loc[1, ["agreed", "done", "overdue", "open"]].tolist() == [8, 4, 2, 2]
    assert later.loc[1, "completion_rate"] == pytest.approx(0.6)
    assert later.loc[1, "on_time_rate"] == pytest.approx(0.2)


def test_done_is_read_from_the_date_not_the_status(actions: pd.DataFrame) -> None:
    # The status says how things stand today; on as_of, action 6 was not done, whatever it says now.
    as_if_not_done = actions.assign(status=actions["status"].replace("done", "in_progress"))
    pd.testing.assert_frame_equal(
        action_metrics(actions, as_of=AS_OF, by="owner_school_id"),
        action_metrics(as_if_not_done, as_of=AS_OF, by="owner_school_id"),
    )


def test_actions_with_pandas_datetimes_and_a_shorter_window(actions: pd.DataFrame) -> None:
    stamped = actions.assign(
        agreed_on=pd.to_datetime(actions["agreed_on"]),
        due_on=pd.to_datetime(actions["due_on"]),
        done_on=pd.to_datetime(actions["done_on"]),
    )
    pd.testing.assert_frame_equal(
        action_metrics(stamped, as_of=pd.Timestamp(AS_OF), by="owner_school_id"),
        action_metrics(actions, as_of=AS_OF, by="owner_school_id"),
    )
    # 100 days: (2024-03-22, 2024-06-30] keeps only 5, 9 and 10 of school 1's.
    short = action_metrics(actions, as_of=AS_OF, by="owner_school_id", settings=HealthSettings(window_days=100))
    assert short.set_index("owner_school_id").loc[1, ["agreed", "done", "open"]].tolist() == [3, 1, 2]


def test_actions_empty_and_wrong_grouping() -> None:
    empty = action_metrics(
        pd.DataFrame(
            columns=["action_id", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"]
        ),
        as_of=AS_OF,
        by="partnership_id",
    )
    assert list(empty.columns) == ["partnership_id", *ACTION_COLUMNS]
    assert empty.empty
    with pytest.raises(ValueError, match="cannot group"):
        action_metrics(pd.DataFrame(), as_of=AS_OF, by="locality")


# --- partnership meetings ------------------------------------------------------------


@pytest.fixture
def partnership_records() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    members = pd.DataFrame(
        [
            (10, 1, None, None),  # a member from the start
            (10, 2, None, D(2024, 3, 1)),  # left in March
            (10, 3, D(2024, 1, 15), None),  # joined mid-year
            (20, 4, None, None),  # partnership 20 never meets
        ],
        columns=["partnership_id", "school_id", "joined_on", "left_on"],
    )
    meetings = pd.DataFrame(
        [
            ("m0", 10, D(2023, 3, 1)),  # before the window
            ("m1", 10, D(2023, 10, 1)),
            ("m2", 10, D(2024, 2, 1)),
            ("m3", 10, D(2024, 5, 1)),
            ("m4", 10, D(2024, 7, 15)),  # after as_of
        ],
        columns=["meeting_id", "partnership_id", "held_on"],
    )
    attendance = pd.DataFrame(
        [
            ("m0", 1),
            ("m0", 2),
            ("m1", 1),
            ("m1", 3),  # school 3 came before it joined: a guest, not expected
            ("m2", 1),
            ("m2", 2),
            ("m2", 3),
            ("m2", 3),  # recorded twice
            ("m3", 3),
            ("m4", 1),
        ],
        columns=["meeting_id", "school_id"],
    )
    return meetings, attendance, members


def test_attendance_per_partnership(partnership_records: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    per_partnership, _ = attendance_metrics(*partnership_records, as_of=AS_OF)
    assert list(per_partnership.columns) == PARTNERSHIP_ATTENDANCE_COLUMNS
    rows = per_partnership.set_index("partnership_id")
    # m1: expected 1, 2 (3 had not joined), present 1 -> 1/2.
    # m2: expected 1, 2, 3, all present -> 1.  m3: expected 1, 3 (2 has left), present 3 -> 1/2.
    # Mean (0.5 + 1 + 0.5) / 3 = 2/3. Latest meeting on or before as_of: m3, 2024-05-01,
    # 31 (May) + 29 = 60 days before.
    assert rows.loc[10, "meetings"] == 3
    assert rows.loc[10, "attendance_rate"] == pytest.approx(2 / 3)
    assert rows.loc[10, "last_meeting_days"] == 60.0
    assert rows.loc[20, "meetings"] == 0
    assert rows.loc[20, ["attendance_rate", "last_meeting_days"]].isna().all()


def test_attendance_per_school(partnership_records: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    _, per_school = attendance_metrics(*partnership_records, as_of=AS_OF)
    assert list(per_school.columns) == SCHOOL_ATTENDANCE_COLUMNS
    rows = per_school.set_index("school_id")
    # 1: expected m1, m2, m3; present m1, m2.  2: expected m1, m2; present m2.
    # 3: joined 2024-01-15, so expected m2, m3 only; present at both (m1 as a guest does not count).
    # 4: its partnership never met.
    assert rows[["meetings_expected", "meetings_attended"]].to_dict("index") == {
        1: {"meetings_expected": 3, "meetings_attended": 2},
        2: {"meetings_expected": 2, "meetings_attended": 1},
        3: {"meetings_expected": 2, "meetings_attended": 2},
        4: {"meetings_expected": 0, "meetings_attended": 0},
    }
    assert rows["attendance_rate"].iloc[:3].tolist() == pytest.approx([2 / 3, 0.5, 1.0])
    assert np.isnan(rows.loc[4, "attendance_rate"])


def test_a_school_is_expected_the_day_it_joins_but_not_the_day_it_leaves() -> None:
    members = pd.DataFrame(
        {
            "partnership_id": [10, 10, 10],
            "school_id": [1, 2, 3],
            "joined_on": [None, None, D(2024, 3, 1)],
            "left_on": [None, D(2024, 3, 1), None],
        }
    )
    meetings = pd.DataFrame({"meeting_id": [1], "partnership_id": [10], "held_on": [D(2024, 3, 1)]})
    attendance = pd.DataFrame({"meeting_id": [1, 1], "school_id": [1, 3]})
    per_partnership, per_school = attendance_metrics(meetings, attendance, members, as_of=AS_OF)
    # Expected: 1 and 3 (joined that day), not 2 (left that day); both present.
    assert per_partnership["attendance_rate"].tolist() == [1.0]
    assert per_school.set_index("school_id")["meetings_expected"].to_dict() == {1: 1, 2: 0, 3: 1}


def test_attendance_ignores_meetings_after_as_of(
    partnership_records: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    meetings, attendance, members = partnership_records
    with_future = attendance_metrics(meetings, attendance, members, as_of=D(2024, 3, 1))
    without = attendance_metrics(meetings[meetings["meeting_id"] != "m4"].iloc[:3], attendance, members, as_of=AS_OF)
    # On 2024-03-01 only m1 and m2 had been held (m0 falls before the window (2023-03-02, ...]).
    rows = with_future[0].set_index("partnership_id")
    assert rows.loc[10, "meetings"] == 2
    assert rows.loc[10, "attendance_rate"] == pytest.approx(0.75)
    assert rows.loc[10, "last_meeting_days"] == 29.0  # 2024-02-01 -> 2024-03-01
    # The same records without m3 and m4, measured on as_of, give m1 and m2 too.
    assert without[0].set_index("partnership_id").loc[10, "attendance_rate"] == pytest.approx(0.75)


def test_attendance_with_nothing_recorded() -> None:
    per_partnership, per_school = attendance_metrics(
        pd.DataFrame(columns=["meeting_id", "partnership_id", "held_on"]),
        pd.DataFrame(columns=["meeting_id", "school_id"]),
        pd.DataFrame(columns=["partnership_id", "school_id", "joined_on", "left_on"]),
        as_of=AS_OF,
    )
    assert list(per_partnership.columns) == PARTNERSHIP_ATTENDANCE_COLUMNS
    assert list(per_school.columns) == SCHOOL_ATTENDANCE_COLUMNS
    assert per_partnership.empty
    assert per_school.empty


def test_members_but_no_attendance_recorded() -> None:
    members = pd.DataFrame({"partnership_id": [10], "school_id": [1], "joined_on": [pd.NaT], "left_on": [pd.NaT]})
    meetings = pd.DataFrame({"meeting_id": [1], "partnership_id": [10], "held_on": [pd.Timestamp("2024-06-01")]})
    per_partnership, per_school = attendance_metrics(
        meetings, pd.DataFrame(columns=["meeting_id", "school_id"]), members, as_of=AS_OF
    )
    assert per_partnership[["meetings", "attendance_rate", "last_meeting_days"]].values.tolist() == [[1, 0.0, 29.0]]
    assert per_school[["meetings_expected", "meetings_attended", "attendance_rate"]].values.tolist() == [[1, 0, 0.0]]


# --- governance ----------------------------------------------------------------------


@pytest.fixture
def board_meetings() -> pd.DataFrame:
    rows = [
        # school, held, present, places, vacancies, challenges
        (1, D(2023, 1, 1), 2, 12, 6, 0),  # before the window: only for days since
        (1, D(2024, 2, 10), 9, 12, 1, 5),  # recorded before the October one
        (1, D(2023, 10, 10), 8, 12, 2, 3),
        (1, D(2024, 7, 10), 1, 12, 6, 0),  # after as_of
        (2, D(2023, 3, 1), 5, 10, 0, 1),  # school 2 has not met for over a year
        (3, D(2024, 9, 1), 7, 10, 0, 2),  # school 3 only in the future
    ]
    return pd.DataFrame(
        rows,
        columns=["school_id", "held_on", "governors_present", "governors_places", "vacancies", "challenges"],
    )


def test_governance_per_school(board_meetings: pd.DataFrame) -> None:
    result = governance_metrics(board_meetings, as_of=AS_OF)
    assert list(result.columns) == GOVERNANCE_COLUMNS
    assert result["school_id"].tolist() == [1, 2]
    school = result.set_index("school_id").loc[1]
    # In the window: October and February. Present 8 + 9 = 17 of filled seats (12-2) + (12-1) = 21.
    # Vacancies at the latest (February) meeting: 1 of 12. Challenges (3 + 5) / 2 = 4.
    # Days since 2024-02-10: 19 (rest of February, leap year) + 31 + 30 + 31 + 30 = 141.
    assert school["board_meetings"] == 2
    assert school["attendance_rate"] == pytest.approx(17 / 21)
    assert school["vacancy_rate"] == pytest.approx(1 / 12)
    assert school["challenges_per_meeting"] == pytest.approx(4.0)
    assert school["days_since_board_meeting"] == 141.0
    lapsed = result.set_index("school_id").loc[2]
    # 2023-03-01 -> 2024-03-01 is 366 days, then 31 + 30 + 31 + 29 = 121: 487.
    assert lapsed["board_meetings"] == 0
    assert lapsed[["attendance_rate", "vacancy_rate", "challenges_per_meeting"]].isna().all()
    assert lapsed["days_since_board_meeting"] == 487.0


def test_governance_skips_what_a_meeting_did_not_record() -> None:
    frame = pd.DataFrame(
        {
            "school_id": [1, 1, 1, 1, 1, 1],
            "held_on": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01", "2024-06-15"]
            ),
            "governors_present": [6, 8, None, 7, None, None],
            "governors_places": [10, 10, 10, None, 10, 0],  # June 15th: places not filled in (0)
            "vacancies": [2, 0, 2, None, None, 0],
            "challenges": [2, None, None, 4, None, None],
        }
    )
    school = governance_metrics(frame, as_of=pd.Timestamp(AS_OF)).iloc[0]
    assert school["board_meetings"] == 6
    # Attendance over January and March only, the two that recorded all three: (6 + 8) / (8 + 10).
    assert school["attendance_rate"] == pytest.approx(14 / 18)
    # April is the latest that recorded both places and vacancies: 2 of 10.
    assert school["vacancy_rate"] == pytest.approx(0.2)
    assert school["challenges_per_meeting"] == pytest.approx(3.0)  # (2 + 4) / 2
    assert school["days_since_board_meeting"] == 15.0  # 2024-06-15 -> 2024-06-30


def test_governance_with_no_meetings() -> None:
    columns = ["school_id", "held_on", "governors_present", "governors_places", "vacancies", "challenges"]
    result = governance_metrics(pd.DataFrame(columns=columns), as_of=AS_OF)
    assert list(result.columns) == GOVERNANCE_COLUMNS
    assert result.empty


# --- turnover and churn --------------------------------------------------------------


def test_staff_turnover_arithmetic() -> None:
    assert staff_turnover(6, 40) == pytest.approx(15.0)  # 6 / 40 * 100
    assert staff_turnover(0, 25) == 0.0
    assert math.isnan(staff_turnover(3, 0))
    assert math.isnan(staff_turnover(3, float("nan")))
    assert math.isnan(staff_turnover(float("nan"), 20))


def test_churn_per_school_and_period() -> None:
    returns = pd.DataFrame(
        [
            # Given out of order: the result is sorted by school and period.
            (1, "2018/19", 36, 40, 2, 1),
            (1, "2016/17", 40, 44, 6, 0),
            (1, "2017/18", 44, 36, 10, 1),
            (2, "2018/19", 0, 0, 1, 1),
            (2, "2016/17", 20, None, 4, 1),  # no return for 2017/18
        ],
        columns=["school_id", "period", "headcount_start", "headcount_end", "leavers", "leadership_changes"],
    )
    result = churn(returns)
    assert list(result.columns) == CHURN_COLUMNS
    assert result[["school_id", "period"]].values.tolist() == [
        [1, "2016/17"],
        [1, "2017/18"],
        [1, "2018/19"],
        [2, "2016/17"],
        [2, "2018/19"],
    ]
    # 6 / 42, 10 / 40, 2 / 38; school 2: 4 / 20 (only one headcount known); 1 / 0 is no figure.
    assert result["turnover_percent"].iloc[:4].tolist() == pytest.approx([600 / 42, 25.0, 200 / 38, 20.0])
    assert np.isnan(result["turnover_percent"].iloc[4])
    # School 1: 0, 0 + 1, 1 + 1. School 2: 1; then 2018/19's own 1, as 2016/17 is two periods back.
    assert result["leadership_churn"].tolist() == [0.0, 1.0, 2.0, 1.0, 1.0]


def test_churn_of_no_returns() -> None:
    columns = ["school_id", "period", "headcount_start", "headcount_end", "leavers", "leadership_changes"]
    result = churn(pd.DataFrame(columns=columns))
    assert list(result.columns) == CHURN_COLUMNS
    assert result.empty
