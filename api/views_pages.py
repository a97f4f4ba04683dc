"""The API's own HTML pages for signed-in people: create, list and revoke personal API tokens (works
without JavaScript). The key is shown once, on the page that answers the POST, and never stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .filters import MAX_ID
from .forms import MAX_ACTIVE_TOKENS, TokenForm, token_limit_reached
from .models import ApiToken


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if token_limit_reached(request.user):
            form.add_error(None, f"You have {MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use first")
        elif form.is_valid():
            token, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
            return render(request, "api/token_created.html", {"token": token, "key": key})
    tokens = ApiToken.objects.active().filter(user=request.user)
    status = 400 if form.errors else 200
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens}, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.active().filter(user=request.user, pk=pk).first() if pk <= MAX_ID else None
    if token is None:
        raise Http404("No such token")
    token.revoke()
    messages.success(request, f"Token ‘{token.name}’ revoked. It no longer works.")
    return redirect("api:token-list-page")
