"""The audit log: sign-ins (and refusals and lock-outs), sign-outs and changes to who may see
what are recorded wherever they happen; system leads read, filter and export it at /audit/."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.models import AuditEvent, Membership, Role, User
from evenbetter.schools.models import Partnership, School
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).select_related("user", "school").order_by("at", "pk"))


# --- Recording -------------------------------------------------------------------------------


def test_a_sign_in_through_the_form_is_recorded(school_leader_a: User) -> None:
    Client(REMOTE_ADDR="203.0.113.7").post(reverse("login"), {"username": "school_leader_a", "password": PASSWORD})
    [event] = _events(Action.SIGN_IN)
    assert event.user == school_leader_a
    assert event.detail == {"ip": "203.0.113.7"}
    assert event.path == reverse("login")


def test_a_refused_sign_in_is_recorded_with_the_username_and_never_the_password(school_leader_a: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(reverse("login"), {"username": "school_leader_a", "password": "guess-one-2024"})
    client.post(reverse("login"), {"username": "nobody-here", "password": "guess-two-2024"})
    known, unknown = _events(Action.SIGN_IN_FAILED)
    # Made as an existing account: linked to it. Made as no account: the name tried is kept.
    assert (known.user, known.detail) == (school_leader_a, {"username": "school_leader_a", "ip": "203.0.113.7"})
    assert (unknown.user, unknown.detail) == (None, {"username": "nobody-here", "ip": "203.0.113.7"})
    everything = str(list(AuditEvent.objects.values_list("detail", "path")))
    assert "guess-one-2024" not in everything and "guess-two-2024" not in everything
    assert _events(Action.SIGN_IN) == []


def test_a_lock_out_is_recorded_once_however_often_the_locked_account_is_tried(school_leader_a: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        client.post(reverse("login"), {"username": "school_leader_a", "password": "wrong-wrong"})
    assert len(_events(Action.LOCKED_OUT)) == 1
    for _ in range(3):
        client.post(reverse("login"), {"username": "school_leader_a", "password": PASSWORD})
    [locked] = _events(Action.LOCKED_OUT)
    assert locked.user == school_leader_a
    assert locked.detail == {"username": "school_leader_a", "ip": "203.0.113.7", "failures": 5}
    # Every refusal is still a refused sign-in, the right password while locked included.
    assert len(_events(Action.SIGN_IN_FAILED)) == 8
    assert _events(Action.SIGN_IN) == []


def test_a_sign_out_is_recorded(school_leader_a: User) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "school_leader_a", "password": PASSWORD})
    client.post(reverse("logout"))
    [event] = _events(Action.SIGN_OUT)
    assert event.user == school_leader_a
    # Signing out when not signed in records nothing.
    Client().post(reverse("logout"))
    assert len(_events(Action.SIGN_OUT)) == 1


def test_membership_changes_in_the_admin_are_recorded_with_who_made_them(
    school_a: School, school_b: School, alton_cluster: Partnership
) -> None:
    admin = make_user("the_admin", Role.SYSTEM_LEAD)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    member = make_user("new_head")
    client = Client()
    client.force_login(admin)
    AuditEvent.objects.all().delete()

    added = client.post(
        reverse("admin:accounts_membership_add"), {"user": member.pk, "role": Role.SCHOOL_LEADER, "school": school_a.pk}
    )
    assert added.status_code == 302, added.content
    membership = Membership.objects.get(user=member)
    changed = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": member.pk, "role": Role.SCHOOL_LEADER, "school": school_b.pk},
    )
    assert changed.status_code == 302, changed.content
    deleted = client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert deleted.status_code == 302

    created_event, changed_event, deleted_event = _events(Action.MEMBERSHIP_CHANGE)
    assert {created_event.user, changed_event.user, deleted_event.user} == {admin}
    assert created_event.school == school_a
    assert created_event.detail == {
        "change": "created",
        "member": "new_head",
        "role": "School leader",
        "scope": str(school_a),
    }
    assert changed_event.school == school_b
    assert changed_event.detail["change"] == "changed"
    assert changed_event.detail["scope"] == str(school_b)
    assert changed_event.detail["before"] == {"role": "School leader", "scope": str(school_a)}
    assert deleted_event.school == school_b
    assert deleted_event.detail["change"] == "deleted"
    assert deleted_event.path.startswith("/admin/accounts/membership/")


def test_membership_changes_from_the_command_line_are_recorded_without_a_user(school_a: School) -> None:
    member = make_user("script_head")
    membership = Membership.objects.create(user=member, role=Role.GOVERNOR, school=school_a)
    membership.save()  # saved again unchanged: nothing to record
    membership.role = Role.SCHOOL_LEADER
    membership.save()
    Membership.objects.filter(pk=membership.pk).delete()
    changes = _events(Action.MEMBERSHIP_CHANGE)
    assert [(e.user, e.detail["change"], e.detail["member"], e.detail["role"]) for e in changes] == [
        (None, "created", "script_head", "Governor"),
        (None, "changed", "script_head", "School leader"),
        (None, "deleted", "script_head", "School leader"),
    ]


def test_deleting_a_school_records_its_memberships_going_without_breaking_the_delete(school_b: School) -> None:
    make_user("head_b", Role.SCHOOL_LEADER, school=school_b)
    school_b.delete()
    connection.check_constraints()  # the event does not point at the deleted school
    last = _events(Action.MEMBERSHIP_CHANGE)[-1]
    assert last.school is None
    assert last.detail["change"] == "deleted" and last.detail["member"] == "head_b"
    assert last.detail["because"] == "school deleted"


# --- The page ---------------------------------------------------------------------------------


def _event(action: str, *, user: User | None = None, school: School | None = None, days_ago: int = 0) -> AuditEvent:
    event = AuditEvent.objects.create(action=action, user=user, school=school, detail={"n": days_ago})
    AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return event


@pytest.fixture
def logged(system_lead: User, school_leader_a: User, school_a: School, school_b: School) -> Client:
    AuditEvent.objects.all().delete()
    _event(Action.RISK_VIEW, user=school_leader_a, school=school_a, days_ago=10)
    _event(Action.SIGN_IN_FAILED, user=school_leader_a, days_ago=5)
    _event(Action.WATCH_LIST_VIEW, user=system_lead, days_ago=2)
    _event(Action.RISK_VIEW, user=system_lead, school=school_b, days_ago=1)
    client = Client()
    client.force_login(system_lead)  # through Django's login: its sign-in is in the log
    return client


def _shown(response) -> list[tuple[str, int]]:
    return [(event.action, event.detail.get("n")) for event in response.context["page"].object_list]


def test_the_page_lists_events_newest_first(logged: Client) -> None:
    response = logged.get(reverse("audit_log"))
    assert response.status_code == 200
    # Opening the page signed the system lead in (force_login): that is the newest event.
    assert _shown(response)[0][0] == Action.SIGN_IN
    assert _shown(response)[1:] == [
        (Action.RISK_VIEW, 1),
        (Action.WATCH_LIST_VIEW, 2),
        (Action.SIGN_IN_FAILED, 5),
        (Action.RISK_VIEW, 10),
    ]
    assert b"Viewed the watch list" in response.content


def test_the_page_filters_by_action_user_school_and_dates(logged: Client) -> None:
    page = reverse("audit_log")
    assert _shown(logged.get(page, {"action": Action.RISK_VIEW})) == [(Action.RISK_VIEW, 1), (Action.RISK_VIEW, 10)]
    assert _shown(logged.get(page, {"user": "School_Leader_A"})) == [
        (Action.SIGN_IN_FAILED, 5),
        (Action.RISK_VIEW, 10),
    ]
    assert _shown(logged.get(page, {"school": "125116"})) == [(Action.RISK_VIEW, 1)]
    assert _shown(logged.get(page, {"school": "alton infant"})) == [(Action.RISK_VIEW, 10)]
    today = timezone.localdate()
    dates = {
        "date_from": (today - dt.timedelta(days=6)).isoformat(),
        "date_to": (today - dt.timedelta(days=2)).isoformat(),
    }
    assert _shown(logged.get(page, dates)) == [(Action.WATCH_LIST_VIEW, 2), (Action.SIGN_IN_FAILED, 5)]


def test_a_backwards_date_range_is_reported_and_not_applied(logged: Client) -> None:
    response = logged.get(reverse("audit_log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert b"The end date is before the start date" in response.content
    assert response.context["total"] == 5


def test_the_page_shows_fifty_events_a_page(logged: Client, system_lead: User) -> None:
    AuditEvent.objects.bulk_create(AuditEvent(action=Action.EXPORT, user=system_lead) for _ in range(60))
    first = logged.get(reverse("audit_log"), {"action": Action.EXPORT})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 2
    second = logged.get(reverse("audit_log"), {"action": Action.EXPORT, "page": 2})
    assert len(second.context["page"].object_list) == 10
    assert b"action=export&amp;page=1" in second.content


def test_the_csv_export_holds_every_matching_event_and_is_itself_recorded(logged: Client, system_lead: User) -> None:
    response = logged.get(reverse("audit_log_csv"), {"action": Action.RISK_VIEW})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # sent as it is read: the log grows without end
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["When", "Action", "Action code", "User"]
    assert [(row[2], row[3], row[5]) for row in rows[1:]] == [
        ("risk_view", "system_lead", "125116"),
        ("risk_view", "school_leader_a", "115850"),
    ]
    [export] = _events(Action.EXPORT)
    assert export.user == system_lead
    assert export.detail == {"export": "audit log", "rows": 2, "action": "risk_view"}


def test_a_refused_export_is_not_recorded_and_shows_nothing(
    client_for: Callable[[str], Client], logged: Client
) -> None:
    for persona in ("school_leader_a", "partnership_lead", "governor"):
        response = client_for(persona).get(reverse("audit_log_csv"))
        assert response.status_code == 403
        assert b"risk_view" not in response.content
    assert _events(Action.EXPORT) == []


def test_only_system_leads_get_the_audit_log_in_the_menu(client_for: Callable[[str], Client]) -> None:
    link = f'href="{reverse("audit_log")}"'.encode()
    assert link in client_for("system_lead").get(reverse("home")).content
    for persona in ("partnership_lead", "school_leader_a", "governor", "partner_agency", "outsider"):
        assert link not in client_for(persona).get(reverse("home")).content


def test_a_long_log_streams_in_pieces_and_the_export_is_recorded_before_the_first_row(
    logged: Client, system_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evenbetter.accounts import exports

    monkeypatch.setattr(exports, "STREAM_BATCH", 1)
    before = AuditEvent.objects.count()
    exports_before = AuditEvent.objects.filter(action=Action.EXPORT).count()
    response = logged.get(reverse("audit_log_csv"))
    pieces = iter(response.streaming_content)
    next(pieces)  # the header: nothing read yet of the rows
    export = _events(Action.EXPORT)[-1]  # recorded already, with what it will hold
    assert export.user == system_lead and export.detail == {"export": "audit log", "rows": before}
    rest = list(pieces)
    assert len(rest) == before  # a piece per row here (STREAM_BATCH): never the whole file at once
    rows = list(csv.reader(io.StringIO("".join(piece.decode("utf-8") for piece in rest))))
    assert len(rows) == before
    assert [row[2] for row in rows].count(Action.EXPORT) == exports_before  # not its own line
    # Each row in the page's words: the event's time, action, who, school and detail.
    events = AuditEvent.objects.exclude(pk=export.pk).select_related("user", "school").order_by("-at", "-pk")
    assert rows == [
        [
            timezone.localtime(e.at).isoformat(timespec="seconds"), e.get_action_display(), e.action,
            e.user.username if e.user else "", e.school.name if e.school else "",
            str(e.school.urn) if e.school else "", e.detail_summary, e.path,
        ]
        for e in events
    ]  # fmt: skip
