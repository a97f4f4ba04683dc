"""The responses app's personal data (dhdigital.accounts.privacy): a person's responses (with their
answers and attached files), ideas and votes are theirs; what an official entered, uploaded or published
for other people is exported as what they did and when, never the respondents' names or words."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.text import get_valid_filename

from consultations.models import Consultation
from dhdigital.accounts.privacy import REMOVE_TEXT, Holder, register
from dhdigital.lib.signals import units_erased

from .models import Answer, Idea, IdeaFlag, LetterPart, Response, ResponseAttachment

REMOVED_IDEA = "Removed at its author's request"


def _archive_name(attachment: ResponseAttachment) -> str:
    name = get_valid_filename(attachment.original_name) or f"file-{attachment.pk}"
    return f"attachments/{attachment.response.reference}/{attachment.pk}-{name}"


def extend(user, export: dict) -> None:
    """Each of the person's responses with its answers, what it says about clauses and its files."""
    for item in export["records"].get("responses.Response", {}).get("respondent", []):
        item["answers"] = [
            {"id": a.pk, "question": a.question.text, "choices": a.choices, "text": a.text}
            for a in Answer.objects.filter(response_id=item["id"]).select_related("question")
        ]
        item["clauses"] = [
            {"id": p.pk, "clause": p.section.label, "text": p.text}
            for p in LetterPart.objects.filter(response_id=item["id"]).select_related("section")
        ]
        item["attachments"] = [
            {"name": f.original_name, "kind": f.kind, "size": f.size, "file": _archive_name(f)}
            for f in ResponseAttachment.objects.filter(response_id=item["id"]).select_related("response")
        ]


def files(user):
    for f in ResponseAttachment.objects.filter(response__respondent=user).select_related("response"):
        yield _archive_name(f), f.file


def _erase_ideas(user, policy: str) -> dict[str, int]:
    mine = Idea.objects.filter(author=user)
    wipe = mine if policy == REMOVE_TEXT else mine.filter(status=Idea.Status.HIDDEN)
    wipe_ids = list(wipe.values_list("pk", flat=True))
    texts = [t for pair in wipe.values_list("title", "description") for t in pair if t]
    places = set(wipe.values_list("consultation_id", flat=True))
    wipe.update(title=REMOVED_IDEA, description="", status=Idea.Status.HIDDEN)
    if wipe_ids:
        units_erased.send(sender=Idea, kind="idea", pks=wipe_ids, texts=texts, consultations=places)
    Idea.history.filter(id__in=wipe_ids).update(title=REMOVED_IDEA, description="")
    Idea.history.filter(author_id=user.pk).update(author=None)
    count = mine.update(author=None)
    return {"ideas_anonymised": count - len(wipe_ids), "ideas_text_removed": len(wipe_ids)}


def _anonymise_responses(user) -> dict[str, int]:
    """Kept for the analysis but anonymised; drafts and individuals' attachments deleted."""
    mine = Response.objects.filter(respondent=user)
    drafts = mine.filter(status=Response.Status.DRAFT)
    drafts_deleted = drafts.count()
    drafts.delete()
    individual = ResponseAttachment.objects.filter(response__in=mine).exclude(
        response__respondent_type=Response.RespondentType.ORGANISATION
    )
    for attachment in individual:
        attachment.file.delete(save=False)
    attachments_deleted = individual.delete()[0]
    mine.filter(consent=Response.Consent.NAMED).update(consent=Response.Consent.ANONYMOUS)
    anonymised = mine.update(respondent=None, respondent_name="", email="", address="")
    return {
        "responses_anonymised": anonymised,
        "response_drafts_deleted": drafts_deleted,
        "attachments_deleted": attachments_deleted,
    }


def erase(user, policy: str) -> dict[str, int]:
    flags = {"idea_flag_notes_wiped": IdeaFlag.objects.filter(user=user).update(note="")}
    return {**_erase_ideas(user, policy), **_anonymise_responses(user), **flags}


def retain(cutoff: dt.datetime) -> dict[str, int]:
    """Respondents' names, emails and postal addresses go once the consultation concluded (government
    response published) or was withdrawn before `cutoff`."""
    state = Consultation.State
    due = Consultation.objects.filter(
        Q(state=state.CONCLUDED, outcome_published_at__lte=cutoff)
        | Q(state=state.WITHDRAWN, withdrawn_at__lte=cutoff)
    )
    holding = Response.objects.filter(consultation__in=due).exclude(respondent_name="", email="", address="")
    consultations = holding.values("consultation").distinct().count()
    return {
        "responses_wiped": holding.update(respondent_name="", email="", address=""),
        "consultations": consultations,
    }


register(
    Holder(
        name="responses",
        subject=(
            "responses.Response.respondent",
            "responses.Idea.author",
            "responses.IdeaVote.user",
            "responses.IdeaFlag.user",
        ),
        acts={
            "responses.IdeaFlag.resolved_by": ("id", "idea_id", "resolution", "resolved_at"),
            "responses.Response.entered_by": ("reference", "consultation_id", "channel", "created_at"),
            "responses.ResponseAttachment.uploaded_by": ("id", "response_id", "created_at"),
            "responses.EngagementEvent.created_by": ("id", "consultation_id", "title", "created_at"),
            "responses.EventNote.created_by": ("id", "event_id", "created_at"),
            "responses.ResponsePublication.published_by": ("id", "consultation_id", "published_at"),
        },
        extend=extend,
        files=files,
        erase=erase,
        retain=retain,
    )
)
