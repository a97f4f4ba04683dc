"""Independent readings of the real bills, for checking the importers against the XML itself."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from lxml import etree

BILLS = Path(settings.DATA_DIR) / "bills"
AKN_BILLS = sorted((BILLS / "akn").glob("*.xml"))
CLML_BILLS = [BILLS / "clml" / "tribunals-scotland-act-2014.clml.xml"]
USLM_BILLS = sorted((BILLS / "uslm").glob("*.XML"))
ALL_BILLS = [*AKN_BILLS, *CLML_BILLS, *USLM_BILLS]

A = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
U = {"u": "http://schemas.gpo.gov/xml/uslm"}
_WORD = re.compile(r"\w+")
LABELS = {"part": "Part", "chapter": "Chapter", "schedule": "Schedule", "clause": "Clause"}


def load(path: Path):
    parser = etree.XMLParser(remove_pis=True, remove_comments=True, resolve_entities=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


def words(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(text))


INLINE = {
    "inline",
    "ref",
    "mref",
    "rref",
    "def",
    "i",
    "b",
    "u",
    "sup",
    "sub",
    "span",
    "abbr",
    "term",
    "date",
    "quotedText",
    "Emphasis",
    "Strong",
    "Abbreviation",
    "Acronym",
    "Citation",
    "Superior",
    "Inferior",
    "Term",
    "Definition",
    "shortTitle",
    "amendingAction",
    "headingText",
    "proviso",
}


def text_of(*elements) -> str:
    """All the words under the elements. Block boundaries separate words even where the XML has no
    whitespace between blocks; inline markup (a drop capital, a reference) does not."""
    out: list[str] = []

    def walk(node) -> None:
        out.append(node.text or "")
        for child in node:
            if not isinstance(child.tag, str):
                out.append(child.tail or "")
                continue
            inline = etree.QName(child).localname in INLINE
            out.append("" if inline else " ")
            walk(child)
            out.append(("" if inline else " ") + (child.tail or ""))

    for el in elements:
        walk(el)
        out.append(" ")
    return "".join(out)


def tree_words(parsed) -> Counter:
    parts = [parsed.title, parsed.long_title]
    for node in parsed.walk():
        parts += [LABELS.get(node.kind, ""), node.number, node.heading, node.text]
    return words(" ".join(parts))


def not_in(*names: str, prefix: str = "a") -> str:
    return "".join(f"[not(ancestor::{prefix}:{n})]" for n in names)


def akn_expected(root) -> dict[str, int]:
    q = not_in("quotedStructure", "embeddedStructure")
    x = lambda path: len(root.xpath(f"//a:body//{path}{q}", namespaces=A))  # noqa: E731
    return {
        "part": x("a:part"),
        "chapter": x("a:chapter"),
        "crossheading": x("a:hcontainer[@name='crossheading' or @name='subheading']"),
        "clause": x("a:section[not(ancestor::a:hcontainer[@name='schedule'])]"),
        "subsection": x("a:subsection"),
        "paragraph": x("*[self::a:paragraph or self::a:level[@class='para1']]"),
        "schedule": x("a:hcontainer[@name='schedule']"),
    }


def akn_source_text(root) -> str:
    parts = root.xpath("//a:preface/a:longTitle | //a:preamble | //a:body", namespaces=A)
    return text_of(*parts)


def clml_expected(root) -> dict[str, int]:
    q = "[not(ancestor::BlockAmendment)]"
    x = lambda path: len(root.xpath(f"(/*/Body | /*/Schedules)//{path}{q}"))  # noqa: E731
    return {
        "part": x("Part"),
        "chapter": x("Chapter"),
        "crossheading": x("Pblock") + x("PsubBlock") + x("P1group[count(P1) > 1]"),
        "clause": len(root.xpath(f"/*/Body//P1{q}")),
        "subsection": len(root.xpath(f"/*/Body//P2{q}")),
        "paragraph": x("P3") + len(root.xpath(f"/*/Schedules//P1{q}")),
        "schedule": x("Schedule"),
    }


def clml_source_text(root) -> str:
    return text_of(
        *root.xpath(
            "/*/PrimaryPrelims/LongTitle | /*/PrimaryPrelims/DateOfEnactment | /*/Body | /*/Schedules"
        )
    )


def uslm_expected(root) -> dict[str, int]:
    q = "[not(ancestor::u:quotedContent)]"
    x = lambda path: len(root.xpath(f"//u:main//{path}{q}", namespaces=U))  # noqa: E731
    return {
        "part": x("u:title") + x("u:division"),
        "chapter": x("u:subtitle") + x("u:chapter") + x("u:subchapter") + x("u:part") + x("u:subpart"),
        "crossheading": x("u:appropriations[@level!='small']"),
        "clause": x("u:section"),
        "subsection": x("u:subsection"),
        "paragraph": x("u:paragraph"),
        "schedule": 0,
    }


def uslm_source_text(root) -> str:
    # Documented mapping: a title's or section's number is its num/@value ("SEC. 101." -> "101").
    for num in root.xpath(
        "//u:main//*[self::u:section or self::u:title or self::u:division"
        " or self::u:subtitle"
        " or self::u:chapter or self::u:subchapter or self::u:part or self::u:subpart]"
        "/u:num[@value]",
        namespaces=U,
    ):
        for child in list(num):
            num.remove(child)
        num.text = num.get("value")
    return text_of(*root.xpath("//u:main", namespaces=U))


def expected_counts(path: Path) -> dict[str, int]:
    root = load(path)
    if path in AKN_BILLS:
        return akn_expected(root)
    if path in CLML_BILLS:
        return clml_expected(root)
    return uslm_expected(root)


def source_text(path: Path) -> str:
    root = load(path)
    if path in AKN_BILLS:
        return akn_source_text(root)
    if path in CLML_BILLS:
        return clml_source_text(root)
    return uslm_source_text(root)
