"""A staff member of school A shares and comments in the practice library and records contacts
for its own school — never for another; workforce returns stay with those who see it in full."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.partnerships.models import Contact
from evenbetter.practice import services as practice
from evenbetter.practice.models import Comment, PracticeItem
from evenbetter.schools.models import School


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _item(school: School) -> dict[str, object]:
    return {
        "school": school.pk, "kind": "idea", "title": "Lunchtime reading", "summary": "Books at lunch.",
        "body": "Older pupils read with younger ones.", "areas": ["reading"], "phase": "primary",
    }  # fmt: skip


def test_a_staff_member_shares_practice_for_its_own_school_only(
    staff_member: User, school_a: School, school_b: School
) -> None:
    client = _signed_in(staff_member)
    assert client.get(reverse("practice_create")).status_code == 200
    assert client.post(reverse("practice_create"), _item(school_a)).status_code == 302
    assert list(PracticeItem.objects.values_list("author__username", "schools")) == [("staff_member", school_a.pk)]
    assert client.post(reverse("practice_create"), _item(school_b)).status_code == 400
    assert PracticeItem.objects.count() == 1


def test_a_staff_member_comments(staff_member: User, school_leader_b: User, school_b: School) -> None:
    item = practice.item_create(
        author=school_leader_b, schools=[school_b], kind="idea", title="Phonics", summary="S", body="B",
        phase="primary", areas=["reading"],
    )  # fmt: skip
    answer = _signed_in(staff_member).post(
        reverse("practice_action", args=[item.pk, "comment"]), {"body": "We tried this in Year 2."}
    )
    assert answer.status_code == 302
    assert Comment.objects.get().author == staff_member


def test_a_staff_member_records_contacts_for_its_own_school_only(
    staff_member: User, school_a: School, school_b: School, school_c: School
) -> None:
    client = _signed_in(staff_member)
    visit = {"other_urn": school_c.urn, "kind": "visit", "happened_on": (dt.date.today() - dt.timedelta(days=1))}
    assert client.get(reverse("contact_create", args=[school_a.pk])).status_code == 200
    assert client.post(reverse("contact_create", args=[school_a.pk]), visit).status_code == 302
    assert Contact.objects.count() == 1
    assert client.post(reverse("contact_create", args=[school_b.pk]), visit).status_code == 403
    assert Contact.objects.count() == 1
    # The school page's partnership life offers the contact, not the workforce return.
    section = client.get(reverse("school_section", args=[school_a.pk, "partnership-life"])).content.decode()
    assert reverse("contact_create", args=[school_a.pk]) in section
    assert reverse("workforce_return", args=[school_a.pk]) not in section
    assert client.get(reverse("workforce_return", args=[school_a.pk])).status_code == 403
    assert client.get(reverse("board_meeting_create", args=[school_a.pk])).status_code == 403
