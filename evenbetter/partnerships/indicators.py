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
from functools import partial

import pandas as pd
from django.utils import timezone

from evenbetter.analytics.network import NetworkSettings, contact_metrics
from evenbetter.analytics.partnership_health import action_metrics, attendance_metrics, governance_metrics
from evenbetter.indicators.computed import ComputedIndicators, Measured, computed_refresh, register
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.store import StagedObservation, local_definition
from evenbetter.ingest.formats.staff_survey import SURVEY_INDICATORS
from evenbetter.partnerships.frames import partnership_life_frames, school_partnerships
from evenbetter.partnerships.models import Action, BoardMeeting, Contact, Meeting
from evenbetter.vocabulary.periods import academic_year, academic_year_end, academic_year_of, parse_period

SOURCE = "Computed by Even Better from partnership-life records"
RETURN_SOURCE = "Workforce return kept by the school"
HIGHER, LOWER = Indicator.Direction.HIGHER_IS_BETTER, Indicator.Direction.LOWER_IS_BETTER
D = Indicator.Domain
C = Indicator.Comparison


_local = partial(local_definition, source=SOURCE)


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
COMPUTED_INDICATORS = CONTACT_INDICATORS + ACTION_INDICATORS + GOVERNANCE_INDICATORS


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


def measure_period(frames: dict[str, pd.DataFrame], period: str, today: dt.date) -> list[tuple[int, str, float]]:
    """(school id, indicator code, value) for one academic year, as at its end (or today)."""
    as_of = min(academic_year_end(period), today)
    schools = school_partnerships(as_of)
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


@register
class PartnershipLife(ComputedIndicators):
    """Every academic year's partnership life, measured and kept as indicators.

    Recomputes every year with records, so a record added late (a visit last spring)
    changes the year it belongs to.
    """

    code = "partnership_life"
    name = "Partnership life"
    owner = "partnerships"
    # The return and survey indicators are put in the catalogue too, so that a system lead
    # can import them in a long or wide file before any school has entered one.
    definitions = COMPUTED_INDICATORS + RETURN_INDICATORS + SURVEY_INDICATORS

    def measure(self) -> Measured:
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
        return Measured(staged, sum(len(f) for f in frames.values()), {"periods": periods}, rows_accepted=len(staged))


def partnership_life_refresh() -> ImportRun:
    """Measure every academic year's partnership life and keep it as indicators (one ImportRun)."""
    return computed_refresh(PartnershipLife())
