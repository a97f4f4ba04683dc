"""Public pages: respond to a consultation's questions (one question per page, check answers, receipt),
resume by emailed link, published responses and the list of engagement events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consultations.access import consultation_for_viewer

from . import selectors, services
from .access import grant, own_response
from .forms import AboutYouForm, AnswerForm
from .models import Response


def _closed(request: HttpRequest, consultation, status: int = 403) -> HttpResponse:
    return render(request, "responses/closed.html", {"consultation": consultation}, status=status)


def _load(request: HttpRequest, slug: str):
    """Consultation, its questions and the requester's own response (or a redirect to the start page)."""
    consultation = consultation_for_viewer(request.user, slug)
    response = own_response(request, consultation)
    return consultation, response


def _next_url(consultation, questions, position: int | None, return_to_check: bool) -> str:
    if return_to_check:
        return reverse("responses:response-check", kwargs={"slug": consultation.slug})
    later = [q for q in questions if position is None or q.position > position]
    if later:
        return reverse(
            "responses:response-question", kwargs={"slug": consultation.slug, "position": later[0].position}
        )
    return reverse("responses:response-check", kwargs={"slug": consultation.slug})


def _question_param(request: HttpRequest) -> str:
    wanted = request.GET.get("question", "")
    return f"?question={wanted}" if wanted.isdigit() else ""


def _save_for_later(request: HttpRequest, response: Response) -> HttpResponse:
    services.response_save_for_later(response=response)
    return redirect("responses:response-saved", slug=response.consultation.slug)


@require_http_methods(["GET", "POST"])
def response_start(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            response = services.response_start(consultation=consultation, user=request.user)
        except ValidationError:
            return _closed(request, consultation)
        about = reverse("responses:response-about", kwargs={"slug": slug})
        return redirect(about + _question_param(request))
    ctx = {
        "consultation": consultation,
        "response": response,
        "questions": selectors.questions_for(consultation),
        "is_open": consultation.is_open(),
    }
    return render(request, "responses/response_start.html", ctx)


@require_http_methods(["GET", "POST"])
def response_about(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:
        return redirect("responses:response-start", slug=slug)
    if not consultation.is_open():
        return _closed(request, consultation)
    initial = {
        f: getattr(response, f)
        for f in ("respondent_type", "organisation_name", "organisation_type", "region", "consent")
    }
    form = AboutYouForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.response_save_about(response=response, **form.cleaned_data)
        if "save_later" in request.POST:
            return _save_for_later(request, response)
        questions = selectors.questions_for(consultation)
        wanted = request.GET.get("question", "")
        if wanted.isdigit() and any(q.position == int(wanted) for q in questions):
            return redirect("responses:response-question", slug=slug, position=int(wanted))
        return redirect(_next_url(consultation, questions, None, "check" in request.GET))
    return render(
        request,
        "responses/response_about.html",
        {"consultation": consultation, "response": response, "form": form},
    )


@require_http_methods(["GET", "POST"])
def response_question(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:  # e.g. from a clause page: start the response, then come back to this question
        return redirect(reverse("responses:response-start", kwargs={"slug": slug}) + f"?question={position}")
    if not consultation.is_open():
        return _closed(request, consultation)
    questions = selectors.questions_for(consultation)
    question = next((q for q in questions if q.position == position), None)
    if question is None:
        raise Http404("No such question.")
    answer = selectors.answers_by_question(response).get(question.pk)
    initial = (
        {
            "text": answer.text,
            "why": answer.text,
            "choices": answer.choices,
            "choice": (answer.choices or [""])[0],
        }
        if answer
        else {}
    )
    form = AnswerForm(request.POST or None, question=question, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.answer_save(
            response=response, question=question, choices=form.answer.choices, text=form.answer.text
        )
        if "save_later" in request.POST:
            return _save_for_later(request, response)
        return redirect(_next_url(consultation, questions, position, "check" in request.GET))
    index = questions.index(question)
    back = (
        reverse(
            "responses:response-question", kwargs={"slug": slug, "position": questions[index - 1].position}
        )
        if index
        else reverse("responses:response-about", kwargs={"slug": slug})
    )
    return render(
        request,
        "responses/response_question.html",
        {
            "consultation": consultation,
            "response": response,
            "question": question,
            "form": form,
            "number": index + 1,
            "total": len(questions),
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def response_check(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:
        return redirect("responses:response-start", slug=slug)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            services.response_submit(response=response)
            return redirect("responses:response-receipt", slug=slug)
        except services.AlreadySubmitted:
            messages.info(request, "You have already submitted this response. Nothing has changed since.")
            return redirect("responses:response-receipt", slug=slug)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            if not consultation.is_open():
                return _closed(request, consultation)
            errors = _error_items(consultation, response, exc.messages)
    answers = selectors.answers_by_question(response)
    rows = [(q, answers.get(q.pk)) for q in selectors.questions_for(consultation)]
    missing = {q.pk for q in services.missing_required(response)}
    return render(
        request,
        "responses/response_check.html",
        {
            "consultation": consultation,
            "response": response,
            "rows": rows,
            "errors": errors,
            "missing": missing,
            "is_open": consultation.is_open(),
        },
        status=400 if errors else 200,
    )


def _error_items(consultation, response, messages_: list[str]) -> list[dict]:
    """Error summary entries, each linking to the page where it can be put right."""
    links = {
        f"Answer question {q.position}:": reverse(
            "responses:response-question", kwargs={"slug": consultation.slug, "position": q.position}
        )
        + "?check=1"
        for q in services.missing_required(response)
    }
    items = []
    for message in messages_:
        href = next((url for prefix, url in links.items() if message.startswith(prefix)), None)
        if href is None and "about yourself" in message:
            href = reverse("responses:response-about", kwargs={"slug": consultation.slug}) + "?check=1"
        items.append({"text": message, "href": href})
    return items


def response_receipt(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None or response.status != Response.Status.SUBMITTED:
        return redirect("responses:response-start", slug=slug)
    return render(
        request, "responses/response_receipt.html", {"consultation": consultation, "response": response}
    )


def response_saved(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:
        return redirect("responses:response-start", slug=slug)
    return render(
        request, "responses/response_saved.html", {"consultation": consultation, "response": response}
    )


def response_resume(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed "come back later" link: grants this browser session its own response, nothing else."""
    response = services.response_from_token(token)
    if response is None:
        return render(request, "responses/resume_invalid.html", status=404)
    if request.user.is_authenticated and response.respondent_id not in (None, request.user.pk):
        raise PermissionDenied("This link belongs to someone else's response. Sign out to use it.")
    grant(request, response)
    return redirect("responses:response-check", slug=response.consultation.slug)


def published_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_viewer(request.user, slug)
    publishable = selectors.responses_publishable(consultation)
    page = Paginator(selectors.published_responses(consultation), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "responses/published_list.html",
        {
            "consultation": consultation,
            "page_obj": page,
            "publishable": publishable,
            "questions": selectors.questions_for(consultation),
        },
    )


def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_viewer(request.user, slug)
    return render(
        request,
        "responses/event_list.html",
        {"consultation": consultation, "events": selectors.events_for(consultation)},
    )
