"""Template tags the consultation pages use to show comments: threads, sort, follow and the form.

{% load comments_tags %}
{% section_comments section %}            clause page: the clause's and its subsections' threads
{% document_comments document %}          document page: general comments on the document
{% consultation_comments consultation %}  consultation page: general comments
{% idea_comments idea %}                  idea page: comments on one idea
"""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.urls import reverse

from consultations.models import Section

from .. import access, selectors, services
from ..forms import CommentForm
from ..models import Subscription
from ..rendering import Viewer, render_threads

register = template.Library()


def participation(request) -> tuple[bool, str]:
    """(may this reader comment at all, why not), computed once per request."""
    cached = getattr(request, "_comments_participation", None)
    if cached is not None:
        return cached
    refusal = services.participation_refusal(request.user)
    result = (not refusal, refusal)
    request._comments_participation = result
    return result


def comment_context(request, consultation) -> dict:
    """What every comment partial needs to decide which actions to offer."""
    may, why = participation(request)
    is_open = consultation.is_open()
    moderates = request.user.is_authenticated and access.is_moderator(request.user, consultation)
    return {
        "is_open": is_open,
        "phase": consultation.phase(),
        "may_participate": may,
        "refusal": why,
        "can_comment": may and is_open,
        "viewer_id": request.user.pk if request.user.is_authenticated else None,
        "is_moderator": moderates,
        # "<base><pk>/" is a comment's moderation page; only the consultation's moderators get links to it
        "moderate_base": reverse("comments:comment-moderate", kwargs={"slug": consultation.slug, "pk": 0})[
            :-2
        ]
        if moderates
        else "",
    }


def form_targets(section: Section, subtree: list[Section] | None = None) -> list[tuple[int, str]]:
    """Choices for "which part are you commenting on": the whole clause, then each provision in it."""
    if subtree is None:
        subtree = list(Section.objects.subtree(section).order_by("position"))
    choices = [(section.pk, f"The whole of {section.label}")]
    for s in subtree:
        if s.pk == section.pk:
            continue
        text = " ".join(s.text.split())
        snippet = (text[:60] + "…") if len(text) > 60 else text
        choices.append((s.pk, f"{s.number} {snippet}".strip() or s.label))
    return choices


def _render(
    context,
    *,
    consultation,
    document=None,
    section=None,
    threads,
    follow_kind,
    follow_target,
    heading,
    targets=None,
    anchor="comments",
    idea=None,
) -> str:
    request = context["request"]
    ctx = {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "messages": context.get("messages", ()),  # the follow confirmation is shown in the panel
        "consultation": consultation,
        "document": document,
        "section": section,
        "idea": idea,
        "threads": threads,
        "heading": heading,
        "anchor": anchor,
        "follow_kind": follow_kind,
        "following": selectors.following(request.user, kind=follow_kind, **follow_target)
        if request.user.is_authenticated and follow_kind
        else None,
        "frequencies": Subscription.Frequency.choices,
        **comment_context(request, consultation),
    }
    if ctx["can_comment"]:
        ctx["form"] = CommentForm(targets=targets, auto_id=f"{anchor}-%s", categories=idea is None)
    return get_template("comments/_comments_panel.html").render(ctx)


@register.simple_tag(takes_context=True)
def section_comments(context, section):
    request = context["request"]
    document = section.document
    subtree = context.get("subtree")
    if not subtree or subtree[0].pk != section.pk:
        subtree = list(Section.objects.subtree(section).order_by("position"))
    threads = selectors.section_threads(
        section, user=request.user, sort=request.GET.get("sort", ""), subtree=subtree
    )
    return _render(
        context,
        consultation=document.consultation,
        document=document,
        section=section,
        threads=threads,
        follow_kind=Subscription.Kind.SECTION,
        follow_target={"section": section},
        heading=f"Comments on {section.label}",
        targets=form_targets(section, subtree),
    )


@register.simple_tag(takes_context=True)
def document_comments(context, document):
    request = context["request"]
    threads = selectors.document_threads(document, user=request.user, sort=request.GET.get("sort", ""))
    return _render(
        context,
        consultation=document.consultation,
        document=document,
        threads=threads,
        follow_kind=Subscription.Kind.DOCUMENT,
        follow_target={"document": document},
        heading=f"General comments on {document.title}",
        anchor="document-comments",
    )


@register.simple_tag(takes_context=True)
def consultation_comments(context, consultation):
    request = context["request"]
    threads = selectors.consultation_threads(
        consultation, user=request.user, sort=request.GET.get("sort", "")
    )
    return _render(
        context,
        consultation=consultation,
        threads=threads,
        follow_kind=Subscription.Kind.CONSULTATION,
        follow_target={"consultation": consultation},
        heading="General comments on this consultation",
        anchor="consultation-comments",
    )


@register.simple_tag(takes_context=True)
def idea_comments(context, idea):
    """Idea page: the discussion of one idea, with the same form, moderation and house rules as clause
    comments. People follow the whole consultation rather than one idea."""
    request = context["request"]
    threads = selectors.idea_threads(idea, user=request.user, sort=request.GET.get("sort", ""))
    return _render(
        context,
        consultation=idea.consultation,
        idea=idea,
        threads=threads,
        follow_kind=None,
        follow_target={},
        heading="Comments on this idea",
        anchor="idea-comments",
    )


@register.filter
def category_short(value: str) -> str:
    return {
        "drafting": "Drafting",
        "practical_effect": "Practical effect",
        "general": "General",
        "question": "Question",
    }.get(value, value)


@register.simple_tag
def moderation_counts(consultation) -> dict[str, int]:
    return selectors.queue_counts(consultation)


@register.simple_tag(takes_context=True)
def comment_threads(context, threads, section=None):
    """The nested threads, rendered in Python (see comments/rendering.py for why)."""
    return render_threads(threads, Viewer.from_context(context.flatten(), section=section))
