"""Published comments on a document as a W3C Web Annotation collection (JSON-LD).

Each comment targets the clause page, with a FragmentSelector naming the clause or subsection it is on
and, when it is about a phrase, a TextQuoteSelector (exact, prefix, suffix). Replies target the
annotation they answer (motivation `replying`). General comments on the document target the document.
"""

from __future__ import annotations

from django.urls import reverse

from comments.models import Comment
from consultations.models import Document, Section

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _clauses_by_section(document: Document) -> dict[int, Section]:
    """Every section id -> the commentable section (clause or schedule) it sits in. One query."""
    nodes = list(
        Section.objects.filter(document=document)
        .order_by("position")
        .only("id", "kind", "position", "last_descendant", "anchor")
    )
    owner: dict[int, Section] = {}
    current: Section | None = None
    for node in nodes:
        if node.is_commentable:
            current = node
        elif current is not None and node.position > current.last_descendant:
            current = None
        owner[node.pk] = current or node
    return owner


def document_annotations(document: Document, *, base_url: str) -> dict:
    consultation = document.consultation
    doc_url = base_url + document.get_absolute_url()
    clause_of = _clauses_by_section(document)
    comments = (
        Comment.objects.published()
        .filter(document=document)
        .select_related("author", "section")
        .order_by("path")
    )

    def iri(pk: int) -> str:
        return base_url + reverse("comments:comment-detail", kwargs={"pk": pk})

    items = []
    for c in comments:
        annotation = {
            "id": iri(c.pk),
            "type": "Annotation",
            "motivation": "replying" if c.parent_id else "commenting",
            "created": c.created_at.isoformat(),
            "modified": (c.edited_at or c.published_at or c.created_at).isoformat(),
            "creator": {"type": "Organization" if c.is_official else "Person", "name": c.author_name},
            "body": {"type": "TextualBody", "value": c.body, "format": "text/plain", "purpose": "commenting"},
        }
        if c.parent_id:
            annotation["target"] = iri(c.parent_id)
        elif c.section_id:
            clause = clause_of.get(c.section_id)
            page = base_url + reverse(
                "consultations:section-detail",
                kwargs={"slug": consultation.slug, "doc": document.slug, "anchor": clause.anchor},
            )
            selectors: list[dict] = [
                {
                    "type": "FragmentSelector",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                    "value": c.section.anchor,
                }
            ]
            if c.quote_exact:
                selectors.append(
                    {
                        "type": "TextQuoteSelector",
                        "exact": c.quote_exact,
                        "prefix": c.quote_prefix,
                        "suffix": c.quote_suffix,
                    }
                )
            annotation["target"] = {
                "id": f"{page}#{c.section.anchor}",
                "source": page,
                "type": "Text",
                "format": "text/html",
                "selector": selectors if len(selectors) > 1 else selectors[0],
            }
        else:
            annotation["target"] = {"source": doc_url, "type": "Text", "format": "text/html"}
        items.append(annotation)
    collection_id = base_url + reverse("api:document-annotations", kwargs={"pk": document.pk})
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Published comments on {document.title} (version {document.version})",
        "total": len(items),
        "first": {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }
