"""The API's docs page: the site's own HTML, read from the same OpenAPI description as
/api/v1/schema/ — every operation, its parameters (choices in words), who may read it, what
comes back and an example; the API tokens page and the raw description linked from it."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from evenbetter.accounts.models import User
from evenbetter.api.reference import reference_from
from tests.api.conftest import World

pytestmark = pytest.mark.django_db


def _page_and_schema(user: User) -> tuple[str, dict]:
    client = Client()
    client.force_login(user)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    schema = client.get("/api/v1/schema/?format=json").json()
    return html.unescape(page.content.decode()), schema


def test_every_operation_of_the_description_is_on_the_page(world: World, governor: User) -> None:
    page, schema = _page_and_schema(governor)
    operations = [
        (method.upper(), path, spec)
        for path, item in schema["paths"].items()
        for method, spec in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 10
    assert f"The {len(operations)} operations" in page
    for method, path, spec in operations:
        assert f'<span class="api-method">{method}</span> <code>{path}</code>' in page, (method, path)
        assert spec["summary"] in page
        for parameter in spec.get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in page
    # Who may read, in the operation's own words (backticks made code).
    imports = schema["paths"]["/api/v1/imports/"]["get"]["description"]
    assert imports in page
    # A parameter's choices in words, not drf-spectacular's list markup.
    assert "<code>reading</code>: Early reading and phonics" in page
    assert "* `reading`" not in page
    # Words of its own, then choices that would only repeat their values: the values alone.
    assert "<td>one of: open, closed, all</td><td>no</td><td>Open schools unless told</td>" in page


def test_the_page_gives_examples_and_links_to_the_other_pages(world: World, governor: User) -> None:
    page, _ = _page_and_schema(governor)
    assert "curl -X GET 'https://<this site>/api/v1/schools/'" in page
    assert "Authorization: Bearer eb_…" in page
    assert "-F 'file=@values.csv'" in page  # the import takes a file
    assert 'href="/api-tokens/"' in page and 'href="/api/v1/schema/"' in page
    # The answer's shape from the description: a school's fields.
    assert re.search(r'"urn": 0,\s+"name": "…"', page)


def test_the_reference_reads_only_the_description() -> None:
    """Made by hand: one operation, a $ref'd result, an enum given by allOf, a required path id."""
    schema = {
        "info": {"title": "T", "version": "2", "description": "Read `things`."},
        "paths": {
            "/things/{id}/": {
                "get": {
                    "operationId": "things_retrieve", "summary": "One thing", "tags": ["things"],
                    "description": "For owners only.",
                    "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}, "description": ""},
                                  "403": {"description": "Why not, in words"}},
                }
            }
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {
                "colour": {"allOf": [{"$ref": "#/components/schemas/Colour"}], "description": "Its colour"},
                "made_on": {"type": "string", "format": "date", "nullable": True},
            }},
            "Colour": {"enum": ["red", "blue"], "type": "string"},
        }},
    }  # fmt: skip
    reference = reference_from(schema)
    assert str(reference.description) == "Read <code>things</code>."
    [section] = reference.sections
    assert section.title == "Things"
    [op] = section.operations
    assert (op.method, op.path, op.anchor, str(op.description)) == (
        "GET",
        "/things/{id}/",
        "things-retrieve",
        "For owners only.",
    )
    assert [(p.name, p.kind, p.required) for p in op.parameters] == [("id", "whole number (in the path)", True)]
    assert [(f.name, f.kind, str(f.description)) for f in op.result_fields] == [
        ("colour", "one of: red, blue", "Its colour"),
        ("made_on", "date (YYYY-MM-DD), may be empty", ""),
    ]
    assert [(a.status, a.description) for a in op.answers] == [
        ("200", "What comes back, as above"),
        ("403", "Why not, in words"),
    ]
    assert op.example_call.startswith("curl -X GET 'https://<this site>/things/1/'")
    assert '"colour": "red"' in op.example_answer and '"made_on": "2019-07-31"' in op.example_answer
