"""Who reads, contributes to and moderates the practice library.

- **Read** (items, comments, tries, attachments): everyone with a role — system,
  partnership and school leaders, governors and partner agencies: "everyone has something
  to add". A signed-in account with no role sees nothing; anonymous visitors sign in first.
- **Contribute** an item for a school: those who see the school in full (its leaders, its
  partnership lead, system leads). Comment, say "we tried this" (for a school one leads),
  follow and report: every reader.
- **Edit and withdraw**: the author of an item or comment, and no-one else.
- **Moderate** (hide, restore, resolve reports): system leads.

A withdrawn or hidden item or comment is seen only by its author and system leads (with
what happened to it); everyone else gets "not found".

What the tries achieved (``measured.py``) is read with the item: every reader of an item
sees all its tries, and the measurements rest on published results, so the same rows serve
every reader and the pooled figures are over every try of the item.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.practice.models import Comment, PooledResult, PracticeItem, Tried, TriedResult, Verdict, Visible
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School


def is_reader(user: AnyUser) -> bool:
    return bool(scope_of(user).roles)


def is_moderator(user: AnyUser) -> bool:
    return scope_of(user).is_system_lead


def items_visible_to(user: AnyUser) -> QuerySet[PracticeItem]:
    if not is_reader(user):
        return PracticeItem.objects.none()
    items = PracticeItem.objects.all()
    if is_moderator(user):
        return items
    return items.filter(Q(status=Visible.PUBLISHED) | Q(author_id=user.pk))


def published_items(user: AnyUser) -> QuerySet[PracticeItem]:
    """What lists, search and panels show: published items only, even to their authors."""
    return items_visible_to(user).filter(status=Visible.PUBLISHED)


def comments_visible_to(user: AnyUser, item: PracticeItem) -> QuerySet[Comment]:
    comments = item.comments.select_related("author")
    if is_moderator(user):
        return comments
    return comments.filter(Q(status=Visible.PUBLISHED) | Q(author_id=user.pk))


def can_contribute_for(user: AnyUser, school: School) -> bool:
    return school_access(user, school) == SchoolAccess.FULL


def schools_contributing_for(user: AnyUser) -> QuerySet[School]:
    """The schools a user may share practice for: own schools first for a school leader."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return School.objects.exclude(status=School.Status.CLOSED)
    return School.objects.filter(pk__in=scope.school_ids | scope.led_group_school_ids)


def schools_trying_for(user: AnyUser) -> QuerySet[School]:
    """A school says "we tried this" through its own leaders only."""
    return School.objects.filter(pk__in=scope_of(user).school_ids)


def can_edit(user: AnyUser, item: PracticeItem | Comment) -> bool:
    return user.is_authenticated and item.author_id == user.pk and item.status != Visible.HIDDEN


def most_tried(user: AnyUser, limit: int = 5) -> QuerySet[PracticeItem]:
    return (
        published_items(user)
        .filter(kind=PracticeItem.Kind.IDEA)
        .annotate(tried=Count("tries"))
        .filter(tried__gt=0)
        .order_by("-tried", "-created_at")[:limit]
    )


def by_evidence(items: QuerySet[PracticeItem]) -> QuerySet[PracticeItem]:
    """The strongest measured effect with a clear verdict first, then no clear difference, then
    worse, then what could not be judged; items not measured at all last; newest first within."""
    return items.order_by(
        F("evidence__rank").asc(nulls_last=True), F("evidence__strength").desc(nulls_last=True), "-created_at", "-pk"
    )


def tries_with_results(item: PracticeItem) -> QuerySet[Tried]:
    return item.tries.select_related("school").prefetch_related("results")


def pooled_results(item: PracticeItem) -> QuerySet[PooledResult]:
    return item.pooled_results.all()


@dataclass(frozen=True)
class SchoolTry:
    tried: Tried
    headline: TriedResult | None  # its first indicator that could be judged, else its first


def tried_by(user: AnyUser, school: School, limit: int = 10) -> list[SchoolTry]:
    """What a school tried from the items the reader may see, newest first, each with the
    line that heads what changed there."""
    tries = (
        Tried.objects.filter(school=school, item__in=published_items(user))
        .select_related("item")
        .prefetch_related("results")
        .order_by("-started_on", "-pk")[:limit]
    )
    judged = (Verdict.BETTER, Verdict.UNCLEAR, Verdict.WORSE)
    found = []
    for tried in tries:
        results = list(tried.results.all())
        headline = next((r for r in results if r.verdict in judged), results[0] if results else None)
        found.append(SchoolTry(tried, headline))
    return found
