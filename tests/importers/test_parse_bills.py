"""The XML importers against every real bill in shared/data, checked against the XML itself."""

from __future__ import annotations

from collections import Counter

import pytest

from consultations.importers import detect_format, parse

from .helpers import (
    AKN_BILLS,
    ALL_BILLS,
    CLML_BILLS,
    FORMATS,
    LABELS,
    TEXT_BILLS,
    USLM_BILLS,
    A,
    U,
    load,
    source_text,
    tree_words,
    words,
)

XML_BILLS = [p for p in ALL_BILLS if p not in TEXT_BILLS]
ids = [p.name for p in XML_BILLS]
FORMAT_OF = FORMATS


@pytest.fixture(scope="module")
def parsed_bills():
    return {path: parse(path.read_bytes(), filename=path.name) for path in XML_BILLS}


def test_the_real_bills_of_each_format_are_found_whatever_the_case_of_their_names():
    assert len(AKN_BILLS) >= 5 and len(CLML_BILLS) >= 1 and len(USLM_BILLS) >= 5
    names = {p.name for p in USLM_BILLS}
    assert {"BILLS-118s1325rs.xml", "BILLS-116hr1865eas.xml", "S1000_IS.XML"} <= names


@pytest.mark.parametrize("path", XML_BILLS, ids=ids)
def test_format_is_detected_from_the_xml_root(path):
    assert detect_format(path.read_bytes()) == FORMAT_OF[path]


@pytest.mark.parametrize("path", XML_BILLS, ids=ids)
def test_every_word_of_the_bill_text_is_in_the_tree(path, parsed_bills):
    missing = words(source_text(path)) - tree_words(parsed_bills[path])
    assert not missing, f"words dropped: {missing.most_common(20)}"


@pytest.mark.parametrize("path", XML_BILLS, ids=ids)
def test_no_text_is_duplicated_beyond_labels_and_title(path, parsed_bills):
    parsed = parsed_bills[path]
    extra = tree_words(parsed) - words(source_text(path))
    allowed = words(parsed.title) + Counter({label.casefold(): 10**6 for label in LABELS.values()})
    for node in parsed.walk():  # the importer's own words: a component's heading, an amendment's order
        if node.kind == "crossheading" and node.heading.startswith(("Struck out", "Inserted")):
            allowed += words(node.heading)
        if node.kind == "amendment":
            allowed += words(node.number)
    assert not (extra - allowed), f"words added: {(extra - allowed).most_common(20)}"


def test_the_word_checker_notices_a_dropped_subsection(parsed_bills):
    path = AKN_BILLS[-1]
    parsed = parsed_bills[path]
    clause = next(n for n in parsed.walk() if n.kind == "clause")
    kept = clause.children.pop(0)
    try:
        assert words(source_text(path)) - tree_words(parsed)
    finally:
        clause.children.insert(0, kept)


@pytest.mark.parametrize("path", AKN_BILLS, ids=[p.name for p in AKN_BILLS])
def test_akn_eids_are_kept(path, parsed_bills):
    root = load(path)
    structural = root.xpath(
        "//a:body//*[self::a:section or self::a:subsection or self::a:part or self::a:chapter"
        " or self::a:paragraph or self::a:subparagraph or self::a:level or self::a:hcontainer]"
        "[not(ancestor::a:quotedStructure or ancestor::a:embeddedStructure)][@eId]"
        "[not(@name='schedules')]",
        namespaces=A,
    )
    eids = {n.eid for n in parsed_bills[path].walk()}
    assert {el.get("eId") for el in structural} <= eids
    assert len(structural) > 50


def test_clml_ids_are_kept(parsed_bills):
    path = CLML_BILLS[0]
    root = load(path)
    elements = root.xpath("//Body//P1 | //Body//P2 | //Schedule | //Part")
    ids_ = {el.get("id") for el in elements if el.get("id")}
    assert ids_ <= {n.eid for n in parsed_bills[path].walk()}


@pytest.mark.parametrize("path", USLM_BILLS, ids=[p.name for p in USLM_BILLS])
def test_uslm_identifiers_are_kept(path, parsed_bills):
    root = load(path)
    idents = {
        el.get("identifier")
        for el in root.xpath("//u:main//u:section[@identifier][not(ancestor::u:quotedContent)]", namespaces=U)
    }
    assert idents <= {n.eid for n in parsed_bills[path].walk()}


@pytest.mark.parametrize("path", XML_BILLS, ids=ids)
def test_quoted_amendment_text_is_one_leaf_and_never_a_clause(path, parsed_bills):
    for node in parsed_bills[path].walk():
        if node.kind == "quoted":
            assert node.children == [] and node.text


def test_akn_clause_keeps_number_heading_and_subsection_text(parsed_bills):
    saf = next(p for p in AKN_BILLS if p.name.startswith("sustainable"))
    doc = parsed_bills[saf]
    assert doc.title == "Sustainable Aviation Fuel Bill"
    assert doc.long_title == "A bill to make provision about sustainable aviation fuel."
    clause = next(n for n in doc.walk() if n.eid == "sec_1")
    assert (clause.kind, clause.number) == ("clause", "1")
    assert clause.heading == "Direction to offer revenue certainty contract"
    sub2 = clause.children[1]
    assert (sub2.kind, sub2.number, sub2.eid) == ("subsection", "(2)", "sec_1__subsec_2")
    assert sub2.text == "In this Act “revenue certainty contract” means a contract which provides for—"
    assert [c.number for c in sub2.children] == ["(a)", "(b)", "(c)"]
    definition = next(n for n in doc.walk() if n.eid == "sec_1__subsec_3__def_strikeprice_")
    assert definition.text.startswith("“strike price” means an amount")


def test_akn_amendment_keeps_quoted_text_with_its_closing_punctuation(parsed_bills):
    nat = next(p for p in AKN_BILLS if p.name.startswith("natural"))
    quoted = next(n for n in parsed_bills[nat].walk() if n.eid == "sec_8__subsec_2__para_b__qstr")
    assert quoted.text.startswith("“(aa) where the land is within an area designated as a National Park")
    assert quoted.text.endswith("that National Park authority, and”.")


def test_clml_schedule_is_numbered_and_its_paragraphs_are_not_clauses(parsed_bills):
    doc = parsed_bills[CLML_BILLS[0]]
    schedules = [n for n in doc.sections if n.kind == "schedule"]
    assert [s.number for s in schedules] == [str(n) for n in range(1, 11)]
    assert schedules[0].text == "(introduced by section 27)"
    assert not any(n.kind == "clause" for s in schedules for n in s.walk())


def test_uslm_sections_use_the_number_value_and_keep_headings(parsed_bills):
    s1000 = next(p for p in USLM_BILLS if p.name.startswith("S1000"))
    doc = parsed_bills[s1000]
    assert doc.title == "Disaster Opportunity Zones Act"
    first = next(n for n in doc.walk() if n.kind == "clause")
    assert (first.number, first.heading, first.eid) == ("1", "SHORT TITLE.", "/us/bill/116/s/1000/s1")


@pytest.mark.parametrize(
    ("name", "title", "long_title_start"),
    [
        ("H2740_RH.XML", "H. R. 2740", "A BILL Making appropriations for the Departments"),
        ("HR1017_RH.XML", "H. Res. 1017", "RESOLUTION Providing for consideration of the bill"),
    ],
)
def test_uslm_bill_without_a_short_title_is_titled_by_its_citation(
    parsed_bills, name, title, long_title_start
):
    doc = parsed_bills[next(p for p in USLM_BILLS if p.name == name)]
    assert doc.title == title
    assert doc.long_title.startswith(long_title_start)


OUTERMOST_QUOTES = {
    "akn": (
        "//a:body//*[self::a:quotedStructure or self::a:embeddedStructure]"
        "[not(ancestor::a:quotedStructure or ancestor::a:embeddedStructure)]"
    ),
    "clml": "//BlockAmendment[not(ancestor::BlockAmendment)]",
    "uslm": "//u:main//u:quotedContent[not(ancestor::u:quotedContent)]",
}


@pytest.mark.parametrize("path", XML_BILLS, ids=ids)
def test_each_outermost_quoted_structure_becomes_one_quoted_section(path, parsed_bills):
    root = load(path)
    expected = len(root.xpath(OUTERMOST_QUOTES[FORMAT_OF[path]], namespaces={**A, **U}))
    assert sum(n.kind == "quoted" for n in parsed_bills[path].walk()) == expected


def test_a_quoted_chapter_keeps_its_outline_as_indentation(parsed_bills):
    land = next(p for p in AKN_BILLS if p.name.startswith("land-reform"))
    quoted = next(n for n in parsed_bills[land].walk() if n.eid == "sec_1__subsec_4__qstr")
    root = load(land)
    (qstr,) = root.xpath("//a:quotedStructure[@eId='sec_1__subsec_4__qstr']", namespaces=A)
    chapter, crossheading = qstr[0], qstr[0].xpath("a:hcontainer[@name='crossheading']", namespaces=A)[0]
    section = crossheading.xpath("a:section", namespaces=A)[0]
    first_sub = section.xpath("a:subsection", namespaces=A)[0]

    def heading(el) -> str:
        return " ".join(el.xpath("string(a:heading)", namespaces=A).split())

    def num(el) -> str:
        return el.xpath("string(a:num)", namespaces=A).strip()

    lines = quoted.text.splitlines()
    assert lines[0] == f"“{num(chapter)} {heading(chapter)}"
    assert lines[1] == f"  {heading(crossheading)}"
    assert lines[2] == f"    {num(section)} {heading(section)}"
    assert lines[3].startswith(f"      {num(first_sub)} The Scottish Ministers may by regulations")
    # every line is indented by whole levels, and no line is more than one level deeper than the last
    depths = [(len(line) - len(line.lstrip(" "))) for line in lines]
    assert all(d % 2 == 0 for d in depths)
    assert all(b - a <= 2 for a, b in zip(depths, depths[1:], strict=False))
