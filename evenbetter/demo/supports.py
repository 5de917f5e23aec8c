"""Generated reaching out for the demo: offers, past supports and some under way.

No public dataset records which school helped which, so the demo makes them up, seeded,
and marks every one ``is_generated``. They are placed so that the real published results
can measure them: past supports in reading, writing and maths were agreed in the autumn
of 2017/18 or 2018/19 and closed that summer, so the KS2 results of the year before and
of that year give a before and an after. The supporter of each is the one the platform's
own matching puts first. Some are left under way for the demo's people to act on.

Two partner agencies of the demo's team around the school (``local_records``) offer help
too, and the demo's own school has addressed a request to the early help hub, for whom the
demo's partner-agency user works: it waits for them on their home page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.demo.practice import strong_schools
from evenbetter.indicators.models import Observation
from evenbetter.partnerships.models import Agency, AgencyMember
from evenbetter.schools.models import School
from evenbetter.support.impact import support_records_changed
from evenbetter.support.models import (
    Engagement,
    HelpRequest,
    SupportEvent,
    SupportOffer,
    SupportReview,
)
from evenbetter.support.services import suggestions_for
from evenbetter.vocabulary.areas import AREA_INDICATORS

SEED = 2026
Status = HelpRequest.Status

PAST_AREAS = {
    "reading": "Phonics and early reading for pupils who fall behind",
    "writing": "Moderating writing and raising the greater-depth standard",
    "maths": "Maths mastery in Key Stage 2, especially arithmetic fluency",
}
OFFERS = {
    "reading": "Our reading lead can host visits to see daily phonics and catch-up sessions.",
    "writing": "Joint moderation of Year 6 writing and our approach to sentence-level teaching.",
    "maths": "Lesson study in maths: visit a lesson, plan one together, watch it taught.",
    "attendance": "How our family support worker turned round persistent absence.",
}
# Offers by the demo's agencies (made by local_records): name, area, what, days a term.
AGENCY_OFFERS = [
    ("Early help hub", "attendance", "Family support workers: home visits and an attendance plan with each family.", 6),
    ("School nursing service", "wellbeing", "Drop-in clinics for pupils and training on health needs for staff.", 3),
]
# The agency the demo's partner-agency user works for, and the request the demo's school addressed to it.
DEMO_AGENCY = "Early help hub"
WHAT_CHANGED = [
    "Teachers now plan phonics catch-up daily instead of weekly.",
    "Our leaders see strong practice for themselves and have a clear next step.",
    "We changed how we group pupils and check progress every half term.",
    "It helped us sharpen our own practice too.",
    "Useful, though we did not have the staff time to follow everything up.",
]


@dataclass(frozen=True)
class SupportsSummary:
    offers: int
    past: int
    under_way: int


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _primaries_with(code: str, periods: tuple[str, str]) -> list[int]:
    """Open schools with a published value of the indicator in both years."""
    have = [
        set(
            Observation.objects.filter(indicator__code=code, period=period, status=Observation.Status.VALUE)
            .exclude(school__status=School.Status.CLOSED)
            .values_list("school_id", flat=True)
        )
        for period in periods
    ]
    return sorted(have[0] & have[1])


def _pass_through(
    help_request: HelpRequest,
    rng: np.random.Generator,
    *,
    asked: dt.date,
    until: Status,
    supporter: School,
    people: dict[str, User | None],
) -> None:
    """Take a request through the steps up to ``until``, dated as if it had happened."""
    help_request.created_at = _aware(asked)
    HelpRequest.objects.filter(pk=help_request.pk).update(created_at=help_request.created_at)
    support_records_changed()  # an update sends no post_save
    day = asked
    steps: list[tuple[str, str, str, dt.date]] = []
    if until == Status.REQUESTED:
        return
    day += dt.timedelta(days=int(rng.integers(3, 21)))
    help_request.supporter, help_request.suggested_at = supporter, _aware(day)
    steps.append(("suggest", Status.REQUESTED, Status.SUGGESTED, day))
    help_request.status = Status.SUGGESTED
    if until != Status.SUGGESTED:
        day += dt.timedelta(days=int(rng.integers(5, 21)))
        help_request.objectives = "See strong practice in this area at the supporting school\nAgree one change and check its effect by the end of the year"
        help_request.requester_agreed_at = help_request.supporter_agreed_at = help_request.agreed_at = _aware(day)
        help_request.status = Status.AGREED
        steps.append(("agree", Status.SUGGESTED, Status.AGREED, day))
        for visit in range(int(rng.integers(2, 5))):
            day += dt.timedelta(days=int(rng.integers(14, 50)))
            if day > timezone.localdate():
                break
            Engagement.objects.create(
                help_request=help_request, on=day, kind=("visit", "meeting", "call")[visit % 3],
                days=Decimal(str(float(rng.choice([0.5, 1.0, 1.5])))), notes="Generated for the demo.",
                created_by=people["supporter"],
            )  # fmt: skip
            steps.append(("log", help_request.status, Status.IN_PROGRESS, day))
            help_request.status = Status.IN_PROGRESS
    if until == Status.CLOSED:
        for side in (SupportReview.Side.REQUESTER, SupportReview.Side.SUPPORTER):
            SupportReview.objects.create(
                help_request=help_request, side=side, benefit=int(rng.integers(2, 6)),
                objectives_met=str(rng.choice(["yes", "partly", "partly", "no"])),
                what_changed=str(rng.choice(WHAT_CHANGED)),
            )  # fmt: skip
        closed = max(day, dt.date(day.year, 7, 15)) if day.month < 8 else day
        steps.append(("review", Status.IN_PROGRESS, Status.REVIEWED, closed))
        steps.append(("close", Status.REVIEWED, Status.CLOSED, closed))
        help_request.status, help_request.closed_at = Status.CLOSED, _aware(closed)
    help_request.save()
    for step, before, after, on in steps:
        event = SupportEvent.objects.create(
            help_request=help_request, step=step, from_status=before, to_status=after,
            by=people["broker"] if step in ("suggest", "close") else None, note="Generated for the demo.",
        )  # fmt: skip
        SupportEvent.objects.filter(pk=event.pk).update(at=_aware(on))


@transaction.atomic
def demo_generate_supports(*, own_school: School, other_school: School, seed: int = SEED) -> SupportsSummary:
    """Replace every generated request and offer with a fresh, seeded set."""
    HelpRequest.objects.filter(is_generated=True).delete()
    support_records_changed()
    SupportOffer.objects.filter(is_generated=True).delete()
    rng = np.random.default_rng(seed)
    leaders = {u.username: u for u in User.objects.filter(username__in=["partnership-lead", "school-leader-b"])}
    people = {"broker": leaders.get("partnership-lead"), "supporter": None}

    offers = 0
    agencies = {agency.name: agency for agency in Agency.objects.filter(name__in=[a[0] for a in AGENCY_OFFERS])}
    for name, area, words, days in AGENCY_OFFERS:
        if name in agencies:
            SupportOffer.objects.create(
                agency=agencies[name], area=area, description=words, days_per_term=Decimal(days), is_generated=True
            )
            offers += 1
    for area, words in OFFERS.items():
        # Offered by schools that really are strong in the area (the one rule).
        for school_id in strong_schools(area, "any", 8):
            SupportOffer.objects.create(
                school_id=school_id, area=area, description=words, days_per_term=Decimal(int(rng.integers(2, 6))),
                is_generated=True,
            )  # fmt: skip
            offers += 1

    past = 0
    for start in (2017, 2018):
        periods = (f"{start - 1}/{start % 100:02d}", f"{start}/{(start + 1) % 100:02d}")
        for area, title in PAST_AREAS.items():
            pool = _primaries_with(AREA_INDICATORS[area][0], periods)
            for school_id in rng.choice(pool, size=min(3, len(pool)), replace=False) if pool else []:
                help_request = HelpRequest.objects.create(
                    school_id=int(school_id), area=area, title=title, is_generated=True,
                    description="Generated for the demo: results in this area dipped and the school asked to see strong practice.",
                    urgency="this_term", kind=str(rng.choice(["visit", "advice", "leader_support"])),
                    visibility=str(rng.choice(["named", "anonymous"])),
                )  # fmt: skip
                top = suggestions_for(help_request, top=1).suggestions
                if top.empty:
                    help_request.delete()
                    continue
                _pass_through(
                    help_request, rng, asked=dt.date(start, 9, int(rng.integers(10, 28))), until=Status.CLOSED,
                    supporter=School.objects.get(pk=int(top["school_id"].iloc[0])), people=people,
                )  # fmt: skip
                past += 1

    # Under way now, for the demo's people to act on.
    today = timezone.localdate()
    under_way = [
        (own_school, "attendance", "Persistent absence after the winter term", Status.REQUESTED, "broker_only", None),
        (own_school, "maths", "Arithmetic fluency in Years 3 and 4", Status.IN_PROGRESS, "named", None),
        (None, "reading", "Catch-up phonics for Year 2", Status.SUGGESTED, "anonymous", other_school),
    ]
    cluster_peer = (
        School.objects.filter(partnership_memberships__partnership__memberships__school=own_school)
        .exclude(pk=own_school.pk)
        .exclude(status=School.Status.CLOSED)
        .order_by("name")
        .first()
    )
    made = 0
    for school, area, title, until, visibility, supporter in under_way:
        asker = school or cluster_peer
        if asker is None:
            continue
        help_request = HelpRequest.objects.create(
            school=asker, area=area, title=title, description="Generated for the demo.", urgency="this_term",
            kind="visit", visibility=visibility, is_generated=True,
        )  # fmt: skip
        chosen = supporter
        if chosen is None and until != Status.REQUESTED:
            top = suggestions_for(help_request, top=1).suggestions
            chosen = School.objects.get(pk=int(top["school_id"].iloc[0])) if not top.empty else other_school
        people["supporter"] = leaders.get("school-leader-b") if chosen == other_school else None
        _pass_through(
            help_request, rng, asked=today - dt.timedelta(days=75 if until == Status.IN_PROGRESS else 12),
            until=until, supporter=chosen or other_school, people=people,
        )  # fmt: skip
        made += 1
    made += _addressed_to_the_demo_agency(own_school)
    return SupportsSummary(offers=offers, past=past, under_way=made)


def _addressed_to_the_demo_agency(own_school: School) -> int:
    """The demo's partner-agency user works for the early help hub, to which the demo's own
    school has addressed a request: it waits for the agency to agree."""
    agency = Agency.objects.filter(name=DEMO_AGENCY).first()
    leader = User.objects.filter(username="school-leader").first()
    if agency is None or leader is None:
        return 0
    for user in User.objects.filter(username="partner-agency"):
        AgencyMember.objects.get_or_create(user=user, agency=agency)
    # Written as help_request_create(agency=…) writes it, without its e-mail to the agency.
    help_request = HelpRequest.objects.create(
        school=own_school, created_by=leader, area="attendance", title="Early help for families of pupils often absent",
        description="Generated for the demo: five families in Years 3 and 4 where absence is rising; we would "
        "like the early help hub to work with them and with us.",
        urgency="this_term", kind="advice", visibility="broker_only", is_generated=True,
        status=Status.SUGGESTED, supporter_agency=agency, suggested_at=timezone.now(),
    )  # fmt: skip
    SupportEvent.objects.create(
        help_request=help_request, step="address", from_status=Status.REQUESTED, to_status=Status.SUGGESTED,
        by=leader, note=f"Asked {agency.name}.",
    )  # fmt: skip
    return 1
