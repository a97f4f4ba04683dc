"""Published comments on a document as a W3C Web Annotation collection (JSON-LD), in pages.

Follows the Web Annotation Data Model (https://www.w3.org/TR/annotation-model/):
- each comment is an ``Annotation`` with motivation ``commenting`` and a ``TextualBody``;
- its target is a ``SpecificResource`` whose ``source`` is the clause page, selected by a
  ``FragmentSelector`` naming the clause or subsection (the element id on that page) and, when the comment
  is about a phrase, ``refinedBy`` a ``TextQuoteSelector`` (exact, prefix, suffix) within that fragment
  (a refinement, not an alternative: the quote is a part of the fragment, not the same segment); the
  prefix and suffix are taken from the section's own words when the stored ones do not surround the quote;
- a reply has motivation ``replying`` and targets the annotation it answers (section 3.3.4 of the model);
- general comments on the document target the document page itself.

The collection (``AnnotationCollection``) embeds its first ``AnnotationPage``; later pages are at
``?page=N`` and link to each other with ``next``/``prev`` and to the collection with ``partOf``.
"""

from __future__ import annotations

from django.urls import reverse

from comments.models import Comment
from consultations.models import Document, Section
from consultations.tree import with_clauses

from .licence import OGL_URL

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PAGE_SIZE = 500


class PageOutOfRange(Exception):
    pass


def _clauses_by_section(document: Document) -> dict[int, Section]:
    """Every section id -> the commentable section (clause or schedule) it sits in. One query."""
    nodes = (
        Section.objects.filter(document=document)
        .order_by("position")
        .only("id", "kind", "position", "last_descendant", "anchor")
    )
    return {node.pk: clause or node for node, clause in with_clauses(nodes)}


QUOTE_CONTEXT = 32


def _subtree_texts(document: Document) -> dict[int, str]:
    """Every section id -> the words of it and everything under it, whitespace squashed (what a quote is
    checked against when it is posted). One query."""
    nodes = list(
        Section.objects.filter(document=document)
        .order_by("position")
        .values_list("id", "position", "last_descendant", "text")
    )
    out: dict[int, str] = {}
    for i, (pk, _position, last, _text) in enumerate(nodes):
        words = []
        for _pk, position, _last, text in nodes[i:]:
            if position > last:
                break
            words.append(text)
        out[pk] = " ".join(" ".join(words).split())
    return out


def _quote_selector(c: Comment, text: str) -> dict:
    """The stored quote, with its prefix and suffix taken from the section's words when the stored ones
    (which the poster's browser supplied) do not surround the quote there, so the selector matches."""
    exact = " ".join(c.quote_exact.split())
    prefix, suffix = c.quote_prefix, c.quote_suffix
    if text and " ".join(f"{prefix}{exact}{suffix}".split()) not in text:
        at = text.find(exact)
        if at >= 0:
            prefix = text[max(0, at - QUOTE_CONTEXT) : at]
            suffix = text[at + len(exact) : at + len(exact) + QUOTE_CONTEXT]
    return {"type": "TextQuoteSelector", "exact": c.quote_exact, "prefix": prefix, "suffix": suffix}


def _published(document: Document):
    return Comment.objects.public().filter(document=document)


def _annotation(
    c: Comment, *, document: Document, base_url: str, clause_of: dict[int, Section], texts: dict[int, str]
) -> dict:
    def iri(pk: int) -> str:
        return base_url + reverse("comments:comment-detail", kwargs={"pk": pk})

    annotation: dict = {
        "id": iri(c.pk),
        "type": "Annotation",
        "motivation": "replying" if c.parent_id else "commenting",
        "created": c.created_at.isoformat(),
        "modified": (c.edited_at or c.published_at or c.created_at).isoformat(),
        "creator": {"type": "Organization" if c.is_official else "Person", "name": c.author_name},
        "body": {
            "type": "TextualBody",
            "value": c.body,
            "format": "text/plain",
            "purpose": "replying" if c.parent_id else "commenting",
        },
        "rights": OGL_URL,
    }
    if c.parent_id:
        annotation["target"] = iri(c.parent_id)
    elif c.section_id and c.section_id in clause_of:
        clause = clause_of[c.section_id]
        page = base_url + reverse(
            "consultations:section-detail",
            kwargs={"slug": document.consultation.slug, "doc": document.slug, "anchor": clause.anchor},
        )
        selector: dict = {
            "type": "FragmentSelector",
            "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
            "value": c.section.anchor,
        }
        if c.quote_exact:
            selector["refinedBy"] = _quote_selector(c, texts.get(c.section_id, ""))
        annotation["target"] = {
            "type": "SpecificResource",
            "source": {"id": page, "type": "Text", "format": "text/html"},
            "selector": selector,
        }
    else:
        doc_url = base_url + document.get_absolute_url()
        annotation["target"] = {"id": doc_url, "type": "Text", "format": "text/html"}
    return annotation


def document_annotations(document: Document, *, base_url: str, page: int = 1) -> dict:
    """The collection with its first page embedded (page=1), or page N on its own. PageOutOfRange for a
    page past the end (page 1 always exists, empty for a document without comments)."""
    collection_id = base_url + reverse("api:document-annotations", kwargs={"pk": document.pk})
    total = _published(document).count()
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1 or page > pages:
        raise PageOutOfRange(f"There are {pages} pages of annotations.")
    clause_of = _clauses_by_section(document)
    start = (page - 1) * PAGE_SIZE
    comments = (
        _published(document).select_related("author", "section").order_by("path")[start : start + PAGE_SIZE]
    )

    def page_id(n: int) -> str:
        return f"{collection_id}?page={n}"

    comments = list(comments)
    texts = _subtree_texts(document) if any(c.quote_exact for c in comments) else {}
    items = [
        _annotation(c, document=document, base_url=base_url, clause_of=clause_of, texts=texts)
        for c in comments
    ]
    body: dict = {"id": page_id(page), "type": "AnnotationPage", "startIndex": start, "items": items}
    if page < pages:
        body["next"] = page_id(page + 1)
    if page > 1:
        body["prev"] = page_id(page - 1)
    collection = {
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Published comments on {document.title} (version {document.version})",
        "total": total,
        "first": page_id(1),
        "last": page_id(pages),
    }
    if page == 1:
        collection["first"] = body
        return {"@context": CONTEXT, **collection}
    return {"@context": CONTEXT, **body, "partOf": collection}
