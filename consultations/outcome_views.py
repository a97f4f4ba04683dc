"""Conclusion: revised versions, the response ledger and the government response (staff), and the public
"what changed" and "you said, we did" pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from comments.selectors import published_counts_by_section
from dhdigital.accounts.models import Role

from . import access, outcomes, services
from .forms import LedgerEntryForm, OutcomeForm, VersionUploadForm
from .models import Consultation, Document, LedgerEntry, Section
from .versions import compare_documents


@login_required
@require_http_methods(["GET", "POST"])
def version_upload(request: HttpRequest, slug: str, doc: str) -> HttpResponse:
    from .importers import ImporterError

    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    current = Document.objects.filter(consultation=consultation, slug=doc).order_by("-version").first()
    if current is None:
        raise Http404("No such document.")
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = outcomes.document_upload_version(
                document=current,
                data=upload.read(),
                filename=upload.name,
                fmt=form.cleaned_data["format"] or None,
                by=request.user,
            )
        except ImporterError as exc:
            form.add_error("file", exc.for_people())
        except ValidationError as exc:
            form.add_error("file", f"{exc.messages[0].rstrip('.')}. Nothing was imported.")
        else:
            messages.success(
                request, f"Version {result.document.version} uploaded. Check the changes, then publish it."
            )
            return redirect("consultations:document-changes", slug=slug, doc=doc)
    return render(
        request,
        "consultations/staff/version_upload.html",
        {"form": form, "consultation": consultation, "document": current},
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, slug: str, doc: str, version: int) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    document = get_object_or_404(Document, consultation=consultation, slug=doc, version=version)
    try:
        outcomes.document_publish_version(document=document, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Version {version} is published.")
    return redirect("staff:consultation-manage", slug=slug)


def _clause_rows(consultation: Consultation) -> list[dict]:
    entries = {
        e.lineage_key: e
        for e in LedgerEntry.objects.filter(consultation=consultation).exclude(lineage_key="")
    }
    rows = []
    for slug in consultation.documents.values_list("slug", flat=True).distinct().order_by("slug"):
        document = outcomes.commented_version(consultation, slug)
        if document is None:
            continue
        counts = published_counts_by_section(document)
        for unit in Section.objects.commentable().filter(document=document).order_by("position"):
            unit.document = document
            rows.append(
                {"section": unit, "comments": counts.get(unit.id, 0), "entry": entries.get(unit.lineage_key)}
            )
    return rows


@login_required
def ledger(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.ANALYST)
    return render(
        request,
        "consultations/staff/ledger.html",
        {
            "consultation": consultation,
            "rows": _clause_rows(consultation),
            "failures": outcomes.outcome_check(consultation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_entry(request: HttpRequest, slug: str, lineage: str) -> HttpResponse:
    from insights.models import Theme

    consultation = access.consultation_for_team(request.user, slug, Role.ANALYST)
    section = (
        Section.objects.filter(document__consultation=consultation, lineage_key=lineage)
        .exclude(document__state=Document.State.DRAFT)
        .select_related("document")
        .order_by("document__version")
        .first()
    )
    if section is None or not section.is_commentable:
        raise Http404("No such clause.")
    section.document.consultation = consultation
    entry = LedgerEntry.objects.filter(consultation=consultation, lineage_key=lineage).first()
    themes = Theme.objects.filter(consultation=consultation, scope=f"clause:{lineage}", is_active=True)
    initial = {}
    if entry:
        initial = {
            "decision": entry.decision,
            "you_said": entry.you_said,
            "we_did": entry.we_did,
            "themes": entry.themes.all(),
        }
    form = LedgerEntryForm(request.POST or None, initial=initial, themes=themes)
    if request.method == "POST" and form.is_valid():
        outcomes.ledger_save(
            consultation=consultation,
            section=section,
            decision=form.cleaned_data["decision"],
            you_said=form.cleaned_data["you_said"],
            we_did=form.cleaned_data["we_did"],
            themes=form.cleaned_data.get("themes") or [],
            by=request.user,
        )
        messages.success(request, f"Recorded what you did with the comments on {section.label}.")
        return redirect("staff:ledger", slug=slug)
    counts = published_counts_by_section(section.document)
    return render(
        request,
        "consultations/staff/ledger_entry.html",
        {
            "consultation": consultation,
            "section": section,
            "form": form,
            "comments": counts.get(section.id, 0),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_publish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.PUBLISHER)
    if consultation.state == Consultation.State.CONCLUDED:
        raise PermissionDenied("The outcome is already published.")
    failures = outcomes.outcome_check(consultation)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not failures:
        try:
            services.consultation_conclude(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request, "The government response is published and the consultation is concluded."
            )
            return redirect(consultation.get_absolute_url() + "#outcome")
    return render(
        request,
        "consultations/staff/outcome.html",
        {"consultation": consultation, "form": form, "failures": failures},
    )


def document_changes(request: HttpRequest, slug: str, doc: str) -> HttpResponse:
    """What changed between a version and the one before it, clause by clause, word by word."""
    consultation = access.consultation_for_viewer(request.user, slug)
    newest = access.document_for_viewer(request.user, consultation, doc)
    if newest.previous_version_id is None:
        raise Http404("This document has only one version.")
    previous = Document.objects.get(pk=newest.previous_version_id)
    previous.consultation = consultation
    comparison = compare_documents(previous, newest)
    show = request.GET.get("show", "changed")
    clauses = comparison.clauses if show == "all" else [c for c in comparison.clauses if not c.unchanged]
    return render(
        request,
        "consultations/document_changes.html",
        {
            "consultation": consultation,
            "document": newest,
            "previous": previous,
            "comparison": comparison,
            "clauses": clauses,
            "show": show,
            "phase": consultation.phase(),
        },
    )
