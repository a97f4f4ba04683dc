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
from .forms import AnswerForm, ConsentForm, OrganisationForm, RegionForm, RespondentTypeForm
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
    questions = selectors.questions_for(consultation)
    ctx = {
        "consultation": consultation,
        "response": response,
        "questions": questions,
        "n_required": sum(q.required for q in questions),
        "is_open": consultation.is_open(),
    }
    return render(request, "responses/response_start.html", ctx)


# The "about you" pages, in order: (URL name, form). The organisation page is asked only of
# respondents who said they respond for an organisation.
ABOUT_STEPS = [
    ("response-about", RespondentTypeForm),
    ("response-organisation", OrganisationForm),
    ("response-region", RegionForm),
    ("response-consent", ConsentForm),
]


def _applies(index: int, response: Response) -> bool:
    return ABOUT_STEPS[index][1] is not OrganisationForm or response.is_organisation


def _carry(request: HttpRequest) -> str:
    """The query string that keeps a respondent on their way: back to check answers, or on to the
    question they chose on a clause page."""
    if "check" in request.GET:
        return "?check=1"
    return _question_param(request)


def _about_step(request: HttpRequest, slug: str, index: int) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:
        return redirect(reverse("responses:response-start", kwargs={"slug": slug}) + _question_param(request))
    if not consultation.is_open():
        return _closed(request, consultation)
    if not _applies(index, response):
        return redirect(_step_url(slug, index - 1, request))
    form_class = ABOUT_STEPS[index][1]
    initial = {f: getattr(response, f) for f in form_class.fields_saved}
    save_later = "save_later" in request.POST
    # "Save and come back later" may leave this page unanswered; "Save and continue" may not.
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=initial, required=not save_later)
    if request.method == "POST" and form.is_valid():
        chosen = {f: form.cleaned_data[f] for f in form_class.fields_saved if form.cleaned_data[f]}
        services.response_save_about(response=response, **chosen)
        if save_later:
            return _save_for_later(request, response)
        return redirect(_after_about(request, consultation, response, index))
    ctx = {
        "consultation": consultation,
        "response": response,
        "form": form,
        "back": _about_back(request, response, index),
    }
    return render(request, "responses/response_about.html", ctx, status=400 if form.errors else 200)


def _step_url(slug: str, index: int, request: HttpRequest) -> str:
    return reverse(f"responses:{ABOUT_STEPS[index][0]}", kwargs={"slug": slug}) + _carry(request)


def _about_back(request: HttpRequest, response: Response, index: int) -> str:
    slug = response.consultation.slug
    if "check" in request.GET:
        return reverse("responses:response-check", kwargs={"slug": slug})
    earlier = [i for i in range(index) if _applies(i, response)]
    if earlier:
        return _step_url(slug, earlier[-1], request)
    return reverse("responses:response-start", kwargs={"slug": slug})


def _after_about(request: HttpRequest, consultation, response: Response, index: int) -> str:
    slug = consultation.slug
    later = [i for i in range(index + 1, len(ABOUT_STEPS)) if _applies(i, response)]
    # Changing an answer from check answers goes back there, unless a newly needed page comes next.
    if "check" in request.GET:
        needed = [i for i in later if not all(getattr(response, f) for f in ABOUT_STEPS[i][1].fields_saved)]
        return (
            _step_url(slug, needed[0], request)
            if needed
            else reverse("responses:response-check", kwargs={"slug": slug})
        )
    if later:
        return _step_url(slug, later[0], request)
    questions = selectors.questions_for(consultation)
    wanted = request.GET.get("question", "")
    if wanted.isdigit() and any(q.position == int(wanted) for q in questions):
        return reverse("responses:response-question", kwargs={"slug": slug, "position": int(wanted)})
    return _next_url(consultation, questions, None, False)


@require_http_methods(["GET", "POST"])
def response_about(request: HttpRequest, slug: str) -> HttpResponse:
    return _about_step(request, slug, 0)


@require_http_methods(["GET", "POST"])
def response_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    return _about_step(request, slug, 1)


@require_http_methods(["GET", "POST"])
def response_region(request: HttpRequest, slug: str) -> HttpResponse:
    return _about_step(request, slug, 2)


@require_http_methods(["GET", "POST"])
def response_consent(request: HttpRequest, slug: str) -> HttpResponse:
    return _about_step(request, slug, 3)


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
    # A required question must be answered to continue, but may be left for later.
    enforce = request.method == "POST" and "save_later" not in request.POST
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, question=question, initial=initial, enforce_required=enforce)
    if request.method == "POST" and form.is_valid():
        services.answer_save(
            response=response, question=question, choices=form.answer.choices, text=form.answer.text
        )
        if "save_later" in request.POST:
            return _save_for_later(request, response)
        return redirect(_next_url(consultation, questions, position, "check" in request.GET))
    index = questions.index(question)
    if "check" in request.GET:
        back = reverse("responses:response-check", kwargs={"slug": slug})
    elif index:
        back = reverse(
            "responses:response-question", kwargs={"slug": slug, "position": questions[index - 1].position}
        )
    else:
        back = reverse(f"responses:{ABOUT_STEPS[-1][0]}", kwargs={"slug": slug})
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
        status=400 if form.errors else 200,
    )


def resume_url(consultation, response: Response) -> str:
    """Where "Continue your response" takes someone: the first "about you" page still missing an answer
    the response needs, else the next unanswered question after the last one answered (a question
    skipped before it was left on purpose unless it is required), else check answers (also for a
    submitted response or a closed consultation)."""
    slug = consultation.slug
    check = reverse("responses:response-check", kwargs={"slug": slug})
    if response.status == Response.Status.SUBMITTED or not consultation.is_open():
        return check
    missing = services.missing_details(response)
    for index, (name, form_class) in enumerate(ABOUT_STEPS):
        if _applies(index, response) and any(f in missing for f in form_class.fields_saved):
            return reverse(f"responses:{name}", kwargs={"slug": slug})
    answers = selectors.answers_by_question(response)
    questions = selectors.questions_for(consultation)
    answered = [q for q in questions if q.pk in answers and not answers[q.pk].is_empty]
    last = answered[-1].position if answered else 0
    unanswered = [q for q in questions if q not in answered]
    following = [q for q in unanswered if q.position > last] or [q for q in unanswered if q.required]
    if following:
        kwargs = {"slug": slug, "position": following[0].position}
        return reverse("responses:response-question", kwargs=kwargs)
    return check


def response_continue(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, response = _load(request, slug)
    if response is None:
        return redirect("responses:response-start", slug=slug)
    return redirect(resume_url(consultation, response))


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
    for field, message in services.missing_details(response).items():
        page = next(name for name, form in ABOUT_STEPS if field in form.fields_saved)
        links[message] = reverse(f"responses:{page}", kwargs={"slug": consultation.slug}) + "?check=1"
    items = []
    for message in messages_:
        href = next((url for prefix, url in links.items() if message.startswith(prefix)), None)
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
    return redirect(resume_url(response.consultation, response))


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
