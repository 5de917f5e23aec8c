"""Pages of the register. Thin: authorize, call one selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.exports import table_response
from evenbetter.accounts.selectors import scope_of
from evenbetter.pages.htmx import htmx_wants_part, render_page_or_part, render_part, varied
from evenbetter.pages.registry import panels_for, scripts_of, section_for, sections_for
from evenbetter.schools.access import (
    SchoolAccess,
    can_draw_localities,
    can_edit_locality,
    localities_visible_to,
    partnerships_visible_to,
    school_with_access,
    sees_any_locality,
    sees_any_partnership,
    sees_any_school,
    visible_school,
)
from evenbetter.schools.exports import DirectoryTable
from evenbetter.schools.forms import DirectoryFilterForm, LocalityForm
from evenbetter.schools.models import Locality, Partnership, School
from evenbetter.schools.profile import Profile, profile_of
from evenbetter.schools.profile_pdf import render_profile_pdf
from evenbetter.schools.selectors import (
    localities_with_counts,
    locality_history,
    locality_leads,
    locality_schools,
    partnership_memberships,
    partnerships_with_counts,
    school_directory,
    school_page_context,
    school_search,
)
from evenbetter.schools.services import LocalityProblem, locality_agree, locality_update

PAGE_SIZE = 50


def _forbid_if_nothing_visible(request: HttpRequest) -> None:
    if not sees_any_school(request.user):
        raise PermissionDenied("Your account does not give you access to the schools directory.")


@login_required
def school_search_view(request: HttpRequest) -> HttpResponse:
    """The header's search: schools by name, town, URN or local number, among those the reader
    may see. htmx asks for the results alone (``HX-Request``) as the reader types."""
    _forbid_if_nothing_visible(request)
    search = school_search(user=request.user, query=request.GET.get("q", ""))
    return render_page_or_part(
        request, page="schools/search.html", part="schools/_search_results.html", context={"search": search}
    )


@login_required
def school_directory_view(request: HttpRequest) -> HttpResponse:
    _forbid_if_nothing_visible(request)
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()
    schools = school_directory(user=request.user, filters=form.filters())
    if request.GET.get("format") in ("csv", "xlsx"):
        return table_response(request, DirectoryTable(), schools)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page_or_part(
        request,
        page="schools/directory.html",
        part="schools/_directory_results.html",
        context={"form": form, "page": page, "total": page.paginator.count, "query_string": query.urlencode()},
    )


@login_required
def school_detail_view(request: HttpRequest, urn: int) -> HttpResponse:
    return _school_page(request, *school_with_access(request.user, urn=urn))


@login_required
def school_detail_by_id_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Schools outside England have no URN: their page is found by id."""
    return _school_page(request, *school_with_access(request.user, pk=pk))


def _school_page(request: HttpRequest, school: School, access: SchoolAccess) -> HttpResponse:
    """At a glance first (the panels the feature apps register for region "glance"), then the
    sections of page "school", each closed until the reader opens it (htmx, or its own page
    without JavaScript); ``?sections=all`` opens every one, for printing and for reading it
    all."""
    sections = sections_for("school", request, school)
    opened = panels_for("school", request, school) if request.GET.get("sections") == "all" else []
    scripts = [script for section in sections for script in section.section_scripts]
    return render(
        request,
        "schools/school_detail.html",
        school_page_context(request.user, school, access)
        | {
            "sections": sections,
            "opened": opened,
            "all_open": bool(opened),
            "panel_scripts": list(
                dict.fromkeys(["web/vendor/htmx.min.js", "web/sections.js", *scripts, *scripts_of(opened)])
            ),
        },
    )


@login_required
def school_section_view(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One section of the school page, behind the page's own access check: alone when htmx
    asks for it (to put in the page), else as a page of its own (without JavaScript)."""
    school, access = school_with_access(request.user, pk=pk)
    shown = section_for("school", slug, request, school)
    if shown is None:
        raise Http404("This school's page has no such section for you.")
    if htmx_wants_part(request):
        return render_part(request, "schools/_school_section.html", {"school": school, "shown": shown})
    return varied(
        render(
            request,
            "schools/school_section.html",
            school_page_context(request.user, school, access)
            | {
                "shown": shown,
                "sections": sections_for("school", request, school),
                "panel_scripts": scripts_of([shown]),
            },
        )
    )


def _profile(request: HttpRequest, pk: int) -> Profile:
    """The profile as the reader may see it; its early-warning section audits its read of the
    risk, as the risk page does."""
    return profile_of(request, visible_school(request, pk))


@login_required
def school_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk)
    return render(request, "schools/profile.html", {"profile": profile, "school": profile.school})


@login_required
def school_profile_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, pk)
    school = profile.school
    name = "-".join(part for part in (slugify(school.name), str(school.urn or school.pk), "profile") if part)
    filename = f"{name}-{profile.generated_on.isoformat()}.pdf"
    return HttpResponse(
        render_profile_pdf(profile),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
def locality_list_view(request: HttpRequest) -> HttpResponse:
    if not sees_any_locality(request.user):
        raise PermissionDenied("Your account does not give you access to any locality.")
    localities = localities_with_counts(user=request.user)
    return render(
        request,
        "schools/locality_list.html",
        {"localities": localities, "can_draw": can_draw_localities(request.user)},
    )


@login_required
def locality_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    if not localities_visible_to(request.user).filter(pk=locality.pk).exists():
        raise PermissionDenied("Your account does not give you access to this locality.")
    return render(
        request,
        "schools/locality_detail.html",
        {
            "locality": locality,
            "schools": locality_schools(user=request.user, locality=locality),
            "history": locality_history(user=request.user, locality=locality),
            "leads": locality_leads(locality),
            "can_edit": can_edit_locality(request.user, locality),
        },
    )


@login_required
def locality_create_view(request: HttpRequest) -> HttpResponse:
    if not can_draw_localities(request.user):
        raise PermissionDenied("Only system leads and locality leads draw agreed localities.")
    form = LocalityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = signed_in_user(request)
        # A locality lead who draws one leads it, unless they name someone else.
        lead = form.lead_user or (None if scope_of(user).is_system_lead else user)
        try:
            locality = locality_agree(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                agreed_by=form.cleaned_data["agreed_by"],
                agreed_on=form.cleaned_data["agreed_on"],
                schools=form.schools,
                lead=lead,
                by=user,
            )
        except LocalityProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{locality.name} agreed, with {len(form.schools)} school(s).")
            return redirect(locality)
    return render(
        request, "schools/locality_form.html", {"form": form, "locality": None}, status=400 if form.errors else 200
    )


@login_required
def locality_update_view(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    if not can_edit_locality(request.user, locality):
        raise PermissionDenied(
            "A system lead edits any agreed locality, a locality lead those they lead; a register district "
            "follows the register."
        )
    form = LocalityForm(request.POST or None, user=request.user, locality=locality)
    if request.method == "POST" and form.is_valid():
        try:
            locality_update(
                locality=locality,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                agreed_by=form.cleaned_data["agreed_by"],
                agreed_on=form.cleaned_data["agreed_on"],
                schools=form.schools,
                lead=form.lead_user,
                by=signed_in_user(request),
            )
        except LocalityProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{locality.name} saved, with {len(form.schools)} school(s).")
            return redirect(locality)
    return render(
        request, "schools/locality_form.html", {"form": form, "locality": locality}, status=400 if form.errors else 200
    )


@login_required
def partnership_list_view(request: HttpRequest) -> HttpResponse:
    if not sees_any_partnership(request.user):
        raise PermissionDenied("Your account does not give you access to partnerships.")
    partnerships = partnerships_with_counts(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Partnership.Kind.values:
        partnerships = partnerships.filter(kind=kind)
    return render(
        request,
        "schools/partnership_list.html",
        {"partnerships": partnerships, "kinds": Partnership.Kind.choices, "kind": kind},
    )


@login_required
def partnership_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    if not partnerships_visible_to(request.user).filter(pk=partnership.pk).exists():
        raise PermissionDenied("Your account does not give you access to this partnership.")
    memberships = partnership_memberships(user=request.user, partnership=partnership)
    return render(
        request,
        "schools/partnership_detail.html",
        {
            "partnership": partnership,
            "current": [m for m in memberships if m.left_on is None],
            "past": [m for m in memberships if m.left_on is not None],
            "panels": panels_for("partnership", request, partnership),
        },
    )
