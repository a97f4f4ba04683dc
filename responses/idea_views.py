"""Ideas exercises: list (ranked fairly, filtered by category), submit, vote; staff status and merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from consultations.access import consultation_for_team, consultation_for_viewer
from consultations.models import Consultation

from . import ideas, selectors
from .access import idea_for_viewer
from .forms import IdeaFlagForm, IdeaForm, IdeaMergeForm, IdeaStatusForm
from .models import IdeaFlag


def _ideas_consultation(request: HttpRequest, slug: str) -> Consultation:
    consultation = consultation_for_viewer(request.user, slug)
    if consultation.kind != Consultation.Kind.IDEAS:
        raise Http404("This consultation does not collect ideas.")
    return consultation


def idea_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _ideas_consultation(request, slug)
    category, sort = request.GET.get("category", ""), request.GET.get("sort", "score")
    page = Paginator(selectors.ideas_for(consultation, category=category, sort=sort), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "responses/idea_list.html",
        {
            "consultation": consultation,
            "page_obj": page,
            "categories": selectors.categories_for(consultation),
            "category": category,
            "sort": sort,
            "my_votes": selectors.my_votes(request.user, page.object_list),
            "is_open": consultation.is_open(),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_create(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _ideas_consultation(request, slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    form = IdeaForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            idea = ideas.idea_create(consultation=consultation, author=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            if idea.status == idea.Status.PENDING:
                messages.info(request, "Thank you. Your idea will appear once a moderator has checked it.")
            else:
                messages.success(request, "Your idea has been published.")
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "responses/idea_form.html",
        {"consultation": consultation, "form": form},
        status=400 if form.errors else 200,
    )


def idea_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _ideas_consultation(request, slug)
    idea = idea_for_viewer(consultation, pk, user=request.user)
    if idea.status == idea.Status.MERGED and idea.merged_into_id:
        messages.info(request, f"“{idea.title}” was merged into this idea.")
        return redirect("responses:idea-detail", slug=slug, pk=idea.merged_into_id)
    return render(
        request,
        "responses/idea_detail.html",
        {
            "consultation": consultation,
            "idea": idea,
            "my_vote": selectors.my_votes(request.user, [idea]).get(idea.pk),
            "is_open": consultation.is_open(),
            "merged": idea.merged.all(),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_flag(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Report an idea to the moderators (like reporting a comment)."""
    consultation = _ideas_consultation(request, slug)
    idea = idea_for_viewer(consultation, pk, user=request.user)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    form = IdeaFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ideas.idea_flag(idea=idea, user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "Thank you for reporting this idea. A moderator will check it.")
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "responses/idea_flag.html",
        {"consultation": consultation, "idea": idea, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def idea_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _ideas_consultation(request, slug)
    idea = idea_for_viewer(consultation, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={idea.get_absolute_url()}")
    try:
        value = int(request.POST.get("value", ""))
        ideas.idea_vote(idea=idea, user=request.user, value=value)
    except (ValueError, ValidationError) as exc:
        messages.error(
            request, exc.messages[0] if isinstance(exc, ValidationError) else "Choose for or against."
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith(f"/responses/{slug}/ideas/"):
        return redirect(next_url)
    return redirect(idea.get_absolute_url())


@login_required
def staff_idea_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug)
    qs = consultation.ideas.select_related("category", "merged_into").order_by("-score", "-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "responses/staff/idea_list.html",
        {"consultation": consultation, "page_obj": page, "reported": selectors.reported_ideas(consultation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_idea_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug)
    idea = idea_for_viewer(consultation, pk, staff=True)
    status_form = IdeaStatusForm(initial={"status": idea.status, "note": idea.status_note}, prefix="status")
    merge_form = IdeaMergeForm(idea=idea, prefix="merge")
    if request.method == "POST":
        try:
            if "merge" in request.POST:
                merge_form = IdeaMergeForm(request.POST, idea=idea, prefix="merge")
                if merge_form.is_valid():
                    kept = ideas.idea_merge(
                        duplicate=idea,
                        into=merge_form.cleaned_data["into"],
                        by=request.user,
                        note=merge_form.cleaned_data["note"],
                    )
                    messages.success(request, f"Merged into “{kept.title}”.")
                    return redirect("responses:staff-idea-detail", slug=slug, pk=kept.pk)
            elif "dismiss_reports" in request.POST:
                n = ideas.idea_flags_resolve(
                    idea=idea, by=request.user, resolution=IdeaFlag.Resolution.DISMISSED
                )
                messages.success(request, f"{n} report{'s' if n != 1 else ''} dismissed: the idea stays.")
                return redirect("responses:staff-idea-detail", slug=slug, pk=pk)
            else:
                status_form = IdeaStatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    ideas.idea_set_status(idea=idea, by=request.user, **status_form.cleaned_data)
                    messages.success(request, "Status saved.")
                    return redirect("responses:staff-idea-detail", slug=slug, pk=pk)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return render(
        request,
        "responses/staff/idea_detail.html",
        {
            "consultation": consultation,
            "idea": idea,
            "status_form": status_form,
            "merge_form": merge_form,
            "forms": [status_form, merge_form],
            "reports": idea.flags.filter(resolution=IdeaFlag.Resolution.OPEN).order_by("created_at"),
        },
    )
