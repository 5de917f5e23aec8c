"""The REST API, version 1. Thin, as the web's views are: authorize, call a scoped selector,
serialize. Who may read what is the web's rule in every case (see ``selectors.py``)."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import scope_of
from evenbetter.api import serializers as api
from evenbetter.api.models import ApiToken
from evenbetter.api.pagination import CountKeptPagination
from evenbetter.api.reference import reference_from
from evenbetter.api.selectors import (
    current_risk_visible_to,
    help_requests_readable_by,
    indicators_visible_to,
    may_have_api_tokens,
    may_read_help_requests,
    may_read_register,
    may_read_risk,
    observations_visible_to,
)
from evenbetter.api.services import token_create, token_revoke
from evenbetter.benchmarks.selectors import family_of_school, school_benchmarks
from evenbetter.earlywarning.selectors import can_see_risk_of, current_run, risk_read, risk_reads_record
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.indicators.selectors import can_import_data, import_runs_visible_to
from evenbetter.ingest.runner import import_file
from evenbetter.schools.access import (
    SchoolAccess,
    localities_visible_to,
    partnerships_visible_to,
    school_with_access,
    schools_visible_to,
)
from evenbetter.schools.models import School
from evenbetter.schools.selectors import DirectoryFilters, school_directory, school_partnership_memberships
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import who_asked_shown_condition

ERROR = OpenApiResponse(api.ErrorSerializer, description="Why not, in words")
INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="What is wrong with each parameter")
# Every operation may be refused: no or a bad token (401), no right to it (403), too many requests (429).
REFUSALS = {401: ERROR, 403: ERROR, 429: ERROR}
ID_PATTERN = r"[0-9]+"


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):  # IsAuthenticated has let only users through
        raise PermissionDenied("Sign in first.")
    return request.user


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    found = serializer_class(data=request.query_params)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


def _school_for(request: Request, pk: str | int) -> tuple[School, SchoolAccess]:
    """As the web's school pages: not found when there is none, refused when the user may not open it."""
    return school_with_access(request.user, pk=int(pk))


# --- schools ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Schools you may open",
        description="The schools directory: every school whose page you may open, filtered. "
        "Refused (403) for an account that may open none.",
        parameters=[api.SchoolFilterSerializer],
        responses={200: api.SchoolSerializer(many=True), 400: INVALID, **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One school",
        description="Its register facts, your access to it and its current partnerships you may see.",
        responses={200: api.SchoolDetailSerializer, 404: ERROR, **REFUSALS},
    ),
)
class SchoolViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = api.SchoolSerializer

    def get_queryset(self) -> QuerySet[School]:
        user = self.request.user
        if not may_read_register(user):
            raise PermissionDenied("Your account does not give you access to the schools directory.")
        filters = _filters(api.SchoolFilterSerializer, self.request)
        locality = partnership = None
        if filters.get("locality"):
            locality = localities_visible_to(user).filter(slug=filters["locality"]).first()
            if locality is None:
                raise ValidationError({"locality": ["No locality you may see has this slug."]})
        if filters.get("partnership"):
            partnership = partnerships_visible_to(user).filter(slug=filters["partnership"]).first()
            if partnership is None:
                raise ValidationError({"partnership": ["No partnership you may see has this slug."]})
        schools = school_directory(
            user=user,
            filters=DirectoryFilters(
                query=filters.get("search", ""),
                phase=filters.get("phase", ""),
                locality=locality,
                partnership=partnership,
                status=filters["status"],
            ),
        )
        if "urn" in filters:
            schools = schools.filter(urn=filters["urn"])
        return schools.prefetch_related("localities")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(api.SchoolSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        school, access = _school_for(request, pk)
        memberships = list(school_partnership_memberships(user=request.user, school=school))
        context = {"access": access, "memberships": memberships, "request": request}
        return Response(api.SchoolDetailSerializer(school, context=context).data)

    @extend_schema(
        summary="A school's family of similar schools, and why each is in it",
        responses={200: api.FamilySerializer, 404: ERROR, **REFUSALS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def family(self, request: Request, pk: str) -> Response:
        school, _ = _school_for(request, pk)
        family = family_of_school(user=request.user, school=school)
        if family is None:  # pragma: no cover - _school_for refused already
            raise PermissionDenied("Your account does not give you access to this school.")
        data = {
            "school": school.pk,
            "computed_at": family.run.computed_at if family.run else None,
            "no_family_reason": family.no_family_reason,
            "members": family.rows,
        }
        return Response(api.FamilySerializer(data).data)

    @extend_schema(
        summary="A school's benchmarks against its family, its locality and all schools",
        description="Local records (not published) are included only for the school's own people and "
        "those who see it in full, as on its page.",
        parameters=[api.BenchmarkFilterSerializer],
        responses={200: api.BenchmarksSerializer, 400: INVALID, 404: ERROR, **REFUSALS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def benchmarks(self, request: Request, pk: str) -> Response:
        school, _ = _school_for(request, pk)
        filters = _filters(api.BenchmarkFilterSerializer, request)
        entries = school_benchmarks(user=request.user, school=school)
        if filters.get("indicator"):
            entries = [e for e in entries if e.indicator.code == filters["indicator"]]
        return Response(api.BenchmarksSerializer({"school": school.pk, "indicators": entries}).data)

    @extend_schema(
        summary="A school's current risk score, with its reasons and triggers",
        description="For the school's own leaders and governors and the leads who see it in full; "
        "every answer is written to the audit log, as a view of the school's risk page is.",
        responses={200: api.SchoolRiskSerializer, 404: ERROR, **REFUSALS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def risk(self, request: Request, pk: str) -> Response:
        school = get_object_or_404(School, pk=int(pk))
        if not can_see_risk_of(request.user, school):
            raise PermissionDenied("A school's risk is seen by the school itself and the leads who see it in full.")
        score = risk_read(request=request._request, user=_signed_in(request), school=school, via="api")
        data = {"school": school.pk, "run": current_run(), "score": score}
        return Response(api.SchoolRiskSerializer(data).data)


# --- indicators and values -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Indicators",
        description="The indicators the platform holds. Local records (not published) are listed only "
        "for those who see some school's local records: its own people and those who see it in full.",
        parameters=[api.IndicatorFilterSerializer],
        responses={200: api.IndicatorSerializer(many=True), 400: INVALID, **REFUSALS},
    ),
    retrieve=extend_schema(summary="One indicator", responses={200: api.IndicatorSerializer, 404: ERROR, **REFUSALS}),
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Indicator]:
        if not may_read_register(self.request.user):
            raise PermissionDenied("Your account does not give you access to any school's data.")
        indicators = indicators_visible_to(self.request.user)
        if self.action == "list":
            filters = _filters(api.IndicatorFilterSerializer, self.request)
            if filters.get("domain"):
                indicators = indicators.filter(domain=filters["domain"])
            if filters.get("is_public") is not None:
                indicators = indicators.filter(is_public=filters["is_public"])
        return indicators


@extend_schema_view(
    list=extend_schema(
        summary="Values of indicators",
        description="Exactly the values the schools' pages show you: published indicators of every school "
        "you may open; local records only of the schools you see in full or govern.",
        parameters=[api.ObservationFilterSerializer],
        responses={200: api.ObservationSerializer(many=True), 400: INVALID, **REFUSALS},
    ),
)
class ObservationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = api.ObservationSerializer
    # Its count is kept for the generation: a COUNT(*) over every visible value (millions for
    # a reader who sees all England) each page took seconds.
    pagination_class = CountKeptPagination

    def count_scope(self) -> object:
        """What the count depends on besides the query's SQL: the schools reached through a
        subquery (readers who do not see every school's published values)."""
        if scope_of(self.request.user).sees_public_data:
            return None
        return sorted(schools_visible_to(self.request.user).values_list("pk", flat=True))

    def get_queryset(self) -> QuerySet[Observation]:
        if not may_read_register(self.request.user):
            raise PermissionDenied("Your account does not give you access to any school's data.")
        filters = _filters(api.ObservationFilterSerializer, self.request)
        observations = observations_visible_to(self.request.user)
        if "school" in filters:
            observations = observations.filter(school_id=filters["school"])
        if "urn" in filters:
            observations = observations.filter(school__urn=filters["urn"])
        if filters.get("indicator"):
            observations = observations.filter(indicator__code=filters["indicator"])
        if filters.get("period"):
            observations = observations.filter(period=filters["period"])
        return observations.order_by("school_id", "indicator_id", "period_start", "pk")


# --- risk ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Risk scores of the current run",
        description="Riskiest first: every school's for a system lead; a partnership lead's member schools'; "
        "a school leader's or governor's own school's. Refused to everyone else. Each school on the page "
        "answered is written to the audit log as a view of its risk.",
        parameters=[api.RiskFilterSerializer],
        responses={200: api.RiskScoreSerializer(many=True), 400: INVALID, **REFUSALS},
    ),
)
class RiskScoreViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = api.RiskScoreSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if not may_read_risk(self.request.user):
            raise PermissionDenied("Risk is seen by a school's own people and the leads who see it in full.")
        filters = _filters(api.RiskFilterSerializer, self.request)
        scores = current_risk_visible_to(self.request.user)
        if "school" in filters:
            scores = scores.filter(school_id=filters["school"])
        if filters.get("band"):
            scores = scores.filter(band=filters["band"])
        return scores

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        risk_reads_record(request=request._request, user=_signed_in(request), scores=page, via="api")
        return self.get_paginated_response(api.RiskScoreSerializer(page, many=True).data)


# --- help requests -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Help requests",
        description="As the web shows them: named requests to every leader; anonymous ones without the "
        "school (except to its own people, its brokers and the school suggested to help); broker-only "
        "ones to the brokers and the school; to a partner agency's people, only the requests addressed to their agency. For leaders, governors and agencies; refused to everyone else.",
        parameters=[api.HelpRequestFilterSerializer],
        responses={200: api.HelpRequestSerializer(many=True), 400: INVALID, **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One help request", responses={200: api.HelpRequestSerializer, 404: ERROR, **REFUSALS}
    ),
)
class HelpRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.HelpRequestSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[HelpRequest]:
        if not may_read_help_requests(self.request.user):
            raise PermissionDenied(
                "Help requests are for school, partnership and system leads, governors and the agencies asked to help."
            )
        requests = help_requests_readable_by(self.request.user)
        if self.action == "list":
            filters = _filters(api.HelpRequestFilterSerializer, self.request)
            if filters.get("status"):
                requests = requests.filter(status=filters["status"])
            if filters.get("area"):
                requests = requests.filter(area=filters["area"])
            if "school" in filters:
                requests = requests.filter(who_asked_shown_condition(self.request.user), school_id=filters["school"])
        return requests


# --- imports ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Imports",
        description="System leads only.",
        responses={200: api.ImportRunSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(summary="One import", responses={200: api.ImportRunSerializer, 404: ERROR, **REFUSALS}),
)
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = api.ImportRunSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[ImportRun]:
        if not can_import_data(self.request.user):
            raise PermissionDenied("Only system leads import data and see the imports.")
        return import_runs_visible_to(self.request.user)

    @extend_schema(
        summary="Import a file of values (or any other format the platform reads)",
        description="The same importers as the command line and the web, all or nothing: a file with any "
        "error writes nothing and is answered 422 with every problem (file, line, column). "
        "`dry_run` checks and counts what would change, writing nothing (200). System leads only.",
        request={"multipart/form-data": api.ImportUploadSerializer},
        responses={
            201: OpenApiResponse(api.ImportRunSerializer, description="Imported"),
            200: OpenApiResponse(api.ImportRunSerializer, description="Dry run: checked, nothing written"),
            422: OpenApiResponse(api.ImportRunSerializer, description="Rejected: nothing written; see problems"),
            400: INVALID,
            **REFUSALS,
        },
    )
    def create(self, request: Request) -> Response:
        user = _signed_in(request)
        if not can_import_data(user):
            raise PermissionDenied("Only system leads import data.")
        upload = api.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        run = import_file(
            content=data["file"].read(),
            file_name=data["file"].name or "upload",
            source_format=data["format"],
            run_by=user,
            dry_run=data["dry_run"],
            **upload.format_options(),
        )
        answer: int
        if run.status == ImportRun.Status.FAILED:
            answer = status.HTTP_422_UNPROCESSABLE_ENTITY
        elif run.status == ImportRun.Status.DRY_RUN:
            answer = status.HTTP_200_OK
        else:
            answer = status.HTTP_201_CREATED
        return Response(api.ImportRunSerializer(run).data, status=answer)


# --- tokens -----------------------------------------------------------------------------------


def _token_holder(request: Request) -> User:
    """The signed-in person, if they may have tokens: the API tokens page's rule too."""
    user = _signed_in(request)
    if not may_have_api_tokens(user):  # pragma: no cover - every signed-in account may
        raise PermissionDenied("Your account may not use the API.")
    return user


@extend_schema_view(
    list=extend_schema(summary="Your API tokens", responses={200: api.ApiTokenSerializer(many=True), **REFUSALS}),
    destroy=extend_schema(
        summary="Revoke a token",
        description="Your own, or (for a system lead) anyone's. It stops working at once; the audit log says who revoked it.",
        responses={204: None, 404: ERROR, **REFUSALS},
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = api.ApiTokenSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[ApiToken]:
        user = _token_holder(self.request)
        tokens = ApiToken.objects.select_related("user")
        if self.action == "destroy" and scope_of(user).is_system_lead:
            return tokens
        return tokens.filter(user=user)

    @extend_schema(
        summary="Make a token",
        description="Only from a signed-in web session, never with a token: a token cannot "
        "make another. The token is in the answer this once; it works for 30, 90 (unless said) or 365 "
        "days, then the API refuses it. A system lead may make one for another "
        "account by giving its username. People make and revoke their own on the API tokens page "
        "(/api-tokens/).",
        request=api.ApiTokenCreateSerializer,
        responses={201: api.ApiTokenCreatedSerializer, 400: INVALID, **REFUSALS},
    )
    def create(self, request: Request) -> Response:
        user = _token_holder(request)
        if request.auth is not None:
            raise PermissionDenied("Sign in on the web to make a token: a token cannot make another.")
        asks_for_another = isinstance(request.data, dict) and "username" in request.data
        if asks_for_another and not scope_of(user).is_system_lead:
            raise PermissionDenied("Only system leads make tokens for other accounts.")
        given = api.ApiTokenCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        owner = given.validated_data.get("username") or user
        token, raw = token_create(
            user=owner,
            name=given.validated_data["name"],
            days=given.validated_data["expires_in_days"],
            created_by=user,
            request=request._request,
        )
        return Response(api.ApiTokenCreatedSerializer(token, context={"raw": raw}).data, status=201)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = self.get_object()
        token_revoke(token=token, by=_signed_in(request), request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- docs --------------------------------------------------------------------------------------


SIGN_IN_FIRST = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sign in first · Even Better API</title></head>
<body><h1>Sign in first</h1><p>The API's documentation is for people signed in.
<a href="{url}">Sign in</a>, then come back here.</p></body></html>
"""


def _sign_in_first(next_url: str) -> HttpResponse:
    url = f"{reverse('login')}?{urlencode({'next': next_url})}"
    response = HttpResponse(SIGN_IN_FIRST.format(url=escape(url)), status=status.HTTP_401_UNAUTHORIZED)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def docs_view(request: HttpRequest) -> HttpResponse:
    """The docs page: every operation in the site's own plain HTML (``api.reference``), from the
    same OpenAPI description as ``/api/v1/schema/``; the API tokens page and the raw description
    (which any OpenAPI tool opens) are linked from it. For people signed in; a visitor who is not is answered 401
    with a link to sign in, as the API answers."""
    if not request.user.is_authenticated:
        return _sign_in_first(reverse("api-docs"))
    reference = reference_from(_schema(None))
    return render(request, "api/reference.html", {"reference": reference})


@lru_cache(maxsize=8)
def _schema(version: str | None) -> dict[str, Any]:
    """The OpenAPI description of this code: the same for every reader (``SERVE_PUBLIC``) and
    every request until the code changes, so worked out once per process (about half a second)."""
    return SchemaGenerator(api_version=version).get_schema(request=None, public=True)


_SCHEMA_WRITTEN: dict[tuple[str | None, type[BaseRenderer], str], bytes] = {}
SCHEMA_WRITTEN_KEPT = 16


def _schema_rendered(version: str | None, renderer_class: type[BaseRenderer], media_type: str) -> bytes:
    """The description as one renderer writes it (YAML or JSON) for one accepted media type: as
    the description, the same until the code changes, so kept per process (the view's four
    renderers and the media types they accept: a few entries, and never more than
    ``SCHEMA_WRITTEN_KEPT``, whatever requests ask for). Writing the YAML was most of a
    request (20-30 ms, and 100 ms under load, each time)."""
    key = (version, renderer_class, media_type)
    if key not in _SCHEMA_WRITTEN:
        if len(_SCHEMA_WRITTEN) >= SCHEMA_WRITTEN_KEPT:  # the version and the media type's
            _SCHEMA_WRITTEN.clear()  # parameters come from the request: never more than a few
        content = renderer_class().render(copy.deepcopy(_schema(version)), media_type, {})
        _SCHEMA_WRITTEN[key] = (
            content.encode(renderer_class.charset or "utf-8") if isinstance(content, str) else content
        )
    return _SCHEMA_WRITTEN[key]


class SchemaView(SpectacularAPIView):
    """``SpectacularAPIView`` (the same permission check first), with the description kept, and
    kept as written for each renderer (``_schema_rendered``), with the headers DRF's ``Response``
    would give it."""

    def _get_schema_response(self, request: Request) -> HttpResponse:
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer, media_type = request.accepted_renderer, request.accepted_media_type
        content_type = f"{media_type}; charset={renderer.charset}" if renderer.charset else media_type
        response = HttpResponse(_schema_rendered(version, type(renderer), media_type), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{self._get_filename(request, version)}"'
        return response
