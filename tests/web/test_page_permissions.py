"""Who may open each page and take each action, and who may not: the declared table of
``tests/web/policy.py``, checked against every URL pattern of the site and both ways for
every persona (the table's docstring says how to read it).

How it is built: every persona's world (the register, the Alton cluster, the agency, the
personas and their roles, a session each) is made once for the module (``personas``), inside a
transaction rolled back when the module is done; each test's own transaction is a savepoint in
it, so each test starts from that world and is rolled back to it. What an entry points at (a help
request, a practice item …) is made by the test that asks for it (``World``), and each persona's
requests are rolled back one by one (``_observe``). docs/benchmarks.md, make test, session 12."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as site_settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evenbetter.accounts.models import User
from evenbetter.schools.models import School
from tests.conftest import PERSONAS, SCHOOL_A, every_persona_made, signed_in
from tests.dbstate import changed_tables, table_writes
from tests.web.policy import (
    ADMIN_LOGIN,
    DONE,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    POLICY,
    POST_ANSWERS,
    REDIRECT,
    REFUSED,
    SCHOOL_NOT_IN_PATH,
    Answer,
    Entry,
    World,
)

# Same on any database: who may open each URL and take each action: the access rules (the writes those actions make are each tested in their own module, on both).
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

# --- the URLconf ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # with its namespace, e.g. "admin:index"
    route: str
    namespace: str


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the site, through every include."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from routes(pattern, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(name, prefix + str(pattern.pattern), namespace)


def is_admin(route: Route) -> bool:
    return route.namespace.split(":")[0] == "admin"


def test_every_url_pattern_has_a_policy_entry() -> None:
    site = [route for route in routes() if not is_admin(route)]
    unnamed = sorted(route.route for route in site if route.name is None)
    assert not unnamed, f"URL patterns with no name, so no policy entry can name them: {unnamed}"
    names = {route.name for route in site if route.name}
    covered = {entry.name for entry in POLICY.values() if not entry.name.startswith("admin:")}
    missing = sorted(names - covered)
    assert not missing, (
        f"URL patterns with no entry in tests/web/policy.py: {', '.join(missing)}. Say who may open each "
        "(and, for a form or a POST-only URL, who may post to it)."
    )
    assert not sorted(covered - names), f"policy entries for URL names that no longer exist: {covered - names}"
    assert "admin:index" in {entry.name for entry in POLICY.values()}
    assert any(is_admin(route) for route in routes()), "the admin is covered by its own rule below"


# A school's id or URN in the path: /schools/id/<pk>/…, /schools/<urn>/, /api/v1/schools/<pk>/…
SCHOOL_IN_PATH = r"schools/(id/)?(<int:(pk|urn)>|\(\?P<pk>)"


def test_every_url_about_a_school_is_checked_for_an_own_and_another_school() -> None:
    about_a_school = {
        route.name
        for route in routes()
        if route.name and (re.search(SCHOOL_IN_PATH, route.route) or route.name in SCHOOL_NOT_IN_PATH)
    }
    assert about_a_school >= SCHOOL_NOT_IN_PATH
    for name in sorted(about_a_school):
        schools = {entry.school for entry in POLICY.values() if entry.name == name}
        assert {"a", "b"} <= schools, f"{name}: the policy needs an entry for school A and one for school B"


def test_every_post_only_url_says_who_may_post_to_it() -> None:
    for name in sorted({entry.name for entry in POLICY.values()}):
        entries = [entry for entry in POLICY.values() if entry.name == name]
        gets = [entry for entry in entries if entry.method == "GET"]
        post_only = gets and all(
            entry.answer(persona) == NOT_ALLOWED for entry in gets for persona in PERSONAS if persona != "anonymous"
        )
        if post_only:
            assert any(entry.method != "GET" for entry in entries), f"{name} answers no GET: add a POST entry"
    for key, entry in POLICY.items():
        if entry.method != "GET":
            wrong = {p: entry.answer(p) for p in PERSONAS if entry.answer(p) not in POST_ANSWERS}
            assert not wrong, f"{key}: a POST answers {sorted(POST_ANSWERS, key=str)}, not {wrong}"


# --- the matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Personas:
    """Every persona, made once for the module, each with a session and a test client of its own."""

    sessions: dict[str, str]  # persona -> its session's key
    clients: dict[str, Client]

    def client(self, persona: str) -> Client:
        """The persona's client, holding only its session's cookie, as a new client signed in would."""
        client = self.clients[persona]
        client.cookies = SimpleCookie()
        if persona != "anonymous":
            client.cookies[site_settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client


@pytest.fixture(scope="module")
def personas(django_db_setup: None, django_db_blocker: Any) -> Iterator[Personas]:
    """Every persona's world (tests/conftest.py, ``every_persona_made``: the register, the Alton
    cluster, the agency, the personas and their roles) and a session for each, made once for the
    module inside a transaction that is rolled back when the module is done. Each test's own
    transaction (pytest-django's) is a savepoint inside it, so each test starts from this world
    and everything it did is rolled back to it, as if the world had been made for it alone."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            users = every_persona_made()
            sessions = {
                name: signed_in(Client(), user).cookies[site_settings.SESSION_COOKIE_NAME].value
                for name, user in users.items()
            }
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield Personas(sessions, {persona: Client() for persona in PERSONAS})
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# The conftest's fixtures that make a persona or a school would make them again: in this module
# they are the world's.
@pytest.fixture
def client_for(personas: Personas) -> Callable[[str], Client]:
    return personas.client


@pytest.fixture
def system_lead(personas: Personas) -> User:
    return User.objects.get(username="system_lead")


@pytest.fixture
def school_a(personas: Personas) -> School:
    return School.objects.get(urn=SCHOOL_A)


@pytest.fixture
def world(personas: Personas, settings: Any, tmp_path: Path) -> World:
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {**settings.STORAGES["uploads"], "OPTIONS": {"location": str(tmp_path / "uploads")}},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Every persona exists before any request, so that one persona's requests, rolled back,
    # never take another persona's account with them. Read anew for each test: a test may
    # change one (rolled back with it).
    return World({user.username: user for user in User.objects.filter(username__in=personas.sessions)})


def _observe(entry: Entry, persona: str, world: World, client_for: Callable[[str], Client]) -> str | None:
    """What went wrong for this persona, or None; everything it did is rolled back."""
    expected = entry.answer(persona)
    compares = entry.method != "GET" or (entry.writes and expected not in (OK, DONE))
    with transaction.atomic():
        client = client_for(persona)
        before = table_writes() if compares else {}
        url = entry.url(world)
        if entry.method == "POST":
            response = client.post(url, entry.data(world))
        elif entry.method == "DELETE":
            response = client.delete(url)
        else:
            response = client.get(url)
        changed = changed_tables(before, table_writes()) if compares else []
        problem = _mismatch(expected, response, changed if compares else None)
        if response.streaming:  # read to the end, which closes the file it streams
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        transaction.set_rollback(True)
    return f"{persona}: expected {expected}, {problem}" if problem else None


def _mismatch(expected: Answer, response: HttpResponse, changed: list[str] | None) -> str | None:
    status, location = response.status_code, response.get("Location", "")
    got = f"got {status}{f' to {location}' if location else ''}"
    to_login = status == 302 and location.startswith(reverse("login"))
    if expected == LOGIN and not to_login:
        return got
    if expected == ADMIN_LOGIN and not (status == 302 and location.startswith(reverse("admin:login"))):
        return got
    if expected in (REDIRECT, REFUSED) and status != 302:
        return got
    if expected == DONE and status not in (200, 201, 204, 302):
        return got
    if expected in (REDIRECT, REFUSED) and to_login:
        return got
    if isinstance(expected, int):
        if status != expected:
            return got
        html = response.get("Content-Type", "").startswith("text/html")
        if expected == FORBIDDEN and html and b"You do not have access to this page" not in response.content:
            return "got a 403 that is not the platform's own page"
        if expected == NOT_FOUND and html and b"Page not found" not in response.content:
            return "got a 404 that is not the platform's own page"
    if changed is not None:
        if expected == DONE and not changed:
            return f"{got}, and nothing was written"
        if expected != DONE and changed:
            return f"{got}, and it wrote to {', '.join(changed)}"
    return None


@pytest.mark.parametrize("key", list(POLICY))
def test_each_url_answers_every_persona_as_the_policy_says(
    key: str, world: World, client_for: Callable[[str], Client]
) -> None:
    entry = POLICY[key]
    # What the entry points at is made now, not inside a persona's request that is rolled back.
    entry.url(world), entry.data(world)
    problems = [problem for persona in PERSONAS if (problem := _observe(entry, persona, world, client_for))]
    assert not problems, f"{entry.method} {entry.url(world)} ({key}):\n  " + "\n  ".join(problems)


# --- Django admin: superusers only ------------------------------------------------------------


def _admin_url(route: Route) -> str:
    """A concrete address for an admin pattern, with a made-up value in each parameter."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route.route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)\$?", "anything/", path)
    return "/" + path.lstrip("^").replace("$", "")


def test_every_admin_url_is_for_superusers_only(client_for: Callable[[str], Client], system_lead: User) -> None:
    system_lead.is_staff = True  # staff status alone opens nothing
    system_lead.save()
    admin = [route for route in routes() if is_admin(route)]
    assert len(admin) > 50, "the admin's patterns were not found"
    login, index = reverse("admin:login"), reverse("admin:index")
    problems = []
    for persona in PERSONAS:
        client = client_for(persona)
        for route in admin:
            url = _admin_url(route)
            response = client.get(url)
            location = response.get("Location", "")
            if route.name == "admin:login":
                ok = response.status_code == 200
            elif route.name == "admin:logout":
                ok = response.status_code == 302 and location == index
            else:
                ok = response.status_code == 302 and location.startswith(login)
            if not ok:
                problems.append(f"{persona} GET {url} ({route.name}): {response.status_code} {location}")
    assert not problems, "\n".join(problems)


def test_no_one_but_a_superuser_adds_anything_in_the_admin(
    client_for: Callable[[str], Client], system_lead: User
) -> None:
    system_lead.is_staff = True
    system_lead.save()
    adds = [route for route in routes() if is_admin(route) and route.name and route.name.endswith("_add")]
    assert len(adds) > 10
    for persona in PERSONAS:
        client = client_for(persona)
        before = table_writes()
        for route in adds:
            response = client.post(reverse(route.name), {"name": "Made in the admin", "username": "intruder"})
            assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), route
        assert not changed_tables(before, table_writes()), persona


def test_django_admin_is_for_superusers_only(client_for: Callable[[str], Client], system_lead: User) -> None:
    system_lead.is_staff = True
    system_lead.save()
    assert client_for("system_lead").get(reverse("admin:index")).status_code == 302
    system_lead.is_superuser = True
    system_lead.save()
    assert client_for("system_lead").get(reverse("admin:index")).status_code == 200


# --- what each role sees on the school page ---------------------------------------------------


def test_an_unknown_school_gets_a_clear_not_found_page(client_for: Callable[[str], Client]) -> None:
    response = client_for("school_leader_a").get(reverse("school_detail", args=[999999]))
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"/schools/999999/" in response.content


def test_a_school_leader_sees_their_school_in_full_and_others_as_public_data(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("school_leader_a")
    own = client.get(reverse("school_detail", args=[115850]))
    other = client.get(reverse("school_detail", args=[125116]))
    assert own.context["access_name"] == "full"
    assert other.context["access_name"] == "public"


def test_a_partnership_lead_sees_member_schools_in_full(client_for: Callable[[str], Client]) -> None:
    client = client_for("partnership_lead")
    assert client.get(reverse("school_detail", args=[115851])).context["access_name"] == "full"
    assert client.get(reverse("school_detail", args=[125116])).context["access_name"] == "public"


def test_a_governor_sees_their_school_read_only(client_for: Callable[[str], Client], school_a: School) -> None:
    response = client_for("governor").get(reverse("school_detail", args=[115850]))
    assert response.context["access_name"] == "governor"
    assert b"read-only" in response.content


def test_a_locality_lead_sees_their_localitys_schools_in_full(client_for: Callable[[str], Client]) -> None:
    client = client_for("locality_lead")
    assert client.get(reverse("school_detail", args=[115851])).context["access_name"] == "full"  # East Hampshire
    assert client.get(reverse("school_detail", args=[125116])).context["access_name"] == "public"  # Guildford


def test_a_staff_member_sees_their_school_but_never_its_risk(client_for: Callable[[str], Client]) -> None:
    client = client_for("staff_member")
    own = client.get(reverse("school_detail", args=[115850]))
    assert own.context["access_name"] == "staff"
    assert b"Your school</span>" in own.content
    assert b"Trouble ahead" not in own.content
    leader = client_for("school_leader_a").get(reverse("school_detail", args=[115850]))
    assert b"Trouble ahead" in leader.content  # what the staff member is spared is on the page for its leader
