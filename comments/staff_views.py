"""The moderation queue and moderators' actions, for a consultation team's moderators."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dhdigital.accounts.models import User
from responses import selectors as response_selectors

from . import access, house_rules, moderation, selectors
from .forms import DecisionForm, ModerationForm, SanctionForm
from .models import Appeal, Comment
from .services import CommentError


@login_required
def moderation_queue(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_moderator(request.user, slug)
    counts = selectors.queue_counts(consultation)
    filter_name = request.GET.get("filter") or selectors.queue_opening_tab(counts)
    if filter_name not in selectors.QUEUE_FILTERS:
        filter_name = "pending"
    page = Paginator(selectors.moderation_queue(consultation, filter_name=filter_name), 50).get_page(
        request.GET.get("page")
    )
    listed = list(page.object_list)
    # Only the decisions every listed comment can take: a bulk decision is all or nothing.
    decisions = moderation.Decision.choices_for_all({c.status for c in listed})
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        decisions=decisions,
        comment_ids=[c.pk for c in listed]
        if request.method != "POST"
        else [int(x) for x in request.POST.getlist("comments") if x.isdigit()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = moderation.comments_moderate(
                consultation=consultation,
                comment_ids=data["comments"],
                by=request.user,
                decision=data["decision"],
                reason=data["reason"],
                note=data["note"],
            )
        except CommentError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.messages[0])
        else:
            messages.success(
                request, f"Decision recorded for {len(done)} comment{'s' if len(done) != 1 else ''}."
            )
            return redirect(f"{request.path}?filter={filter_name}")
    places = selectors.section_places([c.section for c in listed if c.section_id])
    filters = [
        (k, v[0])
        for k, v in selectors.QUEUE_FILTERS.items()
        if k != "unreviewed" or consultation.moderation_mode == "post" or counts.get(k)
    ]
    return render(
        request,
        "comments/moderation_queue.html",
        {
            "consultation": consultation,
            "page_obj": page,
            "rows": [(c, _opening_words(c.body), places.get(c.section_id, "")) for c in listed],
            "form": form,
            "can_decide": bool(decisions),
            "filter_name": filter_name,
            "filter_label": selectors.QUEUE_FILTERS[filter_name][0],
            "filters": [(k, label, counts.get(k, 0)) for k, label in filters],
            "rules": house_rules.BY_CODE,
            "selected": set(form.data.getlist("comments")) if form.is_bound else set(),
            # ideas readers reported wait in the same queue (their decisions are on the idea's page)
            "ideas_waiting": response_selectors.ideas_awaiting_moderation(consultation),
        },
        status=400 if form.errors else 200,
    )


def _opening_words(text: str, n: int = 8) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


@login_required
def comment_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One comment, whatever its status or flags: decide on it, see its reports and its audit trail."""
    consultation = access.consultation_for_moderator(request.user, slug)
    comment = selectors.comment_for_moderation(consultation, pk)
    if comment is None:
        raise Http404("No comment matches the given query.")
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        decisions=moderation.Decision.choices_for(comment.status),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moderation.comments_moderate(
                consultation=consultation,
                comment_ids=[comment.pk],
                by=request.user,
                decision=data["decision"],
                reason=data["reason"],
                note=data["note"],
            )
        except CommentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.messages[0])
        else:
            messages.success(request, "Decision recorded.")
            return redirect(request.path)
    context = {
        "consultation": consultation,
        "comment": comment,
        "form": form,
        "rule": house_rules.BY_CODE.get(comment.moderation_reason),
        "history": selectors.moderation_history(comment),
        "decision_labels": dict(moderation.Decision.CHOICES),
    }
    return render(request, "comments/comment_moderate.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = access.consultation_for_moderator(request.user, slug)
    appeal = get_object_or_404(
        Appeal.objects.select_related("comment__consultation"), pk=pk, comment__consultation=consultation
    )
    try:
        moderation.appeal_decide(
            appeal=appeal,
            by=request.user,
            uphold=request.POST.get("uphold") == "1",
            note=request.POST.get("note", "")[:2000],
        )
    except CommentError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Appeal decided.")
    return redirect(reverse("comments:moderation-queue", kwargs={"slug": slug}) + "?filter=appealed")


@login_required
def user_sanction(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    consultation = access.consultation_for_moderator(request.user, slug)
    person = get_object_or_404(
        User.objects.filter(comments__consultation=consultation).distinct(), pk=user_id
    )
    form = SanctionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until = timezone.now() + timedelta(days=data["days"]) if data.get("days") else None
        try:
            moderation.user_sanction(
                user=person,
                by=request.user,
                consultation=consultation,
                kind=data["kind"],
                reason=data["reason"],
                until=until,
                note=data["note"],
            )
        except CommentError as exc:
            field = {"until": "days"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.messages[0])
        else:
            messages.success(request, f"{person.public_name}: {person.get_status_display().lower()}.")
            return redirect(reverse("comments:moderation-queue", kwargs={"slug": slug}))
    recent = Comment.objects.filter(author=person, consultation=consultation).order_by("-created_at")[:10]
    return render(
        request,
        "comments/user_sanction.html",
        {
            "consultation": consultation,
            "person": person,
            "form": form,
            "recent": recent,
            "sanctions": person.sanctions.select_related("by")[:10],
        },
        status=400 if form.errors else 200,
    )
