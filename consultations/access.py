"""The only way views load consultations and documents for a user: 404 for what they may not see,
PermissionDenied for what they may see but not change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dhdigital.accounts.roles import has_team_role

from .models import Consultation, Document, Section
from .visibility import document_q, may_view


def consultation_for_viewer(user, slug: str) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("team"), slug=slug)
    if not may_view(user, consultation):
        raise Http404("No consultation matches the given query.")
    return consultation


def consultation_for_team(user, slug: str, role: str | None = None) -> Consultation:
    """For staff pages: outsiders get 404 for unpublished ones (existence is not leaked), 403 otherwise."""
    consultation = get_object_or_404(Consultation.objects.select_related("team"), slug=slug)
    if has_team_role(user, consultation.team_id, role):
        return consultation
    if not may_view(user, consultation):
        raise Http404("No consultation matches the given query.")
    raise PermissionDenied("You are not on this consultation's team in that role.")


def document_for_viewer(
    user, consultation: Consultation, doc_slug: str, version: int | None = None
) -> Document:
    """The published version a reader should see (the newest), or any version for the team."""
    qs = Document.objects.filter(document_q(user), consultation=consultation, slug=doc_slug)
    if version is not None:
        qs = qs.filter(version=version)
    doc = qs.order_by("-version").first()
    if doc is None:
        raise Http404("No document matches the given query.")
    doc.consultation = consultation
    return doc


def section_for_viewer(document: Document, anchor: str) -> Section:
    section = get_object_or_404(Section.objects.filter(document=document), anchor=anchor)
    section.document = document
    return section
