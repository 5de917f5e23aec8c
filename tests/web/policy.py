"""Who may do what at every URL: the one declared permission policy of the platform.

``POLICY`` has an entry for every named URL pattern of the site (the test
``test_every_url_pattern_has_a_policy_entry`` walks the URLconf and fails, naming the
pattern, when one is missing). An entry says, for each persona of ``tests/conftest.py``,
what a GET (or a POST) of that URL answers:

- ``OK`` 200, ``INVALID`` 400 (a form with errors), ``FORBIDDEN`` 403, ``NOT_FOUND`` 404
  (used where saying "forbidden" would give away that the thing exists), ``NOT_ALLOWED``
  405 (the wrong method: a POST-only URL opened with GET);
- ``LOGIN``: a redirect to the sign-in page;
- ``REDIRECT``: a redirect elsewhere (the sign-in page sends a signed-in user home);
- ``UNAUTHORIZED`` 401: the API's answer to a request that is not signed in (no session, no token);
- ``DONE``: a POST (or an API DELETE) carried out: a redirect or a 2xx, and something was written;
- ``REFUSED``: a POST refused with a message on the page it redirects back to ("Nothing was
  changed: …"), as the practice library and the brokerage steps do.

Every answer other than ``DONE`` to a POST is checked to have written nothing at all (every
table's rows and checksum the same, sessions aside), and ``DONE`` to have written something,
so a refusal can never hide behind a form that would not have validated anyway. A GET that
writes (the audit log's CSV export and every view of risk are recorded) says so with
``writes=True``, and its refusals are checked the same way.

Where a URL is about a school, it has an entry for school A (Alton Infant: ``school_leader_a``'s
own school, governed by ``governor``, in the ``partnership_lead``'s cluster, in the
``partner_agency``'s locality) and one for school B (Ash Grange, Guildford: ``school_leader_b``'s
own school, and nobody else's), so every role is checked on its own school and on another.

**Django admin** (``/admin/``, every pattern in the ``admin`` namespace, named or not) is
covered by one entry for the admin index here, and by one rule checked over every admin
pattern by ``test_every_admin_url_is_for_superusers_only``: whoever is not an active
superuser — each persona, including a system lead with staff status — is sent to the admin
sign-in page, except on the sign-in page itself (200: it is how a superuser signs in) and on
its sign-out (back to the admin index, which then sends them to the sign-in page); a POST to
any admin "add" page by a non-superuser is refused the same way and writes nothing. The
admin's own permissions are Django's; the platform's rule is that only superusers get in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from evenbetter.accounts.invitations import invitation_link_parts
from evenbetter.accounts.models import Invitation, Membership, Role, User
from evenbetter.accounts.services import invitation_create
from evenbetter.api.models import ApiToken
from evenbetter.api.services import token_create
from evenbetter.benchmarks.models import ComparatorSet
from evenbetter.concerns.models import Concern
from evenbetter.goals.models import Celebration, Goal
from evenbetter.indicators.models import Dispute, ImportRun, Indicator, Observation
from evenbetter.ingest.runner import import_file
from evenbetter.ingest.services import import_preview
from evenbetter.jobs.models import Job
from evenbetter.partnerships.models import Action, Agency, AgencyContact, AgencyLink, AgencyMember
from evenbetter.practice import services as practice
from evenbetter.practice.models import Attachment, Comment, PracticeItem
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.schools.services import locality_agree
from evenbetter.support.models import HelpRequest
from evenbetter.voice.models import PulseSurvey
from evenbetter.voice.services import pulse_surveys_open

OK, INVALID, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 400, 401, 403, 404, 405
LOGIN = "302 to sign in"
REDIRECT = "302 elsewhere"
DONE = "302, something written"
REFUSED = "302 back, nothing written"
ADMIN_LOGIN = "302 to the admin sign-in"

Answer = int | str
POST_ANSWERS = {INVALID, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, LOGIN, DONE, REFUSED}

# An absence file for schools A and B: the observations disputes are about, and the upload
# a system lead previews and confirms.
ABSENCE = b"\xef\xbb\xbfLA,ESTAB,URN,PERCTOT,PPERSABS10\r\n850,2000,115850,3.9,8.1\r\n936,2940,125116,4.4,7.2\r\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class World:
    """The records the policy's URLs point at, each made the first time an entry asks for it."""

    def __init__(self, users: Mapping[str, User]):
        self.users = users
        schools = School.objects.in_bulk((115850, 125116, 115851), field_name="urn")
        self.school_a, self.school_b, self.school_c = (schools[urn] for urn in (115850, 125116, 115851))

    @cached_property
    def alton(self) -> Partnership:
        return Partnership.objects.get(slug="alton-cluster")

    @cached_property
    def agreed_locality(self) -> Locality:
        """Agreed by partners around Danetree (Epsom and Ewell): no persona's school, no persona leads it."""
        return locality_agree(
            name="Epsom agreed", description="", agreed_by="Epsom partners", agreed_on=dt.date(2026, 9, 1),
            schools=[School.objects.get(urn=138764)], lead=None, by=None,
        )  # fmt: skip

    @cached_property
    def led_agreed_locality(self) -> Locality:
        """Anstey (school C, taken from East Hampshire), agreed and led by ``locality_lead``."""
        locality = locality_agree(
            name="Anstey agreed", description="", agreed_by="Hampshire partners", agreed_on=dt.date(2026, 9, 1),
            schools=[self.school_c], lead=self.users["locality_lead"], by=None,
        )  # fmt: skip
        return locality

    @cached_property
    def agency_elsewhere(self) -> Agency:
        """Surrey police, across Guildford: no locality the locality lead leads."""
        agency = Agency.objects.create(name="Surrey police", kind="police")
        AgencyLink.objects.create(agency=agency, locality=Locality.objects.get(slug="guildford"))
        return agency

    @cached_property
    def police(self) -> Agency:
        """Hampshire police, across East Hampshire (school A's locality), with a named contact."""
        agency = Agency.objects.create(name="Hampshire police", kind="police")
        AgencyLink.objects.create(agency=agency, locality=Locality.objects.get(slug="east-hampshire"))
        return agency

    @cached_property
    def police_member(self) -> AgencyMember:
        """The partner agency persona, acting for the police too."""
        return AgencyMember.objects.create(agency=self.police, user=self.users["partner_agency"])

    @cached_property
    def agency_contact(self) -> AgencyContact:
        return AgencyContact.objects.create(agency=self.police, name="PC Lee", team="Schools liaison")

    @cached_property
    def agency_link_a(self) -> AgencyLink:
        """The police named in the team around school A."""
        return AgencyLink.objects.create(agency=self.police, school=self.school_a)

    @cached_property
    def register_run(self) -> ImportRun:
        return ImportRun.objects.get(source_format="gias")

    @cached_property
    def _absence(self) -> QuerySet[Observation]:
        run = import_file(content=ABSENCE, file_name="absence.csv", source_format="dfe_absence", period="2018/19")
        assert run.status == ImportRun.Status.SUCCEEDED, run.problems
        return Observation.objects.filter(import_run=run)

    @cached_property
    def preview(self) -> ImportRun:
        """A system lead's preview of a revised absence file, ready to confirm."""
        preview = import_preview(
            user=self.users["system_lead"],
            content=ABSENCE.replace(b"3.9", b"4.1"),
            file_name="absence-revised.csv",
            source_format="dfe_absence",
            options={"period": "2018/19"},
        )
        assert preview.status == ImportRun.Status.DRY_RUN, preview.problems
        return preview

    @cached_property
    def refresh_job(self) -> Job:
        """The refresh a system lead's import asked for, still queued."""
        job = Job.objects.create(kind="refresh", reason="import of absence.csv (dfe_absence)")
        job.import_runs.add(self.register_run)
        return job

    @cached_property
    def observation_a(self) -> Observation:
        """One of school A's values, undisputed."""
        return self._absence.get(school=self.school_a, indicator__code="absence_overall")

    @cached_property
    def observation_b(self) -> Observation:
        return self._absence.get(school=self.school_b, indicator__code="absence_overall")

    @cached_property
    def dispute_a(self) -> Dispute:
        """An open dispute of another of school A's values."""
        value = self._absence.get(school=self.school_a, indicator__code="absence_persistent")
        return Dispute.objects.create(
            observation=value, raised_by=self.users["school_leader_a"], reason="Our own census says 7.9."
        )

    @cached_property
    def comparator_a(self) -> ComparatorSet:
        comparator = ComparatorSet.objects.create(
            school=self.school_a, name="Our neighbours", kind=ComparatorSet.Kind.BY_HAND,
            created_by=self.users["school_leader_a"],
        )  # fmt: skip
        comparator.members.set([self.school_c])
        return comparator

    @cached_property
    def action_a(self) -> Action:
        """Agreed at the Alton cluster's meeting, owned by school A."""
        today = timezone.localdate()
        return Action.objects.create(
            title="Audit attendance", partnership=self.alton, owner_school=self.school_a,
            agreed_on=today - dt.timedelta(days=40), due_on=today + dt.timedelta(days=10),
        )  # fmt: skip

    @cached_property
    def agency(self) -> Agency:
        """The agency ``partner_agency`` works for (tests/conftest.py ``early_help``)."""
        return Agency.objects.get(members__user=self.users["partner_agency"])

    @cached_property
    def action_given_to_agency(self) -> Action:
        """Owned by school A, shared with the agency and given to it."""
        today = timezone.localdate()
        return Action.objects.create(
            title="Attendance plans with six families", partnership=self.alton, owner_school=self.school_a,
            agency=self.agency, assigned_to_agency=True, agreed_on=today - dt.timedelta(days=20),
            due_on=today + dt.timedelta(days=5),
        )  # fmt: skip

    @cached_property
    def help_to_agency(self) -> HelpRequest:
        """School A's named request, addressed to the agency by the school (suggested, not yet agreed)."""
        return HelpRequest.objects.create(
            school=self.school_a, area="attendance", title="Persistent absence", description="Six families.",
            status=HelpRequest.Status.SUGGESTED, supporter_agency=self.agency,
        )  # fmt: skip

    @cached_property
    def help_named(self) -> HelpRequest:
        return HelpRequest.objects.create(
            school=self.school_a, area="reading", title="Year 1 phonics", description="Our screening fell."
        )

    @cached_property
    def help_broker_only(self) -> HelpRequest:
        return HelpRequest.objects.create(
            school=self.school_a, area="maths", title="Maths leadership", description="Our maths lead left.",
            visibility=HelpRequest.Visibility.BROKER_ONLY,
        )  # fmt: skip

    @cached_property
    def item(self) -> PracticeItem:
        """Published by school_leader_a for school A, with a picture attached."""
        return practice.item_create(
            author=self.users["school_leader_a"], schools=[self.school_a], kind="idea", title="Phonics catch-up",
            summary="Ten minutes a day.", body="Small groups every afternoon.", phase="primary", areas=["reading"],
            files=[SimpleUploadedFile("groups.png", PNG)],
        )  # fmt: skip

    @cached_property
    def withdrawn_item(self) -> PracticeItem:
        item = practice.item_create(
            author=self.users["school_leader_a"], schools=[self.school_a], kind="story", title="An old plan",
            summary="S", body="B", phase="any", areas=["maths"],
        )  # fmt: skip
        return practice.item_withdraw(item=item, by=self.users["school_leader_a"])

    @cached_property
    def comment(self) -> Comment:
        """By school_leader_b, on ``item``."""
        return practice.comment_create(item=self.item, author=self.users["school_leader_b"], body="We do this too.")

    @cached_property
    def attachment(self) -> Attachment:
        return self.item.attachments.get()

    @cached_property
    def survey_a(self) -> PulseSurvey:
        """An open pulse survey of school A's staff, opened by its leader."""
        return pulse_surveys_open(user=self.users["school_leader_a"], schools=[self.school_a], audience="staff")[0]

    @cached_property
    def survey_b(self) -> PulseSurvey:
        return pulse_surveys_open(user=self.users["school_leader_b"], schools=[self.school_b], audience="staff")[0]

    @cached_property
    def indicator_code(self) -> str:
        return self.observation_a.indicator.code

    @cached_property
    def concern_a(self) -> Concern:
        """Raised about school A by the partner agency that works with it, not named to the school."""
        return Concern.objects.create(
            school=self.school_a, area="governance", text="The board has not met since the summer.",
            raised_by=self.users["partner_agency"], raised_as="Partner agency of East Hampshire",
        )  # fmt: skip

    @cached_property
    def goal_a(self) -> Goal:
        """School A's goal on a published value (its absence), set by school_leader_a."""
        return Goal.objects.create(
            school=self.school_a, indicator=self.observation_a.indicator, target=3.0, due_on=_next_year(),
            why="Every day counts.", set_by=self.users["school_leader_a"],
        )  # fmt: skip

    @cached_property
    def goal_local_a(self) -> Goal:
        """School A's goal on a local record (partnership life: not published)."""
        indicator = Indicator.objects.create(
            code="staff_trust", name="Staff trust", unit="%", direction="higher", domain="wellbeing",
            comparison="percent", is_public=False,
        )  # fmt: skip
        return Goal.objects.create(
            school=self.school_a, indicator=indicator, target=80, due_on=_next_year(), why="Trust.",
            set_by=self.users["school_leader_a"],
        )  # fmt: skip

    @cached_property
    def celebration_a(self) -> Celebration:
        """School A's goal, met."""
        return Celebration.objects.create(
            key=f"goal:{self.goal_a.pk}", kind=Celebration.Kind.GOAL_MET, headline="Alton Infant met its goal.",
            school=self.school_a, goal=self.goal_a, indicator=self.goal_a.indicator,
        )  # fmt: skip

    @cached_property
    def invitation_a(self) -> Invitation:
        """school_leader_a's invitation of a new governor of school A, waiting."""
        return invitation_create(
            by=self.users["school_leader_a"], email="new.governor@example.org", role=Role.GOVERNOR, school=self.school_a
        )

    def invitation_link(self) -> str:
        return reverse("invitation_accept", args=invitation_link_parts(self.invitation_a))

    @cached_property
    def governor_role(self) -> Membership:
        """The governor persona's role at school A."""
        return self.users["governor"].memberships.get()

    @cached_property
    def token(self) -> ApiToken:
        """school_leader_a's API token."""
        return token_create(user=self.users["school_leader_a"], name="Spreadsheet")[0]


@dataclass(frozen=True)
class Entry:
    name: str  # the URL pattern's name
    url: Callable[[World], str]
    answers: Mapping[str, Answer]  # persona -> answer; "default" for those not named
    method: Literal["GET", "POST", "DELETE"] = "GET"
    data: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    school: Literal["a", "b"] | None = None  # the school the URL is about, if any
    writes: bool = False  # a GET that writes: its refusals are checked to write nothing

    def answer(self, persona: str) -> Answer:
        return self.answers.get(persona, self.answers["default"])


def answers(default: Answer, anonymous: Answer = LOGIN, **personas: Answer) -> dict[str, Answer]:
    """Anonymous visitors are sent to sign in unless said otherwise. The locality lead (of East
    Hampshire, school A's locality) answers as the partnership lead (of the Alton cluster,
    school A's partnership) unless said otherwise: a locality lead is a partnership lead for a
    place, seeing the schools it leads in full and brokering their help."""
    if "partnership_lead" in personas and "locality_lead" not in personas:
        personas["locality_lead"] = personas["partnership_lead"]
    return {"default": default, "anonymous": anonymous, **personas}


SIGNED_IN = answers(OK)
ANYONE = answers(OK, anonymous=OK)
READERS = answers(OK, outsider=FORBIDDEN)  # everyone with a role
PUBLIC_DATA = answers(OK, outsider=FORBIDDEN, governor=FORBIDDEN, partner_agency=FORBIDDEN)
SYSTEM_LEADS = answers(FORBIDDEN, system_lead=OK)
# Agreed localities and partner agencies are kept by system leads and locality leads.
PLACE_KEEPERS = answers(FORBIDDEN, system_lead=OK, locality_lead=OK)
POST_ONLY = answers(NOT_ALLOWED)
# School A's people with the school in full: its leaders and the leads who see it in full.
FULL_A = answers(FORBIDDEN, system_lead=OK, partnership_lead=OK, school_leader_a=OK)
FULL_B = answers(FORBIDDEN, system_lead=OK, school_leader_b=OK)
# ... and its governors (read-only pages of the school's own records).
OWN_A = {**FULL_A, "governor": OK}
DONE_FULL_A = answers(FORBIDDEN, system_lead=DONE, partnership_lead=DONE, school_leader_a=DONE)
DONE_FULL_B = answers(FORBIDDEN, system_lead=DONE, school_leader_b=DONE)
# Pulse surveys are run by a school's own leaders, by the lead of its locality and by system leads
# (voice/selectors.py); never by its partnership lead, staff or governors.
SURVEYORS = answers(FORBIDDEN, system_lead=OK, locality_lead=OK, school_leader_a=OK, school_leader_b=OK)
RUNS_A = answers(FORBIDDEN, system_lead=OK, locality_lead=OK, school_leader_a=OK)
RUNS_B = answers(FORBIDDEN, system_lead=OK, school_leader_b=OK)
# Who opens the People page: whoever may give some role somewhere.
PEOPLE_MANAGERS = answers(FORBIDDEN, system_lead=OK, partnership_lead=OK, school_leader_a=OK, school_leader_b=OK)
# Who may give (so resend, withdraw, change, end) a governor's role at school A, and switch off
# an account that holds only that role.
GIVE_GOVERNOR_A = answers(FORBIDDEN, system_lead=DONE, school_leader_a=DONE, locality_lead=DONE)


def api(web: Mapping[str, Answer]) -> dict[str, Answer]:
    """The API answers as the web page it mirrors, except that it sends no one to sign in: a
    request that is not signed in (no session, no token) is answered 401."""
    return {**web, "anonymous": UNAUTHORIZED}


def _pk(world: World, school: str) -> int:
    return (world.school_a if school == "a" else world.school_b).pk


def _school_url(name: str, school: Literal["a", "b"], **kwargs: Any) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[_pk(world, school)], **kwargs)


def _query(name: str, school: Literal["a", "b"]) -> Callable[[World], str]:
    return lambda world: f"{reverse(name)}?school={_pk(world, school)}"


def _item(action: str, which: str = "item") -> Callable[[World], str]:
    return lambda world: reverse("practice_action", args=[getattr(world, which).pk, action])


def _comment(action: str) -> Callable[[World], str]:
    return lambda world: reverse("practice_comment_action", args=[world.comment.pk, action])


def _next_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


def _goal_data(world: World) -> dict[str, Any]:
    """A goal for school A's absence (3.9% now): 3% by next year."""
    return {"indicator": world.observation_a.indicator.pk, "target": "3", "due_on": _next_year().isoformat(),
            "why": "Every day counts."}  # fmt: skip


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def _workforce_return(world: World) -> dict[str, Any]:
    from evenbetter.partnerships.forms import recent_academic_years

    return {
        "period": recent_academic_years()[0], "teacher_vacancies": 1, "support_vacancies": 0,
        "sickness_days_per_fte": "3.5", "headcount_start": 30, "headcount_end": 31, "leavers": 2,
        "leadership_changes": 0,
    }  # fmt: skip


def _practice_item(school: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {
        "school": _pk(world, school), "kind": "idea", "title": "Lunchtime reading", "summary": "Books at lunch.",
        "body": "Older pupils read with younger ones.", "areas": ["reading"], "phase": "primary",
    }  # fmt: skip


def _section(school: Literal["a", "b"], slug: str) -> Callable[[World], str]:
    return lambda world: reverse("school_section", args=[_pk(world, school), slug])


def _survey(name: str, school: Literal["a", "b"]) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[getattr(world, f"survey_{school}").pk])


def _survey_answers(world: World) -> dict[str, Any]:
    return dict.fromkeys(world.survey_a.questions, "agree")


def _get(name: str, *args: Any) -> Callable[[World], str]:
    return lambda world: reverse(name, args=list(args))


HELP_REQUEST = {
    "area": "maths", "title": "Fractions in Year 5", "description": "Our Year 5 fractions results fell.",
    "urgency": "this_term", "kind": "advice", "visibility": "named", "school_agreed": "on",
}  # fmt: skip

POLICY: dict[str, Entry] = {
    # --- the home page and accounts ----------------------------------------------------------
    "home": Entry("home", _get("home"), SIGNED_IN),
    # The words the pages use, explained: nothing about any school, so open to anyone.
    "glossary": Entry("glossary", _get("glossary"), ANYONE),
    "login": Entry("login", _get("login"), answers(REDIRECT, anonymous=OK)),
    # Django 5 signs out by POST only; signing out is recorded in the audit log.
    "logout": Entry("logout", _get("logout"), answers(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "logout_post": Entry("logout", _get("logout"), answers(DONE, anonymous=LOGIN), method="POST"),
    "password_change": Entry("password_change", _get("password_change"), SIGNED_IN),
    "password_change_done": Entry("password_change_done", _get("password_change_done"), SIGNED_IN),
    "password_reset": Entry("password_reset", _get("password_reset"), ANYONE),
    "password_reset_done": Entry("password_reset_done", _get("password_reset_done"), ANYONE),
    # A link with a wrong token: the page says the link is not valid, to anyone.
    "password_reset_confirm": Entry(
        "password_reset_confirm", _get("password_reset_confirm", "MQ", "not-a-token"), ANYONE
    ),
    "password_reset_complete": Entry("password_reset_complete", _get("password_reset_complete"), ANYONE),
    # The audit log (sign-ins, role changes, views of risk) and its CSV: system leads only.
    "audit_log": Entry("audit_log", _get("audit_log"), SYSTEM_LEADS),
    "audit_log_csv": Entry("audit_log_csv", _get("audit_log_csv"), SYSTEM_LEADS, writes=True),
    # --- people: invitations and roles (accounts/invitations.py: may_give) ---------------------
    "people": Entry("people", _get("people"), PEOPLE_MANAGERS),
    "invitation_create": Entry("invitation_create", _get("invitation_create"), PEOPLE_MANAGERS),
    # A governor of school A: its leader and the system lead; the partnership lead and school B's
    # leader are not offered that role there (the form says so); the rest may not invite at all.
    "invitation_create_post": Entry(
        "invitation_create",
        _get("invitation_create"),
        answers(
            FORBIDDEN,
            system_lead=DONE,
            school_leader_a=DONE,
            locality_lead=DONE,  # school A is in East Hampshire, which it leads
            partnership_lead=INVALID,
            school_leader_b=INVALID,
        ),
        method="POST",
        data=lambda world: {"email": "someone@example.org", "role": Role.GOVERNOR, "school": world.school_a.urn},
    ),
    "invitation_resend": Entry(
        "invitation_resend", lambda world: reverse("invitation_resend", args=[world.invitation_a.pk]), POST_ONLY
    ),
    "invitation_resend_post": Entry(
        "invitation_resend",
        lambda world: reverse("invitation_resend", args=[world.invitation_a.pk]),
        GIVE_GOVERNOR_A,
        method="POST",
    ),
    "invitation_withdraw": Entry(
        "invitation_withdraw", lambda world: reverse("invitation_withdraw", args=[world.invitation_a.pk]), POST_ONLY
    ),
    "invitation_withdraw_post": Entry(
        "invitation_withdraw",
        lambda world: reverse("invitation_withdraw", args=[world.invitation_a.pk]),
        GIVE_GOVERNOR_A,
        method="POST",
    ),
    "membership_change": Entry(
        "membership_change", lambda world: reverse("membership_change", args=[world.governor_role.pk]), POST_ONLY
    ),
    "membership_change_post": Entry(
        "membership_change",
        lambda world: reverse("membership_change", args=[world.governor_role.pk]),
        GIVE_GOVERNOR_A,
        method="POST",
        data=lambda world: {"role": Role.STAFF_MEMBER},
    ),
    "membership_end": Entry(
        "membership_end", lambda world: reverse("membership_end", args=[world.governor_role.pk]), POST_ONLY
    ),
    "membership_end_post": Entry(
        "membership_end",
        lambda world: reverse("membership_end", args=[world.governor_role.pk]),
        GIVE_GOVERNOR_A,
        method="POST",
    ),
    "account_deactivate": Entry(
        "account_deactivate",
        lambda world: reverse("account_deactivate", args=[world.users["governor"].pk]),
        POST_ONLY,
    ),
    "account_deactivate_post": Entry(
        "account_deactivate",
        lambda world: reverse("account_deactivate", args=[world.users["governor"].pk]),
        GIVE_GOVERNOR_A,
        method="POST",
    ),
    # The invitation's link is for whoever holds it: the page opens to anyone (signed in, it
    # asks them to sign out first, the invitation being for a new account).
    "invitation_accept": Entry("invitation_accept", lambda world: world.invitation_link(), ANYONE),
    "admin": Entry("admin:index", _get("admin:index"), answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN)),
    # --- the register ----------------------------------------------------------------------------
    "school_directory": Entry("school_directory", _get("school_directory"), READERS),
    # The header's search: whoever may open a school; what it finds is scoped (tests/schools/test_school_search.py).
    "school_search": Entry("school_search", lambda w: reverse("school_search") + "?q=Alton", READERS),
    # At a glance reads the risk for those who may see it (audited): refusals write nothing.
    "school_a": Entry(
        "school_detail", lambda w: reverse("school_detail", args=[115850]), READERS, school="a", writes=True
    ),
    "school_b": Entry(
        "school_detail", lambda w: reverse("school_detail", args=[125116]), PUBLIC_DATA, school="b", writes=True
    ),
    "school_a_by_id": Entry("school_detail_by_id", _school_url("school_detail_by_id", "a"), READERS, school="a"),
    "school_b_by_id": Entry("school_detail_by_id", _school_url("school_detail_by_id", "b"), PUBLIC_DATA, school="b"),
    # The whole page, every section open (it reads the risk for those who may see it: audited).
    "school_a_all": Entry(
        "school_detail",
        lambda w: reverse("school_detail", args=[115850]) + "?sections=all",
        READERS,
        school="a",
        writes=True,
    ),
    "school_b_all": Entry(
        "school_detail",
        lambda w: reverse("school_detail", args=[125116]) + "?sections=all",
        PUBLIC_DATA,
        school="b",
        writes=True,
    ),
    # Each section of the school page, through the page's own access check; Trouble ahead only
    # for those who may see the school's risk (not found for the page's other readers).
    **{
        f"school_{school}_section_{slug}": Entry(
            "school_section", _section(school, slug), READERS if school == "a" else PUBLIC_DATA, school=school
        )
        for school in ("a", "b")
        for slug in ("even-better", "goals", "reaching-out", "partnership-life", "practice", "data")
    },
    # Pulse-survey results are the school's local records: its own people (leaders, staff, governors)
    # and those who see it in full.
    "school_a_section_voice": Entry(
        "school_section",
        _section("a", "voice"),
        answers(
            NOT_FOUND,
            outsider=FORBIDDEN,
            system_lead=OK,
            partnership_lead=OK,
            school_leader_a=OK,
            staff_member=OK,
            governor=OK,
        ),
        school="a",
    ),
    "school_b_section_voice": Entry(
        "school_section",
        _section("b", "voice"),
        answers(
            NOT_FOUND,
            outsider=FORBIDDEN,
            governor=FORBIDDEN,
            partner_agency=FORBIDDEN,
            system_lead=OK,
            school_leader_b=OK,
        ),
        school="b",
    ),
    "school_a_section_trouble": Entry(
        "school_section",
        lambda w: reverse("school_section", args=[w.school_a.pk, "trouble-ahead"]),
        answers(NOT_FOUND, outsider=FORBIDDEN, system_lead=OK, partnership_lead=OK, school_leader_a=OK, governor=OK),
        school="a",
        writes=True,
    ),
    "school_b_section_trouble": Entry(
        "school_section",
        lambda w: reverse("school_section", args=[w.school_b.pk, "trouble-ahead"]),
        answers(
            NOT_FOUND,
            outsider=FORBIDDEN,
            governor=FORBIDDEN,
            partner_agency=FORBIDDEN,
            system_lead=OK,
            school_leader_b=OK,
        ),
        school="b",
        writes=True,
    ),
    "school_a_section_none": Entry(
        "school_section",
        lambda w: reverse("school_section", args=[w.school_a.pk, "no-such-section"]),
        answers(NOT_FOUND, outsider=FORBIDDEN),
        school="a",
    ),
    "locality_list": Entry("locality_list", _get("locality_list"), answers(OK, outsider=FORBIDDEN, governor=FORBIDDEN)),
    "east_hampshire": Entry(
        "locality_detail",
        _get("locality_detail", "east-hampshire"),
        answers(OK, outsider=FORBIDDEN, governor=FORBIDDEN),
    ),
    "guildford": Entry("locality_detail", _get("locality_detail", "guildford"), PUBLIC_DATA),
    "agreed_locality": Entry(
        "locality_detail", lambda w: reverse("locality_detail", args=[w.agreed_locality.slug]), PUBLIC_DATA
    ),
    # Agreed localities are drawn by system leads and locality leads: a locality lead from the
    # schools of the localities it leads only (school B, in Guildford, is refused: a form with
    # errors), and edits only those it leads; a register district follows the register.
    "locality_create": Entry("locality_create", _get("locality_create"), PLACE_KEEPERS),
    "locality_create_post": Entry(
        "locality_create",
        _get("locality_create"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=INVALID),
        method="POST",
        data=lambda w: {
            "name": "Ash and Tongham",
            "agreed_by": "Surrey partners",
            "agreed_on": "2026-09-01",
            "urns": "125116",
        },
    ),
    "locality_create_post_a": Entry(
        "locality_create",
        _get("locality_create"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {
            "name": "Alton town",
            "agreed_by": "Hampshire partners",
            "agreed_on": "2026-09-01",
            "urns": "115850",
        },
    ),
    "agreed_locality_update": Entry(
        "locality_update", lambda w: reverse("locality_update", args=[w.agreed_locality.slug]), SYSTEM_LEADS
    ),
    "agreed_locality_update_post": Entry(
        "locality_update",
        lambda w: reverse("locality_update", args=[w.agreed_locality.slug]),
        answers(FORBIDDEN, system_lead=DONE),
        method="POST",
        data=lambda w: {
            "name": "Epsom and Ewell agreed",
            "agreed_by": "Epsom partners",
            "agreed_on": "2026-09-01",
            "urns": "138764 139557",
        },
    ),
    "led_locality_update": Entry(
        "locality_update", lambda w: reverse("locality_update", args=[w.led_agreed_locality.slug]), PLACE_KEEPERS
    ),
    "led_locality_update_post": Entry(
        "locality_update",
        lambda w: reverse("locality_update", args=[w.led_agreed_locality.slug]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {
            "name": "Anstey and Alton",
            "agreed_by": "Hampshire partners",
            "agreed_on": "2026-09-01",
            "urns": "115851 115850",
        },
    ),
    "district_update": Entry("locality_update", _get("locality_update", "east-hampshire"), answers(FORBIDDEN)),
    "partnership_list": Entry("partnership_list", _get("partnership_list"), PUBLIC_DATA),
    "alton_cluster": Entry("partnership_detail", _get("partnership_detail", "alton-cluster"), PUBLIC_DATA),
    # --- the data hub: imports for system leads, disputes for the school and system leads -------
    "data_quality": Entry("data_quality", _get("data_quality"), SYSTEM_LEADS),
    "import_history": Entry("import_history", _get("import_history"), SYSTEM_LEADS),
    "import_upload": Entry("import_upload", _get("import_upload"), SYSTEM_LEADS),
    "import_upload_post": Entry(
        "import_upload",
        _get("import_upload"),
        answers(FORBIDDEN, system_lead=DONE),  # a preview is recorded, nothing imported yet
        method="POST",
        data=lambda w: {
            "source_format": "dfe_absence",
            "period": "2018/19",
            "data_file": SimpleUploadedFile("abs.csv", ABSENCE.replace(b"3.9", b"4.0")),
        },
    ),
    "import_run": Entry("import_run", lambda w: reverse("import_run", args=[w.register_run.pk]), SYSTEM_LEADS),
    # The platform's background jobs (the refresh after imports, the schedules) and their errors.
    "job_list": Entry("job_list", _get("job_list"), SYSTEM_LEADS),
    # One job and its polled fragment: system leads, and whoever ran an import it answers
    # (tests/jobs/test_job_page.py); for anyone else it is not found.
    "job_detail": Entry(
        "job_detail", lambda w: reverse("job_detail", args=[w.refresh_job.pk]), answers(NOT_FOUND, system_lead=OK)
    ),
    "job_progress": Entry(
        "job_progress", lambda w: reverse("job_progress", args=[w.refresh_job.pk]), answers(NOT_FOUND, system_lead=OK)
    ),
    # POST-only, and the method is checked before signing in.
    "import_confirm": Entry(
        "import_confirm", lambda w: reverse("import_confirm", args=[w.preview.pk]), answers(NOT_ALLOWED, NOT_ALLOWED)
    ),
    "import_confirm_post": Entry(
        "import_confirm",
        lambda w: reverse("import_confirm", args=[w.preview.pk]),
        answers(FORBIDDEN, system_lead=DONE),
        method="POST",
    ),
    "dispute_list": Entry(
        "dispute_list",
        _get("dispute_list"),
        answers(OK, outsider=FORBIDDEN, governor=FORBIDDEN, partner_agency=FORBIDDEN, staff_member=FORBIDDEN),
    ),
    # Only a school's own leaders flag its values; for anyone else the value is not found.
    "dispute_raise_a": Entry(
        "dispute_raise",
        lambda w: reverse("dispute_raise", args=[w.observation_a.pk]),
        answers(NOT_FOUND, school_leader_a=OK),
        school="a",
    ),
    "dispute_raise_b": Entry(
        "dispute_raise",
        lambda w: reverse("dispute_raise", args=[w.observation_b.pk]),
        answers(NOT_FOUND, school_leader_b=OK),
        school="b",
    ),
    "dispute_raise_a_post": Entry(
        "dispute_raise",
        lambda w: reverse("dispute_raise", args=[w.observation_a.pk]),
        answers(NOT_FOUND, school_leader_a=DONE),
        method="POST",
        data=lambda w: {"reason": "Our register says 4.2.", "suggested_value": "4.2"},
        school="a",
    ),
    "dispute_detail": Entry(
        "dispute_detail",
        lambda w: reverse("dispute_detail", args=[w.dispute_a.pk]),
        answers(NOT_FOUND, system_lead=OK, partnership_lead=OK, school_leader_a=OK),
    ),
    # Resolving: system leads; those who see the dispute but may not resolve it are refused.
    "dispute_resolve_post": Entry(
        "dispute_detail",
        lambda w: reverse("dispute_detail", args=[w.dispute_a.pk]),
        answers(NOT_FOUND, system_lead=DONE, partnership_lead=FORBIDDEN, school_leader_a=FORBIDDEN),
        method="POST",
        data=lambda w: {"outcome": "upheld", "note": "The census says 8.1."},
    ),
    # --- families, benchmarks, comparator sets, the explorer ------------------------------------
    "school_a_family": Entry("school_family", _school_url("school_family", "a"), READERS, school="a"),
    "school_b_family": Entry("school_family", _school_url("school_family", "b"), PUBLIC_DATA, school="b"),
    "school_a_benchmarks_csv": Entry(
        "school_benchmarks_csv", _school_url("school_benchmarks_csv", "a"), READERS, school="a"
    ),
    "school_b_benchmarks_csv": Entry(
        "school_benchmarks_csv", _school_url("school_benchmarks_csv", "b"), PUBLIC_DATA, school="b"
    ),
    # Comparator sets are made by those who see the school in full.
    "school_a_comparator_new": Entry(
        "comparator_set_create", _school_url("comparator_set_create", "a"), FULL_A, school="a"
    ),
    "school_b_comparator_new": Entry(
        "comparator_set_create", _school_url("comparator_set_create", "b"), FULL_B, school="b"
    ),
    "school_a_comparator_new_post": Entry(
        "comparator_set_create",
        _school_url("comparator_set_create", "a"),
        DONE_FULL_A,
        method="POST",
        data=lambda w: {"name": "Rural primaries", "kind": "by_hand", "urns": f"{w.school_b.urn} 115851 115864"},
        school="a",
    ),
    "school_b_comparator_new_post": Entry(
        "comparator_set_create",
        _school_url("comparator_set_create", "b"),
        DONE_FULL_B,
        method="POST",
        data=lambda w: {"name": "Rural primaries", "kind": "by_hand", "urns": f"{w.school_a.urn} 115851 115864"},
        school="b",
    ),
    "comparator_delete": Entry(
        "comparator_set_delete",
        lambda w: reverse("comparator_set_delete", args=[w.school_a.pk, w.comparator_a.pk]),
        POST_ONLY,
        school="a",
    ),
    "comparator_delete_post": Entry(
        "comparator_set_delete",
        lambda w: reverse("comparator_set_delete", args=[w.school_a.pk, w.comparator_a.pk]),
        DONE_FULL_A,
        method="POST",
        school="a",
    ),
    # School B's leader, asking to delete school A's set through school B's URL: not found.
    "comparator_delete_b_post": Entry(
        "comparator_set_delete",
        lambda w: reverse("comparator_set_delete", args=[w.school_b.pk, w.comparator_a.pk]),
        answers(FORBIDDEN, system_lead=NOT_FOUND, school_leader_b=NOT_FOUND),
        method="POST",
        school="b",
    ),
    "explorer": Entry("explorer", _get("explorer"), READERS),
    # Who is strong at what: whoever sees every school's public data (not governors or agencies);
    # a wrong area is a form with errors.
    "strengths": Entry("strengths", _get("strengths"), PUBLIC_DATA),
    "strengths_writing": Entry("strengths", lambda w: reverse("strengths") + "?area=writing&locality=", PUBLIC_DATA),
    "strengths_unknown_area": Entry(
        "strengths",
        lambda w: reverse("strengths") + "?area=juggling",
        answers(INVALID, outsider=FORBIDDEN, governor=FORBIDDEN, partner_agency=FORBIDDEN),
    ),
    # --- partnership life: a partnership's meetings are its lead's and its schools' leaders' ----
    # A partnership's own meetings are its lead's to record, not the locality lead's.
    "alton_meeting_new": Entry(
        "meeting_create", _get("meeting_create", "alton-cluster"), {**FULL_A, "locality_lead": FORBIDDEN}
    ),
    "alton_meeting_new_post": Entry(
        "meeting_create",
        _get("meeting_create", "alton-cluster"),
        {**DONE_FULL_A, "locality_lead": FORBIDDEN},
        method="POST",
        data=lambda w: {"held_on": _yesterday(), "title": "Autumn heads' meeting"},
    ),
    "action_update": Entry("action_update", lambda w: reverse("action_update", args=[w.action_a.pk]), FULL_A),
    "action_update_post": Entry(
        "action_update",
        lambda w: reverse("action_update", args=[w.action_a.pk]),
        DONE_FULL_A,
        method="POST",
        data=lambda w: {"status": "done", "done_on": _yesterday(), "evidence": "Audit report to heads"},
    ),
    # An action given to the agency it is shared with: that agency's users update it too (and
    # those who answer for it: school A's leader, the partnership's and the locality's leads);
    # school A's staff member only updates actions given to them.
    "action_given_to_agency": Entry(
        "action_update",
        lambda w: reverse("action_update", args=[w.action_given_to_agency.pk]),
        {**FULL_A, "partner_agency": OK},
    ),
    "action_given_to_agency_post": Entry(
        "action_update",
        lambda w: reverse("action_update", args=[w.action_given_to_agency.pk]),
        {**DONE_FULL_A, "partner_agency": DONE},
        method="POST",
        data=lambda w: {"status": "done", "done_on": _yesterday(), "evidence": "Plans agreed with the families"},
    ),
    # A school's own staff record its contacts too (partnerships.selectors.can_record_contact).
    "school_a_contact_new": Entry(
        "contact_create", _school_url("contact_create", "a"), {**FULL_A, "staff_member": OK}, school="a"
    ),
    "school_b_contact_new": Entry("contact_create", _school_url("contact_create", "b"), FULL_B, school="b"),
    "school_a_contact_new_post": Entry(
        "contact_create",
        _school_url("contact_create", "a"),
        {**DONE_FULL_A, "staff_member": DONE},
        method="POST",
        data=lambda w: {"other_urn": w.school_c.urn, "kind": "visit", "happened_on": _yesterday()},
        school="a",
    ),
    # Its staff read the school's governance records too (governing boards publish their minutes).
    "school_a_governance": Entry(
        "school_governance", _school_url("school_governance", "a"), {**OWN_A, "staff_member": OK}, school="a"
    ),
    "school_b_governance": Entry("school_governance", _school_url("school_governance", "b"), FULL_B, school="b"),
    "school_a_board_meeting_new": Entry(
        "board_meeting_create", _school_url("board_meeting_create", "a"), OWN_A, school="a"
    ),
    "school_b_board_meeting_new": Entry(
        "board_meeting_create", _school_url("board_meeting_create", "b"), FULL_B, school="b"
    ),
    "school_a_board_meeting_new_post": Entry(
        "board_meeting_create",
        _school_url("board_meeting_create", "a"),
        {**DONE_FULL_A, "governor": DONE},
        method="POST",
        data=lambda w: {"held_on": _yesterday(), "governors_places": 12, "vacancies": 1, "governors_present": 9},
        school="a",
    ),
    "school_a_workforce_return": Entry("workforce_return", _school_url("workforce_return", "a"), FULL_A, school="a"),
    "school_b_workforce_return": Entry("workforce_return", _school_url("workforce_return", "b"), FULL_B, school="b"),
    "school_a_workforce_return_post": Entry(
        "workforce_return",
        _school_url("workforce_return", "a"),
        DONE_FULL_A,
        method="POST",
        data=_workforce_return,
        school="a",
    ),
    # Reviews of governance: recorded by whoever records the board's meetings.
    "school_a_governance_review_new": Entry(
        "governance_review_create", _school_url("governance_review_create", "a"), OWN_A, school="a"
    ),
    "school_b_governance_review_new": Entry(
        "governance_review_create", _school_url("governance_review_create", "b"), FULL_B, school="b"
    ),
    "school_a_governance_review_new_post": Entry(
        "governance_review_create",
        _school_url("governance_review_create", "a"),
        {**DONE_FULL_A, "governor": DONE},
        method="POST",
        data=lambda w: {"reviewed_on": _yesterday(), "kind": "self", "summary": "Our skills audit found gaps."},
        school="a",
    ),
    # The team around the school: its leaders, its locality's lead and system leads (not a
    # partnership lead: the team is the place's).
    "school_a_team": Entry(
        "school_team",
        _school_url("school_team", "a"),
        answers(FORBIDDEN, system_lead=OK, school_leader_a=OK, locality_lead=OK),
        school="a",
    ),
    "school_b_team": Entry(
        "school_team",
        _school_url("school_team", "b"),
        answers(FORBIDDEN, system_lead=OK, school_leader_b=OK),
        school="b",
    ),
    "school_a_team_post": Entry(
        "school_team",
        _school_url("school_team", "a"),
        answers(FORBIDDEN, system_lead=DONE, school_leader_a=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"agency": w.police.pk, "contact": w.agency_contact.pk, "note": "Safer schools officer"},
        school="a",
    ),
    # Partner agencies, their teams and contacts, and where each works: system and locality
    # leads; a locality lead edits the agencies that work in its localities (Hampshire police,
    # across East Hampshire), not those elsewhere (Surrey police, across Guildford).
    "agency_list": Entry("agency_list", _get("agency_list"), PLACE_KEEPERS),
    "agency_create": Entry("agency_create", _get("agency_create"), PLACE_KEEPERS),
    "agency_create_post": Entry(
        "agency_create",
        _get("agency_create"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"name": "Surrey early help", "kind": "early_help"},
    ),
    "agency_detail": Entry("agency_detail", lambda w: reverse("agency_detail", args=[w.police.pk]), PLACE_KEEPERS),
    "agency_update": Entry("agency_update", lambda w: reverse("agency_update", args=[w.police.pk]), PLACE_KEEPERS),
    "agency_update_post": Entry(
        "agency_update",
        lambda w: reverse("agency_update", args=[w.police.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"name": "Hampshire constabulary", "kind": "police"},
    ),
    "agency_elsewhere_update": Entry(
        "agency_update", lambda w: reverse("agency_update", args=[w.agency_elsewhere.pk]), SYSTEM_LEADS
    ),
    "agency_elsewhere_update_post": Entry(
        "agency_update",
        lambda w: reverse("agency_update", args=[w.agency_elsewhere.pk]),
        answers(FORBIDDEN, system_lead=DONE),
        method="POST",
        data=lambda w: {"name": "Surrey constabulary", "kind": "police"},
    ),
    "agency_contact_create": Entry(
        "agency_contact_create", lambda w: reverse("agency_contact_create", args=[w.police.pk]), PLACE_KEEPERS
    ),
    "agency_contact_create_post": Entry(
        "agency_contact_create",
        lambda w: reverse("agency_contact_create", args=[w.police.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"name": "PC Khan", "team": "Schools liaison", "email": "khan@example.org"},
    ),
    # Who acts for an agency: added by username or e-mail (with a partner-agency role already).
    "agency_member_add": Entry(
        "agency_member_add", lambda w: reverse("agency_member_add", args=[w.police.pk]), POST_ONLY
    ),
    "agency_member_add_post": Entry(
        "agency_member_add",
        lambda w: reverse("agency_member_add", args=[w.police.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"who": "partner_agency@example.org"},
    ),
    "agency_member_remove": Entry(
        "agency_member_remove", lambda w: reverse("agency_member_remove", args=[w.police_member.pk]), POST_ONLY
    ),
    "agency_member_remove_post": Entry(
        "agency_member_remove",
        lambda w: reverse("agency_member_remove", args=[w.police_member.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
    ),
    "agency_contact_remove": Entry(
        "agency_contact_remove", lambda w: reverse("agency_contact_remove", args=[w.agency_contact.pk]), POST_ONLY
    ),
    "agency_contact_remove_post": Entry(
        "agency_contact_remove",
        lambda w: reverse("agency_contact_remove", args=[w.agency_contact.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
    ),
    "agency_link_create": Entry(
        "agency_link_create", lambda w: reverse("agency_link_create", args=[w.police.pk]), PLACE_KEEPERS
    ),
    # Guildford is not among a locality lead's choices (a form with errors); school A is.
    "agency_link_create_post": Entry(
        "agency_link_create",
        lambda w: reverse("agency_link_create", args=[w.police.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=INVALID),
        method="POST",
        data=lambda w: {"locality": "guildford", "note": "Safer schools"},
    ),
    "agency_link_create_post_a": Entry(
        "agency_link_create",
        lambda w: reverse("agency_link_create", args=[w.police.pk]),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=lambda w: {"school_urn": 115850, "note": "Safer schools"},
    ),
    "agency_link_remove": Entry(
        "agency_link_remove", lambda w: reverse("agency_link_remove", args=[w.agency_link_a.pk]), POST_ONLY
    ),
    # A link to school A: removed by its leaders, its locality's lead and system leads.
    "agency_link_remove_post": Entry(
        "agency_link_remove",
        lambda w: reverse("agency_link_remove", args=[w.agency_link_a.pk]),
        answers(FORBIDDEN, system_lead=DONE, school_leader_a=DONE, locality_lead=DONE),
        method="POST",
    ),
    # A locality's network picture: system leads and the locality's own lead (not Guildford's).
    "east_hampshire_network": Entry(
        "locality_network",
        _get("locality_network", "east-hampshire"),
        answers(FORBIDDEN, system_lead=OK, locality_lead=OK),
    ),
    "guildford_network": Entry("locality_network", _get("locality_network", "guildford"), SYSTEM_LEADS),
    # --- pulse surveys: run by a school's own leaders and by system leads; answered by anyone ------
    "surveys": Entry("survey_list", _get("survey_list"), SURVEYORS),
    **{
        f"survey_create_{school}": Entry(
            "survey_create",
            lambda w, school=school: reverse("survey_create") + f"?school={_pk(w, school)}",
            SURVEYORS,
            school=school,
        )
        for school in ("a", "b")
    },
    # Another school's leader is offered only their own school: the form says so (400), nothing opened.
    "survey_create_a_post": Entry(
        "survey_create",
        _get("survey_create"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE, school_leader_a=DONE, school_leader_b=INVALID),
        method="POST",
        data=lambda w: {"audience": "staff", "schools": [w.school_a.pk]},
        school="a",
    ),
    "survey_create_b_post": Entry(
        "survey_create",
        _get("survey_create"),
        answers(FORBIDDEN, system_lead=DONE, school_leader_b=DONE, school_leader_a=INVALID, locality_lead=INVALID),
        method="POST",
        data=lambda w: {"audience": "parents-carers", "schools": [w.school_b.pk]},
        school="b",
    ),
    **{
        f"survey_{name}_{school}": Entry(
            f"survey_{name}", _survey(f"survey_{name}", school), RUNS_A if school == "a" else RUNS_B, school=school
        )
        for name in ("detail", "qr")
        for school in ("a", "b")
    },
    **{
        f"survey_close_{school}": Entry("survey_close", _survey("survey_close", school), POST_ONLY, school=school)
        for school in ("a", "b")
    },
    "survey_close_a_post": Entry(
        "survey_close",
        _survey("survey_close", "a"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE, school_leader_a=DONE),
        method="POST",
        school="a",
    ),
    "survey_close_b_post": Entry(
        "survey_close",
        _survey("survey_close", "b"),
        answers(FORBIDDEN, system_lead=DONE, school_leader_b=DONE),
        method="POST",
        school="b",
    ),
    # The public answer page: no account needed, and an account changes nothing.
    "survey_answer": Entry("survey_answer", lambda w: reverse("survey_answer", args=[w.survey_a.token]), ANYONE),
    "survey_answer_post": Entry(
        "survey_answer",
        lambda w: reverse("survey_answer", args=[w.survey_a.token]),
        answers(DONE, anonymous=DONE),
        method="POST",
        data=_survey_answers,
    ),
    # --- risk: the school itself and the leads who see it in full; never another school ---------
    "watch_list": Entry(
        "watch_list", _get("watch_list"), answers(FORBIDDEN, system_lead=OK, partnership_lead=OK), writes=True
    ),
    "school_a_risk": Entry("school_risk", _school_url("school_risk", "a"), OWN_A, school="a", writes=True),
    "school_b_risk": Entry("school_risk", _school_url("school_risk", "b"), FULL_B, school="b", writes=True),
    "school_a_risk_respond": Entry("risk_response", _school_url("risk_response", "a"), POST_ONLY, school="a"),
    # Only the school's own leaders answer for it.
    "school_a_risk_respond_post": Entry(
        "risk_response",
        _school_url("risk_response", "a"),
        answers(FORBIDDEN, school_leader_a=DONE),
        method="POST",
        data=lambda w: {"text": "Our new head started in September."},
        school="a",
    ),
    "school_b_risk_respond_post": Entry(
        "risk_response",
        _school_url("risk_response", "b"),
        answers(FORBIDDEN, school_leader_b=DONE),
        method="POST",
        data=lambda w: {"text": "Our new head started in September."},
        school="b",
    ),
    "school_a_watch_decision": Entry("watch_decision", _school_url("watch_decision", "a"), POST_ONLY, school="a"),
    # Decisions: the system and partnership leads who hold the watch list.
    "school_a_watch_decision_post": Entry(
        "watch_decision",
        _school_url("watch_decision", "a"),
        answers(FORBIDDEN, system_lead=DONE, partnership_lead=DONE),
        method="POST",
        data=lambda w: {"kind": "monitor", "note": "Look again in the spring."},
        school="a",
    ),
    "school_b_watch_decision_post": Entry(
        "watch_decision",
        _school_url("watch_decision", "b"),
        answers(FORBIDDEN, system_lead=DONE),
        method="POST",
        data=lambda w: {"kind": "monitor", "note": "Look again in the spring."},
        school="b",
    ),
    # --- reaching out -------------------------------------------------------------------------
    # An agency's users list the requests addressed to their agency and its offers.
    "help_list": Entry("help_list", _get("help_list"), answers(OK, outsider=FORBIDDEN)),
    "help_summary": Entry(
        "help_summary", _get("help_summary"), answers(FORBIDDEN, system_lead=OK, partnership_lead=OK)
    ),
    "school_a_help_new": Entry("help_request_create", _query("help_request_create", "a"), FULL_A, school="a"),
    "school_b_help_new": Entry("help_request_create", _query("help_request_create", "b"), FULL_B, school="b"),
    # Without ?school=, a school leader asks for their own school; anyone else must say which.
    "help_new_no_school": Entry(
        "help_request_create",
        _get("help_request_create"),
        answers(NOT_FOUND, school_leader_a=OK, school_leader_b=OK),
    ),
    "school_a_help_new_post": Entry(
        "help_request_create",
        _query("help_request_create", "a"),
        DONE_FULL_A,
        method="POST",
        data=lambda w: HELP_REQUEST,
        school="a",
    ),
    "school_b_help_new_post": Entry(
        "help_request_create",
        _query("help_request_create", "b"),
        DONE_FULL_B,
        method="POST",
        data=lambda w: HELP_REQUEST,
        school="b",
    ),
    "school_a_offer_new": Entry("support_offer_create", _query("support_offer_create", "a"), FULL_A, school="a"),
    "school_b_offer_new": Entry("support_offer_create", _query("support_offer_create", "b"), FULL_B, school="b"),
    "school_a_offer_new_post": Entry(
        "support_offer_create",
        _query("support_offer_create", "a"),
        DONE_FULL_A,
        method="POST",
        data=lambda w: {"area": "reading", "description": "Our phonics lead can visit.", "days_per_term": "2"},
        school="a",
    ),
    # An agency's offers: its own users, and system leads.
    "agency_offer_new": Entry(
        "support_offer_create",
        lambda w: f"{reverse('support_offer_create')}?agency={w.agency.pk}",
        answers(FORBIDDEN, system_lead=OK, partner_agency=OK),
    ),
    "agency_offer_new_post": Entry(
        "support_offer_create",
        lambda w: f"{reverse('support_offer_create')}?agency={w.agency.pk}",
        answers(FORBIDDEN, system_lead=DONE, partner_agency=DONE),
        method="POST",
        data=lambda w: {"agency": w.agency.pk, "area": "attendance", "description": "Visits.", "days_per_term": "3"},
    ),
    # A named request addressed to an agency: seen as any named request, and by that agency's users.
    "help_to_agency": Entry(
        "help_request_detail",
        lambda w: reverse("help_request_detail", args=[w.help_to_agency.pk]),
        answers(OK, outsider=NOT_FOUND),
    ),
    # Agree it: the agency's users (as the supporter) and the school that asked; the brokers
    # (system, partnership and locality leads) and the governor follow it but this step is not
    # theirs; another school's leader and school A's staff member may not take its steps.
    "help_to_agency_agree_post": Entry(
        "help_request_step",
        lambda w: reverse("help_request_step", args=[w.help_to_agency.pk, "agree"]),
        answers(
            REFUSED,
            outsider=NOT_FOUND,
            school_leader_a=DONE,
            partner_agency=DONE,
            school_leader_b=FORBIDDEN,
            staff_member=FORBIDDEN,
            locality_lead=REFUSED,
        ),
        method="POST",
        data=lambda w: {"agree-objectives": "A plan for each family by half term"},
    ),
    # A named request is seen by every leader and the school's governors; partner agencies
    # and accounts without a role get "not found", so its existence is not given away.
    "help_named": Entry(
        "help_request_detail",
        lambda w: reverse("help_request_detail", args=[w.help_named.pk]),
        answers(OK, outsider=NOT_FOUND, partner_agency=NOT_FOUND),
    ),
    "help_broker_only": Entry(
        "help_request_detail",
        lambda w: reverse("help_request_detail", args=[w.help_broker_only.pk]),
        answers(OK, outsider=NOT_FOUND, partner_agency=NOT_FOUND, school_leader_b=NOT_FOUND, staff_member=NOT_FOUND),
    ),
    "help_step": Entry(
        "help_request_step",
        lambda w: reverse("help_request_step", args=[w.help_named.pk, "withdraw"]),
        POST_ONLY,
    ),
    # Withdraw: the school that asked, or a broker. Another school that sees the request may
    # not take its steps (403); the school's governor follows it but takes no step (refused).
    "help_step_withdraw_post": Entry(
        "help_request_step",
        lambda w: reverse("help_request_step", args=[w.help_named.pk, "withdraw"]),
        answers(
            NOT_FOUND,
            system_lead=DONE,
            partnership_lead=DONE,
            school_leader_a=DONE,
            school_leader_b=FORBIDDEN,
            governor=REFUSED,
            staff_member=FORBIDDEN,
        ),
        method="POST",
        data=lambda w: {"withdraw-note": "No longer needed."},
    ),
    # Suggest a school to help: the brokers only.
    "help_step_suggest_post": Entry(
        "help_request_step",
        lambda w: reverse("help_request_step", args=[w.help_named.pk, "suggest"]),
        answers(
            NOT_FOUND,
            system_lead=DONE,
            partnership_lead=DONE,
            school_leader_a=REFUSED,
            school_leader_b=FORBIDDEN,
            governor=REFUSED,
            staff_member=FORBIDDEN,
        ),
        method="POST",
        data=lambda w: {"suggest-urn": w.school_b.urn, "suggest-note": "Ash Grange is strong in phonics."},
    ),
    # --- the practice library: readers are everyone with a role -------------------------------
    "practice_library": Entry("practice_library", _get("practice_library"), READERS),
    "practice_reports": Entry("practice_reports", _get("practice_reports"), SYSTEM_LEADS),
    # Contributing: those who see a school in full, for that school only.
    "practice_create": Entry(
        "practice_create",
        _get("practice_create"),
        # Staff members share practice for their own school too.
        answers(
            FORBIDDEN, system_lead=OK, partnership_lead=OK, school_leader_a=OK, school_leader_b=OK, staff_member=OK
        ),
    ),
    "practice_create_a_post": Entry(
        "practice_create",
        _get("practice_create"),
        {**DONE_FULL_A, "school_leader_b": INVALID, "staff_member": DONE},
        method="POST",
        data=_practice_item("a"),
        school="a",
    ),
    "practice_create_b_post": Entry(
        "practice_create",
        _get("practice_create"),
        {
            **DONE_FULL_B,
            "school_leader_a": INVALID,
            "partnership_lead": INVALID,
            "locality_lead": INVALID,
            "staff_member": INVALID,
        },
        method="POST",
        data=_practice_item("b"),
        school="b",
    ),
    "practice_detail": Entry("practice_detail", lambda w: reverse("practice_detail", args=[w.item.pk]), READERS),
    # A withdrawn item: its author and the moderators; for other readers it is not found.
    "practice_detail_withdrawn": Entry(
        "practice_detail",
        lambda w: reverse("practice_detail", args=[w.withdrawn_item.pk]),
        answers(NOT_FOUND, outsider=FORBIDDEN, system_lead=OK, school_leader_a=OK),
    ),
    "practice_attachment": Entry(
        "practice_attachment", lambda w: reverse("practice_attachment", args=[w.attachment.pk]), READERS
    ),
    "practice_edit": Entry(
        "practice_edit",
        lambda w: reverse("practice_edit", args=[w.item.pk]),
        answers(FORBIDDEN, school_leader_a=OK),
    ),
    "practice_edit_post": Entry(
        "practice_edit",
        lambda w: reverse("practice_edit", args=[w.item.pk]),
        answers(FORBIDDEN, school_leader_a=DONE),
        method="POST",
        data=lambda w: (
            {"kind": "idea", "title": "Changed", "summary": "S", "body": "B", "areas": ["reading"]} | {"phase": "any"}
        ),
    ),
    "practice_action": Entry("practice_action", _item("follow"), POST_ONLY),
    # Follow, comment and report: every reader.
    "practice_follow_post": Entry("practice_action", _item("follow"), answers(DONE, outsider=FORBIDDEN), method="POST"),
    "practice_comment_post": Entry(
        "practice_action",
        _item("comment"),
        answers(DONE, outsider=FORBIDDEN),
        method="POST",
        data=lambda w: {"body": "We tried this in Year 2."},
    ),
    "practice_report_post": Entry(
        "practice_action",
        _item("report"),
        answers(DONE, outsider=FORBIDDEN),
        method="POST",
        data=lambda w: {"reason": "It names a pupil."},
    ),
    # Withdraw: the author only; edit likewise (above).
    "practice_withdraw_post": Entry(
        "practice_action", _item("withdraw"), answers(REFUSED, outsider=FORBIDDEN, school_leader_a=DONE), method="POST"
    ),
    # Hide: the moderators (system leads) only.
    "practice_hide_post": Entry(
        "practice_action",
        _item("hide"),
        answers(REFUSED, outsider=FORBIDDEN, system_lead=DONE),
        method="POST",
        data=lambda w: {"note": "Names a pupil."},
    ),
    # "We tried this" for school A: its own leaders only (a lead does not try on its behalf).
    "practice_tried_a_post": Entry(
        "practice_action",
        _item("tried"),
        answers(REFUSED, outsider=FORBIDDEN, school_leader_a=DONE),
        method="POST",
        data=lambda w: {
            "school": w.school_a.pk,
            "outcome": "worked",
            "note": "Reading ages up.",
            "started_on": _yesterday(),
        },
        school="a",
    ),
    "practice_tried_b_post": Entry(
        "practice_action",
        _item("tried"),
        answers(REFUSED, outsider=FORBIDDEN, school_leader_b=DONE),
        method="POST",
        data=lambda w: {"school": w.school_b.pk, "outcome": "mixed", "started_on": "2024-09-04"},
        school="b",
    ),
    # On a withdrawn item, only its author and the moderators find it at all.
    "practice_withdrawn_follow_post": Entry(
        "practice_action",
        _item("follow", "withdrawn_item"),
        answers(NOT_FOUND, outsider=FORBIDDEN, system_lead=DONE, school_leader_a=DONE),
        method="POST",
    ),
    "practice_no_such_action_post": Entry(
        "practice_action", _item("frobnicate"), answers(REFUSED, outsider=FORBIDDEN), method="POST"
    ),
    "practice_comment_action": Entry("practice_comment_action", _comment("withdraw"), POST_ONLY),
    # A comment (by school_leader_b): its author edits and withdraws it; moderators hide it.
    "practice_comment_withdraw_post": Entry(
        "practice_comment_action",
        _comment("withdraw"),
        answers(REFUSED, outsider=FORBIDDEN, school_leader_b=DONE),
        method="POST",
    ),
    "practice_comment_edit_post": Entry(
        "practice_comment_action",
        _comment("edit"),
        answers(REFUSED, outsider=FORBIDDEN, school_leader_b=DONE),
        method="POST",
        data=lambda w: {"body": "We do this too, in Year 3."},
    ),
    "practice_comment_hide_post": Entry(
        "practice_comment_action",
        _comment("hide"),
        answers(REFUSED, outsider=FORBIDDEN, system_lead=DONE),
        method="POST",
    ),
    "practice_comment_report_post": Entry(
        "practice_comment_action",
        _comment("report"),
        answers(DONE, outsider=FORBIDDEN),
        method="POST",
        data=lambda w: {"reason": "Off topic."},
    ),
    "practice_area_follow": Entry("practice_area_follow", _get("practice_area_follow", "reading"), POST_ONLY),
    "practice_area_follow_post": Entry(
        "practice_area_follow",
        _get("practice_area_follow", "reading"),
        answers(DONE, outsider=FORBIDDEN),
        method="POST",
    ),
    # --- a school's profile (web page and PDF), the dashboards and the map ---------------------
    # A school's one-page profile: whoever may open the school's page (showing its risk, to
    # those who may see it, is recorded as a view of risk).
    "school_a_profile": Entry("school_profile", _school_url("school_profile", "a"), READERS, school="a", writes=True),
    "school_b_profile": Entry(
        "school_profile", _school_url("school_profile", "b"), PUBLIC_DATA, school="b", writes=True
    ),
    "school_a_profile_pdf": Entry(
        "school_profile_pdf", _school_url("school_profile_pdf", "a"), READERS, school="a", writes=True
    ),
    "school_b_profile_pdf": Entry(
        "school_profile_pdf", _school_url("school_profile_pdf", "b"), PUBLIC_DATA, school="b", writes=True
    ),
    # Dashboards: system, partnership and school leaders, and partner agencies; not governors.
    # --- goals and celebrations ------------------------------------------------------------------
    # A school's goals are set by its leaders (and system leads); shared goals by their leads:
    # the Alton cluster's by its partnership lead, East Hampshire's by its locality lead.
    "school_goal_create_a": Entry(
        "school_goal_create",
        _school_url("school_goal_create", "a"),
        answers(FORBIDDEN, system_lead=OK, school_leader_a=OK),
        school="a",
    ),
    "school_goal_create_b": Entry(
        "school_goal_create",
        _school_url("school_goal_create", "b"),
        answers(FORBIDDEN, system_lead=OK, school_leader_b=OK),
        school="b",
    ),
    "school_goal_create_a_post": Entry(
        "school_goal_create",
        _school_url("school_goal_create", "a"),
        answers(FORBIDDEN, system_lead=DONE, school_leader_a=DONE),
        method="POST",
        data=_goal_data,
        school="a",
    ),
    "partnership_goal_create": Entry(
        "partnership_goal_create",
        _get("partnership_goal_create", "alton-cluster"),
        answers(FORBIDDEN, system_lead=OK, partnership_lead=OK, locality_lead=FORBIDDEN),
    ),
    "partnership_goal_create_post": Entry(
        "partnership_goal_create",
        _get("partnership_goal_create", "alton-cluster"),
        answers(FORBIDDEN, system_lead=DONE, partnership_lead=DONE, locality_lead=FORBIDDEN),
        method="POST",
        data=_goal_data,
    ),
    "locality_goal_create": Entry(
        "locality_goal_create",
        _get("locality_goal_create", "east-hampshire"),
        answers(FORBIDDEN, system_lead=OK, locality_lead=OK),
    ),
    "locality_goal_create_post": Entry(
        "locality_goal_create",
        _get("locality_goal_create", "east-hampshire"),
        answers(FORBIDDEN, system_lead=DONE, locality_lead=DONE),
        method="POST",
        data=_goal_data,
    ),
    # A goal is read by whoever may open its owner's page; not found for anyone else.
    "goal_detail": Entry(
        "goal_detail",
        lambda w: reverse("goal_detail", args=[w.goal_a.pk]),
        answers(OK, outsider=NOT_FOUND),
        school="a",
    ),
    # On a local record: school A's own people (its governors and staff) and those who see it in full.
    "goal_detail_local": Entry(
        "goal_detail",
        lambda w: reverse("goal_detail", args=[w.goal_local_a.pk]),
        answers(NOT_FOUND, system_lead=OK, partnership_lead=OK, school_leader_a=OK, governor=OK, staff_member=OK),
        school="a",
    ),
    "goal_edit": Entry(
        "goal_edit",
        lambda w: reverse("goal_edit", args=[w.goal_a.pk]),
        answers(FORBIDDEN, outsider=NOT_FOUND, system_lead=OK, school_leader_a=OK),
        school="a",
    ),
    "goal_edit_post": Entry(
        "goal_edit",
        lambda w: reverse("goal_edit", args=[w.goal_a.pk]),
        answers(FORBIDDEN, outsider=NOT_FOUND, system_lead=DONE, school_leader_a=DONE),
        method="POST",
        data=lambda w: {"target": "2.5", "due_on": _next_year().isoformat(), "why": "Higher still."},
        school="a",
    ),
    "goal_withdraw": Entry("goal_withdraw", lambda w: reverse("goal_withdraw", args=[w.goal_a.pk]), POST_ONLY),
    "goal_withdraw_post": Entry(
        "goal_withdraw",
        lambda w: reverse("goal_withdraw", args=[w.goal_a.pk]),
        answers(FORBIDDEN, outsider=NOT_FOUND, system_lead=DONE, school_leader_a=DONE),
        method="POST",
        school="a",
    ),
    # A few words on a celebration, or keeping it quiet: those who speak for the school.
    "celebration_words": Entry(
        "celebration_words", lambda w: reverse("celebration_words", args=[w.celebration_a.pk]), POST_ONLY
    ),
    "celebration_words_post": Entry(
        "celebration_words",
        lambda w: reverse("celebration_words", args=[w.celebration_a.pk]),
        answers(FORBIDDEN, outsider=NOT_FOUND, system_lead=DONE, school_leader_a=DONE),
        method="POST",
        data=lambda w: {"words": "Thank you, everyone."},
        school="a",
    ),
    "celebration_quiet": Entry(
        "celebration_quiet", lambda w: reverse("celebration_quiet", args=[w.celebration_a.pk]), POST_ONLY
    ),
    "celebration_quiet_post": Entry(
        "celebration_quiet",
        lambda w: reverse("celebration_quiet", args=[w.celebration_a.pk]),
        answers(FORBIDDEN, outsider=NOT_FOUND, system_lead=DONE, school_leader_a=DONE),
        method="POST",
        data=lambda w: {"quiet": "on"},
        school="a",
    ),
    # Governors see the outcomes of their school's locality (issue 17).
    "dashboard": Entry("dashboard", _get("dashboard"), answers(OK, outsider=FORBIDDEN)),
    "dashboard_map": Entry("dashboard_map", _get("dashboard_map"), answers(OK, outsider=FORBIDDEN)),
    # --- the REST API (/api/v1/): the web's rules, in JSON; 401 to whoever is not signed in ------
    # The OpenAPI description and its docs page: anyone signed in (the docs page answers a
    # visitor who is not with 401 and a link to sign in; docs/api.md).
    "api_schema": Entry("api-schema", _get("api-schema"), api(SIGNED_IN)),
    "api_docs": Entry("api-docs", _get("api-docs"), api(SIGNED_IN)),
    "api_schools": Entry("api-school-list", _get("api-school-list"), api(READERS)),
    "api_school_a": Entry("api-school-detail", _school_url("api-school-detail", "a"), api(READERS), school="a"),
    "api_school_b": Entry("api-school-detail", _school_url("api-school-detail", "b"), api(PUBLIC_DATA), school="b"),
    "api_school_a_family": Entry("api-school-family", _school_url("api-school-family", "a"), api(READERS), school="a"),
    "api_school_b_family": Entry(
        "api-school-family", _school_url("api-school-family", "b"), api(PUBLIC_DATA), school="b"
    ),
    "api_school_a_benchmarks": Entry(
        "api-school-benchmarks", _school_url("api-school-benchmarks", "a"), api(READERS), school="a"
    ),
    "api_school_b_benchmarks": Entry(
        "api-school-benchmarks", _school_url("api-school-benchmarks", "b"), api(PUBLIC_DATA), school="b"
    ),
    "api_school_a_risk": Entry(
        "api-school-risk", _school_url("api-school-risk", "a"), api(OWN_A), school="a", writes=True
    ),
    "api_school_b_risk": Entry(
        "api-school-risk", _school_url("api-school-risk", "b"), api(FULL_B), school="b", writes=True
    ),
    "api_indicators": Entry("api-indicator-list", _get("api-indicator-list"), api(READERS)),
    "api_indicator": Entry(
        "api-indicator-detail", lambda w: reverse("api-indicator-detail", args=[w.indicator_code]), api(READERS)
    ),
    "api_observations": Entry("api-observation-list", _get("api-observation-list"), api(READERS)),
    # Risk: a school's own people and those who see it in full; each school answered is audited.
    "api_risk_scores": Entry(
        "api-risk-score-list",
        _get("api-risk-score-list"),
        api(answers(OK, outsider=FORBIDDEN, school_leader_b=OK, partner_agency=FORBIDDEN, staff_member=FORBIDDEN)),
        writes=True,
    ),
    # As the web: an agency's people list the requests addressed to their agency; others are not found.
    "api_help_requests": Entry(
        "api-help-request-list",
        _get("api-help-request-list"),
        api(answers(OK, outsider=FORBIDDEN)),
    ),
    "api_help_request": Entry(
        "api-help-request-detail",
        lambda w: reverse("api-help-request-detail", args=[w.help_named.pk]),
        api(answers(OK, outsider=FORBIDDEN, partner_agency=NOT_FOUND)),
    ),
    "api_help_request_to_agency": Entry(
        "api-help-request-detail",
        lambda w: reverse("api-help-request-detail", args=[w.help_to_agency.pk]),
        api(answers(OK, outsider=FORBIDDEN)),
    ),
    "api_help_request_broker_only": Entry(
        "api-help-request-detail",
        lambda w: reverse("api-help-request-detail", args=[w.help_broker_only.pk]),
        api(
            answers(OK, outsider=FORBIDDEN, partner_agency=NOT_FOUND, school_leader_b=NOT_FOUND, staff_member=NOT_FOUND)
        ),
    ),
    "api_imports": Entry("api-import-list", _get("api-import-list"), api(SYSTEM_LEADS)),
    "api_import": Entry(
        "api-import-detail", lambda w: reverse("api-import-detail", args=[w.register_run.pk]), api(SYSTEM_LEADS)
    ),
    "api_import_post": Entry(
        "api-import-list",
        _get("api-import-list"),
        api(answers(FORBIDDEN, system_lead=DONE)),
        method="POST",
        data=lambda w: {
            "format": "dfe_absence",
            "period": "2018/19",
            "file": SimpleUploadedFile("abs.csv", ABSENCE.replace(b"3.9", b"4.0")),
        },
    ),
    # Tokens: everyone signed in lists and makes their own; a system lead revokes anyone's.
    "api_tokens": Entry("api-token-list", _get("api-token-list"), api(SIGNED_IN)),
    "api_tokens_post": Entry(
        "api-token-list", _get("api-token-list"), api(answers(DONE)), method="POST", data=lambda w: {"name": "Mine"}
    ),
    "api_token": Entry(
        "api-token-detail", lambda w: reverse("api-token-detail", args=[w.token.pk]), api(answers(NOT_ALLOWED))
    ),
    "api_token_delete": Entry(
        "api-token-detail",
        lambda w: reverse("api-token-detail", args=[w.token.pk]),
        api(answers(NOT_FOUND, school_leader_a=DONE, system_lead=DONE)),
        method="DELETE",
    ),
    # The API tokens page (a page of the site, so the web's answers): everyone signed in lists,
    # makes and revokes their own tokens; another's token is not there, to a system lead too.
    "api_tokens_page": Entry("api_tokens", _get("api_tokens"), SIGNED_IN),
    "api_tokens_page_post": Entry(
        "api_tokens", _get("api_tokens"), answers(DONE), method="POST", data=lambda w: {"name": "Mine"}
    ),
    "api_tokens_page_post_no_name": Entry(
        "api_tokens", _get("api_tokens"), answers(INVALID), method="POST", data=lambda w: {"name": "  "}
    ),
    "api_token_revoke": Entry("api_token_revoke", lambda w: reverse("api_token_revoke", args=[w.token.pk]), POST_ONLY),
    "api_token_revoke_post": Entry(
        "api_token_revoke",
        lambda w: reverse("api_token_revoke", args=[w.token.pk]),
        answers(NOT_FOUND, school_leader_a=DONE),
        method="POST",
    ),
    # --- collective concerns -------------------------------------------------------------------
    # Raised by anyone who works with the school (its people, its leads, an agency with it, a
    # peer sharing a partnership, a locality or a recent contact); read by its leaders and
    # governors and the leads who see it in full, and by whoever raised it.
    "concern_list": Entry("concern_list", _get("concern_list"), answers(OK, outsider=FORBIDDEN)),
    "school_a_concerns": Entry("school_concerns", _school_url("school_concerns", "a"), OWN_A, school="a", writes=True),
    "school_b_concerns": Entry("school_concerns", _school_url("school_concerns", "b"), FULL_B, school="b", writes=True),
    "school_a_concern_raise": Entry(
        "concern_raise",
        _school_url("concern_raise", "a"),
        answers(OK, outsider=FORBIDDEN, school_leader_b=FORBIDDEN),
        school="a",
    ),
    "school_b_concern_raise": Entry("concern_raise", _school_url("concern_raise", "b"), FULL_B, school="b"),
    "school_a_concern_raise_post": Entry(
        "concern_raise",
        _school_url("concern_raise", "a"),
        answers(DONE, outsider=FORBIDDEN, school_leader_b=FORBIDDEN),
        method="POST",
        data=lambda w: {"area": "staffing", "text": "Three teachers left this half term."},
        school="a",
    ),
    "school_b_concern_raise_post": Entry(
        "concern_raise",
        _school_url("concern_raise", "b"),
        answers(FORBIDDEN, system_lead=DONE, school_leader_b=DONE),
        method="POST",
        data=lambda w: {"area": "staffing", "text": "Three teachers left this half term."},
        school="b",
    ),
    "concern_action": Entry(
        "concern_action", lambda w: reverse("concern_action", args=[w.concern_a.pk, "answer"]), POST_ONLY
    ),
    # The school's leaders answer; whoever raised it withdraws; the leads who hold the watch
    # list close; those who may not read it are told it is not there.
    "concern_answer_post": Entry(
        "concern_action",
        lambda w: reverse("concern_action", args=[w.concern_a.pk, "answer"]),
        answers(
            NOT_FOUND,
            school_leader_a=DONE,
            system_lead=FORBIDDEN,
            partnership_lead=FORBIDDEN,
            governor=FORBIDDEN,
            partner_agency=FORBIDDEN,
        ),
        method="POST",
        data=lambda w: {"answer": "The board met in October; the minutes are late."},
    ),
    "concern_withdraw_post": Entry(
        "concern_action",
        lambda w: reverse("concern_action", args=[w.concern_a.pk, "withdraw"]),
        answers(
            NOT_FOUND,
            partner_agency=DONE,
            system_lead=FORBIDDEN,
            partnership_lead=FORBIDDEN,
            school_leader_a=FORBIDDEN,
            governor=FORBIDDEN,
        ),
        method="POST",
    ),
    "concern_close_post": Entry(
        "concern_action",
        lambda w: reverse("concern_action", args=[w.concern_a.pk, "close"]),
        answers(
            NOT_FOUND,
            system_lead=DONE,
            partnership_lead=DONE,
            school_leader_a=FORBIDDEN,
            governor=FORBIDDEN,
            partner_agency=FORBIDDEN,
        ),
        method="POST",
        data=lambda w: {"note": "Talked with the chair: the board meets next week."},
    ),
}

# URLs about a school that do not say so in their path: they take it from the query string
# (?school=), from the form, or from the record they name. Each needs entries for A and B.
SCHOOL_NOT_IN_PATH = {
    "help_request_create", "support_offer_create", "dispute_raise", "practice_create", "survey_create",
    "survey_detail", "survey_qr", "survey_close",
}  # fmt: skip
