"""Reads of the API, each composed from the scoped selectors the web uses.

Nothing here widens what a person sees: every query starts from ``scope_of`` and the
selectors of the apps (``schools_visible_to``, ``sees_local_records``, ``risk_visible_to``,
``help_requests_visible_to``), and the tests in ``tests/api`` check each against the web
page it mirrors.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import AnyUser, UserScope, scope_of
from evenbetter.api.models import ApiToken
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.selectors import current_run, risk_school_ids_visible_to, risk_visible_to, riskiest_first
from evenbetter.indicators.models import Indicator, Observation
from evenbetter.schools.access import schools_visible_to
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import can_see_help_requests, help_requests_visible_to


def may_read_register(user: AnyUser) -> bool:
    """The schools directory opens to whoever may see at least one school (as on the web)."""
    return schools_visible_to(user).exists()


def local_record_school_ids(scope: UserScope) -> frozenset[int]:
    """The schools whose local records the user sees, besides a system lead's all: those it
    sees in full, governs or works in (``indicators.selectors.sees_local_records``)."""
    return scope.full_school_ids | scope.governed_school_ids | scope.staff_school_ids


def sees_any_local_records(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_system_lead or bool(local_record_school_ids(scope))


def indicators_visible_to(user: AnyUser) -> QuerySet[Indicator]:
    """The catalogue: published indicators for whoever sees a school; local records (not
    published) only for those who see some school's local records."""
    if not may_read_register(user):
        return Indicator.objects.none()
    indicators = Indicator.objects.order_by("domain", "name", "code")
    if not sees_any_local_records(user):
        indicators = indicators.filter(is_public=True)
    return indicators


def observations_visible_to(user: AnyUser) -> QuerySet[Observation]:
    """Every value the user would see on the schools' pages (``school_indicator_series``):
    published indicators of every school it may open, local records of the schools it sees
    in full or governs."""
    scope = scope_of(user)
    observations = Observation.objects.select_related("indicator", "school")
    if scope.is_system_lead:
        return observations
    if scope.sees_public_data:
        published = Q(indicator__is_public=True)
    else:
        published = Q(indicator__is_public=True, school__in=schools_visible_to(user).values("pk"))
    local = Q(indicator__is_public=False, school_id__in=local_record_school_ids(scope))
    return observations.filter(published | local)


def may_read_risk(user: AnyUser) -> bool:
    ids = risk_school_ids_visible_to(user)
    return ids is None or bool(ids)


def current_risk_visible_to(user: AnyUser) -> QuerySet[RiskScore]:
    """The current run's scores the user may see: every school's for a system lead, else the
    schools it sees in full or governs (``earlywarning.selectors``)."""
    run = current_run()
    if run is None:
        return RiskScore.objects.none()
    return riskiest_first(risk_visible_to(user).filter(run=run), user)


def may_read_help_requests(user: AnyUser) -> bool:
    """As the web's list of requests (the one rule, ``support.selectors.can_see_help_requests``):
    school, partnership and system leads, governors, and an agency's users (the requests
    addressed to their agency)."""
    return can_see_help_requests(user)


def help_requests_readable_by(user: AnyUser) -> QuerySet[HelpRequest]:
    if not may_read_help_requests(user):
        return HelpRequest.objects.none()
    return (
        help_requests_visible_to(user)
        .select_related("school", "supporter", "supporter_agency")
        .order_by("-created_at", "-pk")
    )


def may_have_api_tokens(user: AnyUser) -> bool:
    """Who may list, make and revoke their own API tokens: whoever is signed in, with any role or
    none, as the token endpoint (``views.ApiTokenViewSet``, behind ``IsAuthenticated``) and the API
    page (``token_pages``) both ask. A token reads only what its person may read on the web, so
    one without a role reads nothing more than a signed-in page would show them."""
    return bool(user.is_authenticated and user.is_active)


def tokens_of(user: AnyUser) -> QuerySet[ApiToken]:
    """The person's own tokens: those not revoked first (working or expired), newest first; then
    the revoked ones, the latest revoked first."""
    if not isinstance(user, User) or not may_have_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
