"""Find what works: for each of ten questions a school might ask, the item that answers it
comes first — in the words people actually type, not the items' own."""

from __future__ import annotations

import pytest

from evenbetter.practice.models import PracticeItem
from evenbetter.practice.search import BOTH, FULLTEXT, SEMANTIC, search

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("how do other schools get boys reading?", "A book club for boys in Year 5"),
    ("children falling behind in phonics", "Daily phonics catch-up in small groups"),
    ("cutting persistent absence", "First-day calling for absence"),
    ("pupils arriving late in the morning", "Breakfast club that got children to school on time"),
    ("multiplication facts", "Times tables fluency in five minutes a day"),
    ("planning lessons together with another school", "Lesson study in mathematics with a partner school"),
    ("how can our governing board challenge the head", "Governors who ask better questions"),
    ("pupils with EHC plans", "One-page profiles for pupils with SEND"),
    ("anxious children", "Worry boxes and a calm corner"),
    ("we cannot recruit teachers", "Growing our own teachers"),
]


@pytest.mark.parametrize(("question", "answer"), QUESTIONS)
def test_the_right_item_comes_first(library: dict[str, PracticeItem], question: str, answer: str) -> None:
    ranked = search(PracticeItem.objects.all(), question, mode=BOTH)
    assert ranked, question
    titles = dict(PracticeItem.objects.values_list("pk", "title"))
    assert titles[ranked[0]] == answer, [titles[pk] for pk in ranked[:3]]


def test_meaning_finds_what_shares_no_word_with_the_question(library: dict[str, PracticeItem]) -> None:
    # No word of it is in any item; only meaning connects it to the boys' book club.
    question = "encouraging lads to enjoy stories"
    assert search(PracticeItem.objects.all(), question, mode=FULLTEXT) == []
    ranked = search(PracticeItem.objects.all(), question, mode=SEMANTIC)
    assert ranked[0] == library["A book club for boys in Year 5"].pk


def test_search_keeps_to_the_items_it_is_given(library: dict[str, PracticeItem]) -> None:
    only_maths = PracticeItem.objects.filter(areas__area="maths")
    ranked = search(only_maths, "reading phonics boys", mode=BOTH)
    assert set(ranked) <= set(only_maths.values_list("pk", flat=True))


def test_an_edited_item_is_found_by_its_new_words_and_not_its_old(library: dict[str, PracticeItem]) -> None:
    item = library["Worry boxes and a calm corner"]
    item.title = "Mindfulness minutes after lunch"
    item.body = "Three minutes of breathing exercises after lunch."
    item.save()
    assert item.pk in search(PracticeItem.objects.all(), "breathing", mode=FULLTEXT)
    assert item.pk not in search(PracticeItem.objects.all(), "calm corner", mode=FULLTEXT)
