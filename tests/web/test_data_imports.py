"""Importing from the web: upload, preview, confirm, history — system leads only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evenbetter.indicators.models import ImportRun, Observation
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# The personas' register is itself an import: these tests look at the absence imports.
ABSENCE_RUNS = ImportRun.objects.filter(source_format="dfe_absence")

ABSENCE = b"\xef\xbb\xbfLA,ESTAB,URN,PERCTOT,PPERSABS10\r\n850,2000,115850,3.9,8.1\r\n936,2940,125116,4.4,SUPP\r\nNAT,PRI,,4,8.2\r\n"


def _upload(client: Client, content: bytes = ABSENCE, **fields: object):
    data = {"source_format": "dfe_absence", "period": "2018/19", "data_file": SimpleUploadedFile("abs.csv", content)}
    data.update(fields)
    return client.post(reverse("import_upload"), data)


def test_a_system_lead_previews_then_confirms_an_import(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    response = _upload(client)
    assert response.status_code == 302
    preview = ABSENCE_RUNS.get(status=ImportRun.Status.DRY_RUN)
    assert (preview.records_created, preview.rows_read) == (4, 3)  # 2 schools x 2, and a total row
    assert not Observation.objects.exists(), "a preview writes nothing"
    page = client.get(response["Location"])
    assert b"Confirm the import" in page.content
    assert b"Alton Infant School: absence_overall 2018/19 new 3.9" in page.content
    assert b"no URN" in page.content  # the national total row, reported as a warning

    confirmed = client.post(reverse("import_confirm", args=[preview.pk]))
    run = ImportRun.objects.get(status=ImportRun.Status.SUCCEEDED, source_format="dfe_absence")
    assert confirmed["Location"] == reverse("import_run", args=[run.pk])
    assert Observation.objects.count() == 4
    assert Observation.objects.filter(import_run=run).count() == 4
    preview.refresh_from_db()
    assert preview.confirmed_by_run == run


def test_a_preview_cannot_be_confirmed_twice(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    _upload(client)
    preview = ABSENCE_RUNS.get(status=ImportRun.Status.DRY_RUN)
    client.post(reverse("import_confirm", args=[preview.pk]))
    again = client.post(reverse("import_confirm", args=[preview.pk]), follow=True)
    assert b"already been imported" in again.content
    assert ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED, source_format="dfe_absence").count() == 1


def test_a_failed_preview_cannot_be_confirmed_and_writes_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    _upload(client, ABSENCE.replace(b"3.9", b"139"))
    preview = ABSENCE_RUNS.get()
    assert preview.status == ImportRun.Status.FAILED
    page = client.get(reverse("import_run", args=[preview.pk]))
    assert b"Nothing was written" in page.content
    assert b"outside the range" in page.content
    assert b"Confirm the import" not in page.content
    response = client.post(reverse("import_confirm", args=[preview.pk]), follow=True)
    assert b"Only a preview that found no errors" in response.content
    assert not Observation.objects.exists()


def test_a_wrong_form_gets_a_message_and_changes_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    response = client.post(reverse("import_upload"), {"source_format": "no-such-format"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert b"This field is required" in response.content
    assert not ABSENCE_RUNS.exists()


def test_a_file_without_its_period_is_refused_with_the_reason(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    response = _upload(client, period="")
    page = client.get(response["Location"])
    assert b"does not say which year" in page.content
    assert not Observation.objects.exists()


def test_an_oversized_upload_is_refused(client_for: Callable[[str], Client], settings) -> None:
    settings.EVENBETTER_MAX_UPLOAD_MB = 0
    response = _upload(client_for("system_lead"))
    assert response.status_code == 200
    assert b"the most this page takes is 0 MB" in response.content
    assert not ABSENCE_RUNS.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_system_leads_import_or_see_imports(
    persona: str, client_for: Callable[[str], Client], system_lead
) -> None:
    lead = client_for("system_lead")
    _upload(lead)
    preview = ABSENCE_RUNS.get()
    client = client_for(persona)
    pages = [
        client.get(reverse("import_history")),
        client.get(reverse("import_upload")),
        client.get(reverse("import_run", args=[preview.pk])),
        _upload(client),
        client.post(reverse("import_confirm", args=[preview.pk])),
    ]
    if persona == "system_lead":
        assert [p.status_code for p in pages] == [200, 200, 200, 302, 302]
    elif persona == "anonymous":
        assert all(p.status_code == 302 and "/accounts/login/" in p["Location"] for p in pages)
    else:
        assert [p.status_code for p in pages] == [403] * 5
    if persona != "system_lead":
        assert ABSENCE_RUNS.count() == 1
        assert not Observation.objects.exists()


def test_the_school_page_charts_every_indicator_with_its_values(client_for: Callable[[str], Client]) -> None:
    lead = client_for("system_lead")
    _upload(lead)
    lead.post(reverse("import_confirm", args=[ABSENCE_RUNS.get().pk]))
    page = client_for("school_leader_b").get(reverse("school_section", args=[_pk(125116), "data"]))
    content = page.content.decode()
    assert "Data: every indicator over time" in content and "Published data" in content
    assert "Overall absence" in content and "4.4%" in content
    assert "Persistent absence" in content and "Suppressed" in content
    assert "lower is better" in content
    empty = client_for("school_leader_b").get(reverse("school_section", args=[_pk(115851), "data"]))
    assert b"No indicator values have been imported" in empty.content


def test_headline_indicators_are_charted_and_the_rest_listed_beneath(client_for: Callable[[str], Client]) -> None:
    from evenbetter.ingest.runner import import_file

    content = b"URN,LA,ESTAB,SCHOOLTYPE,NOR,NORG,PNUMFSMEVER\n125116,936,2940,State-funded primary,292,144,40.4\n"
    run = import_file(content=content, file_name="census.csv", source_format="dfe_census", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED
    page = client_for("school_leader_b").get(reverse("school_section", args=[_pk(125116), "data"])).content.decode()
    # Every indicator is one row with a sparkline, headline or not: no chart each (the charts
    # against similar schools are Even better's, once).
    assert page.count('class="chart-card"') == 0
    assert page.count('<th scope="row" class="indicator-name">') == 3  # pupils, girls, FSM
    assert page.count('<svg class="spark"') == 3
    assert "Girls on roll" in page and "2018/19: 144" in page


def test_a_national_wide_file_may_skip_schools_not_on_the_register(client_for: Callable[[str], Client]) -> None:
    client = client_for("system_lead")
    table = b"URN,Academic Year,KS2 Pupils\r\n115850,2018,29\r\n999998,2018,12\r\n"
    mapping = b"column,indicator\nURN,school_id\nAcademic Year,period_end_year\nKS2 Pupils,ks2_telig\n"

    def upload(**fields: object) -> ImportRun:
        data = {
            "source_format": "wide",
            "data_file": SimpleUploadedFile("ks2.csv", table),
            "mapping_file": SimpleUploadedFile("mapping.csv", mapping),
            **fields,
        }
        client.post(reverse("import_upload"), data)
        return ImportRun.objects.filter(source_format="wide").latest("pk")

    refused = upload()
    assert refused.status == ImportRun.Status.FAILED
    assert "999998" in str(refused.errors[0]["message"])
    preview = upload(skip_unknown_schools="on")
    assert preview.status == ImportRun.Status.DRY_RUN, preview.problems
    assert any("999998" in str(w["message"]) for w in preview.warnings)
    client.post(reverse("import_confirm", args=[preview.pk]))
    value = Observation.objects.get(indicator__code="ks2_telig")
    assert (value.school.urn, value.period, value.value) == (115850, "2017/18", 29.0)


def _pk(urn: int) -> int:
    from evenbetter.schools.models import School

    return School.objects.get(urn=urn).pk
