"""A write about one school renews only that school's kept glance (``figures_cache
.school_records_token``): a concern raised, a goal set or an action agreed about one school leaves
every other school's glance as it was kept — drawn ahead by the refresh, or by a first view — and
an action moved from one school to another renews both. A write that names no school (an update
or a delete in bulk) renews every school's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evenbetter.accounts.models import User
from evenbetter.concerns.models import Concern
from evenbetter.goals.apps import goal_records_changed
from evenbetter.indicators.figures_cache import records_changed
from evenbetter.partnerships.models import Action
from evenbetter.schools.models import School

pytestmark = pytest.mark.django_db

# Read when the glance is drawn (its data card), by nothing else on the page.
DRAWN = "indicators_schooldataglance"


def _drawn(client: Client, school: School) -> bool:
    """Whether the school page's glance was drawn for this view (not served as kept)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(school.get_absolute_url()).status_code == 200
    return any(DRAWN in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def kept(client: Client, system_lead: User, school_a: School, school_b: School, school_c: School) -> Client:
    client.force_login(system_lead)
    cache.clear()
    assert all(_drawn(client, school) for school in (school_a, school_b, school_c))
    assert not any(_drawn(client, school) for school in (school_a, school_b, school_c))
    return client


def test_a_concern_about_one_school_renews_that_schools_glance_alone(
    kept: Client, system_lead: User, school_a: School, school_b: School
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        Concern.objects.create(school=school_b, area="reading", text="Slipping.", raised_by=system_lead)
    assert not _drawn(kept, school_a)
    assert _drawn(kept, school_b)
    assert (
        "1 concern raised by people who work with the school" in kept.get(school_b.get_absolute_url()).content.decode()
    )
    assert "1 concern raised" not in kept.get(school_a.get_absolute_url()).content.decode()


def test_an_action_moved_between_schools_renews_both(
    kept: Client, school_a: School, school_b: School, school_c: School
) -> None:
    today = timezone.localdate()
    with TestCase.captureOnCommitCallbacks(execute=True):
        action = Action.objects.create(
            title="Visit year 2", owner_school=school_a, agreed_on=today, due_on=today + dt.timedelta(days=9)
        )
    assert _drawn(kept, school_a) and not _drawn(kept, school_b) and not _drawn(kept, school_c)
    loaded = Action.objects.get(pk=action.pk)  # as the admin site loads and saves it
    loaded.owner_school = school_b
    with TestCase.captureOnCommitCallbacks(execute=True):
        loaded.save()
    assert _drawn(kept, school_a) and _drawn(kept, school_b) and not _drawn(kept, school_c)
    partly = Action.objects.only("title").get(pk=action.pk)  # which school it was about is not loaded
    partly.title = "Visit year 3"
    with TestCase.captureOnCommitCallbacks(execute=True):
        partly.save(update_fields=["title"])
    assert _drawn(kept, school_a) and _drawn(kept, school_b) and _drawn(kept, school_c)


def test_a_write_naming_no_school_renews_every_schools(kept: Client, school_a: School, school_b: School) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        goal_records_changed()  # as after an update in bulk, which sends no post_save
    assert _drawn(kept, school_a) and _drawn(kept, school_b)


def test_only_kinds_kept_per_school_may_name_schools() -> None:
    with pytest.raises(ValueError, match="not kept per school"):
        records_changed("risk_answers", schools=[1])
