"""The early warning's panels, shown only to those who may see the school's risk: the link to
its risk page on the school page, and the profile's early-warning section (whose read of
the score is audited by ``risk_read``, as the risk page's is)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from reportlab.platypus import KeepTogether
from reportlab.platypus.flowables import Flowable

from evenbetter.earlywarning.selectors import can_see_risk_of, current_run, risk_read, school_responses
from evenbetter.earlywarning.wording import reading_of
from evenbetter.pages.registry import Panel, register
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
    order = 600
    template = "earlywarning/_profile_risk.html"
    title = "Early warning"

    def is_shown(self, request: HttpRequest, subject: Any) -> bool:
        return can_see_risk_of(request.user, subject)

    def section(self, request: HttpRequest, school: School) -> RiskSection:
        run = current_run()
        score = risk_read(request=request, school=school, via="profile")
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
