"""Who sees a help request, and the suggestions for one.

Asking must feel safe: a request is seen as its school chose —

- **named**: every system, partnership and school leader sees it, and who asked;
- **anonymous**: they see the request, not the school; the brokers (system leads and the
  school's partnership lead) see who;
- **broker only**: only the brokers see it.

The requesting school's own people (its leaders, its governors) always see its requests,
and so do the leaders and governors of the school a broker suggested to help (they need to
know who they would help). A partner agency's users see the requests addressed to their
agency (by the school, or by a broker who suggested it), and who asked, and no other
request. Offers of support are public to whoever sees public data; an agency's users see
their agency's own.

**A help request as a given person may see it** has one home: ``help_request_seen_by``
(a ``HelpRequestView``: the asking school, or None and plain words when it is hidden
from the reader; the school helping only for those who follow the support). The pages,
the export, the API and the school profile all show it; ``who_asked_shown_condition``
is the same rule as a query, for filtering.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.partnerships.models import Agency
from evenbetter.schools.access import SchoolAccess, school_access
from evenbetter.schools.models import School
from evenbetter.support.models import HelpRequest, SupportOffer


def is_broker_for(user: AnyUser, school: School) -> bool:
    """The brokers of a school's requests: system leads, and the leads of its partnerships and
    of its locality."""
    scope = scope_of(user)
    return scope.is_system_lead or school.pk in scope.led_group_school_ids


def can_see_help_requests(user: AnyUser) -> bool:
    """The list of help asked and offered: school, partnership and system leads, governors,
    and the users of an agency (the requests addressed to it and its own offers)."""
    scope = scope_of(user)
    return scope.sees_public_data or bool(scope.governed_school_ids or scope.agency_ids)


def can_see_help_summary(user: AnyUser) -> bool:
    """The view of help asked and given in aggregate is for the brokers: system, locality and
    partnership leads."""
    scope = scope_of(user)
    return scope.is_system_lead or scope.leads_a_group


def help_requests_visible_to(user: AnyUser) -> QuerySet[HelpRequest]:
    scope = scope_of(user)
    requests = HelpRequest.objects.select_related("school").exclude(status=HelpRequest.Status.WITHDRAWN)
    if scope.is_system_lead:
        return requests
    own_schools = scope.school_ids | scope.governed_school_ids
    own = (
        Q(school_id__in=own_schools | scope.led_group_school_ids)
        | Q(supporter_id__in=own_schools)
        | Q(supporter_agency_id__in=scope.agency_ids)
    )
    if scope.sees_public_data:
        return requests.filter(own | Q(visibility__in=[HelpRequest.Visibility.NAMED, HelpRequest.Visibility.ANONYMOUS]))
    return requests.filter(own)


def shows_who_asked(user: AnyUser, request: HelpRequest) -> bool:
    if request.visibility == HelpRequest.Visibility.NAMED:
        return True
    scope = scope_of(user)
    if request.supporter_id is not None and request.supporter_id in scope.school_ids | scope.governed_school_ids:
        return True
    if request.supporter_agency_id is not None and request.supporter_agency_id in scope.agency_ids:
        return True
    return is_broker_for(user, request.school) or school_access(user, request.school) in (
        SchoolAccess.FULL,
        SchoolAccess.GOVERNOR,
    )


def who_asked_shown_condition(user: AnyUser) -> Q:
    """The requests whose school the user is told, as a query: the same rule as
    ``shows_who_asked`` (named requests; the brokers; the school's own people; the school
    suggested to help). Filtering by school uses it, so that asking for one school's
    requests never reveals that an anonymous request was theirs."""
    scope = scope_of(user)
    if scope.is_system_lead:
        return Q()
    own = scope.school_ids | scope.governed_school_ids
    return (
        Q(visibility=HelpRequest.Visibility.NAMED)
        | Q(supporter_id__in=own)
        | Q(supporter_agency_id__in=scope.agency_ids)
        | Q(school_id__in=scope.full_school_ids | scope.governed_school_ids)
    )


def anonymous_school_words(school: School) -> str:
    """A school that is not named, in plain words: "A primary school (anonymous)"."""
    return f"A {school.phase.lower()} school (anonymous)" if school.phase else "A school (anonymous)"


@dataclass(frozen=True)
class HelpRequestView:
    """A help request as one reader may see it. ``school`` is None when the reader may not
    know who asked (``school_label`` then says so in plain words); ``supporter`` (a school)
    and ``supporter_agency`` are None unless the reader follows the support (``involved``:
    its steps, log and reviews)."""

    help_request: HelpRequest
    school: School | None
    school_label: str
    supporter: School | None
    involved: bool
    supporter_agency: Agency | None = None

    @property
    def named(self) -> bool:
        return self.school is not None

    @property
    def supporter_name(self) -> str:
        """Who helps, school or agency, as this reader may know it ("" when none or hidden)."""
        if self.supporter_agency is not None:
            return self.supporter_agency.name
        return self.supporter.name if self.supporter is not None else ""


def help_request_seen_by(user: AnyUser, help_request: HelpRequest) -> HelpRequestView:
    """The one redacted view of a help request: pages, export, API and profile show this."""
    shown = shows_who_asked(user, help_request)
    involved = sees_brokerage(user, help_request)
    return HelpRequestView(
        help_request=help_request,
        school=help_request.school if shown else None,
        school_label=help_request.school.name if shown else anonymous_school_words(help_request.school),
        supporter=help_request.supporter if involved and help_request.supporter_id is not None else None,
        involved=involved,
        supporter_agency=(
            help_request.supporter_agency if involved and help_request.supporter_agency_id is not None else None
        ),
    )


def sees_brokerage(user: AnyUser, request: HelpRequest) -> bool:
    """The school's and its supporter's people (a school's, or an agency's users) and the
    brokers follow a support: its steps, log and reviews."""
    scope = scope_of(user)
    own = scope.school_ids | scope.governed_school_ids
    return (
        is_broker_for(user, request.school)
        or request.school_id in own
        or request.supporter_id in own
        or (request.supporter_agency_id is not None and request.supporter_agency_id in scope.agency_ids)
    )


def help_requests_brokered_by(user: AnyUser) -> QuerySet[HelpRequest]:
    """The requests a user brokers: every one for a system lead, their partnership's or
    locality's for a lead."""
    scope = scope_of(user)
    requests = HelpRequest.objects.all()
    return requests if scope.is_system_lead else requests.filter(school_id__in=scope.led_group_school_ids)


def can_ask_for(user: AnyUser, school: School) -> bool:
    """A school's leaders ask; a partnership or system lead may ask on its behalf."""
    return school_access(user, school) == SchoolAccess.FULL


def can_offer_for(user: AnyUser, school: School) -> bool:
    return school_access(user, school) == SchoolAccess.FULL


def can_offer_for_agency(user: AnyUser, agency: Agency) -> bool:
    """An agency's own users publish its offers; system leads may for it."""
    scope = scope_of(user)
    return scope.is_system_lead or agency.pk in scope.agency_ids


def agencies_of(user: AnyUser) -> QuerySet[Agency]:
    """The agencies the user works for."""
    return Agency.objects.filter(pk__in=scope_of(user).agency_ids).order_by("name")


def agencies_to_ask(school: School) -> QuerySet[Agency]:
    """The agencies and services a school may address a request to: those that offer help
    in some area, and those that already work with the school or its localities."""
    offering = Q(support_offers__active=True)
    linked = Q(links__school=school) | Q(links__locality__in=school.localities.values("pk"))
    return Agency.objects.filter(pk__in=Agency.objects.filter(offering | linked).values("pk")).order_by("name")


def can_see_suggestions(user: AnyUser, request: HelpRequest) -> bool:
    """The school that asked and its brokers see who could help."""
    return is_broker_for(user, request.school) or request.school_id in scope_of(user).school_ids


def offers_visible_to(user: AnyUser) -> QuerySet[SupportOffer]:
    scope = scope_of(user)
    offers = SupportOffer.objects.filter(active=True).select_related("school", "agency")
    if scope.sees_public_data:
        return offers
    return offers.filter(agency_id__in=scope.agency_ids)


OPEN = (
    HelpRequest.Status.REQUESTED,
    HelpRequest.Status.SUGGESTED,
    HelpRequest.Status.AGREED,
    HelpRequest.Status.IN_PROGRESS,
)


def open_requests_by_school(school_ids: list[int]) -> dict[int, list[HelpRequest]]:
    """Each school's requests not yet reviewed, closed or withdrawn, for the watch list
    (whose readers, system and partnership leads, are the brokers of these schools)."""
    found: dict[int, list[HelpRequest]] = {}
    for request in HelpRequest.objects.filter(school_id__in=school_ids, status__in=OPEN).order_by("created_at"):
        found.setdefault(request.school_id, []).append(request)
    return found


def schools_with_help_under_way() -> frozenset[int]:
    """The schools that asked for help still under way, or give it: a school outside them has
    no such request for anyone to see (``figures_cache.records_holders``, kept until the support
    records change)."""
    under_way = HelpRequest.objects.exclude(status__in=[HelpRequest.Status.CLOSED, HelpRequest.Status.WITHDRAWN])
    pairs = under_way.order_by().values_list("school_id", "supporter_id")
    return frozenset(school for pair in pairs for school in pair if school is not None)
