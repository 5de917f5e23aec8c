"""The practice library's pages. Thin: authorize through the selectors, call one service,
render. A refused write says why and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.pages.htmx import render_page_or_part
from evenbetter.practice import services
from evenbetter.practice.evidence import evidence_for
from evenbetter.practice.forms import (
    CommentForm,
    ItemForm,
    ModerateForm,
    NewItemForm,
    ReasonForm,
    SearchForm,
    TriedForm,
)
from evenbetter.practice.models import Attachment, Comment, Follow, PracticeItem, Report, Visible
from evenbetter.practice.rendering import render_markdown
from evenbetter.practice.search import BOTH, search
from evenbetter.practice.selectors import (
    by_evidence,
    can_contribute_for,
    can_edit,
    comments_visible_to,
    is_moderator,
    is_reader,
    items_visible_to,
    most_tried,
    pooled_results,
    published_items,
    schools_contributing_for,
    schools_trying_for,
    tries_with_results,
)
from evenbetter.vocabulary.areas import AREAS

PAGE = 20


def _reader(request: HttpRequest) -> None:
    if not is_reader(request.user):
        raise PermissionDenied("The practice library is for the people of the schools and partnerships here.")


def _listed(items: Any) -> Any:
    return (
        items.select_related("author", "evidence").prefetch_related("areas", "schools").annotate(tried=Count("tries"))
    )


@login_required
def library_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = SearchForm(request.GET or None)
    items = published_items(request.user)
    query, mode, order = "", BOTH, ""
    if form.is_valid():
        data = form.cleaned_data
        if data["area"]:
            items = items.filter(areas__area=data["area"])
        if data["phase"]:
            items = items.filter(phase__in=[data["phase"], "any"])
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        query, mode, order = data["q"].strip(), data["mode"] or BOTH, data["order"]
    if query:
        ranked = search(items, query, mode=mode)
        by_id = {item.pk: item for item in _listed(PracticeItem.objects.filter(pk__in=ranked[:100]))}
        results = [by_id[pk] for pk in ranked[:100] if pk in by_id]
        if order == "evidence":  # the best evidence first, the search's own order within
            order_of = {
                pk: n
                for n, pk in enumerate(
                    by_evidence(PracticeItem.objects.filter(pk__in=by_id)).values_list("pk", flat=True)
                )
            }
            results.sort(key=lambda item: order_of[item.pk])
        page = Paginator(results, PAGE).get_page(request.GET.get("page"))
    else:
        listed = _listed(items.distinct())
        listed = by_evidence(listed) if order == "evidence" else listed.order_by("-created_at", "-pk")
        page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
    user = signed_in_user(request)
    return render(
        request,
        "practice/library.html",
        {
            "form": form,
            "query": query,
            "order": order,
            "page": page,
            "stories": published_items(request.user).filter(kind=PracticeItem.Kind.STORY)[:3],
            "most_tried": most_tried(request.user),
            "followed_areas": set(Follow.objects.filter(user=user).exclude(area="").values_list("area", flat=True)),
            "areas": AREAS,
            "can_contribute": schools_contributing_for(request.user).exists(),
            "open_reports": Report.objects.filter(resolved_at__isnull=True).count()
            if is_moderator(request.user)
            else 0,
        },
    )


@login_required
def item_create_view(request: HttpRequest) -> HttpResponse:
    _reader(request)
    schools = schools_contributing_for(request.user).order_by("name").only("pk", "name", "urn")
    if not schools.exists():
        raise PermissionDenied("Practice is shared for a school by its leaders and the leads who see it in full.")
    initial = {
        "school": request.GET.get("school"), "areas": request.GET.getlist("area"), "kind": "idea",
        "school_q": request.GET.get("school_q", ""),
    }  # fmt: skip
    if request.method == "POST" and "find" in request.POST:
        # The school search's Find button (without JavaScript): the form again, the list of
        # schools narrowed to what was typed, nothing checked or saved.
        kept = {
            name: request.POST.getlist(name) if name == "areas" else request.POST.get(name) for name in request.POST
        }
        form = NewItemForm(schools=schools, user=request.user, initial=kept)
        return render(request, "practice/item_form.html", {"form": form, "editing": None})
    form = NewItemForm(request.POST or None, request.FILES or None, schools=schools, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can_contribute_for(request.user, data["school"]):
            raise PermissionDenied("You may not share practice for that school.")
        try:
            item = services.item_create(
                author=signed_in_user(request), schools=[data["school"]], kind=data["kind"], title=data["title"],
                summary=data["summary"], body=data["body"], phase=data["phase"], areas=data["areas"],
                files=data["attachments"],
            )  # fmt: skip
        except services.Refused as refused:
            form.add_error("attachments", str(refused))
        else:
            messages.success(request, f'"{item.title}" is shared. Thank you.')
            return redirect(item)
    # htmx asks again as the reader types in the school search: the school field alone.
    return render_page_or_part(
        request,
        page="practice/item_form.html",
        part="practice/_school_field.html",
        context={"form": form, "editing": None},
        status=400 if form.errors else 200,
    )


def _visible_item(request: HttpRequest, pk: int) -> PracticeItem:
    _reader(request)
    # Not found, rather than forbidden, for an item the user may not see: no hint it exists.
    return get_object_or_404(items_visible_to(request.user), pk=pk)


@login_required
def item_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    user = signed_in_user(request)
    comments = comments_visible_to(request.user, item)
    threads = comments.filter(parent=None).prefetch_related(
        Prefetch("replies", queryset=comments_visible_to(request.user, item).exclude(parent=None))
    )
    trying_for = schools_trying_for(request.user)
    return render(
        request,
        "practice/item_detail.html",
        {
            "item": item,
            "body": render_markdown(item.body),
            "threads": threads,
            "tries": tries_with_results(item),
            "pooled": pooled_results(item),
            "attachments": item.attachments.all(),
            "evidence": evidence_for(item),
            "comment_form": CommentForm() if item.status == Visible.PUBLISHED else None,
            "tried_form": TriedForm(schools=trying_for, initial={"school": trying_for.first()})
            if trying_for.exists() and item.status == Visible.PUBLISHED
            else None,
            "following": Follow.objects.filter(user=user, item=item).exists(),
            "can_edit": can_edit(request.user, item),
            "moderator": is_moderator(request.user),
            "reports": item.reports.filter(resolved_at__isnull=True) if is_moderator(request.user) else [],
            "user_id": user.pk,
        },
    )


@login_required
def item_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    if not can_edit(request.user, item):
        raise PermissionDenied("Only its author edits an item.")
    initial = {
        "kind": item.kind, "title": item.title, "summary": item.summary, "body": item.body,
        "areas": item.area_codes, "phase": item.phase,
    }  # fmt: skip
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.item_update(
            item=item, by=signed_in_user(request), title=data["title"], summary=data["summary"], body=data["body"],
            phase=data["phase"], kind=data["kind"], areas=data["areas"],
        )  # fmt: skip
        messages.success(request, "Saved.")
        return redirect(item)
    return render(
        request, "practice/item_form.html", {"form": form, "editing": item}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def item_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """withdraw / follow / comment / tried / report / hide / restore on an item."""
    item = _visible_item(request, pk)
    user = signed_in_user(request)
    try:
        if action == "withdraw":
            services.item_withdraw(item=item, by=user)
            messages.success(request, "Withdrawn." if item.status == Visible.WITHDRAWN else "Published again.")
        elif action == "follow":
            on = services.follow_toggle(user=user, item=item)
            messages.success(
                request,
                "You follow it: new comments and tries come in your weekly digest."
                if on
                else "You no longer follow it.",
            )
        elif action == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                raise services.Refused("Write a comment first (up to 4,000 characters).")
            parent = None
            if form.cleaned_data["parent"]:
                parent = get_object_or_404(comments_visible_to(request.user, item), pk=form.cleaned_data["parent"])
            services.comment_create(item=item, author=user, body=form.cleaned_data["body"], parent=parent)
            messages.success(request, "Comment added.")
        elif action == "tried":
            tried_form = TriedForm(request.POST, schools=schools_trying_for(request.user))
            if not tried_form.is_valid():
                wrong_date = tried_form.has_error("started_on", "invalid")
                raise services.Refused(
                    "Say which of your schools tried it, when it started and how it went."
                    + (f" {tried_form.errors['started_on'][0]}" if wrong_date else "")
                )
            services.tried_record(item=item, author=user, **tried_form.cleaned_data)
            messages.success(request, "Thank you: your school's experience is on the item.")
        elif action == "report":
            reason = ReasonForm(request.POST)
            if not reason.is_valid():
                raise services.Refused("Say what is wrong with it.")
            services.report_create(by=user, item=item, reason=reason.cleaned_data["reason"])
            messages.success(request, "Reported to the moderators. Thank you.")
        elif action in ("hide", "restore"):
            note = ModerateForm(request.POST)
            note.is_valid()
            services.moderate(target=item, by=user, hide=action == "hide", note=note.cleaned_data.get("note", ""))
            messages.success(request, "Hidden." if action == "hide" else "Restored.")
        else:
            raise services.Refused(f'There is no action "{action}".')
    except services.Refused as refused:
        messages.error(request, f"Nothing was changed: {refused}")
        return redirect(item)
    return redirect(item)


@login_required
@require_POST
def comment_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """edit / withdraw / report / hide / restore on a comment."""
    _reader(request)
    comment = get_object_or_404(Comment.objects.select_related("item"), pk=pk)
    item = get_object_or_404(items_visible_to(request.user), pk=comment.item_id)
    if not comments_visible_to(request.user, item).filter(pk=comment.pk).exists():
        return redirect(item)
    user = signed_in_user(request)
    try:
        if action in ("edit", "withdraw"):
            body = CommentForm(request.POST)
            if action == "edit" and not body.is_valid():
                raise services.Refused("Write the comment first.")
            services.comment_edit(
                comment=comment, by=user, body=body.cleaned_data.get("body") if action == "edit" else None,
                withdraw=action == "withdraw",
            )  # fmt: skip
        elif action == "report":
            reason = ReasonForm(request.POST)
            if not reason.is_valid():
                raise services.Refused("Say what is wrong with it.")
            services.report_create(by=user, comment=comment, reason=reason.cleaned_data["reason"])
        elif action in ("hide", "restore"):
            note = ModerateForm(request.POST)
            note.is_valid()
            services.moderate(target=comment, by=user, hide=action == "hide", note=note.cleaned_data.get("note", ""))
        else:
            raise services.Refused(f'There is no action "{action}".')
    except services.Refused as refused:
        messages.error(request, f"Nothing was changed: {refused}")
        return redirect(item)
    messages.success(request, "Done.")
    return redirect(item)


@login_required
@require_POST
def area_follow_view(request: HttpRequest, area: str) -> HttpResponse:
    _reader(request)
    try:
        on = services.follow_toggle(user=signed_in_user(request), area=area)
    except services.Refused as refused:
        messages.error(request, f"Nothing was changed: {refused}")
    else:
        messages.success(request, f"You {'follow' if on else 'no longer follow'} {dict(AREAS)[area].lower()}.")
    return redirect("practice_library")


@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    _visible_item(request, attachment.item_id)
    # Pictures show in the page; everything else downloads, never rendered by the browser.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_image,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def reports_view(request: HttpRequest) -> HttpResponse:
    if not is_moderator(request.user):
        raise PermissionDenied("Reports are for the moderators (system leads).")
    reports = Report.objects.select_related("item", "comment__item", "by", "resolved_by")
    return render(
        request,
        "practice/reports.html",
        {"open": reports.filter(resolved_at__isnull=True), "resolved": reports.exclude(resolved_at=None)[:50]},
    )
