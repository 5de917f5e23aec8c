"""Named personas, so that every permission test reads like a sentence.

The schools are real rows of the register (``fixtures/gias_sample.csv``), loaded with the
real importer:

- ``school_a``: Alton Infant School (East Hampshire), led by ``school_leader_a``,
  governed by ``governor``, in the Alton cluster that ``partnership_lead`` leads;
- ``school_c``: Anstey Junior School, also East Hampshire and in the Alton cluster;
- ``school_b``: Ash Grange Nursery and Primary School (Guildford), led by
  ``school_leader_b``, in no partnership;
- ``partner_agency`` works for ``early_help`` (East Hampshire early help, an agency) with
  the East Hampshire locality, which ``locality_lead`` leads;
- ``staff_member`` teaches at school A;
- ``system_lead`` sees everything; ``outsider`` has an account and no role.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.color import no_style
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django.plugin import blocking_manager_key

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.indicators.models import ImportRun
from evenbetter.ingest.runner import import_path
from evenbetter.partnerships.models import Agency, AgencyMember
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership, School
from tests.dbstate import stop_counting_writes, table_state
from tests.scratch_database import MigratedTemplate, drop_copy, server_url

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "a-long-test-password-42"


# Property-based tests (hypothesis). "evenbetter", the default: the same examples on every
# run, so that a red build is the same red on a laptop, and few enough to keep them all
# under a minute. HYPOTHESIS_PROFILE=explore draws new, and many more, examples each run.
# No example database is kept (it would be a folder in the work tree).
_HYPOTHESIS = {
    "deadline": None,  # a request or an import takes as long as the machine makes it
    "database": None,
    "print_blob": True,
    # Function-scoped fixtures (the register, the personas) are set up once per test, not per
    # example: each example rolls its own writes back instead.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
hypothesis_settings.register_profile("evenbetter", derandomize=True, max_examples=40, **_HYPOTHESIS)
hypothesis_settings.register_profile("explore", max_examples=500, **_HYPOTHESIS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "evenbetter"))


def pytest_configure(config: pytest.Config) -> None:
    # A cheap hasher keeps the suite fast; production uses Argon2 (see settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Every test Client loads the middleware anew, and WhiteNoise's would list and stat every
    # static file of every app each time (a third of the permission matrix's time): with
    # autorefresh it finds a file, through the same finders, only when one is asked for.
    settings.WHITENOISE_AUTOREFRESH = True
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Under pytest-xdist each worker keeps its files (uploads named by their checksum,
        # attachments, collected static files) in a folder of its own inside the var folder,
        # so that one worker never reads or deletes another's. The database needs nothing:
        # pytest-django gives each worker a test database of its own.
        own = Path(settings.VAR_DIR) / f"xdist-{worker}"
        for name in ("EVENBETTER_UPLOAD_DIR", "MEDIA_ROOT", "STATIC_ROOT"):
            setattr(settings, name, own / Path(getattr(settings, name)).name)


# The longest modules, and every test marked slow (the fresh clone, the longest single test
# of the SQLite stage), start first, so that under pytest-xdist no worker is left with one of
# them at the end while the other has nothing more to do.
LONGEST_FIRST = (
    "tests/demo/test_demo_build.py",
    "tests/ingest/test_crash_safety.py",
    "tests/browser/test_every_page_is_axe_clean.py",  # the walk (the longest test of the suite) and its check
    "tests/web/test_page_permissions.py",  # one worker's (its world is made once for the module)
)


def _starts_first(item: pytest.Item) -> bool:
    return item.nodeid.split("::")[0] in LONGEST_FIRST or item.get_closest_marker("slow") is not None


# `make test` runs two stages at once: SQLite with the browser, and PostgreSQL;
# EVENBETTER_TEST_STAGE names the stage (unset, as in a plain `pytest`, every test runs). The
# PostgreSQL stage leaves out the browser tests and those marked `same_on_any_database`, which
# the SQLite stage runs (docs/architecture.md, Tests) — except the modules below, which need run
# only once and which the PostgreSQL stage takes instead, because the SQLite stage (the browser,
# the demo) finished minutes after it (docs/benchmarks.md, "make test, session 11"): those that
# reach no database of the stage's — pure Python (the analytics, the simulator) and processes
# always given a SQLite file of their own (the fresh clone, production settings, what a fresh
# process imports) — and two marked `same_on_any_database` (the early warning's planted signal,
# which is pandas and scikit-learn; who may read what through the API).
RUN_ONCE_IN_THE_POSTGRESQL_STAGE = (
    "tests/analytics/",
    "tests/demo/test_simulator.py",
    "tests/demo/test_fresh_clone.py",
    "tests/web/test_production_settings.py",
    "tests/web/test_startup_imports.py",
    "tests/earlywarning/test_planted_signal.py",
    "tests/api/test_who_may_read_what.py",
)
STAGES = ("sqlite", "postgresql")


def in_stage(item: pytest.Item, stage: str | None) -> bool:
    """Whether ``make test``'s ``stage`` runs this test (every stage, when none is named)."""
    once_beside = item.nodeid.startswith(RUN_ONCE_IN_THE_POSTGRESQL_STAGE)
    if stage == "sqlite":
        return not once_beside
    if stage == "postgresql":
        on_sqlite_only = any(item.get_closest_marker(name) for name in ("browser", "same_on_any_database"))
        return once_beside or not on_sqlite_only
    return True


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    # Before every other plugin: a module-scoped fixture (the demo, built from every real
    # file; the analytics' simulated systems) is built once for its module, and under
    # `--dist loadgroup` all of that module's tests go to one worker rather than each worker
    # building it again. Only this suite's own fixtures count (a plugin's have no baseid):
    # pytest-django's class-scoped autouse fixture would otherwise put every test in a group.
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        definitions = [chain[-1] for chain in fixtures.name2fixturedefs.values()] if fixtures else []
        if any(definition.baseid and definition.scope in ("module", "class", "package") for definition in definitions):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    result = yield
    stage = os.environ.get("EVENBETTER_TEST_STAGE") or None
    if stage not in (None, *STAGES):
        raise pytest.UsageError(f"EVENBETTER_TEST_STAGE={stage!r}: it names one of {', '.join(STAGES)}, or is unset")
    left_out = [item for item in items if not in_stage(item, stage)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if in_stage(item, stage)]
    # After every other plugin (pytest-django puts the tests without a database last).
    items.sort(key=lambda item: not _starts_first(item))  # stable: else as they were
    return result


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in names
        or "live_server" in names
    )


@pytest.fixture(autouse=True)
def _shared_cache_emptied_after_committed_tests(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """A test that commits (a live server, ``transaction=True``) leaves the shared cache's table
    full (Django's flush empties the models' tables, not the cache's): the figures cache's
    generation and what it kept would be read, stale, by the next test on the worker. Emptied
    after each such test; other tests' cache writes roll back with them."""
    yield
    if _is_transactional(request.node):
        from django.core.cache import caches
        from django.db import DatabaseError

        # A test that pointed the database elsewhere (ops' backup tests) cached nothing here.
        with django_db_blocker.unblock():
            for cache in caches.all():
                with contextlib.suppress(DatabaseError):
                    cache.clear()


# On PostgreSQL a test's rolled-back rows stay in their tables as dead rows until a VACUUM:
# after one import of the real census (430,000 values written and rolled back) every later
# import test on that worker ran 3 times slower (the indexes of the values' table led to dead
# rows first), and the server's autovacuum wakes once a minute at best. So after each test,
# any table left with more than this many dead rows is vacuumed (0.2 s for that census; the
# check itself is one query on the server's statistics). docs/benchmarks.md, make test, session 9.
DEAD_ROWS_VACUUMED = 20_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    result = yield
    stop_counting_writes()  # if the test counted writes (tests/dbstate.py, table_writes)
    # After every fixture's teardown: the test's transaction is rolled back by now.
    if connection.vendor == "postgresql" and connection.connection is not None:
        from django.db import DatabaseError

        # Only a saving: a connection a test left unusable is the next test's to open again.
        with (
            contextlib.suppress(DatabaseError),
            item.config.stash[blocking_manager_key].unblock(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > %s", [DEAD_ROWS_VACUUMED])
            tables = [connection.ops.quote_name(table) for (table,) in cursor.fetchall()]
            if tables and connection.get_autocommit():
                cursor.execute(f"VACUUM {', '.join(tables)}")
    return result


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplate]:
    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist every worker's folder is in the session's: one template for them all.
    template = MigratedTemplate(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
    yield template
    template.drop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test databases; at the end, on PostgreSQL, the sessions the live server's
    threads left open are ended first, so that the test database can be dropped (a plain
    ``pytest`` under ``scripts/with-postgres.sh`` runs the browser's tests there too): Chromium
    keeps its connections to the live server open, and the thread serving each holds a
    connection to the database (``DATABASE_CONN_MAX_AGE``) until that thread ends."""
    yield
    if server_url() is None:
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, _migrated_template: MigratedTemplate
) -> None:
    """Each worker's test database starts as a copy of the session's migrated database (the one
    ``migrated_database`` copies: ``manage.py migrate`` run once, in a process of its own), where
    each worker ran every migration again (about 4 CPU seconds a worker, each stage): on PostgreSQL
    Django makes it from that database as its template (``TEST["TEMPLATE"]``), on SQLite the
    template's pages are copied into the new in-memory database when it is first opened. Django's
    ``migrate`` still runs on it, and finds nothing left to do (docs/benchmarks.md, make test,
    session 12)."""
    _migrated_template.ready()
    if server_url() is not None:
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = _migrated_template.name
        return

    def copied(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.alias == "default" and connection.is_in_memory_db():
            connection_created.disconnect(copied)
            with contextlib.closing(sqlite3.connect(_migrated_template.sqlite_file)) as template:
                template.backup(connection.connection)

    connection_created.connect(copied, weak=False)


@pytest.fixture
def migrated_database(_migrated_template: MigratedTemplate, tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of a migrated database of this test's own, for the processes it starts
    (a copy of one migrated once a session: tests/scratch_database.py); dropped afterwards."""
    url, name = _migrated_template.copy(tmp_path / "database")
    try:
        yield url
    finally:
        drop_copy(name)


@pytest.fixture
def real_data_dir() -> Path:
    path = Path(settings.EVENBETTER_DATA_DIR)
    assert path.is_dir(), f"the real public data is missing: {path}"
    return path


@dataclass(frozen=True)
class _Snapshot:
    """The rows the register's import wrote, table by table, and its run's key."""

    run_pk: int
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]


_REGISTER_SNAPSHOTS: dict[tuple[str, str], _Snapshot] = {}


def _holds_rows() -> set[str]:
    return {table for table, (count, _) in table_state().items() if count}


def _register_snapshot_taken(run: ImportRun) -> _Snapshot | None:
    """Every row in the database, right after the register was imported into an empty one; None
    when the import wrote a table this does not know (then it is imported each time)."""
    if _holds_rows() - REGISTER_TABLES:
        return None
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(REGISTER_TABLES):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return _Snapshot(run_pk=run.pk, tables=tables)


def _register_put_back(snapshot: _Snapshot) -> None:
    """The register's rows written again as its import wrote them, with the time now wherever it
    wrote a time (a test that sets the clock sees its own), and PostgreSQL's sequences moved past
    them (SQLite's follow by themselves)."""
    now = timezone.now()

    def value(item: Any) -> Any:
        if isinstance(item, dt.datetime):
            return now
        if connection.vendor == "postgresql" and isinstance(item, (dict, list)):
            from psycopg.types.json import Jsonb

            return Jsonb(item)
        return item

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, (columns, rows) in snapshot.tables.items():
            if rows:
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    [tuple(value(item) for item in row) for row in rows],
                )
        if connection.vendor == "postgresql":
            models = [
                model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in snapshot.tables
            ]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


# The register is every other fixture's ground (1,349 tests stand on it). Its import is run for
# real the first time in each test process, and its rows are kept; a later test inside a
# transaction (most) gets the very same rows written back, in a few milliseconds rather than the
# import's tens; a test that commits (a live server, ``transaction=True``) imports it for real,
# as the refresh an import queues on commit is part of what such tests watch. The importer's
# own behaviour on this file is tested in tests/ingest/test_gias_register_import.py.
REGISTER_TABLES = frozenset(
    {
        "indicators_importrun",
        "indicators_inspection",
        "schools_locality",
        "schools_locality_schools",
        "schools_partnership",
        "schools_partnershipmembership",
        "schools_school",
    }
)


def register_made(*, committed: bool) -> ImportRun:
    """The register's rows: put back from the snapshot taken the first time in this process, or
    (the first time, or for a test that commits) imported for real."""
    key = (connection.vendor, connection.settings_dict["NAME"])
    snapshot = _REGISTER_SNAPSHOTS.get(key)
    if snapshot is not None and not committed:
        _register_put_back(snapshot)
        return ImportRun.objects.get(pk=snapshot.run_pk)
    # Kept only from an import into an empty database: then every row is the import's own.
    keep = snapshot is None and not committed and not _holds_rows()
    run = import_path(path=FIXTURES / "gias_sample.csv", source_format="gias")
    assert run.status == ImportRun.Status.SUCCEEDED, run.problems
    if keep:
        taken = _register_snapshot_taken(run)
        if taken is not None:
            _REGISTER_SNAPSHOTS[key] = taken
    return run


@pytest.fixture
def register(request: pytest.FixtureRequest, db: None) -> ImportRun:
    return register_made(committed=_is_transactional(request.node))


SCHOOL_A, SCHOOL_B, SCHOOL_C = 115850, 125116, 115851


@pytest.fixture
def school_a(register: ImportRun) -> School:
    return School.objects.get(urn=SCHOOL_A)


@pytest.fixture
def school_b(register: ImportRun) -> School:
    return School.objects.get(urn=SCHOOL_B)


@pytest.fixture
def school_c(register: ImportRun) -> School:
    return School.objects.get(urn=SCHOOL_C)


@pytest.fixture
def east_hampshire(register: ImportRun) -> Locality:
    return Locality.objects.get(name="East Hampshire")


@pytest.fixture
def guildford(register: ImportRun) -> Locality:
    return Locality.objects.get(name="Guildford")


def alton_cluster_made() -> Partnership:
    cluster = Partnership.objects.create(name="Alton Cluster", slug="alton-cluster", kind=Partnership.Kind.CLUSTER)
    for urn in (SCHOOL_A, SCHOOL_C):
        PartnershipMembership.objects.create(partnership=cluster, school=School.objects.get(urn=urn))
    return cluster


@pytest.fixture
def alton_cluster(school_a: School, school_c: School) -> Partnership:
    return alton_cluster_made()


def make_user(username: str, role: str | None = None, **scope: object) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    if role is not None:
        Membership.objects.create(user=user, role=role, **scope)
    return user


EARLY_HELP = "East Hampshire early help"


def early_help_made() -> Agency:
    return Agency.objects.create(name=EARLY_HELP, kind="early_help")


def _at_school(urn: int) -> dict[str, object]:
    return {"school": School.objects.get(urn=urn)}


def _in_east_hampshire() -> dict[str, object]:
    return {"locality": Locality.objects.get(name="East Hampshire")}


# Each persona's role and its scope, the one home of who each persona is: the fixtures below
# make one persona each, and the permission matrix (tests/web/test_page_permissions.py) makes
# them all once for its module. Their schools, cluster and agency are made first.
PERSONA_ROLES: dict[str, tuple[str | None, Callable[[], dict[str, object]]]] = {
    "outsider": (None, dict),
    "system_lead": (Role.SYSTEM_LEAD, dict),
    "partnership_lead": (
        Role.PARTNERSHIP_LEAD,
        lambda: {"partnership": Partnership.objects.get(slug="alton-cluster")},
    ),
    "school_leader_a": (Role.SCHOOL_LEADER, lambda: _at_school(SCHOOL_A)),
    "school_leader_b": (Role.SCHOOL_LEADER, lambda: _at_school(SCHOOL_B)),
    "governor": (Role.GOVERNOR, lambda: _at_school(SCHOOL_A)),
    "partner_agency": (Role.PARTNER_AGENCY, _in_east_hampshire),
    "locality_lead": (Role.LOCALITY_LEAD, _in_east_hampshire),
    "staff_member": (Role.STAFF_MEMBER, lambda: _at_school(SCHOOL_A)),
}


def persona_made(name: str) -> User:
    role, scope = PERSONA_ROLES[name]
    user = make_user(name, role, **scope())
    if name == "partner_agency":
        AgencyMember.objects.create(user=user, agency=Agency.objects.get(name=EARLY_HELP))
    return user


@pytest.fixture
def system_lead(db: None) -> User:
    return persona_made("system_lead")


@pytest.fixture
def partnership_lead(alton_cluster: Partnership) -> User:
    return persona_made("partnership_lead")


@pytest.fixture
def school_leader_a(school_a: School) -> User:
    return persona_made("school_leader_a")


@pytest.fixture
def school_leader_b(school_b: School) -> User:
    return persona_made("school_leader_b")


@pytest.fixture
def governor(school_a: School) -> User:
    return persona_made("governor")


@pytest.fixture
def early_help(db: None) -> Agency:
    return early_help_made()


@pytest.fixture
def partner_agency(east_hampshire: Locality, early_help: Agency) -> User:
    return persona_made("partner_agency")


@pytest.fixture
def locality_lead(east_hampshire: Locality) -> User:
    """Leads East Hampshire, school A's locality (not school B's, in Guildford)."""
    return persona_made("locality_lead")


@pytest.fixture
def staff_member(school_a: School) -> User:
    """A teacher at school A."""
    return persona_made("staff_member")


@pytest.fixture
def outsider(db: None) -> User:
    return persona_made("outsider")


def every_persona_made() -> dict[str, User]:
    """What the persona fixtures make, all of it, without fixtures: the register, the Alton
    cluster, the early help agency and every persona but the anonymous visitor."""
    register_made(committed=False)
    alton_cluster_made()
    early_help_made()
    return {name: persona_made(name) for name in PERSONA_ROLES}


PERSONAS = [
    "anonymous",
    "outsider",
    "system_lead",
    "partnership_lead",
    "school_leader_a",
    "school_leader_b",
    "governor",
    "partner_agency",
    "locality_lead",
    "staff_member",
]


@pytest.fixture
def client_for(request: pytest.FixtureRequest, register: ImportRun, alton_cluster: Partnership):
    """``client_for("governor")``: a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            signed_in(client, request.getfixturevalue(persona))
        return client

    return make


def signed_in(client: Client, user: User) -> Client:
    """``client`` with a session signed in as ``user``: the session Django's ``login`` leaves (the
    user's key, backend and password hash), written in one query. ``Client.force_login`` goes
    through ``login`` itself: an empty session saved, read, cycled and saved again, and the
    sign-in's receivers (the audit log, django-axes, ``last_login``), ten queries a persona:
    the permission matrix took a fifth more CPU with it. What signing in does is tested through
    the real sign-in form (tests/accounts); a test that watches it uses ``force_login`` or the
    form."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = client._get_backend()  # as force_login chooses it
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save(must_create=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def school_page_part(client: Client, school: School, start: str, end: str = "</div>") -> tuple[str, int]:
    """The part of ``school``'s page from the marker ``start`` to the first ``end`` after it, as
    drawn from an empty cache, and the queries the whole page took."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(school.get_absolute_url()).content.decode()
    first = page.index(start)
    return page[first : page.index(end, first)], len(queries.captured_queries)
