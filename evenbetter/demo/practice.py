"""Generated practice for the demo (and a large generated corpus for the search benchmark).

The demo's items are written by hand, one per common improvement story, and put under
schools that really are strong in that area for schools like them (their published
benchmarks), so the evidence shown beside each is real; the items, comments and tries
themselves are made up and marked ``is_generated``. Each try is dated within the years the
demo's published results cover (a start between autumn 2017 and spring 2019, so a result
from the year before and a later one exist), and the tries are measured as real ones are
(``practice.services.measures_refresh``): what they achieved comes from the real results of
the schools said to have tried them, against their real families.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.benchmarks.selectors import strong_in_area
from evenbetter.practice.models import Comment, ItemArea, PracticeItem, Tried
from evenbetter.practice.search import index_items
from evenbetter.practice.services import measures_refresh
from evenbetter.schools.models import School

SEED = 2026
# Tries start between these days: the demo's key stage 2 results run from 2016/17 to 2018/19.
TRIES_FROM, TRIES_TO = dt.date(2017, 9, 4), dt.date(2019, 3, 1)

# kind, area, phase, title, summary, body
ITEMS = [
    ("story", "reading", "primary", "How our Year 5 boys started reading for pleasure",
     "A lunchtime book club run by Year 6 reading buddies doubled the books boys borrowed.",
     "We asked the boys what they wanted to read: football biographies, graphic novels and joke books.\n\n"
     "- a **book swap shelf** by the hall\n- Year 6 reading buddies twice a week\n- a termly author visit\n\n"
     "Borrowing by boys doubled in two terms and reading scores followed."),
    ("activity", "reading", "primary", "Ten-minute phonics catch-up every afternoon",
     "Small groups re-teach the sounds missed that morning, with the same cards and words as the lesson.",
     "Teaching assistants take three pupils at a time straight after lunch. The group changes every week "
     "according to the daily check. Our phonics screening pass rate rose from 71% to 88%."),
    ("idea", "reading", "any", "Reading aloud to the class every day, whatever the age",
     "Fifteen minutes of a teacher reading a good book aloud at the end of each day.",
     "Pupils hear fluent reading and vocabulary they would not meet on their own. Pick books above their reading age."),
    ("idea", "attendance", "any", "First-day calling: a phone call before ten",
     "The office rings every family whose child has not arrived by ten, on the first day of absence.",
     "Parents knew someone would notice. Persistent absence fell by a third in a year; we log every call."),
    ("story", "attendance", "primary", "A breakfast club that ended late arrivals",
     "Free toast and table tennis from eight o'clock turned late arrivals into early ones.",
     "Lateness was our problem, not absence. The club is funded from the pupil premium and run by two assistants."),
    ("activity", "attendance", "secondary", "Attendance mentors for Year 9",
     "Sixth-formers meet persistently absent Year 9 pupils weekly to set one small goal.",
     "The mentors are trained by our attendance officer and meet in form time."),
    ("activity", "maths", "primary", "Times tables in five minutes a day",
     "A short daily practice so multiplication facts are instant by the end of Year 4.",
     "Quick-fire practice at the start of each maths lesson and a weekly low-stakes check. "
     "Our multiplication check scores are now well above the national average."),
    ("idea", "maths", "any", "Lesson study with a partner school",
     "Plan one maths lesson together, watch it taught, and refine it.",
     "Two teachers from each school plan a lesson on fractions; one teaches while the others watch the pupils, "
     "not the teacher. Then they re-plan and teach it again."),
    ("story", "maths", "secondary", "Closing the maths gap for disadvantaged pupils",
     "Same-day intervention for pupils who did not grasp the lesson, before the gap can grow.",
     "Teachers note who struggled; a short session the same afternoon re-teaches the idea."),
    ("idea", "writing", "primary", "Shared writing under the visualiser",
     "The teacher writes live in front of the class, thinking aloud about each choice.",
     "Pupils see how a writer chooses words, rereads and revises. Then they write their own version straight away."),
    ("activity", "writing", "primary", "Moderating Year 6 writing across schools",
     "Teachers from four schools bring three pieces each and agree the standard together.",
     "Held every spring term; the local authority moderator joins once a year."),
    ("story", "governance", "any", "Governors who ask better questions",
     "Every governor visit now has one focus question agreed at the board meeting.",
     "The visit note answers the question in a paragraph; the board discusses it at the next meeting."),
    ("idea", "governance", "any", "A skills audit before recruiting governors",
     "Find the skills the board lacks, then recruit for them.",
     "We used a one-page self-assessment; finance and safeguarding were the gaps."),
    ("idea", "send", "any", "One-page profiles for pupils with SEND",
     "A page written with each child saying what helps them learn, read first by supply staff.",
     "Every pupil with an education, health and care plan or on SEN support has one, reviewed termly."),
    ("activity", "send", "primary", "Sensory circuits before the school day",
     "Ten minutes of movement activities that help some pupils settle to learn.",
     "Run by a trained assistant in the hall from 8.45 for pupils identified by the SENCo."),
    ("story", "wellbeing", "primary", "Worry boxes and a calm corner in every class",
     "Children post worries; an adult reads them every day and follows up.",
     "Anxiety among pupils eased once each class had a safe way to say what was wrong."),
    ("idea", "behaviour", "secondary", "A calm corridor routine",
     "Walking on the left and staff on the doors at every change of lesson.",
     "Behaviour logs showed most incidents happened in transitions. Incidents halved in a term."),
    ("story", "staffing", "any", "Growing our own teachers",
     "Teaching assistants trained as teachers through an apprenticeship, ending our vacancies.",
     "Recruiting in a rural area was hard; three assistants qualified and stayed."),
    ("idea", "disadvantage", "any", "Pupil premium spent on teaching first",
     "Most of our pupil premium now pays for better teaching, not more interventions.",
     "We follow the tiered approach: teaching, then targeted support, then wider strategies."),
    ("activity", "leadership", "any", "Leaders' walk with a partner school",
     "Two headteachers walk each other's schools with one agreed question.",
     "An hour each way, once a term; the visiting head writes three sentences back."),
]  # fmt: skip
COMMENTS = [
    "We tried something similar and it worked well for us.",
    "How did you find the staff time for this?",
    "Thank you for sharing: we will try this next term.",
    "Did the effect last into the next year?",
]


def strong_schools(area: str, phase: str, limit: int) -> list[int]:
    """Open schools of the phase strong in the area (the one rule: ``strong_in_area``),
    the highest latest family percentile first."""
    schools = School.objects.exclude(status=School.Status.CLOSED)
    if phase in ("primary", "secondary"):
        schools = schools.filter(phase__icontains=phase)
    return _strongest(strong_in_area(area=area, schools=schools), limit)


def _strongest(strong: pd.DataFrame, limit: int) -> list[int]:
    best = strong.drop_duplicates("school_id").sort_values(
        ["latest_percentile", "school_id"], ascending=[False, True], kind="stable"
    )
    return [int(school_id) for school_id in best["school_id"].head(limit)]


@transaction.atomic
def demo_generate_practice(*, seed: int = SEED) -> int:
    """Replace the generated practice with a fresh, seeded set; the number of items."""
    PracticeItem.objects.filter(is_generated=True).delete()
    rng = np.random.default_rng(seed)
    leaders = list(User.objects.filter(username__in=["school-leader", "school-leader-b", "partnership-lead"]))
    open_schools = list(School.objects.exclude(status=School.Status.CLOSED).order_by("pk").values_list("pk", flat=True))
    if not open_schools:
        return 0
    now = timezone.now()
    made = []
    span = (TRIES_TO - TRIES_FROM).days
    open_by_phase = School.objects.exclude(status=School.Status.CLOSED).order_by("pk")
    phase_schools = {
        phase: list(open_by_phase.filter(phase__icontains=phase).values_list("pk", flat=True))
        for phase in ("primary", "secondary")
    }
    for i, (kind, area, phase, title, summary, body) in enumerate(ITEMS):
        strong = strong_schools(area, phase, 10)
        school_id = int(rng.choice(strong)) if strong else int(rng.choice(open_schools))
        item = PracticeItem.objects.create(
            kind=kind, title=title, summary=summary, body=body, phase=phase, is_generated=True,
            author=leaders[i % len(leaders)] if leaders else None,
        )  # fmt: skip
        PracticeItem.objects.filter(pk=item.pk).update(created_at=now - dt.timedelta(days=int(rng.integers(1, 120))))
        item.schools.set([school_id])
        ItemArea.objects.create(item=item, area=area)
        # Schools of the item's phase try it (primary for "any": most measures are key stage 2).
        candidates = phase_schools["secondary" if phase == "secondary" else "primary"] or open_schools
        for tried_school in rng.choice(candidates, size=min(len(candidates), int(rng.integers(0, 5))), replace=False):
            if int(tried_school) != school_id:
                Tried.objects.get_or_create(
                    item=item, school_id=int(tried_school),
                    defaults={"outcome": str(rng.choice(["worked", "worked", "mixed", "too_soon"])),
                              "started_on": TRIES_FROM + dt.timedelta(days=int(rng.integers(0, span)))},
                )  # fmt: skip
        for _ in range(int(rng.integers(0, 3))):
            Comment.objects.create(item=item, body=str(rng.choice(COMMENTS)), author=leaders[0] if leaders else None)
        made.append(item)
    index_items(made)
    measures_refresh(items=made)
    return len(made)


# --- A large generated corpus, for the search benchmark ---------------------------------------

_OPENINGS = ["How we", "Why we", "What happened when we", "A year after we", "Lessons from when we"]
_ACTIONS = [
    "changed {topic} in Year {year}", "brought in {topic} across the school", "asked a partner school about {topic}",
    "trained every assistant in {topic}", "gave {topic} ten minutes every day",
]  # fmt: skip
_TOPICS = {
    "reading": ["phonics", "reading for pleasure", "guided reading", "a book club", "reading buddies"],
    "writing": ["shared writing", "handwriting", "editing and redrafting", "sentence work", "moderation"],
    "maths": ["times tables", "fractions", "maths mastery", "arithmetic fluency", "problem solving"],
    "attendance": ["first-day calling", "a breakfast club", "attendance mentors", "home visits", "rewards for punctuality"],
    "behaviour": ["a corridor routine", "restorative conversations", "a reset room", "lunchtime clubs", "praise postcards"],
    "send": ["one-page profiles", "sensory circuits", "precision teaching", "a nurture group", "speech and language"],
    "wellbeing": ["worry boxes", "a calm corner", "mental health first aid", "peer mentors", "a daily mile"],
    "governance": ["focus visits", "a skills audit", "governor training", "link governors", "board self-review"],
}  # fmt: skip


def practice_corpus(n: int, *, seed: int = SEED) -> Iterator[tuple[str, str, str, str, str]]:
    """``n`` generated items (kind, area, title, summary, body), varied enough to search."""
    rng = np.random.default_rng(seed)
    areas = list(_TOPICS)
    for i in range(n):
        area = areas[int(rng.integers(len(areas)))]
        topic = str(rng.choice(_TOPICS[area]))
        action = str(rng.choice(_ACTIONS)).format(topic=topic, year=int(rng.integers(1, 12)))
        title = f"{rng.choice(_OPENINGS)} {action} (#{i})"
        other = str(rng.choice(_TOPICS[areas[int(rng.integers(len(areas)))]]))
        summary = f"What {topic} did for our pupils, and what we would do differently."
        body = (
            f"We started {topic} because {other} alone was not enough. Staff met weekly; pupils noticed. "
            f"After two terms the results in {area} moved, and we kept {topic} going. "
        ) * int(rng.integers(2, 6))
        yield str(rng.choice(["idea", "story", "activity"])), area, title, summary, body
