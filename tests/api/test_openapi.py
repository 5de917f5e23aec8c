"""The API's own OpenAPI description: valid, served to people signed in; the docs page keeps
to the Content-Security-Policy; and the API keeps to its description (schemathesis)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from evenbetter.accounts.models import User
from evenbetter.api.services import token_create
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode: enough to find a crash on odd input, few
# enough that the whole contract test stays well under a minute.
EXAMPLES = 20


def test_the_description_is_valid_openapi_without_a_warning(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
        stderr=StringIO(),
    )
    schema = json.loads(target.read_text())
    paths = set(schema["paths"])
    assert {
        "/api/v1/schools/",
        "/api/v1/schools/{id}/",
        "/api/v1/schools/{id}/family/",
        "/api/v1/schools/{id}/benchmarks/",
        "/api/v1/schools/{id}/risk/",
        "/api/v1/indicators/",
        "/api/v1/indicators/{code}/",
        "/api/v1/observations/",
        "/api/v1/risk-scores/",
        "/api/v1/help-requests/",
        "/api/v1/help-requests/{id}/",
        "/api/v1/imports/",
        "/api/v1/imports/{id}/",
        "/api/v1/tokens/",
        "/api/v1/tokens/{id}/",
    } == paths
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token: `Authorization: Bearer eb_…` (see docs/api.md).",
    }
    upload = schema["paths"]["/api/v1/imports/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]


def test_the_description_and_the_docs_page_are_for_people_signed_in(world: World, governor: User) -> None:
    anonymous = Client()
    refused = anonymous.get("/api/v1/schema/?format=json")
    assert refused.status_code == 401 and "paths" not in refused.content.decode()
    page = anonymous.get("/api/v1/docs/")
    assert page.status_code == 401 and page["WWW-Authenticate"] == 'Bearer realm="api"'
    assert 'href="/accounts/login/?next=%2Fapi%2Fv1%2Fdocs%2F"' in page.content.decode()
    assert anonymous.get("/api/v1/docs/?script=").status_code == 401
    _, raw = token_create(user=governor)
    described = Client().get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert described.status_code == 200 and described.json()["info"]["title"] == "Even Better API"


def test_the_docs_page_keeps_to_the_csp_and_swagger_ui_is_gone(world: World, governor: User) -> None:
    client = Client()
    client.force_login(governor)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = page.content.decode()
    # No inline script or style, and nothing from another origin: every script and style is a file here.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    # Swagger UI's page is gone, and nothing of it is served: every page of the site is its own.
    assert client.get("/api/v1/docs/try/").status_code == 404
    assert "swagger" not in html.lower()


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, inside the test's transaction: as Django's test client does,
    a request does not close the database connection at its end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> set[int]:
    """Call one operation with examples made from its description; the statuses answered."""
    statuses: set[int] = set()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
        statuses.add(response.status_code)

    call()
    return statuses


@override_settings(EVENBETTER_API_RATE="100000/hour")
def test_the_api_keeps_to_its_own_description(world: World, system_lead: User, wsgi_app: WSGIHandler) -> None:
    """Every operation, with valid and invalid input made from the description, as a system
    lead with a token: never a server error, and every answer as described."""
    _, raw = token_create(user=system_lead, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 17
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        if operation.method.upper() == "DELETE":
            continue  # revoking tokens at random would revoke the one this test signs in with
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            statuses[operation.label] = statuses.get(operation.label, set()) | exercise(operation, mode, headers)
    # The good answers were reached, not only refusals of bad input.
    for label in ("GET /api/v1/schools/", "GET /api/v1/observations/", "GET /api/v1/risk-scores/"):
        assert 200 in statuses[label], statuses[label]


@pytest.mark.parametrize(
    ("query", "accept"),
    [("", "*/*"), ("?format=json", "*/*"), ("", "application/vnd.oai.openapi+json"), ("", "application/yaml")],
)
def test_the_description_kept_as_written_is_what_drf_writes(
    world: World, governor: User, query: str, accept: str
) -> None:
    from drf_spectacular.views import SpectacularAPIView
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory, force_authenticate

    from evenbetter.api.views import _schema

    client = Client()
    client.force_login(governor)
    kept = [client.get(f"/api/v1/schema/{query}", HTTP_ACCEPT=accept) for _ in range(2)]
    # DRF's own Response over the same description, negotiated for the same request.
    request = APIRequestFactory().get(f"/api/v1/schema/{query}", HTTP_ACCEPT=accept)
    force_authenticate(request, user=governor)
    view = SpectacularAPIView()
    drf_request = view.initialize_request(request)
    view.request, view.format_kwarg = drf_request, view.get_format_suffix()
    renderer, media_type = view.perform_content_negotiation(drf_request)
    written = Response(data=_schema(None))
    written.accepted_renderer, written.accepted_media_type = renderer, media_type
    written.renderer_context = view.get_renderer_context()
    body = written.rendered_content
    for response in kept:
        assert response.status_code == 200
        assert response.content == body
        assert response["Content-Type"] == written["Content-Type"]
        assert response["Content-Disposition"].startswith('inline; filename="')


def test_the_descriptions_kept_as_written_are_never_more_than_a_few(world: World, governor: User) -> None:
    from evenbetter.api import views

    client = Client()
    client.force_login(governor)
    for n in range(views.SCHEMA_WRITTEN_KEPT + 5):  # parameters of the media type come from the request
        response = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT=f"application/vnd.oai.openapi+json; n={n}")
        assert response.status_code == 200
        assert len(views._SCHEMA_WRITTEN) <= views.SCHEMA_WRITTEN_KEPT
