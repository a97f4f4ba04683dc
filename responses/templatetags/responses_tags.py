"""Template tags the consultation pages use for questions, responding, events and ideas."""

from django import template
from django.template.loader import render_to_string

from .. import selectors
from ..access import own_response
from ..models import EngagementEvent, Idea, Question

register = template.Library()


@register.simple_tag(takes_context=True)
def respond_panel(context, consultation):
    """Consultation page: "Respond online" start button, the visitor's saved response, or the ideas links."""
    request = context.get("request")
    ctx = {
        "consultation": consultation,
        "is_open": consultation.is_open(),
        "publishable": selectors.responses_publishable(consultation),
        "n_events": EngagementEvent.objects.filter(consultation=consultation).count(),
    }
    if consultation.kind == "ideas":
        ctx["n_ideas"] = Idea.objects.filter(consultation=consultation).listed().count()
    else:
        ctx["n_questions"] = Question.objects.filter(consultation=consultation).count()
        ctx["response"] = (
            own_response(request, consultation) if request is not None and ctx["n_questions"] else None
        )
    return render_to_string("responses/_respond_panel.html", ctx, request=request)


@register.simple_tag(takes_context=True)
def section_questions(context, section):
    """Clause page: the consultation questions tied to this clause."""
    questions = selectors.section_questions(section)
    if not questions:
        return ""
    consultation = section.document.consultation
    return render_to_string(
        "responses/_section_questions.html",
        {"questions": questions, "consultation": consultation, "is_open": consultation.is_open()},
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def idea_comments(context, idea):
    """Comments on an idea, through the comments app (its moderation applies). Until comments carry an
    `idea` link, ideas are discussed in the consultation's general comments."""
    try:
        from comments.templatetags import comments_tags
    except ImportError:  # pragma: no cover - comments app always installed
        comments_tags = None
    tag = getattr(comments_tags, "idea_comments", None)
    if tag is not None:
        return tag(context, idea)
    return render_to_string(
        "responses/_idea_comments_fallback.html",
        {"idea": idea, "consultation": idea.consultation},
        request=context.get("request"),
    )
