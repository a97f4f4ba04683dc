"""Public comment pages and endpoints. Every form works without JavaScript; requests made by
static/js/comments.js (header `X-Requested-With: fetch`) get fragments or JSON instead of redirects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consultations.access import consultation_for_viewer, document_for_viewer
from consultations.models import Document, Section
from consultations.visibility import document_q
from dhdigital.lib.client_address import client_ip
from responses.access import idea_for_viewer

from . import access, house_rules, ratelimit, selectors, services
from .forms import AppealForm, CommentForm, EditForm, FlagForm, FollowForm, ReplyForm
from .models import Comment, Subscription
from .notifications import subscription_from_token
from .rendering import Viewer, render_comment
from .services import CommentError
from .templatetags.comments_tags import comment_context, form_targets


def is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def rate_limited(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    minutes = max(1, round(exc.retry_after / 60))
    if is_fetch(request):
        response = JsonResponse(
            {"error": f"You are doing that too often. Try again in {minutes} minutes."}, status=429
        )
    else:
        response = render(request, "comments/rate_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _next_url(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return fallback


def _add_error(form, exc: CommentError) -> None:
    field = exc.field if exc.field in form.fields and exc.field not in ("parent", "website") else None
    form.add_error(field, exc.messages[0])


def _form_error_response(request, template: str, context: dict, form, fragment: str = "") -> HttpResponse:
    """The page again with its errors; for an inline form, the error summary and (`fragment`) the form
    itself re-rendered, so each field shows its own message as it would without JavaScript."""
    if is_fetch(request):
        data = {"errors": render_to_string("comments/_form_errors.html", {"form": form}, request=request)}
        if fragment:
            data["form"] = render_to_string(fragment, context, request=request)
        return JsonResponse(data, status=400)
    return render(request, template, context, status=400)


# --- posting -----------------------------------------------------------------------------------------------


def _target(
    request: HttpRequest, consultation, data
) -> tuple[Document | None, Section | None, Section | None]:
    """(document, the section the form is on, the section chosen) from ids in the request."""
    document = section = chosen = None
    doc_id, section_id = data.get("document"), data.get("section")
    if doc_id:
        document = Document.objects.filter(pk=_int(doc_id), consultation=consultation).first()
        if document is None:
            raise Http404("No document matches the given query.")
        document = document_for_viewer(request.user, consultation, document.slug, document.version)
    if section_id and document is not None:
        section = get_object_or_404(Section, pk=_int(section_id), document=document)
        section.document = document
        chosen = section
        target = data.get("target")
        if target:
            chosen = Section.objects.subtree(section).filter(pk=_int(target)).first()
            if chosen is None:
                chosen = section  # the service refuses below through the form error
            chosen.document = document
    return document, section, chosen


def _idea(consultation, data):
    """The idea a comment is about (ideas consultations), or None; 404 for one the reader cannot see."""
    if not data.get("idea"):
        return None
    return idea_for_viewer(consultation, _int(data.get("idea")))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found") from None


def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the comment form on its own page (?document=&section=). POST: save, then go to the comment."""
    consultation = consultation_for_viewer(request.user, slug)
    data = request.POST if request.method == "POST" else request.GET
    document, section, chosen = _target(request, consultation, data)
    idea = _idea(consultation, data)
    targets = form_targets(section) if section else None
    form = CommentForm(
        request.POST if request.method == "POST" else None, targets=targets, categories=idea is None
    )
    ctx = {
        "consultation": consultation,
        "document": document,
        "section": section,
        "idea": idea,
        "form": form,
        **comment_context(request, consultation),
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        if form.is_honeypot_filled():
            form.add_error(None, "Your comment could not be sent. Try again without filling in hidden fields")
        elif form.is_valid():
            # A crafted POST may name a parent: the service refuses one from elsewhere.
            parent = (
                get_object_or_404(Comment, pk=form.cleaned_data["parent"])
                if form.cleaned_data.get("parent")
                else None
            )
            try:
                comment = services.comment_create(
                    author=request.user,
                    consultation=consultation,
                    document=document,
                    section=chosen,
                    idea=idea,
                    parent=parent,
                    body=form.cleaned_data["body"],
                    category=form.cleaned_data["category"],
                    quote=form.quote(),
                    idempotency_key=services.form_idempotency_key(
                        author=request.user,
                        key=form.cleaned_data["idempotency_key"],
                        body=form.cleaned_data["body"],
                        document=document,
                        section=chosen,
                        parent_id=parent.pk if parent else None,
                    ),
                    ip=client_ip(request),
                )
            except ratelimit.RateLimited as exc:
                return rate_limited(request, exc)
            except CommentError as exc:
                _add_error(form, exc)
            else:
                return _after_post(request, comment)
        return _form_error_response(request, "comments/comment_form.html", ctx, form)
    return render(request, "comments/comment_form.html", ctx)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())


def _after_post(request: HttpRequest, comment: Comment) -> HttpResponse:
    if is_fetch(request):
        node = selectors.Node(
            comment, visible=True, own_pending=comment.status == Comment.Status.PENDING, depth=comment.depth
        )
        ctx = {
            "request": request,
            "csrf_token": get_token(request),
            **comment_context(request, comment.consultation),
        }
        html = render_comment(node, Viewer.from_context(ctx, section=comment.section))
        return JsonResponse({"id": comment.pk, "status": comment.status, "html": html}, status=201)
    noun = "reply" if comment.parent_id else "comment"
    if comment.status == Comment.Status.PENDING:
        messages.info(request, f"Thank you. Your {noun} will appear once a moderator has checked it.")
    else:
        messages.success(request, f"Your {noun} has been published.")
    return redirect(thread_url(comment))


def thread_url(comment: Comment) -> str:
    """Where the person who posted goes: the thread their comment is in (the clause, the document or the
    idea page), at their comment; the comment's own page when it is about the consultation as a whole."""
    if comment.section_id:
        _, clause = selectors.section_place(comment.section)
        page = (clause or comment.section).get_absolute_url()
    elif comment.document_id:
        page = comment.document.get_absolute_url()
    elif comment.idea_id:
        page = comment.idea.get_absolute_url()
    else:
        return comment.get_absolute_url()
    return f"{page}#comment-{comment.pk}"


def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = access.comment_for_viewer(request.user, pk)
    form = ReplyForm(request.POST if request.method == "POST" else None, auto_id=f"reply-{parent.pk}-%s")
    ctx = {
        "parent": parent,
        "form": form,
        "consultation": parent.consultation,
        **comment_context(request, parent.consultation),
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        if form.is_honeypot_filled():
            form.add_error(None, "Your reply could not be sent. Try again without filling in hidden fields")
        elif form.is_valid():
            try:
                comment = services.comment_create(
                    author=request.user,
                    consultation=parent.consultation,
                    document=parent.document,
                    section=parent.section,
                    idea=parent.idea,
                    parent=parent,
                    body=form.cleaned_data["body"],
                    category=parent.category,
                    idempotency_key=services.form_idempotency_key(
                        author=request.user,
                        key=form.cleaned_data["idempotency_key"],
                        body=form.cleaned_data["body"],
                        document=parent.document,
                        section=parent.section,
                        parent_id=parent.pk,
                    ),
                    ip=client_ip(request),
                )
            except ratelimit.RateLimited as exc:
                return rate_limited(request, exc)
            except CommentError as exc:
                _add_error(form, exc)
            else:
                return _after_post(request, comment)
        return _form_error_response(
            request, "comments/comment_reply.html", ctx, form, fragment="comments/_reply_form.html"
        )
    template = "comments/_reply_form.html" if request.GET.get("fragment") else "comments/comment_reply.html"
    return render(request, template, ctx)


# --- reading -----------------------------------------------------------------------------------------------


def comment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_viewer(request.user, pk)
    threads = selectors.comment_thread(comment, user=request.user)
    where, clause = selectors.section_place(comment.section)
    return render(
        request,
        "comments/comment_detail.html",
        {
            "comment": comment,
            "where": where,
            "clause": clause,
            "threads": threads,
            "consultation": comment.consultation,
            "is_moderator": access.is_moderator(request.user, comment),
            **comment_context(request, comment.consultation),
        },
    )


def house_rules_page(request: HttpRequest) -> HttpResponse:
    return render(request, "comments/house_rules.html", {"rules": house_rules.RULES})


# --- reacting, flagging, editing, withdrawing, appealing -------------------------------------------------


@login_required
@require_POST
def comment_react(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_viewer(request.user, pk)
    try:
        comment = services.reaction_set(
            comment=comment,
            user=request.user,
            value=request.POST.get("value", ""),
            ip=client_ip(request),
        )
    except ratelimit.RateLimited as exc:
        return rate_limited(request, exc)
    except CommentError as exc:
        if is_fetch(request):
            return JsonResponse({"error": exc.messages[0]}, status=400)
        return render(
            request,
            "comments/action_refused.html",
            {"comment": comment, "message": exc.messages[0]},
            status=400,
        )
    mine = comment.reactions.filter(user=request.user).values_list("value", flat=True).first() or ""
    if is_fetch(request):
        return JsonResponse({"agree": comment.agree_count, "disagree": comment.disagree_count, "mine": mine})
    return redirect(_next_url(request, comment.get_absolute_url()) + f"#comment-{comment.pk}")


@login_required
def comment_flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_viewer(request.user, pk)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(
                comment=comment,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                ip=client_ip(request),
            )
        except ratelimit.RateLimited as exc:
            return rate_limited(request, exc)
        except CommentError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, "Thank you. A moderator will review the comment you reported.")
            return redirect(comment.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "comments/comment_flag.html", {"comment": comment, "form": form}, status=status)


@login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_author(request.user, pk)
    form = EditForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except CommentError as exc:
            _add_error(form, exc)
        else:
            if edited.status == Comment.Status.PENDING:
                messages.info(request, "Your changes will appear once a moderator has checked them.")
            else:
                messages.success(request, "Your comment has been updated.")
            return redirect(comment.get_absolute_url())
    ctx = {
        "comment": comment,
        "form": form,
        "can_edit": services.can_edit(comment, request.user),
        "editable_until": services.editable_until(comment),
    }
    return render(request, "comments/comment_edit.html", ctx, status=400 if form.errors else 200)


@login_required
def comment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_author(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            services.comment_withdraw(comment=comment, by=request.user)
        except CommentError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, "Your comment has been withdrawn.")
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "comments/comment_withdraw.html",
        {"comment": comment, "error": error},
        status=400 if error else 200,
    )


@login_required
def comment_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment_for_author(request.user, pk)
    form = AppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(comment=comment, user=request.user, text=form.cleaned_data["text"])
        except CommentError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, "Your appeal has been sent. A moderator will look at it.")
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "comments/comment_appeal.html",
        {"comment": comment, "form": form, "rule": house_rules.BY_CODE.get(comment.moderation_reason)},
        status=400 if form.errors else 200,
    )


# --- following ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """Follow (or stop following) a consultation, document or clause."""
    kind = request.POST.get("kind", "")
    consultation = consultation_for_viewer(request.user, request.POST.get("consultation", ""))
    target: dict = {"consultation": None, "document": None, "section": None}
    if kind == Subscription.Kind.CONSULTATION:
        target["consultation"] = consultation
    elif kind in (Subscription.Kind.DOCUMENT, Subscription.Kind.SECTION):
        # Only a document the person may see (not the team's unpublished versions): a 404 names nothing.
        document = get_object_or_404(
            Document.objects.filter(document_q(request.user)),
            pk=_int(request.POST.get("document")),
            consultation=consultation,
        )
        target["document" if kind == "document" else "section"] = (
            document
            if kind == "document"
            else get_object_or_404(Section, pk=_int(request.POST.get("section")), document=document)
        )
    else:
        raise Http404("Nothing to follow")
    fallback = (target["section"] or target["document"] or consultation).get_absolute_url()
    if request.POST.get("stop"):
        existing = selectors.following(request.user, kind=kind, **target)
        if existing:
            services.subscription_unsubscribe(subscription=existing)
        messages.success(
            request, "You will no longer get emails about new comments here.", extra_tags="inline"
        )
    else:
        form = FollowForm(request.POST)
        frequency = form.cleaned_data["frequency"] if form.is_valid() else Subscription.Frequency.IMMEDIATE
        services.subscription_follow(user=request.user, kind=kind, frequency=frequency, **target)
        messages.success(
            request,
            "You are following new comments here. You can unsubscribe from any email.",
            extra_tags="inline",  # shown by comments/_follow.html, beside the button, not at the top
        )
    return redirect(_next_url(request, fallback))


@csrf_exempt  # mail clients POST the one-click form without a CSRF token (RFC 8058); the token authorises
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from an email (POST, RFC 8058), or a confirmation page with one button (GET)."""
    subscription = subscription_from_token(token)
    if subscription is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.subscription_unsubscribe(subscription=subscription)
        return render(request, "comments/unsubscribe.html", {"subscription": subscription, "done": True})
    return render(request, "comments/unsubscribe.html", {"subscription": subscription, "token": token})
