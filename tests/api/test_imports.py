"""Importing a file through the API: the same importers as the web and the command line,
all or nothing, for system leads only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from evenbetter.accounts.models import User
from evenbetter.indicators.models import ImportRun, Observation
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

GOOD = b"""school_id,period,indicator,value
115850,2019/20,reading,71.5
125116,2019/20,reading,64
"""
# The second row names a school that is not on the register: the whole file is refused.
BAD = b"""school_id,period,indicator,value
115850,2019/20,reading,71.5
999999,2019/20,reading,64
"""


def upload(client: APIClient, content: bytes, **fields: object) -> object:
    data = {"file": SimpleUploadedFile("values.csv", content, content_type="text/csv"), "format": "long", **fields}
    return client.post("/api/v1/imports/", data, format="multipart")


def new_values() -> set[tuple[int, float]]:
    return set(Observation.objects.filter(period="2019/20").values_list("school__urn", "value"))


def test_a_good_file_is_imported_and_recorded(
    api_for: Callable[[str], APIClient], world: World, system_lead: User
) -> None:
    response = upload(api_for("system_lead"), GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_read"], body["records_created"], body["problems"]) == ("succeeded", 2, 2, [])
    assert (body["source_format"], body["file_name"], body["run_by"], body["dry_run"]) == (
        "long",
        "values.csv",
        "system_lead",
        False,
    )
    assert new_values() == {(115850, 71.5), (125116, 64.0)}
    assert ImportRun.objects.get(pk=body["id"]).run_by == system_lead
    again = upload(api_for("system_lead"), GOOD).json()  # idempotent
    assert (again["records_created"], again["records_unchanged"]) == (0, 2)
    assert api_for("system_lead").get(f"/api/v1/imports/{body['id']}/").json()["sha256"] == body["sha256"]


def test_a_bad_file_writes_nothing_and_says_where_the_problem_is(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    response = upload(api_for("system_lead"), BAD)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "failed" and body["records_created"] == 0
    [problem] = [p for p in body["problems"] if p["severity"] == "error"]
    assert (problem["file"], problem["line"], problem["column"]) == ("values.csv", 3, "school_id")
    assert "999999" in problem["message"]
    assert new_values() == set()  # not even the good first row


def test_a_dry_run_counts_and_writes_nothing(api_for: Callable[[str], APIClient], world: World) -> None:
    response = upload(api_for("system_lead"), GOOD, dry_run="true")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["records_created"]) == ("dry_run", 2)
    assert new_values() == set()
    assert upload(api_for("system_lead"), BAD, dry_run="true").status_code == 422


@pytest.mark.parametrize(
    "persona", ["outsider", "partnership_lead", "school_leader_a", "school_leader_b", "governor", "partner_agency"]
)
def test_only_system_leads_import(api_for: Callable[[str], APIClient], world: World, persona: str) -> None:
    response = upload(api_for(persona), GOOD)
    assert response.status_code == 403
    assert new_values() == set() and not ImportRun.objects.filter(file_name="values.csv").exists()


def test_anonymous_imports_are_refused(api_for: Callable[[str], APIClient], world: World) -> None:
    assert upload(api_for("anonymous"), GOOD).status_code == 401
    assert new_values() == set()


def test_a_request_without_a_file_or_with_an_unknown_format_is_refused_before_reading(
    api_for: Callable[[str], APIClient], world: World
) -> None:
    lead = api_for("system_lead")
    missing = lead.post("/api/v1/imports/", {"format": "long"}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    unknown = upload(lead, GOOD, format="tea_leaves")
    assert unknown.status_code == 400 and "format" in unknown.json()
    assert not ImportRun.objects.filter(file_name="values.csv").exists()


def test_a_web_session_must_send_its_csrf_token_to_import(world: World, system_lead: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(system_lead)
    response = upload(client, GOOD)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert new_values() == set()
