"""Reads for the responses views, with their joins already applied."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from consultations.models import Consultation, Document, Section

from .models import (
    Answer,
    EngagementEvent,
    EventNote,
    Idea,
    IdeaCategory,
    IdeaVote,
    LetterPart,
    Question,
    Response,
    ResponsePublication,
)


def questions_for(consultation: Consultation) -> list[Question]:
    return list(
        consultation.questions.select_related("section", "section__document").order_by("position", "id")
    )


def answers_by_question(response: Response) -> dict[int, Answer]:
    return {a.question_id: a for a in response.answers.all()}


def responses_publishable(consultation: Consultation) -> bool:
    """Responses are public once the consultation has closed, unless a publisher has withheld them."""
    return (
        consultation.phase() in ("closed", "concluded")
        and not ResponsePublication.objects.filter(consultation=consultation, withheld=True).exists()
    )


def consent_counts(consultation: Consultation) -> dict[str, int]:
    return (
        Response.objects.submitted()
        .filter(consultation=consultation)
        .aggregate(
            named=Count("pk", filter=Q(consent="named")),
            anonymous=Count("pk", filter=Q(consent="anonymous")),
            none=Count("pk", filter=Q(consent="none") | Q(consent="")),
        )
    )


def published_responses(consultation: Consultation) -> QuerySet[Response]:
    """Consented, submitted responses with their answers. Views must show `public_label`, never the
    personal fields (email, address); an empty queryset until the consultation closes."""
    if not responses_publishable(consultation):
        return Response.objects.none()
    answers = Answer.objects.select_related("question").order_by("question__position")
    return (
        Response.objects.publishable()
        .filter(consultation=consultation)
        .select_related("respondent")
        .prefetch_related(
            Prefetch("answers", queryset=answers),
            Prefetch("letter_parts", queryset=LetterPart.objects.select_related("section")),
        )
        .order_by("pk")
    )


def staff_responses(consultation: Consultation, *, channel: str = "", status: str = "") -> QuerySet[Response]:
    """The team's list of responses, optionally of one channel or status (unknown values are ignored)."""
    qs = Response.objects.filter(consultation=consultation)
    if channel in Response.Channel.values:
        qs = qs.filter(channel=channel)
    if status in Response.Status.values:
        qs = qs.filter(status=status)
    return (
        qs.select_related("respondent", "entered_by")
        .annotate(n_attachments=Count("attachments"))
        .order_by("-submitted_at", "-pk")
    )


def response_counts(consultation: Consultation) -> dict[str, int]:
    return Response.objects.filter(consultation=consultation).aggregate(
        submitted=Count("pk", filter=Q(status="submitted")),
        drafts=Count("pk", filter=Q(status="draft")),
        offline=Count("pk", filter=Q(status="submitted") & ~Q(channel="online")),
    )


def events_for(consultation: Consultation) -> QuerySet[EngagementEvent]:
    notes = EventNote.objects.select_related("section").order_by("created_at")
    return consultation.engagement_events.prefetch_related(Prefetch("notes", queryset=notes)).order_by(
        "starts_at"
    )


def clauses_for(consultation: Consultation) -> list[Section]:
    """The clauses and schedules an offline response can be recorded against: those of the newest
    version of each document that is not a draft (or of the draft when there is nothing else)."""
    newest: dict[str, tuple[int, bool]] = {}  # slug -> (document, is a draft)
    for slug, pk, state in (
        Document.objects.filter(consultation=consultation)
        .order_by("slug", "-version")
        .values_list("slug", "pk", "state")
    ):
        draft = state == Document.State.DRAFT
        if slug not in newest or (newest[slug][1] and not draft):
            newest[slug] = (pk, draft)
    return list(
        Section.objects.filter(
            document_id__in=[pk for pk, _ in newest.values()], kind__in=Section.COMMENTABLE
        )
        .select_related("document")
        .order_by("document_id", "position")
    )


def section_questions(section: Section) -> list[Question]:
    return list(Question.objects.filter(section=section).order_by("position"))


def ideas_for(consultation: Consultation, *, category: str = "", sort: str = "score") -> QuerySet[Idea]:
    qs = (
        Idea.objects.filter(consultation=consultation)
        .listed()
        .select_related("category")
        .annotate(n_comments=Count("comments", filter=Q(comments__status="published")))
    )
    if category:
        qs = qs.filter(category__slug=category)
    if sort == "new":
        return qs.order_by("-created_at", "-pk")
    return qs.ranked()


def categories_for(consultation: Consultation) -> QuerySet[IdeaCategory]:
    return IdeaCategory.objects.filter(consultation=consultation).annotate(
        n=Count("ideas", filter=~Q(ideas__status__in=["merged", "hidden"]))
    )


def my_votes(user, ideas) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(IdeaVote.objects.filter(user=user, idea__in=list(ideas)).values_list("idea_id", "value"))


def reported_ideas(consultation: Consultation) -> QuerySet[Idea]:
    """The moderation queue of ideas: listed ideas with reports no moderator has dealt with yet, the most
    reported first."""
    open_flags = Q(flags__resolution="")
    return (
        consultation.ideas.filter(open_flags)
        .exclude(status__in=[Idea.Status.HIDDEN, Idea.Status.MERGED])
        .annotate(n_reports=Count("flags", filter=open_flags))
        .order_by("-n_reports", "created_at")
    )


def ideas_awaiting_moderation(consultation: Consultation) -> dict[str, int]:
    """What the moderation queue shows of ideas: reported ones and (pre-moderation) new ones waiting."""
    if consultation.kind != Consultation.Kind.IDEAS:
        return {}
    return {
        "reported": reported_ideas(consultation).count(),
        "pending": consultation.ideas.filter(status=Idea.Status.PENDING).count(),
    }
