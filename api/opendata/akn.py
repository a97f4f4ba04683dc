"""A document's section tree as Akoma Ntoso 3.0 XML that our own importer reads back to the same tree.

Mapping (the inverse of `consultations.importers.akn`): clause -> ``section``; subsection, paragraph,
subparagraph, part and chapter -> the element of that name; crossheading, schedule and other ->
``hcontainer`` with that ``name``; preamble -> ``preamble``; quoted text -> ``quotedStructure`` inside a
``p``. Every element carries the section's lineage key as its ``eId``. A node's own text is one ``p`` per
line, in ``intro`` when the node has children (else ``content``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from lxml import etree

from consultations.models import Document, Section

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_E = f"{{{AKN_NS}}}"

_ELEMENT = {
    "clause": "section",
    "subsection": "subsection",
    "paragraph": "paragraph",
    "subparagraph": "subparagraph",
    "part": "part",
    "chapter": "chapter",
}
_HCONTAINER = {"crossheading": "crossheading", "schedule": "schedule", "other": "other"}


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, _E + tag, {k: v for k, v in attrs.items() if v})
    if text:
        el.text = text
    return el


def _lines(parent, tag: str, text: str) -> None:
    block = _sub(parent, tag)
    for line in text.splitlines():
        if line.strip():
            _sub(block, "p", line)


def _write(parent, node: Section) -> None:
    if node.kind == "quoted":
        holder = _sub(_sub(parent, "content"), "p")
        quoted = _sub(holder, "quotedStructure", eId=node.lineage_key)
        for line in node.text.splitlines():
            if line.strip():
                _sub(quoted, "p", line)
        return
    if node.kind in _ELEMENT:
        el = _sub(parent, _ELEMENT[node.kind], eId=node.lineage_key)
    else:
        el = _sub(parent, "hcontainer", eId=node.lineage_key, name=_HCONTAINER.get(node.kind, "other"))
    if node.number:
        _sub(el, "num", node.number)
    if node.heading:
        _sub(el, "heading", node.heading)
    children = node.tree_children
    if node.text:
        _lines(el, "intro" if children else "content", node.text)
    for child in children:
        _write(el, child)


def _tree(sections: Iterable[Section]) -> list[Section]:
    by_id: dict[int, Section] = {}
    roots: list[Section] = []
    for node in sections:
        node.tree_children = []
        by_id[node.pk] = node
        parent = by_id.get(node.parent_id) if node.parent_id else None
        (parent.tree_children if parent else roots).append(node)
    return roots


def document_to_akn(document: Document, *, site_url: str = "") -> bytes:
    """Serialise the document (sections read in one query, in document order)."""
    roots = _tree(Section.objects.filter(document=document).order_by("position"))
    root = etree.Element(_E + "akomaNtoso", nsmap={None: AKN_NS})
    bill = _sub(root, "bill", name="consultationDraft")
    meta = _sub(bill, "meta")
    ident = _sub(meta, "identification", source="#dhdigital")
    work = _sub(ident, "FRBRWork")
    uri = f"{site_url}{document.get_absolute_url()}"
    _sub(work, "FRBRthis", value=uri)
    _sub(work, "FRBRuri", value=uri)
    date = (document.published_at or document.created_at or timezone.now()).date().isoformat()
    _sub(work, "FRBRdate", date=date, name="published")
    _sub(work, "FRBRauthor", href="#dhdigital")
    _sub(work, "FRBRcountry", value="GB")
    expr = _sub(ident, "FRBRExpression")
    _sub(expr, "FRBRthis", value=f"{uri}v{document.version}/")
    _sub(expr, "FRBRversionNumber", value=str(document.version))
    _sub(expr, "FRBRlanguage", language="eng")

    preface = _sub(bill, "preface")
    _sub(_sub(preface, "p"), "docTitle", document.title)
    if document.long_title:
        _lines(preface, "longTitle", document.long_title)

    preambles = [n for n in roots if n.kind == "preamble"]
    for pre in preambles:
        el = _sub(bill, "preamble", eId=pre.lineage_key)
        if pre.number:
            _sub(el, "num", pre.number)
        if pre.heading:
            _sub(el, "heading", pre.heading)
        if pre.text:
            _lines(el, "intro" if pre.tree_children else "content", pre.text)
        for child in pre.tree_children:
            _write(el, child)
    body = _sub(bill, "body")
    for node in roots:
        if node.kind != "preamble":
            _write(body, node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
