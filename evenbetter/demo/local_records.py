"""Generated partnership life for the demo: the records no public dataset has.

``evenbetter.demo.simulator`` makes them, seeded, with a known causal story (a few
schools drift into isolation, unfinished actions, weak governance, vacancies and low trust
a year or two before their outcomes would fall). Here they are written as the platform's
own records, every one marked ``is_generated`` so that the screen says so. The schools'
real published results are never changed: the simulator's outcome shift is for tests of
the early warning on generated data, not for the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from evenbetter.analytics.partnership_health import churn
from evenbetter.benchmarks.services import rows_insert
from evenbetter.demo.simulator import LocalRecords, SimulationSettings, planted_outcome, simulate_local_records
from evenbetter.indicators.computed import computed_observations_record
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.store import IndicatorDefinition, StagedObservation
from evenbetter.partnerships.apps import action_records_changed
from evenbetter.partnerships.indicators import RETURN_INDICATORS, SURVEY_INDICATORS
from evenbetter.partnerships.models import (
    Action,
    Agency,
    AgencyContact,
    AgencyLink,
    BoardMeeting,
    Challenge,
    Contact,
    Meeting,
    SchoolContactSummary,
)
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School
from evenbetter.schools.services import partnership_members_add
from evenbetter.vocabulary.areas import AREA_NAMES
from evenbetter.vocabulary.periods import academic_year, academic_year_of, parse_period

SEED = 2026
FIRST_YEAR = 2016
BATCH = 5000
QUESTIONS = {
    "reading": "How do you know the phonics programme is working for the pupils who are behind?",
    "writing": "What is the plan for writing in Key Stage 2, and how will we see its effect?",
    "maths": "Why did maths progress dip for disadvantaged pupils, and what is being done?",
    "curriculum": "How is the curriculum sequenced so that pupils remember more?",
    "attendance": "Which groups' attendance is falling, and what are we doing about it?",
    "behaviour": "What do the behaviour logs show this term compared with last?",
    "send": "How are pupils on SEN support progressing against their plans?",
    "disadvantage": "What difference is the pupil premium making, and how do we know?",
    "safeguarding": "When was the single central record last checked, and by whom?",
    "wellbeing": "What does the pupil survey say about feeling safe?",
    "staffing": "What is the plan for the vacancies, and what is the risk to teaching meanwhile?",
    "finance": "What does the three-year budget forecast show?",
    "leadership": "How is the workload of the senior team being managed?",
    "governance": "Which governor skills are missing from the board?",
}


@dataclass(frozen=True)
class LocalRecordsSummary:
    schools: int
    contacts: int
    meetings: int
    actions: int
    board_meetings: int
    drifting: int


def demo_periods(today: dt.date | None = None) -> tuple[str, ...]:
    """Every academic year from 2016/17 to the last one finished: no record is dated after today."""
    today = today or timezone.localdate()
    _, this_year = parse_period(academic_year_of(today))
    return tuple(academic_year(year) for year in range(FIRST_YEAR, this_year.year))


def _schools_frame() -> pd.DataFrame:
    schools = list(
        School.objects.exclude(status=School.Status.CLOSED).values_list("pk", "latitude", "longitude").order_by("pk")
    )
    cluster_of = dict(
        PartnershipMembership.objects.filter(
            partnership__is_generated=True, partnership__kind=Partnership.Kind.CLUSTER, left_on__isnull=True
        ).values_list("school_id", "partnership_id")
    )
    return pd.DataFrame(
        {
            "school_id": [pk for pk, _, _ in schools],
            "partnership_id": [cluster_of.get(pk) for pk, _, _ in schools],
            "latitude": [lat for _, lat, _ in schools],
            "longitude": [lon for _, _, lon in schools],
        }
    )


def _date(value: object) -> dt.date:
    day = _day(value)
    if day is None:
        raise ValueError("the simulator left a required date empty")
    return day


def _day(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value) or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


@transaction.atomic
def demo_generate_local_records(*, seed: int = SEED, today: dt.date | None = None) -> LocalRecordsSummary:
    """Replace every generated partnership-life record with a fresh, seeded set."""
    records = local_records_generate(settings=SimulationSettings(seed=seed, periods=demo_periods(today)))
    return LocalRecordsSummary(
        schools=int(records.outcome_shift["school_id"].nunique()),
        contacts=len(records.contacts),
        meetings=len(records.meetings),
        actions=len(records.actions),
        board_meetings=len(records.board_meetings),
        drifting=len(records.drift),
    )


@transaction.atomic
def local_records_generate(*, settings: SimulationSettings) -> LocalRecords:
    """Replace every generated local record with a fresh set simulated for the open schools
    (in their generated clusters), written as the platform's own records so that they are
    measured as real ones are (``partnership_life``); returns what was simulated, drift included."""
    for model in (Contact, Meeting, Action, BoardMeeting, AgencyLink, AgencyContact, Agency):
        model.objects.filter(is_generated=True).delete()
    records = simulate_local_records(_schools_frame(), settings)
    _write_contacts(records)
    _write_meetings_and_actions(records)
    _write_governance(records)
    _write_returns(records, seed=settings.seed)
    _write_team_around()
    action_records_changed()  # deleted and inserted in bulk: no post_save says so
    return records


def generated_schools_in_clusters(
    n: int, *, label: str, latitudes: tuple[float, float], longitudes: tuple[float, float]
) -> None:
    """``n`` made-up open primary schools spread over a region, about 85% of them in made-up
    clusters of about eight, for the planted-signal test and bench (seeded: the same every time)."""
    rng = np.random.default_rng(1)
    School.objects.bulk_create(
        [
            School(
                urn=900000 + i,
                name=f"{label} school {i:05}",
                status=School.Status.OPEN,
                phase="Primary",
                latitude=float(rng.uniform(*latitudes)),
                longitude=float(rng.uniform(*longitudes)),
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    schools = list(School.objects.order_by("pk"))
    clusters = [
        Partnership.objects.create(
            name=f"{label} cluster {c}",
            slug=f"{label.lower()}-cluster-{c}",
            kind=Partnership.Kind.CLUSTER,
            is_generated=True,
        )
        for c in range(max(1, n // 8))
    ]
    partnership_members_add(
        members=[
            (clusters[int(rng.integers(len(clusters)))].pk, school.pk) for school in schools if rng.random() < 0.85
        ]
    )


PLANTED_OUTCOME = IndicatorDefinition(
    code="planted_attainment",
    name="Attainment (generated, for testing the early warning)",
    unit="%",
    direction=Indicator.Direction.HIGHER_IS_BETTER,
    domain=Indicator.Domain.OUTCOMES,
    comparison=Indicator.Comparison.PERCENT,
    source="Generated by evenbetter.demo.simulator",
    description="A made-up outcome that falls in the schools the simulator drifts, a year or two after they drift.",
    decimal_places=2,
    is_public=False,
)


def planted_outcome_record(*, records: LocalRecords, seed: int, shuffle: bool = False) -> ImportRun:
    """Keep the simulator's planted outcome as observations of ``planted_attainment`` (the
    demo never calls this: its results are real ones). ``shuffle``: see ``planted_outcome``."""
    outcome = planted_outcome(records, seed=seed, shuffle=shuffle)
    staged = []
    for school_id, period, value in zip(outcome["school_id"], outcome["period"], outcome["value"], strict=True):
        period_text, period_start = parse_period(str(period))
        staged.append(
            StagedObservation(
                int(school_id),
                PLANTED_OUTCOME.code,
                period_text,
                period_start,
                float(value),
                Observation.Status.VALUE,
                False,
                0,
                PLANTED_OUTCOME.code,
            )
        )
    return computed_observations_record(
        source_format="planted_outcome",
        file_name="(generated by evenbetter.demo.simulator)",
        staged=staged,
        definitions=[PLANTED_OUTCOME],
        rows_read=len(outcome),
        options={"generated": True, "seed": seed, "shuffled": shuffle},
    )


def _days(values: pd.Series, *, required: bool) -> list[Any]:
    """The simulator's days (dates; None, NaN or NaT for none) as the database takes them, each
    distinct day adapted once (a model instance and its converters per row was most of the
    step's time). A required day left empty is refused, as ``_date`` does."""
    adapt = connection.ops.adapt_datefield_value
    adapted: dict[Any, Any] = {}
    out = []
    for value in values.tolist():
        if value not in adapted:
            day = _date(value) if required else _day(value)
            adapted[value] = None if day is None else adapt(day)
        out.append(adapted[value])
    return out


def _texts(values: pd.Series, width: int | None = None) -> list[str]:
    """Each value as text, cut to ``width`` (the field's) when given."""
    return [str(value)[:width] for value in values.tolist()]


def _ids(values: pd.Series) -> list[int]:
    return [int(value) for value in values.tolist()]


def _write_contacts(records: LocalRecords) -> None:
    contacts = records.contacts
    recorded_at = connection.ops.adapt_datetimefield_value(timezone.now())  # auto_now_add: the time of writing
    rows_insert(
        Contact,
        ["school_id", "other_school_id", "happened_on", "kind", "about", "recorded_at", "is_generated"],
        [
            (a, b, day, kind, about, recorded_at, True)
            for a, b, day, kind, about in zip(
                _ids(contacts["school_id"]),
                _ids(contacts["other_school_id"]),
                _days(contacts["happened_on"], required=True),
                _texts(contacts["kind"]),
                _texts(contacts["about"], 250),
                strict=True,
            )
        ],
    )
    # Each school's kept contact summary no longer counts every contact: worked out when read
    # until the refresh or the night keeps them again.
    SchoolContactSummary.objects.all().delete()


def _write_meetings_and_actions(records: LocalRecords) -> None:
    meetings = records.meetings
    made = Meeting.objects.bulk_create(
        [
            Meeting(partnership_id=int(p), held_on=_date(day), title=str(title)[:200], is_generated=True)
            for p, day, title in zip(meetings["partnership_id"], meetings["held_on"], meetings["title"], strict=True)
        ],
        batch_size=BATCH,
    )
    # PostgreSQL and SQLite (3.35+) give the new ids back from a bulk insert, in order.
    meeting_pk = {int(meeting_id): meeting.pk for meeting_id, meeting in zip(meetings["meeting_id"], made, strict=True)}
    rows_insert(
        Meeting.schools_present.through,
        ["meeting_id", "school_id"],
        [
            (meeting_pk[m], s)
            for m, s in zip(_ids(records.attendance["meeting_id"]), _ids(records.attendance["school_id"]), strict=True)
        ],
    )
    actions = records.actions
    statuses = _texts(actions["status"])
    rows_insert(
        Action,
        [
            "title",
            "partnership_id",
            "meeting_id",
            "owner_school_id",
            "agreed_on",
            "due_on",
            "done_on",
            "status",
            "evidence",
            "assigned_to_agency",
            "is_generated",
        ],
        [
            (
                title,
                p,
                meeting_pk.get(m),
                owner,
                agreed,
                due,
                done,
                status,
                "Recorded at the next meeting (generated)" if status == Action.Status.DONE else "",
                False,
                True,
            )
            for title, p, m, owner, agreed, due, done, status in zip(
                _texts(actions["title"], 250),
                _ids(actions["partnership_id"]),
                _ids(actions["meeting_id"]),
                _ids(actions["owner_school_id"]),
                _days(actions["agreed_on"], required=True),
                _days(actions["due_on"], required=True),
                _days(actions["done_on"], required=False),
                statuses,
                strict=True,
            )
        ],
    )


def _write_governance(records: LocalRecords) -> None:
    # Plain INSERTs, as the contacts and actions are (a model instance for each of about 116,000
    # board meetings and challenges was most of the local records' time); the meetings' new ids
    # are read back in the order they were written, to hang their challenges on.
    boards = records.board_meetings.reset_index(drop=True)
    table = connection.ops.quote_name(BoardMeeting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (the name is ours)
        last = cursor.fetchone()[0] or 0
    rows_insert(
        BoardMeeting,
        ["school_id", "held_on", "governors_places", "governors_present", "vacancies", "notes", "is_generated"],
        [
            (school, day, places, present, vacancies, "", True)
            for school, day, places, present, vacancies in zip(
                _ids(boards["school_id"]),
                _days(boards["held_on"], required=True),
                _ids(boards["governors_places"]),
                _ids(boards["governors_present"]),
                _ids(boards["vacancies"]),
                strict=True,
            )
        ],
    )
    # Ids come from the table's sequence (SQLite's AUTOINCREMENT, PostgreSQL's identity) in the
    # order the rows were written, within this transaction, higher than any there before (zip's
    # strict says if they were not one a meeting).
    made = list(BoardMeeting.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))
    challenges = []
    for meeting_id, areas in zip(made, boards["challenge_areas"], strict=True):
        for area in [a.strip() for a in str(areas or "").split(",") if a.strip()]:
            key = (
                area
                if area in AREA_NAMES
                else next((k for k, v in AREA_NAMES.items() if v.lower() == area.lower()), "")
            )
            if key:
                challenges.append((meeting_id, key, QUESTIONS[key], True))
    rows_insert(Challenge, ["board_meeting_id", "area", "question", "is_generated"], challenges)


def _write_returns(records: LocalRecords, *, seed: int) -> None:
    workforce = records.workforce
    turnover = churn(
        workforce[["school_id", "period", "headcount_start", "headcount_end", "leavers", "leadership_changes"]]
    ).set_index(["school_id", "period"])
    # One dictionary, not a MultiIndex lookup per row: 25 minutes at national scale otherwise.
    turnover_of = turnover["turnover_percent"].to_dict()
    staged = []
    for row in workforce.to_dict("records"):
        period_text, period_start = parse_period(str(row["period"]))
        key = (row["school_id"], row["period"])
        values = {
            "head_vacant": row["head_vacant"],
            "deputy_vacant": row["deputy_vacant"],
            "senco_vacant": row["senco_vacant"],
            "teacher_vacancies": row["teacher_vacancies"],
            "support_vacancies": row["support_vacancies"],
            "sickness_days_per_fte": round(float(row["sickness_days_per_fte"]), 1),
            "staff_turnover": round(float(turnover_of[key]), 1),
            "leadership_changes": row["leadership_changes"],
        }
        for code, value in values.items():
            staged.append(
                StagedObservation(
                    int(row["school_id"]),
                    code,
                    period_text,
                    period_start,
                    float(value),
                    Observation.Status.VALUE,
                    False,
                    0,
                    code,
                )
            )
    survey = records.survey
    for row in survey.to_dict("records"):
        period_text, period_start = parse_period(str(row["period"]))
        for code, column in (
            ("survey_trust", "trust"),
            ("survey_shared_values", "shared_values"),
            ("survey_raise_problems", "raise_problems"),
        ):
            staged.append(
                StagedObservation(
                    int(row["school_id"]),
                    code,
                    period_text,
                    period_start,
                    round(float(row[column]), 1),
                    Observation.Status.VALUE,
                    False,
                    0,
                    code,
                )
            )
    computed_observations_record(
        source_format="demo_local_records",
        file_name="(generated for the demo by evenbetter.demo.simulator)",
        staged=staged,
        definitions=RETURN_INDICATORS + SURVEY_INDICATORS,
        rows_read=len(workforce) + len(survey),
        options={"generated": True, "seed": seed},
    )


AGENCIES = [
    ("Safer Schools police team", "police_liaison", "PC Jordan Hale", "Safer schools officer"),
    ("School nursing service", "school_nursing", "Amira Patel", "School nurse lead"),
    ("Children's social care, locality team", "social_care", "Tom Reeves", "Team manager"),
    ("Early help hub", "early_help", "Grace Owusu", "Early help coordinator"),
    ("Young carers project", "voluntary", "Sam Lee", "Project worker"),
]


def _write_team_around() -> None:
    """Agencies and named contacts (made up, marked generated) for the demo's busiest localities."""
    localities = list(Locality.objects.filter(schools__partnerships__is_generated=True).distinct().order_by("name"))
    for name, kind, person, role in AGENCIES:
        agency = Agency.objects.create(name=name, kind=kind, is_generated=True)
        for locality in localities:
            contact = AgencyContact.objects.create(
                agency=agency,
                name=f"{person} ({locality.name})",
                role=role,
                email=f"{person.split()[-1].lower()}.{locality.slug}@agency.invalid",
                is_generated=True,
            )
            AgencyLink.objects.create(agency=agency, contact=contact, locality=locality, is_generated=True)
