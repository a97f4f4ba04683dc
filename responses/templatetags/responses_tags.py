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
