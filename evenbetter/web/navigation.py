"""The header's destinations, grouped, each shown only to those who may open it.

Whether a destination is shown is decided by the same function its view calls to refuse
(``can_see_watch_list``, ``sees_any_school`` …): the header never has a rule of its own, so
a link in it always opens and a page it leaves out is always refused.
``tests/web/test_navigation.py`` checks both ways for every persona.

A group with one destination a reader may open is drawn as a plain link; a group with
several as a ``<details>`` menu (no JavaScript needed). The current place is the
destination whose ``current_for`` names the page's URL pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from evenbetter.accounts.invitations import can_manage_people
from evenbetter.accounts.selectors import AnyUser, can_see_audit_log
from evenbetter.benchmarks.selectors import can_see_who_is_strong
from evenbetter.dashboards.selectors import can_see_dashboards
from evenbetter.earlywarning.selectors import can_see_watch_list
from evenbetter.indicators.selectors import can_import_data, can_see_data_quality, can_see_disputes
from evenbetter.jobs.selectors import can_see_jobs
from evenbetter.partnerships.selectors import can_manage_agencies
from evenbetter.practice.selectors import is_moderator, is_reader
from evenbetter.schools.access import sees_any_locality, sees_any_partnership, sees_any_school
from evenbetter.support.selectors import can_see_help_requests, can_see_help_summary
from evenbetter.voice.selectors import can_run_surveys


def _superuser(user: AnyUser) -> bool:
    # The admin site's own rule (accounts/admin_site.py): active superusers only.
    return bool(user.is_active and user.is_superuser)


@dataclass(frozen=True)
class Destination:
    label: str
    url_name: str
    may_open: Callable[[AnyUser], bool]
    # The URL patterns of the pages that belong here (its own first), for "you are here".
    current_for: tuple[str, ...] = ()

    @property
    def pages(self) -> tuple[str, ...]:
        return (self.url_name, *self.current_for)


@dataclass(frozen=True)
class Group:
    label: str
    destinations: tuple[Destination, ...]


SCHOOL_PAGES = (
    "school_search",
    "school_detail",
    "school_detail_by_id",
    "school_profile",
    "school_family",
    "comparator_set_create",
    "school_risk",
    "school_governance",
    "board_meeting_create",
    "workforce_return",
    "contact_create",
)

NAVIGATION: tuple[Group, ...] = (
    Group(
        "Schools",
        (
            Destination("Find a school", "school_directory", sees_any_school, SCHOOL_PAGES),
            Destination("Explore indicators", "explorer", sees_any_school),
            Destination(
                "Pulse surveys", "survey_list", can_run_surveys, ("survey_create", "survey_detail", "survey_qr")
            ),
        ),
    ),
    Group(
        "Outcomes",
        (
            Destination("Outcome dashboards", "dashboard", can_see_dashboards),
            Destination("Map", "dashboard_map", can_see_dashboards),
        ),
    ),
    Group("Trouble ahead", (Destination("Watch list", "watch_list", can_see_watch_list),)),
    Group(
        "Reaching out",
        (
            Destination(
                "Help asked and offered",
                "help_list",
                can_see_help_requests,
                ("help_request_create", "help_request_detail", "support_offer_create"),
            ),
            Destination("Who is strong at what", "strengths", can_see_who_is_strong),
            Destination("Help in numbers", "help_summary", can_see_help_summary),
        ),
    ),
    Group(
        "Practice",
        (
            Destination(
                "Practice library",
                "practice_library",
                is_reader,
                ("practice_create", "practice_detail", "practice_edit"),
            ),
            Destination("Reports to moderate", "practice_reports", is_moderator),
        ),
    ),
    Group(
        "Partnerships & localities",
        (
            Destination(
                "Partnerships", "partnership_list", sees_any_partnership, ("partnership_detail", "meeting_create")
            ),
            Destination(
                "Localities",
                "locality_list",
                sees_any_locality,
                ("locality_detail", "locality_network", "locality_create", "locality_update"),
            ),
            Destination(
                "Partner agencies",
                "agency_list",
                can_manage_agencies,
                (
                    "agency_detail",
                    "agency_create",
                    "agency_update",
                    "agency_contact_create",
                    "agency_link_create",
                ),
            ),
        ),
    ),
    Group(
        "Data & admin",
        (
            Destination("People", "people", can_manage_people, ("invitation_create",)),
            Destination("Imports", "import_history", can_import_data, ("import_upload", "import_run")),
            Destination("Jobs", "job_list", can_see_jobs, ("job_detail",)),
            Destination("Data quality", "data_quality", can_see_data_quality),
            Destination("Disputed values", "dispute_list", can_see_disputes, ("dispute_detail", "dispute_raise")),
            Destination("Audit log", "audit_log", can_see_audit_log),
            Destination("Site administration", "admin:index", _superuser),
        ),
    ),
)


@dataclass(frozen=True)
class ShownLink:
    label: str
    url: str
    current: str  # "page" on the destination itself, "true" on a page that belongs to it, else ""


@dataclass(frozen=True)
class ShownGroup:
    label: str
    links: list[ShownLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def only(self) -> ShownLink | None:
        """The one link of a group that has one (drawn as a plain link, with the group's name)."""
        return self.links[0] if len(self.links) == 1 else None


@dataclass(frozen=True)
class Header:
    groups: list[ShownGroup]
    search: bool  # the school search box: for whoever may open the directory


def navigation_for(user: AnyUser, view_name: str | None) -> Header:
    """The groups this user may open something in, each with the links they may open."""
    if not user.is_authenticated:
        return Header([], search=False)
    groups = []
    allowed: dict[Callable[[AnyUser], bool], bool] = {}
    for group in NAVIGATION:
        links = []
        for destination in group.destinations:
            rule = destination.may_open
            if rule not in allowed:  # several destinations share a rule: asked once
                allowed[rule] = rule(user)
            if allowed[rule]:
                current = (
                    "page" if view_name == destination.url_name else "true" if view_name in destination.pages else ""
                )
                links.append(ShownLink(destination.label, reverse(destination.url_name), current))
        if links:
            groups.append(ShownGroup(group.label, links))
    return Header(groups, search=allowed.get(sees_any_school, False))
