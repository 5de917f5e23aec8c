"""Builds the embedded demo: the real register, plus generated records marked as such."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.benchmarks.services import benchmarks_refresh
from evenbetter.demo.clusters import Place, nearest_neighbour_groups
from evenbetter.demo.concerns import demo_generate_concerns
from evenbetter.demo.goals import demo_generate_goals
from evenbetter.demo.local_records import demo_generate_local_records
from evenbetter.demo.practice import demo_generate_practice
from evenbetter.demo.supports import demo_generate_supports
from evenbetter.goals.services import celebrations_refresh
from evenbetter.indicators.models import ImportRun
from evenbetter.indicators.quality import data_quality_refresh
from evenbetter.ingest.registry import all_formats
from evenbetter.ingest.runner import import_path
from evenbetter.jobs.services import refresh_done_here
from evenbetter.partnerships.indicators import partnership_life_refresh
from evenbetter.schools.models import Partnership, School
from evenbetter.schools.services import partnership_members_add

REGISTER_FILE = Path("hampshire-surrey") / "gias_20220420.csv"
# Districts whose schools the demo groups into clusters: two in each authority.
CLUSTER_DISTRICTS = ["Basingstoke and Deane", "Winchester", "Guildford", "Woking"]
CLUSTER_SIZE = 8


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str


class DemoDataMissing(Exception):
    pass


def demo_register_path() -> Path:
    return Path(settings.EVENBETTER_DATA_DIR) / REGISTER_FILE


def demo_import_register() -> ImportRun:
    path = demo_register_path()
    if not path.is_file():
        raise DemoDataMissing(
            f"The demo needs the real register at {path}. It comes with the repository, in "
            "data/england/; if that is missing, check out the repository again, or set "
            "EVENBETTER_DATA_DIR to a folder that holds hampshire-surrey/gias_20220420.csv."
        )
    run = import_path(path=path, source_format="gias")
    if run.status != ImportRun.Status.SUCCEEDED:
        first = run.problems[0] if run.problems else {}
        raise DemoDataMissing(f"The register did not import: {first.get('message', 'unknown problem')}")
    return run


@transaction.atomic
def demo_make_clusters() -> list[Partnership]:
    clusters: list[Partnership] = []
    members: list[tuple[int, int]] = []
    for district in CLUSTER_DISTRICTS:
        schools = School.objects.filter(district=district, easting__isnull=False, northing__isnull=False).exclude(
            status=School.Status.CLOSED
        )
        by_id = {school.pk: school for school in schools}
        places = [Place(s.pk, float(s.easting or 0), float(s.northing or 0)) for s in schools]
        for number, group in enumerate(nearest_neighbour_groups(places, CLUSTER_SIZE), start=1):
            seed = by_id[group[0].key]
            name = f"{seed.town or district} Schools Cluster" if number == 1 else f"{district} Cluster {number}"
            partnership, _ = Partnership.objects.get_or_create(
                kind=Partnership.Kind.CLUSTER,
                name=name,
                defaults={
                    "slug": slugify(f"cluster-{name}"),
                    "source": Partnership.Source.LOCAL,
                    "is_generated": True,
                    "description": "Generated for the demo: neighbouring schools grouped by distance.",
                },
            )
            members += [(partnership.pk, place.key) for place in group]
            clusters.append(partnership)
    # Through the register's service, which says who joined: kept figures over members renewed.
    partnership_members_add(members=members)
    return clusters


def _demo_user(username: str, first_name: str, last_name: str, organisation: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.invalid",
            "organisation": organisation,
            "is_generated": True,
        },
    )
    if created:
        user.set_password(settings.EVENBETTER_DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def demo_make_users(clusters: list[Partnership]) -> list[DemoLogin]:
    cluster = clusters[0]
    school_a = cluster.memberships.filter(left_on__isnull=True).order_by("school__name").first()
    if school_a is None:
        raise DemoDataMissing("The first demo cluster has no schools.")
    own_school = school_a.school
    other_school = (
        School.objects.filter(district=CLUSTER_DISTRICTS[2])
        .exclude(status=School.Status.CLOSED)
        .exclude(pk=own_school.pk)
        .order_by("name")
        .first()
    )
    locality = own_school.localities.order_by("name").first()
    if other_school is None or locality is None:
        raise DemoDataMissing("The register has too few schools for the demo.")

    def grant(user: User, role: str, **scope: Any) -> DemoLogin:
        membership, _ = Membership.objects.get_or_create(user=user, role=role, **scope)
        return DemoLogin(user.username, membership.get_role_display(), membership.scope_label)

    logins = [
        grant(_demo_user("system-lead", "Sam", "Okafor", "School improvement team"), Role.SYSTEM_LEAD),
        grant(_demo_user("partnership-lead", "Priya", "Shah"), Role.PARTNERSHIP_LEAD, partnership=cluster),
        grant(_demo_user("school-leader", "Alex", "Morgan"), Role.SCHOOL_LEADER, school=own_school),
        grant(_demo_user("school-leader-b", "Jo", "Bennett"), Role.SCHOOL_LEADER, school=other_school),
        grant(_demo_user("governor", "Chris", "Lowe"), Role.GOVERNOR, school=own_school),
        grant(_demo_user("staff-member", "Kim", "Hughes"), Role.STAFF_MEMBER, school=own_school),
        grant(_demo_user("locality-lead", "Morgan", "Ellis", "Locality team"), Role.LOCALITY_LEAD, locality=locality),
        grant(
            _demo_user("partner-agency", "Dana", "Reid", "Early help hub"),
            Role.PARTNER_AGENCY,
            locality=locality,
        ),
    ]
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_superuser": True, "is_staff": True, "is_generated": True, "email": "admin@demo.invalid"},
    )
    if created:
        admin.set_password(settings.EVENBETTER_DEMO_PASSWORD)
        admin.save()
    # The superuser is also a system lead, so that the platform's own pages show it everything.
    Membership.objects.get_or_create(user=admin, role=Role.SYSTEM_LEAD)
    logins.append(DemoLogin("admin", "Superuser (Django admin) and system lead", "the whole system"))
    return logins


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as they are now, for printing."""
    logins = []
    for membership in Membership.objects.filter(user__is_generated=True).select_related(
        "user", "school", "partnership", "locality"
    ):
        logins.append(DemoLogin(membership.user.username, membership.get_role_display(), membership.scope_label))
    if User.objects.filter(username="admin", is_superuser=True).exists():
        logins = [login for login in logins if login.username != "admin"]
        logins.append(DemoLogin("admin", "Superuser (Django admin) and system lead", "the whole system"))
    order = [
        "system-lead",
        "locality-lead",
        "partnership-lead",
        "school-leader",
        "school-leader-b",
        "staff-member",
        "governor",
        "partner-agency",
    ]
    return sorted(
        logins,
        key=lambda login: (order.index(login.username) if login.username in order else len(order), login.username),
    )


# Real published indicators for the demo's schools: (file, format, options). Rows for
# schools outside Hampshire and Surrey are skipped by the importers and counted.
DEMO_INDICATOR_FILES: list[tuple[str, str, dict[str, Any]]] = [
    ("national-2019/england_census.csv", "dfe_census", {"period": "2018/19"}),
    ("national-2019/england_abs.csv", "dfe_absence", {"period": "2018/19"}),
    ("national-2019/ofsted_ratings.csv", "ofsted_ratings", {"period": "2018/19"}),
    ("hampshire-surrey/ks2_2016_850.csv", "dfe_ks2", {"period": "2016/17"}),
    ("hampshire-surrey/ks2_2016_936.csv", "dfe_ks2", {"period": "2016/17"}),
    ("hampshire-surrey/ks2_2017_850.csv", "dfe_ks2", {"period": "2017/18"}),
    ("hampshire-surrey/ks2_2017_936.csv", "dfe_ks2", {"period": "2017/18"}),
    ("hampshire-surrey/ks2_2018_850.csv", "dfe_ks2", {"period": "2018/19"}),
    ("hampshire-surrey/ks2_2018_936.csv", "dfe_ks2", {"period": "2018/19"}),
]


def demo_import_indicators() -> list[ImportRun]:
    """Import every real indicator file the demo uses and the platform has a format for."""
    known = {format_class.code for format_class in all_formats()}
    runs = []
    for relative, source_format, options in DEMO_INDICATOR_FILES:
        path = Path(settings.EVENBETTER_DATA_DIR) / relative
        if source_format not in known or not path.is_file():
            continue
        run = import_path(path=path, source_format=source_format, **options)
        if run.status != ImportRun.Status.SUCCEEDED:
            first = run.errors[0] if run.errors else {}
            raise DemoDataMissing(f"{relative} did not import: {first.get('message', 'unknown problem')}")
        runs.append(run)
    return runs


def demo_early_warning(*, with_backtest: bool) -> None:
    """Score every school for the demo's watch list: the next inspection below Good.

    The demo's partnership records are generated, so its scores mix real and generated
    inputs; the run says so and the watch list shows it. No alerts are sent."""
    from evenbetter.analytics.risk.settings import Outcome
    from evenbetter.earlywarning.services import risk_run_create

    risk_run_create(outcome=Outcome(kind="inspection_below", grade=2), with_backtest=with_backtest, alert=False)


def demo_build(*, with_backtest: bool = True) -> list[DemoLogin]:
    demo_import_register()
    demo_import_indicators()
    clusters = demo_make_clusters()
    demo_generate_local_records()
    # Every input is in: what the refresh after those imports would do, done here in its order,
    # and recorded as that refresh (a worker would otherwise spend a minute doing it again).
    computing_from = timezone.now()
    data_quality_refresh()
    partnership_life_refresh()
    benchmarks_refresh()
    refresh_done_here(started_at=computing_from, by="the demo build")
    logins = demo_make_users(clusters)
    demo_generate_concerns(clusters[0])  # before the early warning, which reads them
    demo_early_warning(with_backtest=with_backtest)
    demo_supports()
    demo_generate_practice()
    demo_generate_goals()
    # What the refresh's last step would find now that supports, practice and goals are in.
    celebrations_refresh()
    return logins


def demo_supports() -> None:
    """Offers, past supports and some under way, around the demo's two school leaders."""
    own = Membership.objects.filter(user__username="school-leader", role=Role.SCHOOL_LEADER).first()
    other = Membership.objects.filter(user__username="school-leader-b", role=Role.SCHOOL_LEADER).first()
    if own is None or other is None or own.school is None or other.school is None:
        raise DemoDataMissing("The demo's school leaders are missing: build the users first.")
    demo_generate_supports(own_school=own.school, other_school=other.school)
