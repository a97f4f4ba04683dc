"""The only way views load a respondent's own response or an official's view of responses."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest

from consultations.models import Consultation

from .models import Idea, Response

SESSION_KEY = "responses_granted"


def grant(request: HttpRequest, response: Response) -> None:
    """Remember in this browser session that its holder followed the emailed link for `response`."""
    granted = dict(request.session.get(SESSION_KEY, {}))
    granted[str(response.consultation_id)] = response.pk
    request.session[SESSION_KEY] = granted


def own_response(request: HttpRequest, consultation: Consultation) -> Response | None:
    """The requester's own response to this consultation: by account, or granted by a resume link.
    Nobody else's response is ever returned."""
    qs = Response.objects.filter(consultation=consultation).select_related("consultation", "respondent")
    if request.user.is_authenticated:
        mine = qs.filter(respondent=request.user).first()
        if mine is not None:
            return mine
    pk = request.session.get(SESSION_KEY, {}).get(str(consultation.pk))
    if not pk:
        return None
    if request.user.is_authenticated:
        # Someone else signing in on the same browser after a resume link was used must not inherit it.
        qs = qs.filter(Q(respondent__isnull=True) | Q(respondent=request.user))
    return qs.filter(pk=pk).first()


def response_for_team(consultation: Consultation, reference: str) -> Response:
    """Staff views: a response of a consultation already loaded through consultation_for_team."""
    response = Response.objects.filter(consultation=consultation, reference=reference).first()
    if response is None:
        raise Http404("No response matches that reference.")
    response.consultation = consultation
    return response


def idea_for_viewer(consultation: Consultation, pk: int, *, staff: bool = False, user=None) -> Idea:
    """A listed idea, or (staff) any; an idea waiting for a moderator only for its author and staff."""
    qs = Idea.objects.filter(consultation=consultation).select_related("category", "author", "merged_into")
    if not staff:
        qs = qs.exclude(status=Idea.Status.HIDDEN)
        author_id = user.pk if getattr(user, "is_authenticated", False) else None
        qs = qs.exclude(Q(status=Idea.Status.PENDING) & ~Q(author_id=author_id))
    idea = qs.filter(pk=pk).first()
    if idea is None:
        raise Http404("No idea matches the given query.")
    idea.consultation = consultation
    return idea
