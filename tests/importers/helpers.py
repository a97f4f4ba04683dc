"""Independent readings of the real bills, for checking the importers against the XML itself."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from lxml import etree

BILLS = Path(settings.DATA_DIR) / "bills"
A = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
U = {"u": "http://schemas.gpo.gov/xml/uslm"}

# Files in bills/ that are not bills, each with what it is (anything else found there is a bill and is
# imported by the tests). A folder ends in "/". The corpus test checks each entry still exists, and that
# the XML ones are refused with a message, not imported as nothing.
NOT_BILLS = {
    "akn/uk-akn-docs/": "documentation of the UK Akoma Ntoso profile",
    "clml/tribunals-scotland-act-2014.contents.clml.xml": "the Act's table of contents",
    "uslm/LICENSE.md": "the licence of the USLM examples",
    "uslm/USLM-User-Guide.md": "the USLM user guide",
}


def _relative(path: Path) -> str:
    return path.relative_to(BILLS).as_posix()


def not_a_bill(path: Path) -> bool:
    name = _relative(path)
    return any(name == entry or (entry.endswith("/") and name.startswith(entry)) for entry in NOT_BILLS)


def format_of(path: Path) -> str:
    """The format of a file, read here from its root element and name, not by the importers' detection."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        return "md"
    if suffix == ".docx":
        return "docx"
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    namespace = etree.QName(root).namespace or ""
    if namespace == A["a"]:
        return "akn"
    if namespace == U["u"]:
        return "uslm"
    if etree.QName(root).localname in ("Legislation", "Primary", "Secondary"):
        return "clml"
    raise AssertionError(f"{path}: not a format the corpus test knows; add it to NOT_BILLS or the test")


# Every file in bills/, whatever the case of its name (.xml and .XML alike), sorted by path.
CORPUS = sorted(p for p in BILLS.rglob("*") if p.is_file())
ALL_BILLS = [p for p in CORPUS if not not_a_bill(p)]
FORMATS = {p: format_of(p) for p in ALL_BILLS}
AKN_BILLS = [p for p in ALL_BILLS if FORMATS[p] == "akn"]
CLML_BILLS = [p for p in ALL_BILLS if FORMATS[p] == "clml"]
USLM_BILLS = [p for p in ALL_BILLS if FORMATS[p] == "uslm"]
TEXT_BILLS = [p for p in ALL_BILLS if FORMATS[p] in ("md", "docx")]
_WORD = re.compile(r"\w+")
LABELS = {
    "part": "Part",
    "chapter": "Chapter",
    "schedule": "Schedule",
    "clause": "Clause",
    "amendment": "Amendment",
}


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
        "amendment": 0,
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
        "amendment": 0,
    }


def clml_source_text(root) -> str:
    return text_of(
        *root.xpath(
            "/*/PrimaryPrelims/LongTitle | /*/PrimaryPrelims/DateOfEnactment | /*/Body | /*/Schedules"
        )
    )


USLM_BODY = "/*/u:main | /*/u:amendMain"


def uslm_expected(root) -> dict[str, int]:
    q = "[not(ancestor::u:quotedContent)]"
    x = lambda path: len(root.xpath(f"(/*/u:main | /*/u:amendMain)//{path}{q}", namespaces=U))  # noqa: E731
    return {
        "part": x("u:title") + x("u:division"),
        "chapter": x("u:subtitle") + x("u:chapter") + x("u:subchapter") + x("u:part") + x("u:subpart"),
        # a reported bill's struck-out and inserted texts are each under a heading
        "crossheading": x("u:appropriations[@level!='small']") + x("u:component[@changed]"),
        # an amendment document's unnumbered "That the bill ... do pass" is its preamble, not a clause
        "clause": x("u:section[u:num or not(parent::u:amendMain)]"),
        "subsection": x("u:subsection"),
        "paragraph": x("u:paragraph"),
        "schedule": 0,
        "amendment": x("u:amendmentInstruction"),
    }


def uslm_source_text(root) -> str:
    # Documented mapping: a title's or section's number is its num/@value ("SEC. 101." -> "101").
    for num in root.xpath(
        "(/*/u:main | /*/u:amendMain)//*[self::u:section or self::u:title or self::u:division"
        " or self::u:subtitle"
        " or self::u:chapter or self::u:subchapter or self::u:part or self::u:subpart]"
        "/u:num[@value]",
        namespaces=U,
    ):
        for child in list(num):
            num.remove(child)
        num.text = num.get("value")
    return text_of(*root.xpath(USLM_BODY, namespaces=U))


def expected_counts(path: Path) -> dict[str, int]:
    root = load(path)
    return {"akn": akn_expected, "clml": clml_expected, "uslm": uslm_expected}[FORMATS[path]](root)


def source_text(path: Path) -> str:
    root = load(path)
    return {"akn": akn_source_text, "clml": clml_source_text, "uslm": uslm_source_text}[FORMATS[path]](root)
