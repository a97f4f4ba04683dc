"""Reads for the API. Who may see what is `consultations.visibility` (the rule every door applies); these
add what the API's serializers read."""

from __future__ import annotations

from django.db.models import QuerySet

from consultations.models import Consultation, Document, Section
from consultations.visibility import document_q


def visible_consultations(user) -> QuerySet[Consultation]:
    return Consultation.objects.visible_to(user).select_related("team")


def visible_documents(user) -> QuerySet[Document]:
    return Document.objects.filter(document_q(user)).select_related("consultation")


def visible_sections(user) -> QuerySet[Section]:
    return Section.objects.filter(document_q(user, "document__")).select_related("document__consultation")


def section_tree(document: Document) -> list[Section]:
    """The document's roots with `tree_children` filled in, from one query in pre-order."""
    nodes = list(Section.objects.filter(document=document).order_by("position"))
    by_id = {n.pk: n for n in nodes}
    roots: list[Section] = []
    for node in nodes:
        node.document = document
        node.tree_children = []
        parent = by_id.get(node.parent_id)
        (parent.tree_children if parent else roots).append(node)
    return roots


def clause_with_parents(slug: str, document_id: int, section_id: int) -> Section | None:
    """The section `section_id` of document `document_id` of the consultation `slug`, with
    `section.document.consultation.team` loaded, in one query, whoever may see them (the caller checks
    that); None when there is no such clause. Read afresh for every post: whether the consultation is
    open must never come from a copy kept from an earlier request."""
    try:
        return Section.objects.select_related("document__consultation__team").get(
            pk=section_id, document_id=document_id, document__consultation__slug=slug
        )
    except Section.DoesNotExist:
        return None
