"""The header shows each persona the destinations it may open, and only those: every link in it
opens, and every destination it leaves out is refused (the header and the pages share one rule
each, ``evenbetter/web/navigation.py``). The current place is marked for assistive technology."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.web.navigation import NAVIGATION

# Same on any database: which links each persona's header shows: the access rules, read through the ORM alone.
pytestmark = [pytest.mark.django_db, pytest.mark.same_on_any_database]

SIGNED_IN = [
    "outsider",
    "system_lead",
    "locality_lead",
    "partnership_lead",
    "school_leader_a",
    "staff_member",
    "governor",
    "partner_agency",
]
EVERY_DESTINATION = {
    destination.url_name: reverse(destination.url_name) for group in NAVIGATION for destination in group.destinations
}


def _main_nav(html: str) -> str:
    return (
        html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0] if '<nav aria-label="Main">' in html else ""
    )


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)"', _main_nav(html)))


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_link_in_the_header_opens_and_every_other_destination_is_refused(
    persona: str, client_for: Callable[[str], Client]
) -> None:
    client = client_for(persona)
    shown = _links(client.get(reverse("home")).content.decode())
    assert shown <= set(EVERY_DESTINATION.values())
    for url_name, url in EVERY_DESTINATION.items():
        answer = client.get(url)
        if url in shown:
            assert answer.status_code == 200, (
                f"{persona}: the header links to {url_name}, which answers {answer.status_code}"
            )
        elif url_name.startswith("admin:"):
            assert answer.status_code == 302 and "/admin/login/" in answer["Location"], url_name
        else:
            assert answer.status_code in (403, 404), (
                f"{persona}: {url_name} opens ({answer.status_code}) but is not in the header"
            )


EXPECTED = {
    # Who sees what, as DESIGN.md's table says; a sentence each.
    "system_lead": {
        "school_directory",
        "dashboard",
        "watch_list",
        "help_summary",
        "practice_reports",
        "import_history",
        "audit_log",
        "locality_list",
        "agency_list",
        "survey_list",
        "people",
    },
    "partnership_lead": {
        "school_directory",
        "dashboard",
        "watch_list",
        "help_summary",
        "practice_library",
        "partnership_list",
        "dispute_list",
        "people",
    },
    "school_leader_a": {
        "school_directory",
        "explorer",
        "dashboard",
        "help_list",
        "practice_library",
        "partnership_list",
        "dispute_list",
        "survey_list",
        "people",
        "strengths",
    },
    "locality_lead": {"school_directory", "dashboard", "watch_list", "practice_library", "locality_list", "people"},
    "staff_member": {"school_directory", "dashboard", "practice_library", "strengths"},
    "governor": {"school_directory", "help_list", "practice_library", "dashboard", "dashboard_map"},
    "partner_agency": {"school_directory", "dashboard", "locality_list", "practice_library", "help_list"},
    "outsider": set(),
}
NEVER = {
    "partnership_lead": {"import_history", "audit_log", "job_list", "practice_reports", "survey_list", "agency_list"},
    "school_leader_a": {"watch_list", "help_summary", "import_history", "audit_log", "agency_list"},
    "locality_lead": {"import_history", "audit_log", "job_list", "practice_reports"},
    "staff_member": {
        "watch_list",
        "import_history",
        "audit_log",
        "dispute_list",
        "people",
        "survey_list",
        "agency_list",
    },
    "governor": {
        "watch_list",
        "import_history",
        "dispute_list",
        "partnership_list",
        "people",
        "survey_list",
        "agency_list",
        "strengths",
    },
    "partner_agency": {
        "watch_list",
        "help_summary",
        "dispute_list",
        "partnership_list",
        "people",
        "survey_list",
        "agency_list",
        "strengths",
    },
    "outsider": set(EVERY_DESTINATION),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_role_finds_what_it_is_for_and_not_what_it_is_not(
    persona: str, client_for: Callable[[str], Client]
) -> None:
    shown = _links(client_for(persona).get(reverse("home")).content.decode())
    for url_name in EXPECTED[persona]:
        assert EVERY_DESTINATION[url_name] in shown, f"{persona} should find {url_name}"
    for url_name in NEVER.get(persona, set()):
        assert EVERY_DESTINATION[url_name] not in shown, f"{persona} should not see {url_name}"


def test_the_current_place_is_marked_on_its_link_and_its_group(client_for: Callable[[str], Client]) -> None:
    html = client_for("system_lead").get(reverse("watch_list")).content.decode()
    nav = _main_nav(html)
    assert f'<a href="{reverse("watch_list")}" aria-current="page">Trouble ahead</a>' in nav
    assert nav.count("aria-current") == 1


def test_a_page_inside_a_destination_marks_it_as_the_current_place(
    client_for: Callable[[str], Client], school_b
) -> None:
    nav = _main_nav(client_for("school_leader_a").get(school_b.get_absolute_url()).content.decode())
    assert f'<a href="{reverse("school_directory")}" aria-current="true">Find a school</a>' in nav
    assert 'Schools<span class="visually-hidden"> (you are here)</span>' in nav


def test_the_search_box_is_for_those_who_may_open_a_school(client_for: Callable[[str], Client]) -> None:
    assert 'role="search"' in client_for("governor").get(reverse("home")).content.decode()
    assert 'role="search"' not in client_for("outsider").get(reverse("home")).content.decode()


def test_the_signed_out_header_has_no_menu(client_for: Callable[[str], Client]) -> None:
    html = client_for("anonymous").get(reverse("login")).content.decode()
    assert '<nav aria-label="Main">' not in html and "Sign out" not in html
