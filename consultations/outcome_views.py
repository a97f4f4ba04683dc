"""Conclusion: revised versions, the response ledger and the government response (staff), and the public
"what changed" and "you said, we did" pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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


def _question_rows(consultation: Consultation) -> list[dict]:
    from responses.models import Question

    answered = outcomes.answered_questions(consultation)
    entries = LedgerEntry.objects.filter(consultation=consultation, question__isnull=False)
    entries = {e.question_id: e for e in entries}
    return [
        {"question": q, "answers": answered.get(q.pk, 0), "entry": entries.get(q.pk)}
        for q in Question.objects.filter(consultation=consultation).order_by("position", "pk")
    ]


@login_required
def ledger(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = access.consultation_for_team(request.user, slug, Role.ANALYST)
    return render(
        request,
        "consultations/staff/ledger.html",
        {
            "consultation": consultation,
            "rows": _clause_rows(consultation),
            "question_rows": _question_rows(consultation),
            "failures": outcomes.outcome_check(consultation),
        },
    )


def _entry_initial(entry: LedgerEntry | None) -> dict:
    if entry is None:
        return {}
    return {
        "decision": entry.decision,
        "you_said": entry.you_said,
        "we_did": entry.we_did,
        "themes": entry.themes.all(),
        "comments": list(entry.comments.values_list("pk", flat=True)),
        "answers": list(entry.answers.values_list("pk", flat=True)),
    }


def _entry_form_post(request, form, *, consultation, section=None, question=None) -> bool:
    """Save a valid entry; a link the service refuses is shown as an error on the form."""
    if not (request.method == "POST" and form.is_valid()):
        return False
    try:
        outcomes.ledger_save(
            consultation=consultation,
            section=section,
            question=question,
            decision=form.cleaned_data["decision"],
            you_said=form.cleaned_data["you_said"],
            we_did=form.cleaned_data["we_did"],
            themes=form.cleaned_data.get("themes") or [],
            comments=form.cleaned_data.get("comments") or [],
            answers=form.cleaned_data.get("answers") or [],
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return False
    return True


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
    form = LedgerEntryForm(
        request.POST or None,
        initial=_entry_initial(entry),
        themes=themes,
        comments=outcomes.clause_comments(section),
    )
    if _entry_form_post(request, form, consultation=consultation, section=section):
        messages.success(request, f"Recorded what you did with the comments on {section.label}.")
        return redirect("staff:ledger", slug=slug)
    counts = published_counts_by_section(section.document)
    return render(
        request,
        "consultations/staff/ledger_entry.html",
        {
            "consultation": consultation,
            "section": section,
            "subject": section.label,
            "form": form,
            "comments": counts.get(section.id, 0),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_question(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from insights.models import Theme
    from responses.models import Question

    consultation = access.consultation_for_team(request.user, slug, Role.ANALYST)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    entry = LedgerEntry.objects.filter(consultation=consultation, question=question).first()
    themes = Theme.objects.filter(consultation=consultation, scope=f"question:{question.pk}", is_active=True)
    answers = outcomes.question_answers(question)
    form = LedgerEntryForm(
        request.POST or None, initial=_entry_initial(entry), themes=themes, answers=answers
    )
    subject = f"Question {question.position}: {question.text}"
    if _entry_form_post(request, form, consultation=consultation, question=question):
        messages.success(request, f"Recorded what you did with the answers to question {question.position}.")
        return redirect("staff:ledger", slug=slug)
    return render(
        request,
        "consultations/staff/ledger_entry.html",
        {
            "consultation": consultation,
            "question": question,
            "subject": subject,
            "form": form,
            "answer_count": answers.count(),
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
        {"consultation": consultation, "form": form, "failures": [(f, _fix_url(slug, f)) for f in failures]},
    )


def _fix_url(slug: str, failure) -> str:
    """Where to fix a missing ledger entry: the question's or the clause's entry form."""
    if failure.field.startswith("question:"):
        return reverse("staff:ledger-question", args=[slug, int(failure.field.split(":", 1)[1])])
    return reverse("staff:ledger-entry", args=[slug, failure.field]) if failure.field else ""


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
