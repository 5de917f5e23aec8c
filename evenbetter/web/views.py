from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evenbetter.accounts.selectors import memberships_of
from evenbetter.pages.registry import panels_for, scripts_of
from evenbetter.vocabulary.glossary import GLOSSARY


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Each role's panel, and what other apps put on the home page (``evenbetter.pages``)."""
    panels = panels_for("home", request, None)
    return render(
        request,
        "web/home.html",
        {"panels": panels, "memberships": memberships_of(request.user), "panel_scripts": scripts_of(panels)},
    )


def glossary_view(request: HttpRequest) -> HttpResponse:
    """The words the pages use, explained: open to anyone (it holds nothing about a school)."""
    return render(request, "web/glossary.html", {"terms": GLOSSARY})


def forbidden_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "403.html", {"message": message}, status=403)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: usually a page left open too long."""
    return render(request, "403_csrf.html", status=403)
