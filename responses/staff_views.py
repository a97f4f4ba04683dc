"""Staff pages: questions (publishers), offline responses, CSV import, attachments and engagement events
(any role on the consultation's team)."""

from __future__ import annotations

import csv
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from consultations.access import consultation_for_team
from dhdigital.accounts.models import Role

from . import importing, selectors, services
from .access import response_for_team
from .forms import (
    AttachmentForm,
    EventForm,
    EventNoteForm,
    ImportUploadForm,
    OfflineResponseForm,
    QuestionForm,
)
from .models import EngagementEvent, Question, Response
from .validation import CONTENT_TYPES

# Responses hold personal data (names, emails, addresses): analysts (and publishers) of the team enter,
# import and read them, as DESIGN.md's roles say; moderators do not. Any team role may record events;
# publishers manage questions.
RESPONSES = Role.ANALYST
EVENTS = None


def _form_errors(form, exc: ValidationError, field: str | None = None) -> None:
    for message in exc.messages:
        form.add_error(field, message)


@login_required
def question_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, Role.PUBLISHER)
    return render(
        request,
        "responses/staff/question_list.html",
        {"consultation": consultation, "questions": selectors.questions_for(consultation)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, Role.PUBLISHER)
    question = get_object_or_404(Question, pk=pk, consultation=consultation) if pk else None
    form = QuestionForm(request.POST or None, instance=question, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: form.cleaned_data[k]
            for k in ("kind", "text", "hint", "required", "ask_why", "section", "choices")
        }
        try:
            if question is None:
                services.question_create(consultation=consultation, by=request.user, **fields)
                messages.success(request, "Question added.")
            else:
                services.question_update(question=question, by=request.user, **fields)
                messages.success(request, "Question saved.")
            return redirect("responses:staff-question-list", slug=slug)
        except ValidationError as exc:
            _form_errors(form, exc)
    return render(
        request,
        "responses/staff/question_form.html",
        {"consultation": consultation, "form": form, "question": question},
    )


@login_required
@require_POST
def question_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, Role.PUBLISHER)
    question = get_object_or_404(Question, pk=pk, consultation=consultation)
    if action in ("up", "down"):
        services.question_move(question=question, by=request.user, up=action == "up")
    elif action == "delete":
        try:
            services.question_delete(question=question, by=request.user)
            messages.success(request, "Question deleted.")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        raise Http404
    return redirect("responses:staff-question-list", slug=slug)


@login_required
def response_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    channel = request.GET.get("channel", "")
    status = request.GET.get("status", "")
    responses = selectors.staff_responses(consultation, channel=channel, status=status)
    page = Paginator(responses, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "responses/staff/response_list.html",
        {
            "consultation": consultation,
            "page_obj": page,
            "counts": selectors.response_counts(consultation),
            "channel": channel,
            "status": status,
            "channels": Response.Channel.choices,
            "statuses": Response.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_enter(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    questions = selectors.questions_for(consultation)
    clauses = selectors.clauses_for(consultation)
    form = OfflineResponseForm(request.POST or None, questions=questions, clauses=clauses)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith(("q_", "part_"))}
        try:
            response = services.response_enter_offline(
                consultation=consultation, by=request.user, answers=form.answers, parts=form.parts, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc, None)
        else:
            messages.success(request, f"Response {response.reference} recorded.")
            return redirect("responses:staff-response-detail", slug=slug, reference=response.reference)
    return render(
        request, "responses/staff/response_enter.html", {"consultation": consultation, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    response = response_for_team(consultation, reference)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(response=response, upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            _form_errors(form, exc, "file")
        else:
            messages.success(request, "File attached.")
            return redirect("responses:staff-response-detail", slug=slug, reference=reference)
    answers = selectors.answers_by_question(response)
    rows = [(q, answers.get(q.pk)) for q in selectors.questions_for(consultation)]
    return render(
        request,
        "responses/staff/response_detail.html",
        {
            "consultation": consultation,
            "response": response,
            "rows": rows,
            "form": form,
            "attachments": response.attachments.all(),
            "letter_parts": response.letter_parts.select_related("section"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def attachment_download(request: HttpRequest, slug: str, reference: str, pk: int) -> FileResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    response = response_for_team(consultation, reference)
    attachment = get_object_or_404(response.attachments, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=CONTENT_TYPES[attachment.kind],
    )


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    out = HttpResponse(content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{consultation.slug}-responses-template.csv"'
    csv.writer(out).writerow(importing.template_columns(consultation))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.RESPONSE_IMPORT_MAX_BYTES
        if upload.size > limit:
            form.add_error(
                "file", f"The file is too large: it must be {limit // (1024 * 1024)} MB or smaller. Split it."
            )
        else:
            key = importing.pending_save(user=request.user, consultation=consultation, data=upload.read())
            return redirect("responses:staff-import-preview", slug=slug, key=key)
    return render(
        request,
        "responses/staff/import_upload.html",
        {
            "consultation": consultation,
            "form": form,
            "columns": importing.template_columns(consultation),
            "questions": selectors.questions_for(consultation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, RESPONSES)
    data = importing.pending_load(user=request.user, consultation=consultation, key=key)
    if data is None:
        raise Http404("That upload has expired or belongs to someone else. Upload the file again.")
    if request.method == "POST":
        try:
            created = importing.responses_import(consultation=consultation, by=request.user, data=data)
        except importing.ImportRefused as exc:
            result = exc.result
        else:
            importing.pending_discard(user=request.user, consultation=consultation, key=key)
            messages.success(
                request,
                ngettext("%(n)s response imported.", "%(n)s responses imported.", len(created))
                % {"n": f"{len(created):,}"},
            )
            return redirect("responses:staff-response-list", slug=slug)
    else:
        result = importing.parse(consultation, data)
    return render(
        request,
        "responses/staff/import_preview.html",
        {
            "consultation": consultation,
            "result": result,
            "key": key,
            "row_errors": result.row_errors[:200],
            "more_errors": max(0, len(result.row_errors) - 200),
        },
        status=200 if result.ok else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, EVENTS)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts = timezone.make_aware(datetime.combine(data.pop("starts_on"), time(9, 0)))
        event = services.event_create(consultation=consultation, by=request.user, starts_at=starts, **data)
        messages.success(request, f"Event “{event.title}” added.")
        return redirect("responses:staff-event-detail", slug=slug, pk=event.pk)
    return render(
        request,
        "responses/staff/event_manage.html",
        {"consultation": consultation, "form": form, "events": selectors.events_for(consultation)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug, EVENTS)
    event = get_object_or_404(EngagementEvent, pk=pk, consultation=consultation)
    form = EventNoteForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_note_add(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc, "text")
        else:
            messages.success(request, "Note recorded.")
            return redirect("responses:staff-event-detail", slug=slug, pk=pk)
    return render(
        request,
        "responses/staff/event_detail.html",
        {
            "consultation": consultation,
            "event": event,
            "form": form,
            "notes": event.notes.select_related("section", "question"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    """Publishers publish a closed consultation's consented responses (or take them down again)."""
    consultation = consultation_for_team(request.user, slug, Role.PUBLISHER)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withhold":
                services.responses_withhold(consultation=consultation, by=request.user)
                messages.success(request, "Responses are withheld: they are not published.")
            else:
                services.responses_publish(consultation=consultation, by=request.user)
                messages.success(request, "Responses published.")
            return redirect("responses:staff-publication", slug=slug)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return render(
        request,
        "responses/staff/publication.html",
        {
            "consultation": consultation,
            "counts": selectors.consent_counts(consultation),
            "published": selectors.responses_publishable(consultation),
            "can_publish": consultation.phase() in ("closed", "concluded"),
        },
    )
