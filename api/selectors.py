"""Reads for the API. Visibility is the same as `consultations.access.can_view`: published public
consultations for everyone; drafts and invitation-only ones only for their team (superusers: all)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from consultations.models import Consultation, Document, Section


def team_ids(user) -> list[int] | None:
    """The user's team ids; None means every team (superuser); [] for the public."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    from dhdigital.accounts.roles import member_team_ids

    return member_team_ids(user)


def visible_consultations(user) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("team")
    teams = team_ids(user)
    if teams is None:
        return qs
    public = Q(visibility=Consultation.Visibility.PUBLIC) & ~Q(state=Consultation.State.DRAFT)
    return qs.filter(public | Q(team_id__in=teams)) if teams else qs.filter(public)


def visible_documents(user) -> QuerySet[Document]:
    qs = Document.objects.select_related("consultation")
    teams = team_ids(user)
    if teams is None:
        return qs
    qs = qs.filter(consultation__in=visible_consultations(user).values("pk"))
    not_draft = ~Q(state=Document.State.DRAFT)
    return qs.filter(not_draft | Q(consultation__team_id__in=teams)) if teams else qs.filter(not_draft)


def document_visible(user, document: Document, consultation: Consultation) -> bool:
    """`visible_documents`' rule for one document of a consultation the user may see."""
    if document.state != Document.State.DRAFT:
        return True
    teams = team_ids(user)
    return teams is None or consultation.team_id in teams


def visible_sections(user) -> QuerySet[Section]:
    return Section.objects.select_related("document__consultation").filter(
        document__in=visible_documents(user).values("pk")
    )


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
