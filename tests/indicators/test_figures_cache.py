"""Costly figures kept in the cache: replaced when the data changes, never by time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from evenbetter.indicators import figures_cache
from evenbetter.indicators.figures_cache import figures_cached, figures_changed, figures_generation
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.quality import data_quality_refresh
from evenbetter.ingest.runner import import_file
from evenbetter.schools.models import PartnershipMembership, School
from evenbetter.schools.services import register_sync_partnerships

pytestmark = pytest.mark.django_db

ABSENCE = b"LA,ESTAB,URN,PERCTOT,PPERSABS10\n850,1,115850,3.9,8.1\n850,2,115851,4.1,9.1\n"
# The same year again with Ash Grange's values: a third school with a value.
ABSENCE_WITH_ASH_GRANGE = ABSENCE + b"936,3,125116,4.4,7.0\n"


def _import(content: bytes, name: str) -> None:
    run = import_file(content=content, file_name=name, source_format="dfe_absence", period="2018/19")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems


def _counter() -> Callable[[], int]:
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return compute


def test_a_figure_is_worked_out_once_per_generation(django_capture_on_commit_callbacks) -> None:
    compute = _counter()
    assert figures_cached("answer", compute) == 1
    assert figures_cached("answer", compute) == 1  # kept
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    assert figures_cached("answer", compute) == 2  # a new generation: worked out again


def test_the_new_generation_comes_only_when_the_change_commits(django_capture_on_commit_callbacks) -> None:
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        figures_changed()
    assert figures_generation() == before  # not committed yet: the old figures still hold
    callbacks[0]()
    assert figures_generation() != before


def test_an_import_that_writes_values_starts_a_new_generation(register: ImportRun, django_capture_on_commit_callbacks):
    compute = _counter()
    figures_cached("answer", compute)
    with django_capture_on_commit_callbacks(execute=True):
        _import(ABSENCE, "absence.csv")
    assert figures_cached("answer", compute) == 2
    with django_capture_on_commit_callbacks(execute=True):
        _import(ABSENCE, "absence-again.csv")  # nothing changes: the figures still hold
    assert figures_cached("answer", compute) == 2


def test_a_scope_has_its_own_entry() -> None:
    assert figures_cached("schools", lambda: "A and C", scope=(1, 3)) == "A and C"
    assert figures_cached("schools", lambda: "B", scope=(2,)) == "B"
    assert figures_cached("schools", lambda: "not asked", scope=(1, 3)) == "A and C"


def test_losing_the_cache_only_works_the_figures_out_again() -> None:
    compute = _counter()
    figures_cached("answer", compute)
    cache.clear()
    assert figures_cached("answer", compute) == 2


def _coverage(client: Client) -> str:
    page = client.get(reverse("data_quality")).content.decode()
    row = page.split("Persistent absence", 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="num">')[1].split("<")[0]


def test_the_data_quality_summary_is_replaced_by_the_next_refresh(
    client_for: Callable[[str], Client], django_capture_on_commit_callbacks
) -> None:
    lead = client_for("system_lead")
    with django_capture_on_commit_callbacks(execute=True):
        _import(ABSENCE, "absence.csv")
        data_quality_refresh()
    assert _coverage(lead) == "2"  # schools with a value, as the refresh found them
    with django_capture_on_commit_callbacks(execute=True):
        _import(ABSENCE_WITH_ASH_GRANGE, "absence-revised.csv")
    assert _coverage(lead) == "2"  # as at the last refresh until the next one
    with django_capture_on_commit_callbacks(execute=True):
        data_quality_refresh()
    assert _coverage(lead) == "3"


def _generation_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of the generation's key from the shared cache, as it happens (alone, or with
    the records' generations in one read)."""
    reads: list[str] = []
    real_get, real_get_many = cache.get, cache.get_many
    within_get: list[bool] = []  # the database cache's ``get`` is its ``get_many`` of one key

    def counted_get(key: str, *args: object, **kwargs: object) -> object:
        if key == figures_cache.GENERATION_KEY:
            reads.append(key)
        within_get.append(True)
        try:
            return real_get(key, *args, **kwargs)
        finally:
            within_get.pop()

    def counted_get_many(keys: list[str], *args: object, **kwargs: object) -> object:
        if figures_cache.GENERATION_KEY in keys and not within_get:
            reads.append(figures_cache.GENERATION_KEY)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(figures_cache.cache, "get", counted_get)
    monkeypatch.setattr(figures_cache.cache, "get_many", counted_get_many)
    return reads


# A request's start and end as the signals tell them (sending request_finished itself would
# also close the test's database connection); the page test below goes through the signals.
def test_the_generation_is_read_once_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    figures_generation()  # one exists
    reads = _generation_reads(monkeypatch)
    figures_cache._request_opened()
    first = figures_generation()
    assert figures_cached("answer", lambda: 1) == 1
    assert figures_cached("other", lambda: 2, scope=(1, 2)) == 2
    assert figures_generation() == first
    assert len(reads) == 1  # three keys, one read
    assert figures_cache.records_generation("goals") and len(reads) == 1  # read with it
    figures_cache._request_closed()
    figures_generation()
    figures_generation()
    assert len(reads) == 3  # outside a request (a worker, a command): read every time


def test_a_request_that_renews_the_generation_reads_the_new_one(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    figures_cache._request_opened()
    try:
        before = figures_generation()
        assert figures_cached("answer", lambda: "old") == "old"
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed()
        assert figures_generation() != before
        assert figures_cached("answer", lambda: "new") == "new"  # not the old generation's entry
    finally:
        figures_cache._request_closed()


def test_another_process_renewing_the_generation_is_seen_by_the_next_request() -> None:
    figures_cache._request_opened()
    before = figures_generation()
    figures_cache._request_closed()
    cache.set("evenbetter:figures:generation", "renewed-elsewhere", timeout=None)  # as another worker's commit
    figures_cache._request_opened()
    try:
        assert figures_generation() == "renewed-elsewhere" != before
    finally:
        figures_cache._request_closed()


def test_what_is_kept_beside_the_generations_is_read_with_them_and_renewed_with_its_own(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    figures_cache.kept_beside_register("test-beside", _counter(), after=("goals",))
    reads: list[object] = []
    real_get_many = cache.get_many
    try:
        figures_cache._request_opened()
        assert figures_cache.kept_beside("test-beside") == 1  # worked out and kept
        figures_cache._request_closed()
        monkeypatch.setattr(figures_cache.cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
        figures_cache._request_opened()
        assert figures_cache.kept_beside("test-beside") == 1  # read, not worked out again
        assert figures_generation() and figures_cache.records_generation("goals")
        assert figures_cache.kept_beside("test-beside") == 1
        assert len(reads) == 1  # with the generations, in one read of the cache
        figures_cache._request_closed()
        with django_capture_on_commit_callbacks(execute=True):
            figures_cache.records_changed("goals")
        figures_cache._request_opened()
        assert figures_cache.kept_beside("test-beside") == 2  # its generation renewed: worked out again
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed()  # another generation: not its
        assert figures_cache.kept_beside("test-beside") == 2
        with django_capture_on_commit_callbacks(execute=True):
            figures_cache.records_changed("goals")  # within the request: seen at once
        assert figures_cache.kept_beside("test-beside") == 3
        figures_cache._request_closed()
        assert figures_cache.kept_beside("test-beside") == 4  # outside a request: worked out every time
    finally:
        figures_cache._request_closed()
        figures_cache._BESIDE.pop("test-beside", None)


def test_a_request_reads_its_own_write_of_what_is_kept_beside_and_keeps_nothing_of_it() -> None:
    figures_cache.kept_beside_register("test-beside", _counter(), after=("goals",))
    try:
        figures_cache._request_opened()
        assert figures_cache.kept_beside("test-beside") == 1
        figures_cache._request_closed()
        figures_cache._request_opened()
        figures_cache.records_changed("goals")  # in the test's transaction: not committed
        assert figures_cache.kept_beside("test-beside") == 2  # worked out afresh, its write read
        figures_cache._request_closed()
        figures_cache._request_opened()
        assert figures_cache.kept_beside("test-beside") == 1  # what was kept stays: nothing committed
    finally:
        figures_cache._request_closed()
        figures_cache._BESIDE.pop("test-beside", None)


def test_nothing_is_kept_beside_an_unknown_generation() -> None:
    with pytest.raises(ValueError, match="known generations"):
        figures_cache.kept_beside_register("test-beside", _counter(), after=("nothing",))
    with pytest.raises(ValueError, match="kept_beside_register"):
        figures_cache.kept_beside("never-registered")


def test_a_page_reads_the_generation_once(client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch) -> None:
    lead = client_for("system_lead")
    lead.get(reverse("dashboard"))  # the figures kept, the generation made
    reads = _generation_reads(monkeypatch)
    assert lead.get(reverse("dashboard")).status_code == 200
    assert len(reads) == 1


def test_the_register_moving_a_school_between_trusts_renews_the_generation(
    school_a: School, django_capture_on_commit_callbacks
) -> None:
    before = figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        register_sync_partnerships(today=dt.date(2026, 12, 6))  # the register as imported: nothing new
    assert figures_generation() == before
    School.objects.filter(pk=school_a.pk).update(trust_name="The Test Valley Trust (new)")
    with django_capture_on_commit_callbacks(execute=True):
        register_sync_partnerships(today=dt.date(2026, 12, 6))
    assert PartnershipMembership.objects.filter(
        school=school_a, partnership__name="The Test Valley Trust (new)", left_on__isnull=True
    ).exists()
    renewed = figures_generation()
    assert renewed != before
    with django_capture_on_commit_callbacks(execute=True):
        register_sync_partnerships(today=dt.date(2026, 12, 6))  # again: nothing changes
    assert figures_generation() == renewed
