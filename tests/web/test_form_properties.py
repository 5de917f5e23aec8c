"""Whatever is typed into the main forms — any text, any number, any date, or a field left
out — the answer is the form again (200, or 400), or a redirect once it is saved (302);
never a server error. Input that is not accepted writes nothing at all.

Each form is posted by someone who may use it, for the school they may use it for, with
each field drawn from a mix of good values and hostile ones, so that both accepted and
refused submissions are seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from evenbetter.indicators.models import ImportRun, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.partnerships.forms import recent_academic_years
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest
from evenbetter.vocabulary.areas import AREAS
from tests.dbstate import changed_tables, table_writes

pytestmark = pytest.mark.django_db

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
HOSTILE = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e309",
            "-1",
            "0",
            "0.0000001",
            "9" * 30,
            str(2**63),
            "-" + "9" * 30,
            "١٢٣",
            "²",
            "1,5",
            "1_000",
            "0x10",
            "  7  ",
            "2019-02-30",
            "0001-01-01",
            "9999-12-31",
            "31/12/2019",
            "on",
            "true",
            "x" * 5000,
        ]
    ),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates().map(dt.date.isoformat),
)


def field(*good: Any) -> tuple[Any, ...]:
    """The good values of a field; one of them is sent, unless the field is spoilt."""
    return good


@st.composite
def submissions(draw: st.DrawFn, fields: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """Every field good, then up to four of them spoilt: hostile, or left out (None)."""
    data = {name: draw(st.sampled_from(good)) for name, good in fields.items()}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=4, unique=True)):
        data[name] = draw(st.one_of(HOSTILE, st.none()))
    return data


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


AREA = [code for code, _ in AREAS]


@dataclass(frozen=True)
class Form:
    persona: str
    url: Callable[[dict[str, Any]], str]
    fields: dict[str, tuple[Any, ...]]
    saved_writes: bool = True  # a redirect means it was saved (not so for a refused brokerage step)
    # Submissions these properties once found a server error with, always tried.
    found: tuple[dict[str, Any], ...] = ()


FORMS: dict[str, Form] = {
    "help request": Form(
        "school_leader_a",
        lambda w: f"{reverse('help_request_create')}?school={w['a'].pk}",
        {
            "area": field(*AREA), "title": field("Phonics in Year 1"), "description": field("Our screening fell."),
            "urgency": field("when_possible", "this_term", "urgent"), "kind": field("advice", "visit"),
            "visibility": field("named", "anonymous", "broker_only"),
        },
    ),
    "help request on behalf": Form(
        "partnership_lead",
        lambda w: f"{reverse('help_request_create')}?school={w['a'].pk}",
        {
            "area": field(*AREA), "title": field("Phonics in Year 1"), "description": field("Our screening fell."),
            "urgency": field("this_term"), "kind": field("advice"), "visibility": field("named"),
            "school_agreed": field("on"),
        },
    ),
    "offer": Form(
        "school_leader_a",
        lambda w: f"{reverse('support_offer_create')}?school={w['a'].pk}",
        {"area": field(*AREA), "description": field("Our phonics lead can visit."), "days_per_term": field("2", "0.5")},
    ),
    "partnership meeting": Form(
        "partnership_lead",
        lambda w: reverse("meeting_create", args=["alton-cluster"]),
        {
            "held_on": field(_day(3)), "title": field("Autumn heads' meeting"), "notes": field("Notes"),
            "schools_present": field(["A"], ["A", "C"]), "action_1_title": field("Audit attendance"),
            "action_1_owner": field("A", "C"), "action_1_due": field(_day(-30), _day(10)),
        },
        # A school id too large for SQLite's integers (a 500 from the database, before).
        found=({"held_on": _day(3), "title": "Heads", "schools_present": [str(2**63)]},),
    ),
    "contact": Form(
        "school_leader_a",
        lambda w: reverse("contact_create", args=[w["a"].pk]),
        {
            "other_urn": field("125116", "115851", "115850"), "kind": field("visit", "call", "peer_review"),
            "happened_on": field(_day(1), _day(-1)), "about": field("Phonics: watched Year 1"),
        },
    ),
    "board meeting": Form(
        "governor",
        lambda w: reverse("board_meeting_create", args=[w["a"].pk]),
        {
            "held_on": field(_day(7)), "governors_places": field("12", "1"), "vacancies": field("0", "2", "13"),
            "governors_present": field("9", "12"), "notes": field("Termly meeting"),
            "challenge_1_area": field(*AREA), "challenge_1_question": field("Why did phonics fall?"),
        },
    ),
    "workforce return": Form(
        "school_leader_a",
        lambda w: reverse("workforce_return", args=[w["a"].pk]),
        {
            "period": field(*recent_academic_years()), "head_vacant": field("on"),
            "teacher_vacancies": field("1", "0"), "support_vacancies": field("0"),
            "sickness_days_per_fte": field("3.5"), "headcount_start": field("30"), "headcount_end": field("31"),
            "leavers": field("2", "70"), "leadership_changes": field("0"),
        },
    ),
    "comparator set": Form(
        "school_leader_a",
        lambda w: reverse("comparator_set_create", args=[w["a"].pk]),
        {
            "name": field("Rural primaries"), "kind": field("by_hand", "nearby"),
            "urns": field("125116 115851 115864", "115851,115864", "115850 125116 115851 115864"),
            "within_km": field("20", "0.5"), "size": field("15", "3"),
        },
    ),
    "dispute": Form(
        "school_leader_a",
        lambda w: reverse("dispute_raise", args=[w["observation"].pk]),
        {"reason": field("Our census return says 4.2."), "suggested_value": field("4.2", "")},
    ),
    "risk response": Form(
        "school_leader_a",
        lambda w: reverse("risk_response", args=[w["a"].pk]),
        {"text": field("Our new head started in September.", "too short")},
        saved_writes=False,  # a response not saved is said on the risk page it redirects to
    ),
    "practice item": Form(
        "school_leader_a",
        lambda w: reverse("practice_create"),
        {
            "school": field("A", "B"), "kind": field("idea", "story", "activity"), "title": field("Lunchtime reading"),
            "summary": field("Books at lunch."), "body": field("Older pupils read with younger ones. **Every** day."),
            "areas": field(["reading"], ["reading", "maths"]), "phase": field("primary", "any"),
        },
    ),
    "suggest a school to help": Form(
        "system_lead",
        lambda w: reverse("help_request_step", args=[w["help"].pk, "suggest"]),
        {"suggest-urn": field("125116", "115850"), "suggest-note": field("Strong in phonics.")},
        saved_writes=False,
    ),
}  # fmt: skip


def _resolve(value: Any, world: dict[str, Any]) -> Any:
    """Stand-ins for the test's own schools: "A", "B", "C" become their ids."""
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    return str(world[value.lower()].pk) if value in ("A", "B", "C") else value


@pytest.fixture
def world(register: ImportRun, alton_cluster: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    absence = b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,2000,115850,3.9,8.1\n"
    run = import_file(content=absence, file_name="absence.csv", source_format="dfe_absence", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    a = School.objects.get(urn=115850)
    return {
        "a": a,
        "b": School.objects.get(urn=125116),
        "c": School.objects.get(urn=115851),
        "observation": Observation.objects.get(school=a, indicator__code="absence_overall"),
        "help": HelpRequest.objects.create(school=a, area="reading", title="Phonics", description="Help us."),
    }


@pytest.mark.parametrize("name", list(FORMS))
def test_no_input_breaks_a_form_and_refused_input_writes_nothing(
    name: str, world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    form = FORMS[name]
    client = client_for(form.persona)
    url = form.url(world)
    wrote: set[bool] = set()

    @given(submissions(form.fields))
    def post(drawn: dict[str, Any]) -> None:
        data = {key: _resolve(value, world) for key, value in drawn.items() if value is not None}
        with transaction.atomic():
            before = table_writes()
            response = client.post(url, data)
            changed = changed_tables(before, table_writes())
            transaction.set_rollback(True)
        status = response.status_code
        wrote.add(bool(changed))
        assert status in (200, 302, 400), f"{status} for {data}"
        if status == 302:
            assert not response["Location"].startswith(reverse("login")), response["Location"]
            if form.saved_writes:
                assert changed, f"it redirected as if saved, but wrote nothing: {data}"
        else:
            assert not changed, f"refused input ({status}) wrote to {changed}: {data}"

    for drawn in form.found:
        post = example(drawn)(post)
    post()
    assert wrote == {True, False}, f"{name}: the examples were all {'saved' if True in wrote else 'refused'}"
