"""Who reads, shares, edits, withdraws, comments, tries, reports and moderates — both ways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.accounts.models import User
from evenbetter.practice import services
from evenbetter.practice.models import Comment, PracticeItem, Report, Tried, Visible
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

READERS = ["system_lead", "partnership_lead", "school_leader_a", "school_leader_b", "governor", "partner_agency"]


@pytest.fixture
def item(school_a: School, school_leader_a: User) -> PracticeItem:
    return services.item_create(
        author=school_leader_a, schools=[school_a], kind="story", title="Phonics catch-up", phase="primary",
        summary="Ten minutes a day.", body="Small groups **every** afternoon.", areas=["reading"],
    )  # fmt: skip


@pytest.mark.parametrize("persona", [*READERS, "outsider", "anonymous"])
def test_everyone_with_a_role_reads_the_library_and_no_one_else(
    client_for: Callable[[str], Client], item: PracticeItem, persona: str
) -> None:
    client = client_for(persona)
    detail = client.get(reverse("practice_detail", args=[item.pk]))
    library = client.get(reverse("practice_library"))
    if persona in READERS:
        assert detail.status_code == 200 and b"<strong>every</strong>" in detail.content
        assert library.status_code == 200 and b"Phonics catch-up" in library.content
    elif persona == "outsider":
        assert detail.status_code == 403 and library.status_code == 403
    else:
        assert detail.status_code == 302 and library.status_code == 302


SHARES_FOR_A = {"system_lead", "partnership_lead", "school_leader_a"}


@pytest.mark.parametrize("persona", [*READERS, "outsider"])
def test_only_those_who_see_a_school_in_full_share_for_it(
    client_for: Callable[[str], Client], school_a: School, persona: str
) -> None:
    response = client_for(persona).post(
        reverse("practice_create"),
        {"school": school_a.pk, "kind": "idea", "title": "Mine", "summary": "S", "body": "B", "areas": ["maths"],
         "phase": "primary"},
    )  # fmt: skip
    made = PracticeItem.objects.filter(title="Mine").exists()
    assert made is (persona in SHARES_FOR_A), response.status_code
    if persona not in SHARES_FOR_A:
        assert response.status_code in (400, 403)


@pytest.mark.parametrize("persona", READERS)
def test_only_the_author_edits_and_withdraws(
    client_for: Callable[[str], Client], item: PracticeItem, persona: str
) -> None:
    client = client_for(persona)
    edit = client.post(
        reverse("practice_edit", args=[item.pk]),
        {"kind": "story", "title": "Changed", "summary": "S", "body": "B", "areas": ["reading"], "phase": "any"},
    )
    client.post(reverse("practice_action", args=[item.pk, "withdraw"]))
    item.refresh_from_db()
    if persona == "school_leader_a":
        assert edit.status_code == 302 and item.title == "Changed" and item.status == Visible.WITHDRAWN
    else:
        assert edit.status_code == 403 and item.title == "Phonics catch-up" and item.status == Visible.PUBLISHED


def test_a_withdrawn_item_is_gone_for_others_but_not_for_its_author_or_the_moderators(
    client_for: Callable[[str], Client], item: PracticeItem, school_leader_a: User
) -> None:
    services.item_withdraw(item=item, by=school_leader_a)
    url = reverse("practice_detail", args=[item.pk])
    assert client_for("school_leader_b").get(url).status_code == 404
    assert b"Phonics catch-up" not in client_for("school_leader_b").get(reverse("practice_library")).content
    assert client_for("school_leader_a").get(url).status_code == 200
    assert client_for("system_lead").get(url).status_code == 200


@pytest.mark.parametrize("persona", READERS)
def test_only_system_leads_hide_and_the_author_cannot_undo_it(
    client_for: Callable[[str], Client], item: PracticeItem, persona: str
) -> None:
    Report.objects.create(item=item, reason="Names a pupil")
    client_for(persona).post(reverse("practice_action", args=[item.pk, "hide"]), {"note": "Names a pupil"})
    item.refresh_from_db()
    hidden = persona == "system_lead"
    assert (item.status == Visible.HIDDEN) is hidden
    assert Report.objects.filter(resolved_at__isnull=False).exists() is hidden
    if hidden:
        # The author sees it with the moderator's note, and can neither edit nor republish it.
        author = client_for("school_leader_a")
        page = author.get(reverse("practice_detail", args=[item.pk]))
        assert b"Hidden by a moderator" in page.content and b"Names a pupil" in page.content
        author.post(reverse("practice_action", args=[item.pk, "withdraw"]))
        item.refresh_from_db()
        assert item.status == Visible.HIDDEN
        assert client_for("school_leader_b").get(reverse("practice_detail", args=[item.pk])).status_code == 404


def test_comments_replies_tries_and_reports_by_readers(
    client_for: Callable[[str], Client], item: PracticeItem, school_b: School
) -> None:
    governor = client_for("governor")
    governor.post(reverse("practice_action", args=[item.pk, "comment"]), {"body": "We might try this"})
    comment = Comment.objects.get()
    leader_b = client_for("school_leader_b")
    leader_b.post(reverse("practice_action", args=[item.pk, "comment"]), {"body": "So did we", "parent": comment.pk})
    assert Comment.objects.get(parent=comment).body == "So did we"
    # "We tried this" is said for one's own school only.
    leader_b.post(
        reverse("practice_action", args=[item.pk, "tried"]),
        {"school": school_b.pk, "outcome": "worked", "started_on": "2024-09-04"},
    )
    assert Tried.objects.get().school == school_b
    governor.post(
        reverse("practice_action", args=[item.pk, "tried"]),
        {"school": school_b.pk, "outcome": "worked", "started_on": "2024-09-04"},
    )
    assert Tried.objects.count() == 1
    # Only its author edits or withdraws a comment.
    leader_b.post(reverse("practice_comment_action", args=[comment.pk, "edit"]), {"body": "Hijacked"})
    leader_b.post(reverse("practice_comment_action", args=[comment.pk, "withdraw"]))
    comment.refresh_from_db()
    assert comment.body == "We might try this" and comment.status == Visible.PUBLISHED
    governor.post(reverse("practice_comment_action", args=[comment.pk, "edit"]), {"body": "We will try this"})
    comment.refresh_from_db()
    assert comment.body == "We will try this" and comment.edited_at is not None
    # Anyone reads and reports; a report reaches the moderators' queue, which only they see.
    leader_b.post(reverse("practice_comment_action", args=[comment.pk, "report"]), {"reason": "Off topic"})
    assert Report.objects.get().comment == comment
    assert client_for("school_leader_b").get(reverse("practice_reports")).status_code == 403
    assert b"Off topic" in client_for("system_lead").get(reverse("practice_reports")).content
