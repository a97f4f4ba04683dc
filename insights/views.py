"""Analysis pages for a consultation's analysts and publishers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import consultation_for_analyst, run_for_analyst, tag_for_analyst, theme_for_analyst
from .forms import RunStartForm, TagAddForm, TagMoveForm, ThemeEditForm, ThemeMergeForm, ThemeSplitForm
from .models import Theme

THEME_ACTIONS = ("edit", "merge", "split", "tag", "confirm", "restore")


@login_required
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_analyst(request.user, slug)
    form = RunStartForm(request.POST or None, **selectors.run_form_options(consultation))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.analysis_run_start(
                consultation=consultation,
                by=request.user,
                engine=form.cleaned_data["engine"],
                scope=form.cleaned_data["scope"],
            )
        except services.RunRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Analysis run {run.pk} started")
            return redirect("insights:run-detail", run.pk)
    runs = selectors.runs_for(consultation)
    latest = runs[0] if runs else None
    return render(
        request,
        "insights/run_list.html",
        {
            "consultation": consultation,
            "form": form,
            "runs": runs,
            "latest": latest,
            "counts": selectors.theme_counts(consultation),
        },
        status=400 if form.errors else 200,
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for_analyst(request.user, pk)
    return render(request, "insights/run_detail.html", {"run": run, "consultation": run.consultation})


@login_required
def run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = run_for_analyst(request.user, pk)
    return JsonResponse(selectors.run_progress(run), headers={"Cache-Control": "no-store"})


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.analysis_run_cancel(run=run_for_analyst(request.user, pk), by=request.user)
    messages.success(request, "Run cancelled" if run.state == "cancelled" else "The run will stop shortly")
    return redirect("insights:run-detail", run.pk)


@login_required
@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for_analyst(request.user, pk)
    try:
        new = services.analysis_run_rerun(run=run, by=request.user)
    except services.RunRefused as exc:
        messages.error(request, str(exc))
        return redirect("insights:run-detail", run.pk)
    return redirect("insights:run-detail", new.pk)


@login_required
def theme_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_analyst(request.user, slug)
    return render(
        request,
        "insights/theme_list.html",
        {
            "consultation": consultation,
            "scopes": selectors.themes_by_scope(consultation),
            "summaries": selectors.scope_summaries(consultation),
            "agreement": selectors.agreement_for(consultation),
        },
    )


def _theme_page(request, theme: Theme, status: int = 200, **forms) -> HttpResponse:
    tags = selectors.theme_tags(theme)
    others = list(
        Theme.objects.filter(consultation=theme.consultation, scope=theme.scope, is_active=True).exclude(
            pk=theme.pk
        )
    )
    context = {
        "theme": theme,
        "consultation": theme.consultation,
        "tags": tags,
        "check_next": selectors.least_sure_tags(theme) if theme.is_active else [],
        "stance_choices": services.stances.CHOICES,
        "agreement": selectors.agreement_for(theme.consultation, theme.scope),
        "others": others,
        "summaries": selectors.theme_summaries(theme),
        "history": selectors.theme_history(theme),
        "edit_form": forms.get("edit_form")
        or ThemeEditForm(initial={"label": theme.label, "description": theme.description}),
        "merge_form": forms.get("merge_form") or ThemeMergeForm(themes=others),
        "split_form": forms.get("split_form")
        or ThemeSplitForm(tags=[t for t in tags if not t["tag"].rejected]),
        "add_form": forms.get("add_form") or TagAddForm(),
        "move_form": TagMoveForm(themes=others),
        "scope_label": selectors.scope_labels(theme.consultation).get(theme.scope, theme.scope),
    }
    context["error_form"] = next((f for f in forms.values() if f is not None and f.errors), None)
    return render(request, "insights/theme_detail.html", context, status=status)


@login_required
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _theme_page(request, theme_for_analyst(request.user, pk))


@login_required
@require_POST
def theme_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in THEME_ACTIONS:
        raise Http404("No such action")
    theme = theme_for_analyst(request.user, pk)
    form: Any = None
    try:
        if action == "edit":
            form = ThemeEditForm(request.POST)
            if form.is_valid():
                services.theme_update(theme=theme, by=request.user, **form.cleaned_data)
        elif action == "merge":
            form = ThemeMergeForm(
                request.POST,
                themes=Theme.objects.filter(
                    consultation=theme.consultation, scope=theme.scope, is_active=True
                ).exclude(pk=theme.pk),
            )
            if form.is_valid():
                sources = list(Theme.objects.filter(pk__in=form.cleaned_data["sources"]))
                services.theme_merge(target=theme, sources=sources, by=request.user)
        elif action == "split":
            form = ThemeSplitForm(request.POST, tags=selectors.theme_tags(theme))
            if form.is_valid():
                new = services.theme_split(
                    theme=theme,
                    by=request.user,
                    tag_ids=form.cleaned_data["tags"],
                    label=form.cleaned_data["label"],
                )
                messages.success(request, f"New theme “{new.label}” created")
                return redirect("insights:theme-detail", new.pk)
        elif action == "tag":
            form = TagAddForm(request.POST)
            if form.is_valid():
                services.tag_add(theme=theme, by=request.user, unit=form.cleaned_data["unit"])
        elif action == "confirm":
            services.theme_confirm(theme=theme, by=request.user)
        elif action == "restore":
            services.theme_restore(theme=theme, by=request.user)
            messages.success(request, f"Theme “{theme.label}” restored")
            return redirect("insights:theme-detail", theme.pk)
    except services.CurationError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect("insights:theme-detail", theme.pk)
        # A refused label is about the response reference: show it on that field.
        form.add_error("unit" if action == "tag" else None, str(exc))
    if form is not None and form.errors:
        return _theme_page(request, theme, 400, **{f"{action if action != 'tag' else 'add'}_form": form})
    messages.success(request, "Theme updated")
    return redirect("insights:theme-detail", theme.pk)


@login_required
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes on the confirmation (POST); the deleted theme's page can restore it."""
    theme = theme_for_analyst(request.user, pk)
    if request.method == "POST":
        try:
            services.theme_delete(theme=theme, by=request.user)
        except services.CurationError as exc:
            messages.error(request, str(exc))
            return redirect("insights:theme-detail", theme.pk)
        messages.success(request, f"Theme “{theme.label}” deleted. You can restore it from its page.")
        return redirect("insights:theme-list", theme.consultation.slug)
    return render(
        request,
        "insights/theme_delete.html",
        {
            "theme": theme,
            "consultation": theme.consultation,
            "tags": theme.assignments.filter(rejected=False).count(),
        },
    )


@login_required
@require_POST
def tag_action(request: HttpRequest, pk: int) -> HttpResponse:
    tag = tag_for_analyst(request.user, pk)
    theme = tag.theme
    decision = request.POST.get("decision", "")
    try:
        if decision == "confirm":
            services.tag_confirm(tag=tag, by=request.user, stance=request.POST.get("stance", ""))
        elif decision == "reject":
            services.tag_decide(tag=tag, by=request.user, confirm=False)
        elif decision == "remove":
            services.tag_remove(tag=tag, by=request.user)
        elif decision == "move":
            form = TagMoveForm(
                request.POST,
                themes=Theme.objects.filter(consultation=theme.consultation, is_active=True).exclude(
                    pk=theme.pk
                ),
            )
            if not form.is_valid():
                raise services.CurationError("Choose a theme to move the response to")
            target = Theme.objects.get(pk=form.cleaned_data["target"])
            services.tag_move(tag=tag, target=target, by=request.user)
        else:
            raise services.CurationError("Choose confirm, reject, remove or move")
    except (services.CurationError, services.StanceError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Tag updated")
    return redirect("insights:theme-detail", theme.pk)


@login_required
@require_POST
def tagger_retrain(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_analyst(request.user, slug)
    try:
        services.tagger_retrain_queue(consultation=consultation, by=request.user)
    except services.TaggerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "The tagger is retraining on the tags officials confirmed or added. Responses nobody has "
            "checked get new machine tags when it finishes: reload this page to see them.",
        )
    return redirect("insights:theme-list", consultation.slug)


@login_required
def campaign_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_analyst(request.user, slug)
    return render(
        request,
        "insights/campaign_list.html",
        {"consultation": consultation, **selectors.campaigns_for(consultation)},
    )
