"""The early warning's panels, shown only to those who may see the school's risk: the link to
its risk page on the school page, the profile's early-warning section (whose read of
the score is audited by ``risk_read``, as the risk page's is), and on the home page the
concerns about one's own school with its answer, the answers schools gave, and the schools
newly on the watch list (each read audited the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils import timezone
from reportlab.platypus import KeepTogether
from reportlab.platypus.flowables import Flowable

from evenbetter.accounts.models import User
from evenbetter.accounts.selectors import scope_of
from evenbetter.earlywarning.models import RiskScore
from evenbetter.earlywarning.selectors import (
    ANSWERS_SHOWN,
    RAISED_BANDS,
    can_respond_for,
    can_see_risk_of,
    can_see_watch_list,
    current_run,
    newly_on_watch_list_ids,
    recent_answers,
    risk_read,
    risk_reads_record,
    risk_visible_to,
    school_responses,
)
from evenbetter.earlywarning.wording import reading_of
from evenbetter.pages.registry import Panel, register
from evenbetter.schools.access import schools_visible_to
from evenbetter.schools.models import School
from evenbetter.schools.profile import ProfileSection, day_words
from evenbetter.schools.profile_pdf import bullets, para

RESPONSES_SHOWN = 5


@register
class RiskLink(Panel):
    page = "school-links"
    order = 100
    template = "earlywarning/_school_risk_link.html"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_risk_of(request.user, subject)


@dataclass(frozen=True)
class RiskSection:
    as_of: str
    outcome: str
    score: str  # "31%", or "" when the school has no score
    band: str
    standing: str
    reasons: list[str]
    triggers: list[str]
    how_sure: str
    evidence: str
    set_aside: list[str]
    responses: list[tuple[str, str]]  # (date, text), newest first
    generated: bool

    @property
    def has_generated(self) -> bool:
        return self.generated


@register
class EarlyWarning(ProfileSection):
    key = "risk"
    order = 300  # Trouble ahead: after Even better, as on the school page
    template = "earlywarning/_profile_risk.html"
    title = "Early warning"
    via: ClassVar[str] = "profile"  # where the audit line says the risk was seen

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_risk_of(request.user, subject)

    def section(self, request: HttpRequest, school: School) -> RiskSection:
        run = current_run()
        score = risk_read(request=request, school=school, via=self.via, run=run)
        responses = [
            (day_words(timezone.localtime(r.created_at)), r.text)
            for r in school_responses(user=request.user, school=school)[:RESPONSES_SHOWN]
        ]
        if run is None or score is None:
            return RiskSection(
                as_of=run.as_of if run else "",
                outcome=run.outcome_text if run else "",
                score="",
                band="",
                standing="This school has no score in the latest run."
                if run
                else "The early warning has not been run yet.",
                reasons=[],
                triggers=[],
                how_sure="",
                evidence="",
                set_aside=[],
                responses=responses,
                generated=bool(run and run.uses_generated_data),
            )
        change = ""
        if score.change is not None:
            moved = "up" if score.change > 0 else "down" if score.change < 0 else "unchanged"
            change = f"; {moved} {abs(score.change) * 100:.0f} points since the run before"
        reading = reading_of(score, (run.backtest or {}).get("bands"))
        triggers = [
            f"{trigger.get('name', '')} ({'leading trigger' if trigger.get('kind') == 'leading' else 'lagging symptom'})"
            + (f": {trigger['explanation']}" if trigger.get("explanation") else "")
            for trigger in score.triggers
            if trigger.get("fired")
        ]
        return RiskSection(
            as_of=run.as_of,
            outcome=run.outcome_text,
            score=f"{score.risk * 100:.0f}%",
            band=score.get_band_display(),
            standing=f"Ranked {score.rank} of {run.schools_scored} schools{change}.",
            reasons=[reason.words for reason in reading.reasons],
            triggers=triggers,
            how_sure=reading.how_sure,
            evidence=reading.evidence,
            set_aside=[f"{words}. {why}" for words, why in reading.set_aside],
            responses=responses,
            generated=run.uses_generated_data,
        )

    def pdf_flowables(self, section: RiskSection) -> list[Flowable]:
        risk = section
        story: list[Flowable] = [para("Early warning", "h2")]
        story.append(
            para(
                "Seen only by the school's own people and those who see it in full. A score is a prompt for a "
                "conversation and an offer of help, never a judgement.",
                "muted",
            )
        )
        if risk.score:
            story.append(
                para(
                    f"Risk score {risk.score} ({risk.band}): the chance that {risk.outcome}, as at {risk.as_of}. "
                    f"{risk.standing}",
                    generated=risk.generated,
                )
            )
        else:
            story.append(para(risk.standing, generated=risk.generated))
        for line in (risk.how_sure, risk.evidence):
            if line:
                story.append(para(line))
        if risk.reasons:
            story += [para("What raised the chance", "h3"), bullets(risk.reasons)]
        if risk.set_aside:
            story += [para("Not shown as reasons, and why", "h3"), bullets(risk.set_aside)]
        if risk.triggers:
            story += [para("Triggers that fired", "h3"), bullets(risk.triggers)]
        story.append(para("The school's response", "h3"))
        if risk.responses:
            story.append(bullets([f"{text} ({day})" for day, text in risk.responses]))
        else:
            story.append(para("No response yet.", "muted"))
        return [KeepTogether(story[:3]), *story[3:]]


# --- the school page ---------------------------------------------------------------------------


class _RiskOnTheSchoolPage(EarlyWarning):
    """The profile's reading of the risk (its words, reasons and answers), audited as seen on
    the school page. Not registered: the two panels below draw it."""

    via = "school page"


@register
class GlanceRisk(Panel):
    """At a glance: the band, its top reason and the school's own answer, only for those who
    may see the school's risk (each view audited by ``risk_read``)."""

    page = "glance"
    order = 200
    template = "earlywarning/_glance.html"
    title = "Trouble ahead"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_risk_of(request.user, subject)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {
            "risk": _RiskOnTheSchoolPage().section(request, subject),
            "may_start_run": scope_of(request.user).is_system_lead,
        }


@register
class TroubleAhead(Panel):
    page = "school"
    order = 300
    template = "earlywarning/_school_trouble.html"
    title = "Trouble ahead"
    slug = "trouble-ahead"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_risk_of(request.user, subject)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        return {"section": _RiskOnTheSchoolPage().section(request, subject)}


NEWLY_SHOWN = 10


@dataclass(frozen=True)
class OwnConcern:
    """One's own school's early warning on the home page: its band, and whether it was answered."""

    school: School
    score: RiskScore | None
    raised: bool
    answered_on: str  # the date of the school's latest answer to this score, in words, or ""
    may_answer: bool


@register
class EarlyWarningAndAnswers(Panel):
    """Home, after the actions due: a concern the early warning raises about one's own school
    (and whether the school has answered it); for the leads who hold the watch list, the
    answers schools gave lately."""

    page = "home"
    order = 30
    template = "earlywarning/_home_early_warning.html"
    title = "Early warning and answers"  # not "concerns": those are people's (concerns.panels)

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        scope = scope_of(request.user)
        return bool(scope.school_ids or scope.governed_school_ids) or can_see_watch_list(request.user)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        scope = scope_of(request.user)
        own = schools_visible_to(request.user).filter(pk__in=scope.school_ids | scope.governed_school_ids)
        concerns = []
        for school in own.order_by("name"):
            if not can_see_risk_of(request.user, school):
                continue
            score = risk_read(request=request, school=school, via="home")  # audited, as on the risk page
            answer = school_responses(user=request.user, school=school).filter(score=score).first() if score else None
            concerns.append(
                OwnConcern(
                    school=school,
                    score=score,
                    raised=bool(score and score.band in RAISED_BANDS),
                    answered_on=day_words(timezone.localtime(answer.created_at)) if answer else "",
                    may_answer=can_respond_for(request.user, school),
                )
            )
        return {
            "own_concerns": concerns,
            "watch_list_answers": list(recent_answers(user=request.user)[:ANSWERS_SHOWN]),
            "holds_watch_list": can_see_watch_list(request.user),
            "risk_run": current_run(),
            "may_start_run": scope.is_system_lead,
        }


@register
class NewlyOnTheWatchList(Panel):
    """Home, after the early warning and answers: the schools whose early warning has become high or
    raised since the run before, for the leads who hold the watch list."""

    page = "home"
    order = 40
    template = "earlywarning/_home_newly_watched.html"
    title = "Newly on the watch list"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_watch_list(request.user)

    def context(self, request: HttpRequest, subject: Any) -> dict[str, Any]:
        newly = newly_on_watch_list_ids(user=request.user)
        shown = list(risk_visible_to(request.user).filter(pk__in=newly[:NEWLY_SHOWN]).order_by("rank"))
        if shown and isinstance(request.user, User):
            risk_reads_record(request=request, user=request.user, scores=shown, via="home")
        return {"newly_watched": shown, "newly_watched_total": len(newly)}
