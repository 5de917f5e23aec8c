"""An action deleted in the admin site (one, or several by "delete selected") renews the actions'
generation, so that no school page keeps showing it; other deletes there leave it alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import Role
from evenbetter.indicators.figures_cache import records_generation
from evenbetter.partnerships.apps import ACTION_RECORDS
from evenbetter.partnerships.models import Action, Contact
from evenbetter.schools.models import Partnership, School
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _action(school: School, partnership: Partnership, title: str) -> Action:
    today = timezone.localdate()
    return Action.objects.create(
        owner_school=school, partnership=partnership, title=title, agreed_on=today, due_on=today + dt.timedelta(days=30)
    )


@pytest.fixture
def admin_client(school_a: School) -> Client:
    admin = make_user("the_admin", Role.SYSTEM_LEAD)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def test_one_action_deleted_in_the_admin_renews_the_actions_generation(
    admin_client: Client, school_a: School, alton_cluster: Partnership, django_capture_on_commit_callbacks: Any
) -> None:
    action = _action(school_a, alton_cluster, "Share the phonics plan")
    before = records_generation(ACTION_RECORDS)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = admin_client.post(reverse("admin:partnerships_action_delete", args=[action.pk]), {"post": "yes"})
    assert deleted.status_code == 302, deleted.content
    assert not Action.objects.filter(pk=action.pk).exists()
    assert records_generation(ACTION_RECORDS) != before


def test_actions_deleted_together_in_the_admin_renew_it_and_other_deletes_do_not(
    admin_client: Client,
    school_a: School,
    school_c: School,
    alton_cluster: Partnership,
    django_capture_on_commit_callbacks: Any,
) -> None:
    actions = [_action(school_a, alton_cluster, title) for title in ("Visit", "Report back")]
    contact = Contact.objects.create(
        school=school_a, other_school=school_c, kind=Contact.Kind.VISIT, happened_on="2026-11-02", about="A visit"
    )
    before = records_generation(ACTION_RECORDS)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = admin_client.post(reverse("admin:partnerships_contact_delete", args=[contact.pk]), {"post": "yes"})
    assert deleted.status_code == 302, deleted.content
    assert records_generation(ACTION_RECORDS) == before  # not an action: nothing of the actions changed
    with django_capture_on_commit_callbacks(execute=True):
        deleted = admin_client.post(
            reverse("admin:partnerships_action_changelist"),
            {"action": "delete_selected", "_selected_action": [a.pk for a in actions], "post": "yes"},
        )
    assert deleted.status_code == 302, deleted.content
    assert not Action.objects.filter(pk__in=[a.pk for a in actions]).exists()
    assert records_generation(ACTION_RECORDS) != before
