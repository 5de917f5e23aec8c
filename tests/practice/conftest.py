from __future__ import annotations

import pytest

from evenbetter.accounts.models import User
from evenbetter.practice import services
from evenbetter.practice.models import PracticeItem
from evenbetter.schools.models import School

# A small hand-written library: each item is about one thing, in a school's own words.
LIBRARY = [
    ("story", "reading", "A book club for boys in Year 5",
     "Boys who said they never read for pleasure now borrow two books a week.",
     "We asked the boys what they wanted to read: football biographies, graphic novels and joke books. "
     "A lunchtime club with older pupils as reading buddies, and a book swap shelf by the hall."),
    ("activity", "reading", "Daily phonics catch-up in small groups",
     "Ten minutes every afternoon for pupils who fall behind in the phonics screening.",
     "Teaching assistants take groups of three for the sounds missed that morning, using the same "
     "scheme and the same cards as the class lesson."),
    ("idea", "attendance", "First-day calling for absence",
     "A phone call home before ten on the first morning a child is absent.",
     "The office rings every family whose child has not arrived. Persistent absence fell by a third "
     "once parents knew someone would notice."),
    ("story", "attendance", "Breakfast club that got children to school on time",
     "Free toast and a game of table tennis turned late arrivals into early ones.",
     "Punctuality was our problem: pupils arriving after registration. The breakfast club opens at 8."),
    ("activity", "maths", "Times tables fluency in five minutes a day",
     "A short daily drill so that multiplication facts are instant by Year 4.",
     "Quick-fire multiplication practice at the start of every maths lesson, with a weekly check."),
    ("idea", "maths", "Lesson study in mathematics with a partner school",
     "Plan a maths lesson together, watch it taught, and refine it.",
     "Two teachers from each school plan a lesson on fractions, one teaches while the others observe pupils."),
    ("story", "governance", "Governors who ask better questions",
     "Our board's challenge to leaders improved when each visit had one focus question.",
     "Every governor visit now has a question agreed at the board meeting, and a short note back."),
    ("idea", "send", "One-page profiles for pupils with SEND",
     "A single page, written with the child, saying what helps them learn.",
     "Every pupil with an education, health and care plan has a profile that supply staff read first."),
    ("activity", "wellbeing", "Worry boxes and a calm corner",
     "Children post their worries; an adult reads them every day.",
     "Anxiety and low mood among pupils eased when each class had a way to say what was wrong."),
    ("story", "staffing", "Growing our own teachers",
     "Teaching assistants trained as teachers through an apprenticeship, ending our vacancies.",
     "Recruitment was hard in a rural area. Three assistants qualified and stayed."),
    ("idea", "writing", "Shared writing with a visualiser",
     "The teacher writes live in front of the class, thinking aloud.",
     "Modelling sentences under the visualiser showed pupils how writers choose words and revise."),
    ("story", "behaviour", "A calm corridor routine",
     "Walking on the left, in silence, between lessons cut incidents at lunch.",
     "Behaviour logs showed most incidents happened in transitions; a simple routine changed that."),
]  # fmt: skip


@pytest.fixture
def library(school_a: School, school_leader_a: User) -> dict[str, PracticeItem]:
    items = {}
    for kind, area, title, summary, body in LIBRARY:
        items[title] = services.item_create(
            author=school_leader_a, schools=[school_a], kind=kind, title=title, summary=summary, body=body,
            phase="primary", areas=[area],
        )  # fmt: skip
    return items
