"""Every page of the site at national scale, for every role that may see it: server time.

    .venv/bin/python bench/bench_every_page.py [--repeat 10] [--keep FILE]
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_every_page.py

Builds national scale in a fresh database, through the product's own paths: the real
Hampshire and Surrey register (localities, districts), all of ``national-2019/`` (23,939
schools; ``settings.EVENBETTER_DATA_DIR``, ``data/england/`` by default) and the demo's key
stage 2 files; the demo's generated clusters and partnership-life records (the simulator);
then the refresh the imports queued, run by the worker's own loop (data quality, computed
indicators, every family and benchmark), an early-warning run over every school, and the
demo's people, help requests and practice. ``--keep FILE`` builds into that SQLite file and,
when it is there already, opens it without building again (for measuring before and after a
change on the same data).

Then it walks **every named URL of the URLconf** (``get_resolver()``), fills each URL's
arguments with real ids of the right kind (the school leader's own school, its locality,
its cluster, a job, a dispute …), and asks for it with Django's test client as each role:
system lead, partnership lead, school leader, governor, partner agency (the demo's
accounts), and anonymous for the pages before signing in. A role that gets anything but 200
on the first request may not see the page (or is sent elsewhere): it is not timed. A URL
that answers GET with 405 is POST-only and is listed as skipped. Django admin is left out
(superusers only, Django's own pages).

Each (page, role) is asked ``--repeat`` times after one warm-up request (fewer for a page
that takes seconds, at least 3); printed slowest first by p95: median, p95, queries (the most
one measured request ran; the warm-up's apart, since it fills what is kept), and
the ratio of both to the lightest page's median in the same run. Set-up time is printed
apart and never counted in a page's time. Goal (issue 16): every page p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _setup import ROOT, django_with_fresh_database, peak_rss_mb

NATIONAL_FILES = [
    ("national-2019/england_census.csv", "dfe_census", {"add_missing_schools": True}),
    ("national-2019/england_abs.csv", "dfe_absence", {}),
    ("national-2019/england_ks4provisional.csv", "dfe_ks4", {}),
    ("national-2019/ofsted_ratings.csv", "ofsted_ratings", {}),
    ("national-2019/england_swf.csv", "dfe_workforce", {}),
]
ROLES = ["system-lead", "partnership-lead", "school-leader", "governor", "partner-agency"]
TARGET_MS = 300.0
BUDGET_S = 20.0  # most seconds spent timing one (page, role)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Stopwatch:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.steps.append((name, seconds))
        print(f"  set-up: {name}: {seconds:.1f} s", flush=True)


def build(watch: Stopwatch) -> None:
    """National scale, through the product's imports, refresh, simulator and demo services."""
    from django.conf import settings

    from evenbetter.demo.local_records import demo_generate_local_records
    from evenbetter.demo.practice import demo_generate_practice
    from evenbetter.demo.services import (
        DEMO_INDICATOR_FILES,
        demo_early_warning,
        demo_import_register,
        demo_make_clusters,
        demo_make_users,
        demo_supports,
    )
    from evenbetter.indicators.models import ImportRun
    from evenbetter.ingest.runner import import_path
    from evenbetter.jobs.worker import jobs_run_pending
    from evenbetter.schools.models import School

    if School.objects.count() < 20_000:  # else imported by an earlier, interrupted build (--keep)
        started = time.perf_counter()
        demo_import_register()
        watch.step("the Hampshire and Surrey register", started)
        started = time.perf_counter()
        folder = Path(settings.EVENBETTER_DATA_DIR)
        ks2 = [(name, fmt, opts) for name, fmt, opts in DEMO_INDICATOR_FILES if fmt == "dfe_ks2"]
        for name, source_format, options in [*NATIONAL_FILES, *ks2]:
            run = import_path(path=folder / name, source_format=source_format, **{"period": "2018/19", **options})
            assert run.status == ImportRun.Status.SUCCEEDED, (name, run.problems[:3])
        watch.step("all of national-2019 and the demo's key stage 2 imported", started)
    started = time.perf_counter()
    clusters = demo_make_clusters()
    demo_generate_local_records()
    watch.step("clusters and partnership-life records (simulator)", started)
    started = time.perf_counter()
    jobs_run_pending()  # the refresh the imports queued: quality, computed, families, benchmarks
    watch.step("the refresh the imports queued (worker)", started)
    started = time.perf_counter()
    demo_make_users(clusters)
    demo_early_warning(with_backtest=False)
    watch.step("an early-warning run over every school", started)
    started = time.perf_counter()
    demo_supports()
    demo_generate_practice()
    watch.step("help requests, offers and practice", started)


@dataclass
class World:
    """Real ids of each kind, for the URLs' arguments."""

    school_pk: int
    urn: int
    locality_slug: str
    partnership_slug: str
    import_run_pk: int
    job_pk: int
    observation_pk: int
    dispute_pk: int
    action_pk: int
    help_pk: int
    practice_pk: int
    attachment_pk: int | None
    comment_pk: int | None
    comparator_pk: int
    indicator_code: str
    token_pk: int


def world() -> World:
    """What the URLs point at: the school leader's own school (the partnership lead's cluster,
    the governor's school, in the partner agency's locality), and records around it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evenbetter.accounts.models import Membership, Role, User
    from evenbetter.api.models import ApiToken
    from evenbetter.api.services import token_create
    from evenbetter.benchmarks.models import ComparatorSet
    from evenbetter.indicators.models import Dispute, ImportRun, Observation
    from evenbetter.jobs.models import Job
    from evenbetter.partnerships.models import Action
    from evenbetter.practice import services as practice
    from evenbetter.practice.models import Attachment, Comment, PracticeItem
    from evenbetter.support.models import HelpRequest

    leader = User.objects.get(username="school-leader")
    school = Membership.objects.get(user=leader, role=Role.SCHOOL_LEADER).school
    assert school is not None
    cluster = Membership.objects.get(user__username="partnership-lead").partnership
    locality = Membership.objects.get(user__username="partner-agency").locality
    assert cluster is not None and locality is not None
    observation = Observation.objects.filter(school=school).order_by("pk").first()
    assert observation is not None, "the school leader's school has no values"
    dispute = Dispute.objects.filter(observation__school=school).first() or Dispute.objects.create(
        observation=Observation.objects.filter(school=school).order_by("-pk").first(),
        raised_by=leader,
        reason="Our own census says otherwise (bench).",
    )
    item = PracticeItem.objects.filter(author=leader, status="published").order_by("pk").first()
    if item is None or not item.attachments.exists():
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        item = practice.item_create(
            author=leader, schools=[school], kind="idea", title="Phonics catch-up (bench)",
            summary="Ten minutes a day.", body="Small groups every afternoon.", phase="primary",
            areas=["reading"], files=[SimpleUploadedFile("groups.png", png)],
        )  # fmt: skip
    comparator = ComparatorSet.objects.filter(school=school).first() or ComparatorSet.objects.create(
        school=school, name="Our neighbours (bench)", kind=ComparatorSet.Kind.BY_HAND, created_by=leader
    )
    token = ApiToken.objects.filter(user=leader).first() or token_create(user=leader, name="bench")[0]
    help_request = HelpRequest.objects.filter(school=school).order_by("pk").first() or HelpRequest.objects.create(
        school=school, area="reading", title="Year 1 phonics", description="Our screening fell."
    )
    action = Action.objects.filter(partnership=cluster).order_by("pk").first()
    assert action is not None, "the cluster has no actions: the simulator wrote none"
    attachment = Attachment.objects.filter(item=item).first()
    comment = Comment.objects.filter(item__status="published").first()
    return World(
        school_pk=school.pk,
        urn=school.urn,
        locality_slug=locality.slug,
        partnership_slug=cluster.slug,
        import_run_pk=ImportRun.objects.filter(source_format="dfe_census").latest("pk").pk,
        job_pk=Job.objects.latest("pk").pk,
        observation_pk=observation.pk,
        dispute_pk=dispute.pk,
        action_pk=action.pk,
        help_pk=help_request.pk,
        practice_pk=item.pk,
        attachment_pk=attachment.pk if attachment else None,
        comment_pk=comment.pk if comment else None,
        comparator_pk=comparator.pk,
        indicator_code=observation.indicator.code,
        token_pk=token.pk,
    )


# The arguments of each named URL that takes some: its name -> the kwargs, from the world.
# A URL with arguments that is not here stops the bench, naming it, so none is left out.
ARGUMENTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "school_detail": lambda w: {"urn": w.urn},
    "school_section": lambda w: {"pk": w.school_pk, "slug": "even-better"},  # the benchmarks, the costliest
    "locality_detail": lambda w: {"slug": w.locality_slug},
    "locality_network": lambda w: {"slug": w.locality_slug},
    "partnership_detail": lambda w: {"slug": w.partnership_slug},
    "meeting_create": lambda w: {"slug": w.partnership_slug},
    "import_run": lambda w: {"pk": w.import_run_pk},
    "import_confirm": lambda w: {"pk": w.import_run_pk},
    "job_detail": lambda w: {"pk": w.job_pk},
    "job_progress": lambda w: {"pk": w.job_pk},
    "dispute_raise": lambda w: {"pk": w.observation_pk},
    "dispute_detail": lambda w: {"pk": w.dispute_pk},
    "comparator_set_delete": lambda w: {"pk": w.school_pk, "set_id": w.comparator_pk},
    "action_update": lambda w: {"pk": w.action_pk},
    "help_request_detail": lambda w: {"pk": w.help_pk},
    "help_request_step": lambda w: {"pk": w.help_pk, "step": "withdraw"},
    "practice_detail": lambda w: {"pk": w.practice_pk},
    "practice_edit": lambda w: {"pk": w.practice_pk},
    "practice_action": lambda w: {"pk": w.practice_pk, "action": "follow"},
    "practice_comment_action": lambda w: {"pk": w.comment_pk or 0, "action": "withdraw"},
    "practice_area_follow": lambda w: {"area": "reading"},
    "practice_attachment": lambda w: {"pk": w.attachment_pk or 0},
    "api-indicator-detail": lambda w: {"code": w.indicator_code},
    "api-help-request-detail": lambda w: {"pk": w.help_pk},
    "api-import-detail": lambda w: {"pk": w.import_run_pk},
    "api-token-detail": lambda w: {"pk": w.token_pk},
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "not-a-token"},
    "invitation_accept": lambda w: {"uidb64": "MQ", "token": "not-a-token"},
    "locality_update": lambda w: {"slug": w.locality_slug},
    "locality_goal_create": lambda w: {"slug": w.locality_slug},
    "partnership_goal_create": lambda w: {"slug": w.partnership_slug},
    "concern_action": lambda w: {"pk": 0, "action": "withdraw"},  # POST only
    "survey_answer": lambda w: {"token": "not-a-token"},  # a respondent's link; none is made here
}
# Any other URL whose one argument is ``pk`` is about a school: the school leader's own.
QUERY = {"help_request_create": "?school={school_pk}", "support_offer_create": "?school={school_pk}"}


def named_urls() -> Iterator[tuple[str, list[str]]]:
    """Every named pattern (namespaced names joined with ':') and its arguments' names."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, list(pattern.pattern.regex.groupindex)

    seen = set()
    for name, arguments in walk(get_resolver().url_patterns, None):
        if name not in seen:
            seen.add(name)
            yield name, arguments


def url_of(name: str, arguments: list[str], w: World) -> str:
    from django.urls import reverse

    if name in ARGUMENTS:
        url = reverse(name, kwargs=ARGUMENTS[name](w))
    elif arguments == ["pk"]:
        url = reverse(name, kwargs={"pk": w.school_pk})
    elif arguments:
        raise SystemExit(f"bench_every_page: the URL {name!r} takes {arguments}: add it to ARGUMENTS")
    else:
        url = reverse(name)
    return url + QUERY.get(name, "").format(school_pk=w.school_pk)


@dataclass
class Timed:
    name: str
    url: str
    role: str
    times: list[float]
    queries: int  # the most a measured request ran (the warm-up's apart: it fills the caches)
    warm_up_queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


class QueryCounter:
    """The queries of one request, counted as the database runs them. (Django's
    ``CaptureQueriesContext`` read 0 here: every request starts by emptying the connection's
    query log, and the context counts from the log's length before the request.)"""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def _whole(response: Any) -> Any:
    """The response read to its last byte: a streamed one (the audit log's CSV) is timed whole."""
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
        response.close()
    return response


def timed_requests(client: Any, url: str, count: int, *, role: str = "") -> tuple[list[float], int]:
    """``count`` requests of ``url`` after the warm-up: each one's milliseconds, and the most
    queries one of them ran. Only these are counted: the warm-up fills what is kept (the figures
    cache, a panel's HTML), so its queries are not what a reader's request runs."""
    from django.db import connection

    times: list[float] = []
    queries = 0
    for _ in range(count):
        counted = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counted):
            response = _whole(client.get(url))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, role, response.status_code)
        queries = max(queries, counted.queries)
    return times, queries


def measure(repeat: int, only: str | None) -> tuple[list[Timed], list[str], list[str]]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from evenbetter.accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    w = world()
    clients: dict[str, Client] = {"anonymous": Client()}
    for username in ROLES:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    timed: list[Timed] = []
    post_only: list[str] = []
    skipped: list[str] = []
    for name, arguments in named_urls():
        if name.startswith("admin:"):
            continue
        if only and not any(part in name for part in only.split(",")):
            continue
        url = url_of(name, arguments, w)
        seen_by_anyone = False
        for role, client in clients.items():
            counted = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counted):
                first = _whole(client.get(url))
            first_ms = (time.perf_counter() - started) * 1000
            if first.status_code == 405:
                post_only.append(f"{name} ({url})")
                break
            if first.status_code != 200:
                continue
            if role == "anonymous" and seen_by_anyone:
                continue  # a page for everyone: timed signed in
            seen_by_anyone = True
            count = max(3, min(repeat, int(BUDGET_S * 1000 / max(first_ms, 1))))
            times, queries = timed_requests(client, url, count, role=role)
            timed.append(Timed(name, url, role, times, queries, counted.queries))
            print(
                f"  {name:28} {role:17} median {timed[-1].median:9.1f} ms  ({count} requests, {queries} queries; "
                f"warm-up {counted.queries})",
                flush=True,
            )
        else:
            if not seen_by_anyone:
                skipped.append(f"{name} ({url})")
    return timed, post_only, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="requests per page and role (after one warm-up)")
    parser.add_argument("--keep", type=Path, help="build into this SQLite file, or open it if it is there")
    parser.add_argument("--only", help="time only the URL names that contain this (or any of these, comma-separated)")
    parser.add_argument("--top", type=int, default=0, help="print only the slowest N (and the lightest)")
    args = parser.parse_args()
    existing = bool(args.keep and args.keep.exists())
    if args.keep:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.keep.resolve()}")
    watch = Stopwatch()
    started = time.perf_counter()
    django_with_fresh_database("every-page")
    watch.step("migrate", started)
    from django.db import connection

    from evenbetter.practice.models import PracticeItem
    from evenbetter.schools.models import School

    if existing and PracticeItem.objects.exists():  # the last step of the build is done
        print(f"opened {args.keep}: {School.objects.count():,} schools, built before (not rebuilt)")
    else:
        build(watch)
    setup_seconds = sum(seconds for _, seconds in watch.steps)
    print(f"set-up in all: {setup_seconds:.0f} s ({School.objects.count():,} schools); not part of any page's time")

    started = time.perf_counter()
    timed, post_only, skipped = measure(args.repeat, args.only)
    measuring = time.perf_counter() - started
    lightest = min(timed, key=lambda t: t.median)
    timed.sort(key=lambda t: t.p95, reverse=True)
    shown = timed[: args.top] if args.top else timed
    print()
    print(f"{len(timed)} (page, role) pairs timed in {measuring:.0f} s on {connection.vendor}, slowest first;")
    print(f"lightest page: {lightest.name} as {lightest.role}, median {lightest.median:.1f} ms")
    header = (
        f"{'page':30} {'role':17} {'n':>3} {'median ms':>10} {'p95 ms':>9} {'queries':>7} {'warm-up':>7} "
        f"{'× lightest':>10}"
    )
    print(header)
    for t in [*shown, *([lightest] if lightest not in shown else [])]:
        flag = "  over 300 ms" if t.p95 > TARGET_MS else ""
        print(
            f"{t.name:30} {t.role:17} {len(t.times):3} {t.median:10.1f} {t.p95:9.1f} {t.queries:7} {t.warm_up_queries:7} "
            f"{t.median / lightest.median:10.1f}{flag}"
        )
    over = [t for t in timed if t.p95 > TARGET_MS]
    print(f"\n{len(over)} of {len(timed)} (page, role) pairs over {TARGET_MS:.0f} ms at p95")
    print(f"POST-only (not timed): {', '.join(post_only) or 'none'}")
    print(f"seen by none of the roles (not timed): {', '.join(skipped) or 'none'}")
    print("left out: Django admin (superusers only, Django's own pages)")
    print(f"peak memory {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
