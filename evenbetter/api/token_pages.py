"""The API tokens page (/api-tokens/): a signed-in person lists their own tokens, makes one (shown
once, on the page that answers the form, and never kept in clear) and revokes one. The site's
own HTML, in place of the Swagger UI page that made tokens before. Who may is the token
endpoint's rule (``selectors.may_have_api_tokens``); the writes are ``services.token_create``
and ``token_revoke``, as the endpoint's and ``manage.py api_token``'s, which write making and
revoking to the audit log. (A token reads only what its person may read, and each read that
is audited, a school's risk, is audited as it is made, with the token or without.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evenbetter.accounts.access import signed_in_user
from evenbetter.accounts.models import User
from evenbetter.api.forms import TokenForm
from evenbetter.api.selectors import may_have_api_tokens, tokens_of
from evenbetter.api.services import TokenRefused, token_create, token_revoke


def _holder(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not may_have_api_tokens(user):  # pragma: no cover - every signed-in account may
        raise PermissionDenied("Your account may not use the API.")
    return user


def _page(request: HttpRequest, user: User, form: TokenForm, status: int = 200) -> HttpResponse:
    return render(request, "api/tokens.html", {"tokens": tokens_of(user), "form": form}, status=status)


@never_cache
@login_required
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    """The list and, posted, a new token: the answer shows it this once (and is never cached)."""
    user = _holder(request)
    if request.method != "POST":
        return _page(request, user, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, user, form, status=400)
    try:
        token, raw = token_create(
            user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], created_by=user, request=request
        )
    except TokenRefused as refused:  # pragma: no cover - the form checks what the service does
        form.add_error(None, f"Nothing was made: {refused}")
        return _page(request, user, form, status=400)
    return render(request, "api/token_made.html", {"token": token, "raw": raw})


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's own tokens; another's is not there (404), a system lead's included
    (they revoke others' with the API or ``manage.py api_token``)."""
    user = _holder(request)
    token = get_object_or_404(tokens_of(user), pk=pk)
    if token.revoked_at is not None:
        messages.info(request, f"“{token.name or token.prefix}” was already revoked: nothing was changed.")
        return redirect("api_tokens")
    token_revoke(token=token, by=user, request=request)
    messages.success(request, f"“{token.name or token.prefix}” is revoked: it no longer works with the API.")
    return redirect("api_tokens")
