"""The weekly digest: what is new in the areas and items a user follows, once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.practice import services
from evenbetter.practice.models import PracticeItem
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db


def _item(author: User, school: School, title: str, area: str) -> PracticeItem:
    return services.item_create(
        author=author, schools=[school], kind="idea", title=title, summary="S", body="B", phase="any", areas=[area]
    )


def test_followers_get_what_is_new_in_their_areas_and_items_once(
    school_a: School, school_b: School, school_leader_a: User, school_leader_b: User, governor: User
) -> None:
    old = _item(school_leader_a, school_a, "An old maths idea", "maths")
    PracticeItem.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    services.follow_toggle(user=school_leader_b, area="maths")
    services.follow_toggle(user=governor, item=old)
    _item(school_leader_a, school_a, "Fractions with paper strips", "maths")
    _item(school_leader_a, school_a, "A reading idea nobody follows", "reading")
    _item(school_leader_b, school_b, "B's own maths idea", "maths")  # one's own item is not news to oneself
    services.comment_create(item=old, author=school_leader_b, body="Still works for us")

    call_command("practice_digest", stdout=io.StringIO())
    by_person = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_person) == {"school_leader_b@example.org", "governor@example.org"}
    assert "Fractions with paper strips" in by_person["school_leader_b@example.org"]
    assert "nobody follows" not in by_person["school_leader_b@example.org"]
    assert "B's own maths idea" not in by_person["school_leader_b@example.org"]
    assert "An old maths idea" not in by_person["school_leader_b@example.org"]  # older than a week
    assert "Still works for us" in by_person["governor@example.org"]

    mail.outbox.clear()
    call_command("practice_digest", stdout=io.StringIO())
    assert mail.outbox == []  # run again the same day: nothing twice
