"""The activity page, unsubscribing from emails (one click, no sign-in), and email bulletins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comments.models import Subscription
from comments.services import subscription_unsubscribe
from consultations.models import Consultation

from . import services, tokens
from .activity import activity_for
from .forms import BulletinForm, PreferenceForm
from .models import Bulletin


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    found = activity_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"email": found.preference})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your choice has been saved.")
        return redirect("notices:activity")
    return render(request, "notices/activity.html", {"activity": found, "form": form})


@login_required
@require_POST
def follow_stop(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    subscription_unsubscribe(subscription=subscription)
    messages.success(request, f"You have stopped following {subscription.target}.")
    return redirect("notices:activity")


@login_required
@require_POST
def unmute(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("consultation") or ""
    services.unmute(user=request.user, consultation_id=int(raw) if raw.isdigit() else None)
    messages.success(request, "We will email you about updates again.")
    return redirect("notices:activity")


@csrf_exempt  # RFC 8058: mail clients POST without a CSRF token; the signed token authorises the change
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop emails about a consultation's updates (or all of them): one-click POST, or a page with one
    button (GET). No sign-in needed."""
    found = tokens.read_mute_token(token)
    if found is None:
        return _invalid(request)
    user_id, consultation_id = found
    consultation = Consultation.objects.filter(pk=consultation_id).first() if consultation_id else None
    ctx = {"consultation": consultation, "token": token}
    if request.method == "POST":
        services.mute(user_id=user_id, consultation_id=consultation_id)
        return render(request, "notices/unsubscribe.html", {**ctx, "done": True})
    return render(request, "notices/unsubscribe.html", ctx)


def bulletin_subscribe(request: HttpRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_subscribe(email=form.cleaned_data["email"], **form.chosen())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(request, "notices/bulletin_check_email.html", {"email": form.cleaned_data["email"]})
    return render(
        request, "notices/bulletin_subscribe.html", {"form": form}, status=400 if form.errors else 200
    )


def _bulletin(token: str, *, confirm: bool = False) -> Bulletin | None:
    pk = tokens.read_bulletin_token(token, confirm=confirm)
    return Bulletin.objects.select_related("team", "topic").filter(pk=pk).first() if pk else None


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "notices/unsubscribe.html", {"invalid": True}, status=400)


def bulletin_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (a mail scanner following the link confirms nothing); POST confirms."""
    bulletin = _bulletin(token, confirm=True)
    if bulletin is None:
        return _invalid(request)
    if request.method == "POST":
        services.bulletin_confirm(bulletin=bulletin)
        return render(request, "notices/bulletin_confirm.html", {"bulletin": bulletin, "done": True})
    return render(request, "notices/bulletin_confirm.html", {"bulletin": bulletin, "token": token})


@csrf_exempt  # RFC 8058 one-click unsubscribe, as above
def bulletin_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    bulletin = _bulletin(token)
    if bulletin is None:
        return _invalid(request)
    if request.method == "POST":
        services.bulletin_unsubscribe(bulletin=bulletin)
        return render(request, "notices/bulletin_unsubscribe.html", {"bulletin": bulletin, "done": True})
    return render(request, "notices/bulletin_unsubscribe.html", {"bulletin": bulletin, "token": token})
