"""The watch list and a school's own risk page. Every view of risk is written to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.exports import table_response
from evenbetter.accounts.models import AuditEvent
from evenbetter.accounts.selectors import scope_of
from evenbetter.accounts.services import audit_record
from evenbetter.earlywarning.exports import WatchListTable
from evenbetter.earlywarning.forms import RiskResponseForm, WatchDecisionForm, WatchListFilterForm
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.earlywarning.selectors import (
    RISK_REFUSED,
    can_decide_about,
    can_respond_for,
    can_see_risk_of,
    can_see_watch_list,
    current_run,
    risk_read,
    risk_school_ids_visible_to,
    school_decisions,
    school_responses,
    school_risk_history,
    watch_list_scores,
)
from evenbetter.earlywarning.services import risk_response_create, watch_decision_create
from evenbetter.earlywarning.watchlist import notes_attach, school_actions
from evenbetter.earlywarning.wording import backtest_words, reading_of
from evenbetter.indicators.figures_cache import figures_cached, records_generation
from evenbetter.pages.htmx import UNPROCESSABLE, htmx_wants_part, render_page_or_part, render_part, step_done
from evenbetter.pages.paging import page_number_shown
from evenbetter.schools.models import School
from evenbetter.schools.selectors import register_stamp

# Fifty schools a page: the table is eleven columns wide and each row carries reasons,
# triggers and what three other apps know of the school, so fifty is already several screens;
# the high band alone is a tenth of a national run (2,400 schools), read a page at a time or
# whole in the CSV. A hundred took twice the time to draw for rows read far less.
WATCH_LIST_PAGE = 50


@login_required
def watch_list_view(request: HttpRequest) -> HttpResponse:
    if not can_see_watch_list(request.user):
        raise PermissionDenied("The watch list is for system and partnership leads.")
    run = current_run()
    exporting = request.GET.get("format") in ("csv", "xlsx")
    form = WatchListFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    everything = watch_list_scores(user=request.user, run=run, **filters)
    if exporting:
        scores = list(everything)  # an export has them all
        notes_attach(scores)
        _watch_list_audit(request, run, filters, shown=len(scores), page=1)
        return table_response(request, WatchListTable(run), scores)
    rows = _rows_kept(request, run, everything, filters)
    _watch_list_audit(request, run, filters, shown=rows["shown"], page=rows["page"])
    return render_page_or_part(
        request,
        page="earlywarning/watch_list.html",
        part="earlywarning/_watch_list_results.html",
        # The backtest's full report (statistical names and all) is for system leads.
        context={
            "run": run,
            "rows": mark_safe(rows["html"]),  # noqa: S308  (drawn by the template, which escapes)
            **({"scores": rows["scores"]} if "scores" in rows else {}),
            "form": form,
            "checked": backtest_words(run.backtest if run else None),
            "show_figures": scope_of(request.user).is_system_lead,
        },
    )


def _watch_list_audit(
    request: HttpRequest, run: RiskRun | None, filters: dict[str, str], *, shown: int, page: int
) -> None:
    audit_record(
        request=request,
        action=AuditEvent.Action.WATCH_LIST_VIEW,
        detail={"run": run.pk if run else None, "schools": shown, "page": page}
        | {name: value for name, value in filters.items() if value},
    )


def _rows_kept(
    request: HttpRequest, run: RiskRun | None, everything: QuerySet[RiskScore], filters: dict[str, str]
) -> dict[str, Any]:
    """The list's rows, their count and its pages' links, drawn once for every reader who may
    see the same schools' risk (``risk_school_ids_visible_to``: one key for every system lead)
    with the same filters and page, and kept until what they show changes: the run and the
    figures (the generation), what schools and leads said (``risk_answers``), the notes of help
    and concerns (their records' generations) and the schools' names (the register's stamp).
    Never by time. Keyed by the filters as checked and the page shown, never by the address as
    typed. ``html``, ``shown`` (schools on the page, for the audit line) and ``page``; and
    ``scores`` when they were read now (the tests look at them)."""
    visible = risk_school_ids_visible_to(request.user)
    scope: tuple[object, ...] = (
        run.pk if run else None,
        None if visible is None else sorted(visible),
        tuple(sorted(filters.items())),
        tuple(records_generation(records) for records in ("risk_answers", "support", "concerns")),
        register_stamp(),
        WATCH_LIST_PAGE,
    )
    number = page_number_shown(
        request.GET.get("page"),
        WATCH_LIST_PAGE,
        # The number of rows kept apart (under the rows' own scope): only a page other than the
        # first reads it.
        lambda: figures_cached("watch-list-count", everything.count, scope=scope),
    )
    read_now: dict[str, Any] = {}

    def drawn() -> dict[str, Any]:
        page = Paginator(everything, WATCH_LIST_PAGE).get_page(number)
        scores = list(page.object_list)
        # What other apps know of each school (help already asked for, from support).
        notes_attach(scores)
        read_now["scores"] = scores
        html = render_to_string(
            "earlywarning/_watch_list_rows.html",
            {
                "scores": scores,
                "page": page,
                "filtered": any(filters.values()),
                "query": urlencode([(name, value) for name, value in filters.items() if value]),
            },
        )
        return {"html": html, "shown": len(scores), "page": page.number}

    return figures_cached("watch-list-rows", drawn, scope=(*scope, number)) | read_now


def _risk_school(request: HttpRequest, pk: int) -> School:
    school = get_object_or_404(School, pk=pk)
    if not can_see_risk_of(request.user, school):
        raise PermissionDenied(RISK_REFUSED)
    return school


@login_required
def school_risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = _risk_school(request, pk)
    score = risk_read(request=request, school=school, via="risk page")
    run = current_run()
    return render(
        request,
        "earlywarning/school_risk.html",
        {
            "school": school,
            "run": run,
            "score": score,
            "reading": reading_of(score, (run.backtest or {}).get("bands")) if score and run else None,
            # The exact sizes of the pushes, for system leads (in a details element).
            "show_figures": scope_of(request.user).is_system_lead,
            "history": school_risk_history(user=request.user, school=school),
            "responses": school_responses(user=request.user, school=school),
            "decisions": school_decisions(user=request.user, school=school),
            "response_form": RiskResponseForm() if can_respond_for(request.user, school) else None,
            "decision_form": WatchDecisionForm() if can_decide_about(request.user, school) else None,
            **school_actions(request.user, school),
        },
    )


@login_required
@require_POST
def risk_response_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = _risk_school(request, pk)
    if not can_respond_for(request.user, school):
        raise PermissionDenied("Only the school's own leaders answer for it.")
    form = RiskResponseForm(request.POST)
    if not form.is_valid():
        if htmx_wants_part(request):  # the form again, with its message in place
            return render_part(request, RESPONSE_PART, _response_part(request, school, form), status=UNPROCESSABLE)
        for error in form.errors.get("text", []):
            messages.error(request, f"Your response was not saved: {error}")
        return redirect("school_risk", pk=school.pk)
    response = risk_response_create(school=school, author=signed_in_user(request), text=form.cleaned_data["text"])
    audit_record(
        request=request, action=AuditEvent.Action.RISK_RESPONSE, school=school, detail={"response": response.pk}
    )
    return step_done(
        request,
        message="Your response is saved; it is shown beside the score on the watch list.",
        part=RESPONSE_PART,
        context=_response_part(request, school, RiskResponseForm()),
        then=reverse("school_risk", args=[school.pk]),
    )


RESPONSE_PART = "earlywarning/_school_response.html"


def _response_part(request: HttpRequest, school: School, form: RiskResponseForm) -> dict[str, object]:
    """What the school's response part draws: its answers so far and the form."""
    return {"school": school, "responses": school_responses(user=request.user, school=school), "response_form": form}


@login_required
@require_POST
def watch_decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = _risk_school(request, pk)
    if not can_decide_about(request.user, school):
        raise PermissionDenied("Decisions are recorded by the system and partnership leads who hold the watch list.")
    form = WatchDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The decision was not saved: choose one of the decisions listed.")
        return redirect("school_risk", pk=school.pk)
    decision = watch_decision_create(
        school=school,
        decided_by=signed_in_user(request),
        kind=form.cleaned_data["kind"],
        note=form.cleaned_data["note"],
    )
    audit_record(
        request=request, action=AuditEvent.Action.WATCH_DECISION, school=school, detail={"decision": decision.pk}
    )
    messages.success(request, f"Decision recorded: {decision.get_kind_display().lower()}.")
    return redirect("school_risk", pk=school.pk)
