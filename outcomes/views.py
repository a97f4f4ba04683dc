"""The response ledger and the government response: the team's pages (staff namespace)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from comments.selectors import published_counts_by_section
from consultations import access
from consultations.models import Consultation, Document, Section
from consultations.selectors import commented_version
from consultations.services import consultation_conclude
from dhdigital.accounts.models import Role
from insights.models import Theme
from responses.models import Question

from . import selectors, services
from .forms import LedgerEntryForm, OutcomeForm
from .models import LedgerEntry


def _clause_rows(consultation: Consultation) -> list[dict]:
    entries = {
        e.lineage_key: e
        for e in LedgerEntry.objects.filter(consultation=consultation).exclude(lineage_key="")
    }
    rows = []
    for slug in consultation.documents.values_list("slug", flat=True).distinct().order_by("slug"):
        document = commented_version(consultation, slug)
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
    answered = selectors.answered_questions(consultation)
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
        "outcomes/staff/ledger.html",
        {
            "consultation": consultation,
            "rows": _clause_rows(consultation),
            "question_rows": _question_rows(consultation),
            "failures": services.outcome_check(consultation),
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
        services.ledger_save(
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
        comments=selectors.clause_comments(section),
    )
    if _entry_form_post(request, form, consultation=consultation, section=section):
        messages.success(request, f"Recorded what you did with the comments on {section.label}.")
        return redirect("staff:ledger", slug=slug)
    counts = published_counts_by_section(section.document)
    return render(
        request,
        "outcomes/staff/ledger_entry.html",
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
    consultation = access.consultation_for_team(request.user, slug, Role.ANALYST)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    entry = LedgerEntry.objects.filter(consultation=consultation, question=question).first()
    themes = Theme.objects.filter(consultation=consultation, scope=f"question:{question.pk}", is_active=True)
    answers = selectors.question_answers(question)
    form = LedgerEntryForm(
        request.POST or None, initial=_entry_initial(entry), themes=themes, answers=answers
    )
    subject = f"Question {question.position}: {question.text}"
    if _entry_form_post(request, form, consultation=consultation, question=question):
        messages.success(request, f"Recorded what you did with the answers to question {question.position}.")
        return redirect("staff:ledger", slug=slug)
    return render(
        request,
        "outcomes/staff/ledger_entry.html",
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
    failures = services.outcome_check(consultation)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not failures:
        try:
            consultation_conclude(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request, "The government response is published and the consultation is concluded."
            )
            return redirect(consultation.get_absolute_url() + "#outcome")
    return render(
        request,
        "outcomes/staff/outcome.html",
        {"consultation": consultation, "form": form, "failures": [(f, _fix_url(slug, f)) for f in failures]},
    )


def _fix_url(slug: str, failure) -> str:
    """Where to fix a missing ledger entry: the question's or the clause's entry form."""
    if failure.field.startswith("question:"):
        return reverse("staff:ledger-question", args=[slug, int(failure.field.split(":", 1)[1])])
    return reverse("staff:ledger-entry", args=[slug, failure.field]) if failure.field else ""
