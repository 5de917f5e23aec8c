"""Partnership life kept as indicators, so that benchmarks and triggers read it like any other.

The records (contacts, meetings, actions, board meetings) are measured per academic year,
as at the year's end (or today, for the year under way), by the pure functions of
``evenbetter.analytics.network`` and ``partnership_health``. Workforce returns and staff
surveys are entered or imported as observations of their own indicators directly.

None of these is published data: ``is_public`` is off, so only the school's own people
and those who see it in full see them (``evenbetter/indicators/selectors.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from evenbetter.analytics.network import NetworkSettings, contact_metrics
from evenbetter.analytics.partnership_health import action_metrics, attendance_metrics, governance_metrics
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.services import computed_observations_record
from evenbetter.ingest.observations import IndicatorDefinition, StagedObservation
from evenbetter.partnerships.models import Action, BoardMeeting, Challenge, Contact, Meeting
from evenbetter.schools.models import PartnershipMembership, School
from evenbetter.vocabulary.periods import academic_year, academic_year_end, academic_year_of, parse_period

SOURCE = "Computed by Even Better from partnership-life records"
RETURN_SOURCE = "Workforce return kept by the school"
SURVEY_SOURCE = "Staff survey"
HIGHER, LOWER = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Direction.LOWER_IS_BETTER
D = Indicator.Domain
C = Indicator.Comparison


def _local(
    code: str,
    name: str,
    unit: str,
    direction: str,
    domain: str,
    comparison: str,
    description: str,
    *,
    source: str = SOURCE,
    headline: bool = False,
    decimals: int = 0,
    maximum: float | None = None,
) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        domain=domain,
        comparison=comparison,
        source=source,
        description=description,
        decimal_places=decimals,
        minimum=0.0,
        maximum=maximum,
        headline=headline,
        is_public=False,
    )


CONTACT_INDICATORS = [
    _local("peers_12m", "Peer schools in contact", "schools", HIGHER, D.PARTNERSHIP, C.COUNT,
           "Distinct schools it had contact with in the 12 months to the year's end.", headline=True),
    _local("days_since_contact", "Days since contact with another school", "days", LOWER, D.PARTNERSHIP, C.COUNT,
           "Days from its latest recorded contact with another school to the year's end."),
    _local("contact_outside_partnership", "Contact outside its partnerships", "%", HIGHER, D.PARTNERSHIP, C.PERCENT,
           "Share of its contacts in the 12 months with schools outside its own partnerships.", maximum=100),
    _local("network_reach", "Reach in the network", "%", HIGHER, D.PARTNERSHIP, C.PERCENT,
           "Degree centrality in the contact network of the 12 months: the share of all schools it is in touch "
           "with directly.", decimals=1, maximum=100),
]  # fmt: skip
ACTION_INDICATORS = [
    _local("actions_completion", "Partnership actions done when due", "%", HIGHER, D.PARTNERSHIP, C.PERCENT,
           "Of the actions it owns that fell due in the 12 months, the share done.", headline=True, maximum=100),
    _local("actions_overdue", "Partnership actions overdue", "actions", LOWER, D.PARTNERSHIP, C.COUNT,
           "Actions it owns that are past their due date and not done, at the year's end."),
    _local("partnership_attendance", "Partnership meetings attended", "%", HIGHER, D.PARTNERSHIP, C.PERCENT,
           "Share of its partnerships' meetings in the 12 months that it attended.", maximum=100),
]  # fmt: skip
GOVERNANCE_INDICATORS = [
    _local("board_meetings_12m", "Governing board meetings", "meetings", HIGHER, D.GOVERNANCE, C.COUNT,
           "Board meetings recorded in the 12 months to the year's end."),
    _local("board_attendance", "Governors' attendance", "%", HIGHER, D.GOVERNANCE, C.PERCENT,
           "Governors present as a share of the filled seats, over the year's board meetings.", maximum=100),
    _local("governor_vacancy_rate", "Governor vacancies", "%", LOWER, D.GOVERNANCE, C.PERCENT,
           "Empty seats on the board at its latest meeting, as a share of its seats.", maximum=100),
    _local("challenges_per_meeting", "Challenge recorded per board meeting", "questions", HIGHER, D.GOVERNANCE,
           C.SCORE, "Questions challenging leaders recorded per board meeting in the 12 months.", headline=True,
           decimals=1),
]  # fmt: skip
RETURN_INDICATORS = [
    _local("head_vacant", "Headteacher post vacant", "", LOWER, D.WORKFORCE, C.COUNT,
           "1 when the headteacher post is vacant or covered on an interim basis.", source=RETURN_SOURCE, maximum=1),
    _local("deputy_vacant", "Deputy head post vacant", "", LOWER, D.WORKFORCE, C.COUNT,
           "1 when a deputy head post is vacant.", source=RETURN_SOURCE, maximum=1),
    _local("senco_vacant", "SENCO post vacant", "", LOWER, D.WORKFORCE, C.COUNT,
           "1 when the SENCO post is vacant.", source=RETURN_SOURCE, maximum=1),
    _local("teacher_vacancies", "Teacher vacancies", "posts", LOWER, D.WORKFORCE, C.COUNT,
           "Teaching posts vacant or filled only temporarily.", source=RETURN_SOURCE, headline=True),
    _local("support_vacancies", "Support staff vacancies", "posts", LOWER, D.WORKFORCE, C.COUNT,
           "Support staff posts vacant.", source=RETURN_SOURCE),
    _local("sickness_days_per_fte", "Staff sickness", "days", LOWER, D.WORKFORCE, C.AMOUNT,
           "Days lost to sickness per full-time equivalent member of staff in the year.", source=RETURN_SOURCE,
           headline=True, decimals=1),
    _local("staff_turnover", "Staff turnover", "%", LOWER, D.WORKFORCE, C.PERCENT,
           "Leavers in the year as a share of the average headcount.", source=RETURN_SOURCE, headline=True,
           decimals=1, maximum=100),
    _local("leadership_changes", "Leadership changes", "changes", LOWER, D.WORKFORCE, C.COUNT,
           "Changes of headteacher or deputy in the year.", source=RETURN_SOURCE),
]  # fmt: skip
SURVEY_INDICATORS = [
    _local("survey_trust", "Staff who trust leaders and colleagues", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", source=SURVEY_SOURCE, headline=True, maximum=100),
    _local("survey_shared_values", "Staff who share the school's values", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", source=SURVEY_SOURCE, maximum=100),
    _local("survey_raise_problems", "Staff who feel able to raise problems", "%", HIGHER, D.WELLBEING, C.PERCENT,
           "Share of staff answering agree or strongly agree.", source=SURVEY_SOURCE, headline=True, maximum=100),
]  # fmt: skip
COMPUTED_INDICATORS = CONTACT_INDICATORS + ACTION_INDICATORS + GOVERNANCE_INDICATORS


def _frame(rows: Iterable[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _school_partnerships(as_of: dt.date) -> pd.DataFrame:
    current = (Q(joined_on__isnull=True) | Q(joined_on__lte=as_of)) & (Q(left_on__isnull=True) | Q(left_on__gt=as_of))
    memberships = PartnershipMembership.objects.filter(current).values_list("school_id", "partnership_id")
    by_school: dict[int, list[int]] = {}
    for school_id, partnership_id in memberships:
        by_school.setdefault(school_id, []).append(partnership_id)
    ids = School.objects.exclude(status=School.Status.CLOSED).values_list("pk", flat=True)
    return pd.DataFrame({"school_id": list(ids), "partnership_ids": [by_school.get(i, []) for i in ids]})


def partnership_life_periods() -> list[str]:
    """Every academic year with a record, up to the one under way."""
    days: set[dt.date] = set()
    for model, field in (
        (Contact, "happened_on"),
        (Meeting, "held_on"),
        (Action, "agreed_on"),
        (BoardMeeting, "held_on"),
    ):
        days |= set(model.objects.dates(field, "year"))
        first = model.objects.order_by(field).values_list(field, flat=True).first()
        last = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
        days |= {d for d in (first, last) if d}
    if not days:
        return []
    first_year, last_year = academic_year_of(min(days)), academic_year_of(min(max(days), timezone.localdate()))
    periods, year = [], int(first_year[:4])
    while year <= int(last_year[:4]):
        periods.append(academic_year(year))
        year += 1
    return periods


def partnership_life_frames() -> dict[str, pd.DataFrame]:
    contacts = _frame(
        Contact.objects.values_list("school_id", "other_school_id", "happened_on", "kind"),
        ["school_id", "other_school_id", "happened_on", "kind"],
    )
    actions = _frame(
        Action.objects.filter(partnership__isnull=False).values_list(
            "pk", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"
        ),
        ["action_id", "owner_school_id", "partnership_id", "agreed_on", "due_on", "done_on", "status"],
    )
    meetings = _frame(
        Meeting.objects.values_list("pk", "partnership_id", "held_on"), ["meeting_id", "partnership_id", "held_on"]
    )
    attendance = _frame(
        Meeting.schools_present.through.objects.values_list("meeting_id", "school_id"), ["meeting_id", "school_id"]
    )
    members = _frame(
        PartnershipMembership.objects.values_list("partnership_id", "school_id", "joined_on", "left_on"),
        ["partnership_id", "school_id", "joined_on", "left_on"],
    )
    challenges = dict(
        Challenge.objects.values("board_meeting_id").annotate(n=Count("pk")).values_list("board_meeting_id", "n")
    )
    boards = _frame(
        BoardMeeting.objects.values_list(
            "pk", "school_id", "held_on", "governors_present", "governors_places", "vacancies"
        ),
        ["board_meeting_id", "school_id", "held_on", "governors_present", "governors_places", "vacancies"],
    )
    boards["challenges"] = boards["board_meeting_id"].map(challenges).fillna(0).astype(int)
    return {
        "contacts": contacts,
        "actions": actions,
        "meetings": meetings,
        "attendance": attendance,
        "members": members,
        "board_meetings": boards.drop(columns=["board_meeting_id"]),
    }


def measure_period(frames: dict[str, pd.DataFrame], period: str, today: dt.date) -> list[tuple[int, str, float]]:
    """(school id, indicator code, value) for one academic year, as at its end (or today)."""
    as_of = min(academic_year_end(period), today)
    schools = _school_partnerships(as_of)
    found: list[tuple[int, str, float]] = []

    def keep(frame: pd.DataFrame, id_column: str, columns: dict[str, tuple[str, float]]) -> None:
        for code, (column, scale) in columns.items():
            for school_id, value in zip(frame[id_column], frame[column], strict=True):
                if pd.notna(value):
                    found.append((int(school_id), code, round(float(value) * scale, 2)))

    if not frames["contacts"].empty:
        # A school with no contact ever recorded is not measured rather than called isolated:
        # a missing record is not evidence (a trigger with no source is off, not fired).
        contacts = frames["contacts"]
        recorded = set(contacts.loc[pd.to_datetime(contacts["happened_on"]).dt.date <= as_of, "school_id"]) | set(
            contacts.loc[pd.to_datetime(contacts["happened_on"]).dt.date <= as_of, "other_school_id"]
        )
        network = contact_metrics(contacts, schools, as_of=as_of, settings=NetworkSettings(betweenness=False))
        network = network[network["school_id"].isin(recorded)]
        keep(
            network,
            "school_id",
            {
                "peers_12m": ("distinct_peers", 1),
                "days_since_contact": ("days_since_contact", 1),
                "contact_outside_partnership": ("outside_partnership_share", 100),
                "network_reach": ("degree_centrality", 100),
            },
        )
    if not frames["actions"].empty:
        actions = action_metrics(frames["actions"], as_of=as_of, by="owner_school_id")
        keep(
            actions,
            "owner_school_id",
            {"actions_completion": ("completion_rate", 100), "actions_overdue": ("overdue", 1)},
        )
    if not frames["meetings"].empty:
        _, per_school = attendance_metrics(frames["meetings"], frames["attendance"], frames["members"], as_of=as_of)
        keep(per_school, "school_id", {"partnership_attendance": ("attendance_rate", 100)})
    if not frames["board_meetings"].empty:
        boards = governance_metrics(frames["board_meetings"], as_of=as_of)
        keep(
            boards,
            "school_id",
            {
                "board_meetings_12m": ("board_meetings", 1),
                "board_attendance": ("attendance_rate", 100),
                "governor_vacancy_rate": ("vacancy_rate", 100),
                "challenges_per_meeting": ("challenges_per_meeting", 1),
            },
        )
    return found


@transaction.atomic
def partnership_life_refresh() -> ImportRun:
    """Measure every academic year's partnership life and keep it as indicators.

    Recomputes every year with records, so a record added late (a visit last spring)
    changes the year it belongs to. One transaction; an ImportRun records what was done.
    """
    today = timezone.localdate()
    frames = partnership_life_frames()
    periods = partnership_life_periods()
    staged = []
    for period in periods:
        period_text, period_start = parse_period(period)
        for school_id, code, value in measure_period(frames, period, today):
            staged.append(
                StagedObservation(
                    school_id, code, period_text, period_start, value, Observation.Status.VALUE, False, 0, code
                )
            )
    # The return and survey indicators are put in the catalogue too, so that a system lead
    # can import them in a long or wide file before any school has entered one.
    run = computed_observations_record(
        source_format="partnership_life",
        file_name="(computed)",
        staged=staged,
        definitions=COMPUTED_INDICATORS + RETURN_INDICATORS + SURVEY_INDICATORS,
        rows_read=sum(len(f) for f in frames.values()),
        options={"periods": periods},
        rows_accepted=len(staged),
    )
    return run
