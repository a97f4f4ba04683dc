"""Markdown and Word importers: format rules, round trips of a real bill, and located errors."""

from __future__ import annotations

import io
import zipfile

import pytest

from consultations.importers import ImporterError, ParsedDocument, detect_format, parse

from .helpers import AKN_BILLS, CLML_BILLS, tree_words, words
from .roundtrip import outline, to_docx, to_markdown

SAF = next(p for p in AKN_BILLS if p.name.startswith("sustainable"))
NATURAL = next(p for p in AKN_BILLS if p.name.startswith("natural"))


@pytest.fixture(scope="module")
def saf():
    return parse(SAF.read_bytes())


@pytest.fixture(scope="module")
def natural():
    return parse(NATURAL.read_bytes())


@pytest.mark.parametrize("bill", ["saf", "natural"])
def test_markdown_written_from_a_real_bill_reads_back_to_the_same_outline(bill, request):
    source = request.getfixturevalue(bill)
    back = parse(to_markdown(source), filename="bill.md")
    assert back.source_format == "md"
    assert back.title == source.title
    assert back.long_title == source.long_title
    assert outline(back) == outline(source)
    assert back.counts() == source.counts()
    assert not (tree_words(source) - tree_words(back))


def test_markdown_subsection_text_survives_the_round_trip(saf):
    back = parse(to_markdown(saf), fmt="md")
    clause = next(n for n in back.walk() if n.kind == "clause" and n.number == "1")
    assert clause.heading == "Direction to offer revenue certainty contract"
    assert clause.children[0].number == "(1)"
    assert clause.children[0].text.startswith("The Secretary of State may direct the designated counterparty")


def test_docx_written_from_a_real_bill_reads_back_to_the_same_outline(saf):
    data = to_docx(saf)
    assert detect_format(data) == "docx"
    back = parse(data, filename="bill.docx")
    assert back.source_format == "docx"
    assert back.title == saf.title
    assert outline(back) == outline(saf)
    assert back.counts() == saf.counts()
    assert not (tree_words(saf) - tree_words(back))


def test_docx_tables_become_text_rows():
    clml = parse(CLML_BILLS[0].read_bytes())
    schedule10 = next(n for n in clml.sections if n.kind == "schedule" and n.number == "10")
    rows = [line.split(" | ") for line in schedule10.text.splitlines()[1:4]]
    assert len(rows) == 3 and all(len(r) == 2 for r in rows)
    one_schedule = ParsedDocument(title=clml.title, source_format="clml", sections=[schedule10])
    back = parse(to_docx(one_schedule, table_rows=rows), fmt="docx")
    last = list(back.walk())[-1]
    assert last.text.splitlines()[-3:] == [" | ".join(r) for r in rows]


def test_markdown_headings_are_classified_by_their_words_not_their_level():
    doc = parse(
        b"# Care Bill\n\n### Part 2 Charging\n# Chapter 1 General\n## Clause 12: Charges\n"
        b"(1) A local authority may charge.\n(a) for care;\n(i) at home,\n(b) for support.\n"
        b"#### Schedule 3 Transitional\n## 1 Commencement\n(1) Sub-paragraph text.\n",
        fmt="md",
    )
    part = doc.sections[0]
    assert (part.kind, part.number, part.heading) == ("part", "2", "Charging")
    clause = part.children[0].children[0]
    assert (clause.kind, clause.number, clause.heading) == ("clause", "12", "Charges")
    assert [(n.kind, n.number) for n in clause.walk()][1:] == [
        ("subsection", "(1)"),
        ("paragraph", "(a)"),
        ("subparagraph", "(i)"),
        ("paragraph", "(b)"),
    ]
    schedule = doc.sections[1]
    assert [(n.kind, n.number) for n in schedule.walk()] == [
        ("schedule", "3"),
        ("paragraph", "1"),
        ("subparagraph", "(1)"),
    ]
    assert doc.counts()["clause"] == 1


def test_markdown_letter_i_after_h_is_a_paragraph_not_a_roman_numeral():
    doc = parse(b"## 1 Title\n(1) Text\n(h) eighth\n(i) ninth\n(ii) roman\n", fmt="md")
    kinds = [(n.kind, n.number) for n in doc.walk()][2:]
    assert kinds == [("paragraph", "(h)"), ("paragraph", "(i)"), ("subparagraph", "(ii)")]


def test_markdown_not_utf8_names_the_line():
    with pytest.raises(ImporterError) as err:
        parse(b"# Bill\n\n## 1 Title\n\xff\xfe bad\n", fmt="md")
    assert err.value.location == "line 4"
    assert "line 4" in str(err.value)


def test_markdown_numbered_text_before_any_heading_names_the_line():
    with pytest.raises(ImporterError) as err:
        parse(b"# Bill\n\nA bill to do things.\n\n(1) Orphan subsection.\n", fmt="md")
    assert "line 5" in str(err.value)


def test_markdown_without_sections_is_refused():
    with pytest.raises(ImporterError, match="No sections found"):
        parse(b"Just a letter to the minister.\n", fmt="md")


def test_docx_numbered_text_before_any_heading_names_the_paragraph():
    from docx import Document

    word = Document()
    word.add_paragraph("A bill to make provision about sustainable aviation fuel.")
    word.add_paragraph("(1) The Secretary of State may direct the designated counterparty.")
    buffer = io.BytesIO()
    word.save(buffer)
    with pytest.raises(ImporterError) as err:
        parse(buffer.getvalue(), filename="bill.docx")
    assert err.value.location == "paragraph 2"


def test_zip_of_junk_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a word document")
    with pytest.raises(ImporterError, match="not a Word document"):
        parse(buffer.getvalue(), filename="bill.docx")


def test_truncated_docx_is_refused(saf):
    with pytest.raises(ImporterError, match="not a Word document"):
        parse(to_docx(saf)[:2000], filename="bill.docx")


def test_words_of_a_markdown_file_all_reach_the_tree():
    text = (
        "# Sustainable Aviation Fuel Bill\n\nA bill to make provision about sustainable aviation fuel.\n\n"
        "### Revenue certainty contracts\n\n## 1 Direction to offer revenue certainty contract\n\n"
        "(1) The Secretary of State may direct the designated counterparty to offer to enter into a revenue\n"
        "certainty contract with a producer of sustainable aviation fuel.\n"
        "> “(2A) quoted words”.\n\nWrap-up words.\n"
    )
    doc = parse(text.encode(), fmt="md")
    assert not (words(text) - tree_words(doc))
    assert [n.kind for n in doc.walk()] == ["crossheading", "clause", "subsection", "quoted", "other"]
