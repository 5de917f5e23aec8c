"""Partnership life on the web. Thin: authorize, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.pages.htmx import UNPROCESSABLE, htmx_wants_part, render_part, step_done
from evenbetter.partnerships.forms import (
    ActionUpdateForm,
    AgencyContactForm,
    AgencyForm,
    AgencyLinkForm,
    BoardMeetingForm,
    ContactForm,
    GovernanceReviewForm,
    MeetingForm,
    TeamAroundForm,
    WorkforceReturnForm,
    action_done_form,
)
from evenbetter.partnerships.models import Action, Agency, AgencyContact, AgencyLink, AgencyMember
from evenbetter.partnerships.selectors import (
    agencies_to_choose_from,
    agencies_visible_to,
    agencies_with_counts,
    agency_links,
    can_assign_action,
    can_edit_agency,
    can_manage_agencies,
    can_record_board_meeting,
    can_record_contact,
    can_record_for_school,
    can_record_governance_review,
    can_record_meeting,
    can_record_team_around,
    can_remove_agency_link,
    can_see_network_of_locality,
    can_see_school_records,
    can_update_action,
    localities_agency_may_work_in,
    locality_network_picture,
    people_to_give_action,
    school_board_meetings,
    school_governance_reviews,
    team_around_school,
)
from evenbetter.partnerships.services import (
    AgencyProblem,
    action_give,
    action_update,
    agency_contact_add,
    agency_contact_remove,
    agency_create,
    agency_link_add,
    agency_link_remove,
    agency_member_add,
    agency_member_remove,
    agency_update,
    board_meeting_record,
    contact_record,
    governance_review_record,
    meeting_record,
    workforce_return_record,
)
from evenbetter.schools.access import visible_school
from evenbetter.schools.models import Locality, Partnership, PartnershipMembership


@login_required
def meeting_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(Partnership, slug=slug)
    if not can_record_meeting(request.user, partnership):
        raise PermissionDenied("Only the partnership's lead and its schools' leaders record its meetings.")
    members = [
        m.school
        for m in PartnershipMembership.objects.filter(partnership=partnership, left_on__isnull=True).select_related(
            "school"
        )
    ]
    form = MeetingForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        meeting = meeting_record(
            partnership=partnership,
            held_on=form.cleaned_data["held_on"],
            title=form.cleaned_data["title"],
            schools_present=list(form.cleaned_data["schools_present"]),
            notes=form.cleaned_data["notes"],
            actions=form.actions,
            recorded_by=signed_in_user(request),
        )
        messages.success(request, f'Meeting "{meeting.title}" recorded with {len(form.actions)} action(s).')
        return redirect(f"{partnership.get_absolute_url()}#life-heading")
    return render(request, "partnerships/meeting_form.html", {"partnership": partnership, "form": form})


@login_required
def action_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("owner_school", "partnership", "agency"), pk=pk)
    if not can_update_action(request.user, action):
        raise PermissionDenied(
            "Only the owner school's leaders, the partnership's lead and whoever the action is given to update it."
        )
    answers_for = can_assign_action(request.user, action)
    today = timezone.localdate()
    # htmx posts the home page's "mark it done" form (its own ids, status fixed) and gets that item back.
    in_place = request.method == "POST" and htmx_wants_part(request)
    if in_place:
        form = action_done_form(action, request.POST, today=today)
    else:
        form = ActionUpdateForm(
            request.POST or None,
            action=action,
            people=people_to_give_action(action) if answers_for else None,
            initial={
                "status": action.status,
                "done_on": action.done_on,
                "evidence": action.evidence,
                "given_to": ActionUpdateForm.given_to_of(action),
            },
        )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            action_update(
                action=action,
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
                evidence=form.cleaned_data["evidence"],
            )
            if form.cleaned_data.get("give"):
                action_give(
                    action=action, assignee=form.cleaned_data["assignee"], to_agency=form.cleaned_data["to_agency"]
                )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            if not answers_for:
                back = reverse("home")  # whoever it is given to may not see the partnership's page
            elif action.partnership:
                back = action.partnership.get_absolute_url()
            else:
                back = action.owner_school.get_absolute_url()
        return step_done(
            request,
            message=f'"{action.title}" is now {action.get_status_display().lower()}.',
            part=ACTION_DUE_PART,
            context={"action": action, "today": today},
            then=back,
        )
    if in_place:  # the form again, with what to correct in place
        return render_part(
            request, ACTION_DUE_PART, {"action": action, "form": form, "today": today}, status=UNPROCESSABLE
        )
    next_page = request.POST.get("next") or request.GET.get("next") or ""
    return render(
        request,
        "partnerships/action_form.html",
        {"action": action, "form": form, "next": next_page, "answers_for": answers_for},
    )


ACTION_DUE_PART = "partnerships/_action_due_item.html"


@login_required
def contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_record_contact(request.user, school):
        raise PermissionDenied(
            "Only the school's own leaders and staff, and the leads who see it in full, record its contacts."
        )
    form = ContactForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid() and form.other_school is not None:
        contact = contact_record(
            school=school,
            other_school=form.other_school,
            kind=form.cleaned_data["kind"],
            happened_on=form.cleaned_data["happened_on"],
            about=form.cleaned_data["about"],
            recorded_by=signed_in_user(request),
        )
        messages.success(request, f"{contact.get_kind_display()} with {form.other_school.name} recorded.")
        return redirect("school_section", pk=school.pk, slug="partnership-life")  # where the contact shows
    return render(request, "partnerships/contact_form.html", {"school": school, "form": form})


@login_required
def governance_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_see_school_records(request.user, school):
        raise PermissionDenied("A school's governance records are for its own people and those who see it in full.")
    return render(
        request,
        "partnerships/governance.html",
        {
            "school": school,
            "board_meetings": school_board_meetings(user=request.user, school=school),
            "reviews": school_governance_reviews(user=request.user, school=school),
            "can_record": can_record_board_meeting(request.user, school),
            "can_record_review": can_record_governance_review(request.user, school),
        },
    )


@login_required
def board_meeting_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_record_board_meeting(request.user, school):
        raise PermissionDenied("Only the school's governors and leaders record its board's meetings.")
    form = BoardMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        board_meeting_record(
            school=school,
            held_on=form.cleaned_data["held_on"],
            governors_places=form.cleaned_data["governors_places"],
            governors_present=form.cleaned_data["governors_present"],
            vacancies=form.cleaned_data["vacancies"],
            notes=form.cleaned_data["notes"],
            challenges=form.challenges,
            recorded_by=signed_in_user(request),
        )
        messages.success(request, f"Board meeting of {form.cleaned_data['held_on']:%d %B %Y} recorded.")
        return redirect("school_governance", pk=school.pk)
    return render(request, "partnerships/board_meeting_form.html", {"school": school, "form": form})


@login_required
def workforce_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_record_for_school(request.user, school):
        raise PermissionDenied(
            "Only the school's leaders, and the leads who see it in full, keep its workforce return."
        )
    form = WorkforceReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = workforce_return_record(
            school=school,
            period=form.cleaned_data["period"],
            values=form.indicator_values(),
            recorded_by=signed_in_user(request),
        )
        messages.success(
            request,
            f"Workforce return for {form.cleaned_data['period']} kept: {run.records_created} new value(s), "
            f"{run.records_updated} changed.",
        )
        return redirect("school_section", pk=school.pk, slug="data")  # where the return's values show
    return render(request, "partnerships/workforce_return_form.html", {"school": school, "form": form})


@login_required
def locality_network_view(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    if not can_see_network_of_locality(request.user, locality):
        raise PermissionDenied("The network picture of a locality is for system leads: isolation is a warning sign.")
    picture = locality_network_picture(locality)
    return render(request, "partnerships/network.html", {"place": locality, "picture": picture})


@login_required
def governance_review_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_record_governance_review(request.user, school):
        raise PermissionDenied("Only the school's governors and leaders, and the leads who see it in full, record it.")
    form = GovernanceReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = governance_review_record(
            school=school,
            reviewed_on=form.cleaned_data["reviewed_on"],
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            recorded_by=signed_in_user(request),
        )
        messages.success(request, f"{review.get_kind_display()} of {review.reviewed_on:%d %B %Y} recorded.")
        return redirect("school_governance", pk=school.pk)
    return render(
        request,
        "partnerships/governance_review_form.html",
        {"school": school, "form": form},
        status=400 if form.errors else 200,
    )


# --- agencies, their teams and contacts, and the team around each school --------------------


def _managed_agency(request: HttpRequest, pk: int) -> Agency:
    if not can_manage_agencies(request.user):
        raise PermissionDenied("Agencies are kept by system leads and locality leads.")
    return get_object_or_404(agencies_visible_to(request.user), pk=pk)


def _editable_agency(request: HttpRequest, pk: int) -> Agency:
    agency = _managed_agency(request, pk)
    if not can_edit_agency(request.user, agency):
        raise PermissionDenied(
            "A locality lead edits the agencies that work in the localities they lead; ask a system lead."
        )
    return agency


@login_required
def agency_list_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_agencies(request.user):
        raise PermissionDenied("Agencies are kept by system leads and locality leads.")
    return render(request, "partnerships/agency_list.html", {"agencies": agencies_with_counts(request.user)})


@login_required
def agency_create_view(request: HttpRequest) -> HttpResponse:
    if not can_manage_agencies(request.user):
        raise PermissionDenied("Agencies are added by system leads and locality leads.")
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create(name=form.cleaned_data["name"], kind=form.cleaned_data["kind"])
        except AgencyProblem as problem:
            form.add_error("name", str(problem))
        else:
            messages.success(request, f"{agency.name} added. Now add its contacts and where it works.")
            return redirect("agency_detail", pk=agency.pk)
    return render(
        request, "partnerships/agency_form.html", {"form": form, "agency": None}, status=400 if form.errors else 200
    )


@login_required
def agency_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _managed_agency(request, pk)
    links = list(agency_links(agency))
    return render(
        request,
        "partnerships/agency_detail.html",
        {
            "agency": agency,
            "contacts": agency.contacts.all(),
            "members": agency.members.select_related("user"),
            "links": [(link, can_remove_agency_link(request.user, link)) for link in links],
            "can_edit": can_edit_agency(request.user, agency),
        },
    )


@login_required
def agency_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _editable_agency(request, pk)
    form = AgencyForm(request.POST or None, initial={"name": agency.name, "kind": agency.kind})
    if request.method == "POST" and form.is_valid():
        try:
            agency_update(agency=agency, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"])
        except AgencyProblem as problem:
            form.add_error("name", str(problem))
        else:
            messages.success(request, f"{agency.name} saved.")
            return redirect("agency_detail", pk=agency.pk)
    return render(
        request, "partnerships/agency_form.html", {"form": form, "agency": agency}, status=400 if form.errors else 200
    )


@login_required
def agency_contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _editable_agency(request, pk)
    form = AgencyContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = agency_contact_add(agency=agency, **form.cleaned_data)
        messages.success(request, f"{contact.name} added to {agency.name}.")
        return redirect("agency_detail", pk=agency.pk)
    return render(
        request,
        "partnerships/agency_contact_form.html",
        {"form": form, "agency": agency},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agency_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _editable_agency(request, pk)
    try:
        member = agency_member_add(agency=agency, who=request.POST.get("who", ""))
    except AgencyProblem as problem:
        messages.error(request, f"Nothing was changed: {problem}")
    else:
        messages.success(request, f"{member.user} now acts for {agency.name}: requests and actions addressed to it.")
    return redirect("agency_detail", pk=agency.pk)


@login_required
@require_POST
def agency_member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(AgencyMember.objects.select_related("agency", "user"), pk=pk)
    agency = _editable_agency(request, member.agency_id)
    agency_member_remove(member=member)
    messages.success(request, f"{member.user} no longer acts for {agency.name}.")
    return redirect("agency_detail", pk=agency.pk)


@login_required
@require_POST
def agency_contact_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(AgencyContact.objects.select_related("agency"), pk=pk)
    agency = _editable_agency(request, contact.agency_id)
    agency_contact_remove(contact=contact)
    messages.success(request, f"{contact.name} removed from {agency.name}.")
    return redirect("agency_detail", pk=agency.pk)


@login_required
def agency_link_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _managed_agency(request, pk)
    form = AgencyLinkForm(
        request.POST or None,
        agency=agency,
        localities=localities_agency_may_work_in(request.user),
        may_link_school=lambda school: can_record_team_around(request.user, school),
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = agency_link_add(
                agency=agency,
                school=form.school,
                locality=form.cleaned_data["locality"],
                contact=form.cleaned_data["contact"],
                note=form.cleaned_data["note"],
            )
        except AgencyProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{agency.name} works with {link.school or link.locality}.")
            return redirect("agency_detail", pk=agency.pk)
    return render(
        request,
        "partnerships/agency_link_form.html",
        {"form": form, "agency": agency},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agency_link_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(AgencyLink.objects.select_related("agency", "school", "locality"), pk=pk)
    if not can_remove_agency_link(request.user, link):
        raise PermissionDenied(
            "A school's leaders and its locality's lead, or a system lead, change who works with it."
        )
    agency_link_remove(link=link)
    messages.success(request, f"{link.agency.name} no longer listed as working with {link.school or link.locality}.")
    if link.school is not None and (request.POST.get("next") == "team" or not can_manage_agencies(request.user)):
        return redirect("school_team", pk=link.school.pk)
    return redirect("agency_detail", pk=link.agency.pk)


@login_required
def school_team_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = visible_school(request, pk)
    if not can_record_team_around(request.user, school):
        raise PermissionDenied("The team around a school is kept by its leaders, its locality's lead and system leads.")
    form = TeamAroundForm(request.POST or None, agencies=agencies_to_choose_from())
    if request.method == "POST" and form.is_valid():
        try:
            link = agency_link_add(
                agency=form.cleaned_data["agency"],
                school=school,
                contact=form.cleaned_data["contact"],
                note=form.cleaned_data["note"],
            )
        except AgencyProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{link.agency.name} added to the team around {school.name}.")
            return redirect("school_team", pk=school.pk)
    links = list(team_around_school(user=request.user, school=school))
    return render(
        request,
        "partnerships/school_team.html",
        {
            "school": school,
            "form": form,
            "links": [(link, can_remove_agency_link(request.user, link)) for link in links],
        },
        status=400 if form.errors else 200,
    )
