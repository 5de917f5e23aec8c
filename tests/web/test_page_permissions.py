"""Who may open each page, and who may not: one declared table, checked both ways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from evenbetter.schools.models import School
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

LOGIN = "login"
OK, FORBIDDEN = 200, 403

# page -> persona -> expected answer; a persona left out of a row gets the row's default.
POLICY: dict[str, dict[str, int | str]] = {
    "home": {"anonymous": LOGIN, "default": OK},
    "password_change": {"anonymous": LOGIN, "default": OK},
    "school_directory": {"anonymous": LOGIN, "outsider": FORBIDDEN, "default": OK},
    "school_a": {"anonymous": LOGIN, "outsider": FORBIDDEN, "default": OK},
    "school_b": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "school_b_by_id": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "data_quality": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
    "dispute_list": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "locality_list": {"anonymous": LOGIN, "outsider": FORBIDDEN, "governor": FORBIDDEN, "default": OK},
    "east_hampshire": {"anonymous": LOGIN, "outsider": FORBIDDEN, "governor": FORBIDDEN, "default": OK},
    "guildford": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "partnership_list": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "alton_cluster": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "school_a_family": {"anonymous": LOGIN, "outsider": FORBIDDEN, "default": OK},
    "school_b_family": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "school_a_benchmarks_csv": {"anonymous": LOGIN, "outsider": FORBIDDEN, "default": OK},
    "school_b_benchmarks_csv": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "governor": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    # Comparator sets are made by those who see the school in full.
    "school_a_comparator_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "school_b_comparator_new": {"anonymous": LOGIN, "system_lead": OK, "school_leader_b": OK, "default": FORBIDDEN},
    "explorer": {"anonymous": LOGIN, "outsider": FORBIDDEN, "default": OK},
    # Partnership life: a partnership's meetings are its lead's and its member schools' leaders'.
    "alton_meeting_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "school_a_contact_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "school_a_workforce_return": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "school_a_governance": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "governor": OK,
        "default": FORBIDDEN,
    },
    "school_a_board_meeting_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "governor": OK,
        "default": FORBIDDEN,
    },
    "school_b_governance": {"anonymous": LOGIN, "system_lead": OK, "school_leader_b": OK, "default": FORBIDDEN},
    "east_hampshire_network": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
    # Risk: the school itself and the leads who see it in full; never another school.
    "watch_list": {"anonymous": LOGIN, "system_lead": OK, "partnership_lead": OK, "default": FORBIDDEN},
    "school_a_risk": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "governor": OK,
        "default": FORBIDDEN,
    },
    "school_b_risk": {"anonymous": LOGIN, "system_lead": OK, "school_leader_b": OK, "default": FORBIDDEN},
    "help_list": {
        "anonymous": LOGIN,
        "outsider": FORBIDDEN,
        "partner_agency": FORBIDDEN,
        "default": OK,
    },
    "help_summary": {"anonymous": LOGIN, "system_lead": OK, "partnership_lead": OK, "default": FORBIDDEN},
    "school_a_help_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "school_a_offer_new": {
        "anonymous": LOGIN,
        "system_lead": OK,
        "partnership_lead": OK,
        "school_leader_a": OK,
        "default": FORBIDDEN,
    },
    "admin": {"default": "admin login"},
    "import_history": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
    "import_upload": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
    # The audit log (sign-ins, role changes, views of risk) and its CSV: system leads only.
    "audit_log": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
    "audit_log_csv": {"anonymous": LOGIN, "system_lead": OK, "default": FORBIDDEN},
}


def _url(page: str) -> str:
    urls: dict[str, Callable[[], str]] = {
        "home": lambda: reverse("home"),
        "password_change": lambda: reverse("password_change"),
        "school_directory": lambda: reverse("school_directory"),
        "school_a": lambda: reverse("school_detail", args=[115850]),
        "school_b": lambda: reverse("school_detail", args=[125116]),
        "school_b_by_id": lambda: reverse("school_detail_by_id", args=[School.objects.get(urn=125116).pk]),
        "data_quality": lambda: reverse("data_quality"),
        "dispute_list": lambda: reverse("dispute_list"),
        "locality_list": lambda: reverse("locality_list"),
        "east_hampshire": lambda: reverse("locality_detail", args=["east-hampshire"]),
        "guildford": lambda: reverse("locality_detail", args=["guildford"]),
        "partnership_list": lambda: reverse("partnership_list"),
        "alton_cluster": lambda: reverse("partnership_detail", args=["alton-cluster"]),
        "school_a_family": lambda: reverse("school_family", args=[School.objects.get(urn=115850).pk]),
        "school_b_family": lambda: reverse("school_family", args=[School.objects.get(urn=125116).pk]),
        "school_a_benchmarks_csv": lambda: reverse("school_benchmarks_csv", args=[School.objects.get(urn=115850).pk]),
        "school_b_benchmarks_csv": lambda: reverse("school_benchmarks_csv", args=[School.objects.get(urn=125116).pk]),
        "school_a_comparator_new": lambda: reverse("comparator_set_create", args=[School.objects.get(urn=115850).pk]),
        "school_b_comparator_new": lambda: reverse("comparator_set_create", args=[School.objects.get(urn=125116).pk]),
        "explorer": lambda: reverse("explorer"),
        "alton_meeting_new": lambda: reverse("meeting_create", args=["alton-cluster"]),
        "school_a_contact_new": lambda: reverse("contact_create", args=[School.objects.get(urn=115850).pk]),
        "school_a_workforce_return": lambda: reverse("workforce_return", args=[School.objects.get(urn=115850).pk]),
        "school_a_governance": lambda: reverse("school_governance", args=[School.objects.get(urn=115850).pk]),
        "school_a_board_meeting_new": lambda: reverse("board_meeting_create", args=[School.objects.get(urn=115850).pk]),
        "school_b_governance": lambda: reverse("school_governance", args=[School.objects.get(urn=125116).pk]),
        "east_hampshire_network": lambda: reverse("locality_network", args=["east-hampshire"]),
        "watch_list": lambda: reverse("watch_list"),
        "help_list": lambda: reverse("help_list"),
        "help_summary": lambda: reverse("help_summary"),
        "school_a_help_new": lambda: f"{reverse('help_request_create')}?school={School.objects.get(urn=115850).pk}",
        "school_a_offer_new": lambda: f"{reverse('support_offer_create')}?school={School.objects.get(urn=115850).pk}",
        "school_a_risk": lambda: reverse("school_risk", args=[School.objects.get(urn=115850).pk]),
        "school_b_risk": lambda: reverse("school_risk", args=[School.objects.get(urn=125116).pk]),
        "admin": lambda: reverse("admin:index"),
        "import_history": lambda: reverse("import_history"),
        "import_upload": lambda: reverse("import_upload"),
        "audit_log": lambda: reverse("audit_log"),
        "audit_log_csv": lambda: reverse("audit_log_csv"),
    }
    return urls[page]()


CASES = [(page, persona) for page in POLICY for persona in PERSONAS]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{page}-{persona}" for page, persona in CASES])
def test_page_answers_as_the_policy_says(page: str, persona: str, client_for: Callable[[str], Client]) -> None:
    expected = POLICY[page].get(persona, POLICY[page]["default"])
    response = client_for(persona).get(_url(page))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == "admin login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
        if expected == FORBIDDEN:
            assert b"You do not have access to this page" in response.content


def test_django_admin_is_for_superusers_only(client_for: Callable[[str], Client], system_lead) -> None:
    system_lead.is_staff = True
    system_lead.save()
    assert client_for("system_lead").get(reverse("admin:index")).status_code == 302
    system_lead.is_superuser = True
    system_lead.save()
    assert client_for("system_lead").get(reverse("admin:index")).status_code == 200


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


def test_a_governor_sees_their_school_read_only(client_for: Callable[[str], Client]) -> None:
    response = client_for("governor").get(reverse("school_detail", args=[115850]))
    assert response.context["access_name"] == "governor"
    assert b"read-only" in response.content
