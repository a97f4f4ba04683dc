"""A document's section tree as Akoma Ntoso 3.0 XML that our own importer reads back to the same tree.

Mapping (the inverse of `consultations.importers.akn`): clause -> ``section``; subsection, paragraph,
subparagraph, part and chapter -> the element of that name; crossheading, schedule and other ->
``hcontainer`` with that ``name``; preamble -> ``preamble``; quoted text -> ``quotedStructure`` inside a
``p``. Every element carries the section's own ``eId`` (the structural id it was imported with, when it
had one) and its lineage key as ``GUID``, which the importer prefers, so both come back unchanged. A node's
own text is one ``p`` per line, in ``intro`` when the node has children (else ``content``).

The metadata block has the three FRBR levels (work, expression, manifestation) the schema requires, and
the organisation they name is declared in ``references``.

A publisher's explanatory note on a clause, schedule or part is an editorial ``note`` in the metadata's
``notes`` (``class="explanatoryNote"``, one ``p`` per paragraph of its sanitised Markdown, as plain text)
that the element refers to with a ``noteRef`` in its heading (or number): the note explains the text and
is not part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from consultations.models import Document, Section
from dhdigital.lib.markdown import render_markdown

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
# Characters XML 1.0 cannot carry (C0 controls other than tab and newlines, e.g. Word's vertical tab).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _ids(node: Section) -> dict[str, str]:
    return {"eId": _xml_text(node.eid), "GUID": _xml_text(node.lineage_key)}


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, _E + tag, {k: v for k, v in attrs.items() if v})
    if text:
        el.text = _xml_text(text)
    return el


def _lines(parent, tag: str, text: str) -> None:
    block = _sub(parent, tag)
    for line in text.splitlines():
        if line.strip():
            _sub(block, "p", line)


def _note_id(node: Section) -> str:
    return f"note_{node.anchor}"


def _note_ref(el, node: Section) -> None:
    """The marker in the element's heading or number that points at its explanatory note."""
    if not node.explanatory_note:
        return
    holder = el.find(_E + "heading")
    if holder is None:
        holder = el.find(_E + "num")
    if holder is None:
        holder = _sub(el, "heading")
    _sub(
        holder,
        "noteRef",
        href=f"#{_note_id(node)}",
        marker="Note",
        placement="side",
        **{"class": "explanatoryNote"},
    )


def _note_paragraphs(markdown: str) -> list[str]:
    """The note's text, one string per block (paragraph, list item, heading), from the sanitised HTML."""
    fragment = lxml_html.fragment_fromstring(render_markdown(markdown), create_parent="div")
    blocks = fragment.xpath(".//p | .//li | .//h2 | .//h3 | .//h4 | .//td | .//th | .//pre")
    texts = [" ".join(b.text_content().split()) for b in blocks if not b.xpath(".//p | .//li")]
    return [t for t in texts if t] or [" ".join(fragment.text_content().split())]


def _notes(meta, sections: Iterable[Section]) -> None:
    noted = [s for s in sections if s.explanatory_note]
    if not noted:
        return
    notes = _sub(meta, "notes", source="#dhdigital")
    for node in noted:
        note = _sub(
            notes, "note", eId=_note_id(node), **{"class": "explanatoryNote", "title": "Explanatory note"}
        )
        for text in _note_paragraphs(node.explanatory_note):
            _sub(note, "p", text)


def _write(parent, node: Section) -> None:
    if node.kind == "quoted":
        holder = _sub(_sub(parent, "content"), "p")
        quoted = _sub(holder, "quotedStructure", **_ids(node))
        for line in node.text.splitlines():
            if line.strip():
                _sub(quoted, "p", line)
        return
    if node.kind in _ELEMENT:
        el = _sub(parent, _ELEMENT[node.kind], **_ids(node))
    else:
        el = _sub(parent, "hcontainer", **_ids(node), name=_HCONTAINER.get(node.kind, "other"))
    if node.number:
        _sub(el, "num", node.number)
    if node.heading:
        _sub(el, "heading", node.heading)
    _note_ref(el, node)
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
    sections = list(Section.objects.filter(document=document).order_by("position"))
    roots = _tree(sections)
    root = etree.Element(_E + "akomaNtoso", nsmap={None: AKN_NS})
    bill = _sub(root, "bill", name="consultationDraft")
    meta = _sub(bill, "meta")
    ident = _sub(meta, "identification", source="#dhdigital")
    uri = f"{site_url}{document.get_absolute_url()}"
    date = (document.published_at or document.created_at or timezone.now()).date().isoformat()
    work = _sub(ident, "FRBRWork")
    _sub(work, "FRBRthis", value=uri)
    _sub(work, "FRBRuri", value=uri)
    _sub(work, "FRBRdate", date=date, name="published")
    _sub(work, "FRBRauthor", href="#dhdigital")
    _sub(work, "FRBRcountry", value="GB")
    expression = f"{uri}v{document.version}/"
    expr = _sub(ident, "FRBRExpression")
    _sub(expr, "FRBRthis", value=expression)
    _sub(expr, "FRBRuri", value=expression)
    _sub(expr, "FRBRdate", date=date, name="version")
    _sub(expr, "FRBRauthor", href="#dhdigital")
    _sub(expr, "FRBRversionNumber", value=str(document.version))
    _sub(expr, "FRBRlanguage", language="eng")
    manifestation = f"{site_url}{reverse('api:document-akn', kwargs={'pk': document.pk})}"
    manif = _sub(ident, "FRBRManifestation")
    _sub(manif, "FRBRthis", value=manifestation)
    _sub(manif, "FRBRuri", value=manifestation)
    _sub(manif, "FRBRdate", date=date, name="manifestation")  # the document's date: a stable ETag
    _sub(manif, "FRBRauthor", href="#dhdigital")
    refs = _sub(meta, "references", source="#dhdigital")
    _sub(
        refs,
        "TLCOrganization",
        eId="dhdigital",
        href="/ontology/organization/dhdigital",
        showAs=settings.SITE_NAME,
    )
    _notes(meta, sections)

    preface = _sub(bill, "preface")
    _sub(_sub(preface, "p"), "docTitle", document.title)
    if document.long_title:
        _lines(preface, "longTitle", document.long_title)

    preambles = [n for n in roots if n.kind == "preamble"]
    for pre in preambles:
        el = _sub(bill, "preamble", **_ids(pre))
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
