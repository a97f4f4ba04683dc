"""An import never succeeds with nothing in it: a document with text and no clause, section, schedule
or amendment is refused naming what was found; one whose structure is only partly understood says which
elements were read as plain text, how many and where."""

from __future__ import annotations

import pytest

from consultations.importers import ImporterError, parse

from .helpers import BILLS
from .test_hostile_input import refused

pytestmark = pytest.mark.django_db
S1325 = BILLS / "uslm" / "BILLS-118s1325rs.xml"
ADDED = b'<component origin="#SSFR00" changed="added">'


def test_the_real_bill_in_components_imports_its_sections():
    parsed = parse(S1325.read_bytes(), filename=S1325.name)
    assert parsed.counts()["clause"] == 17
    assert not parsed.skipped


def test_a_document_whose_provisions_are_all_in_unknown_elements_is_refused(consultation):
    data = S1325.read_bytes().replace(b"<collection>", b"<bundle>").replace(b"</collection>", b"</bundle>")
    error = refused(consultation, data, filename=S1325.name)
    assert "found 1 <bundle> element and no section the importer understands" in error.message
    assert "line 35" in error.location
    assert "Nothing was imported" in error.for_people()


def test_three_unknown_components_are_counted_in_the_message(consultation):
    body = S1325.read_bytes()
    start, end = body.index(b"<collection>"), body.index(b"</collection>") + len(b"</collection>")
    collection = body[start:end].replace(b"collection>", b"bundle>")
    data = body[:start] + collection * 3 + body[end:]
    error = refused(consultation, data, filename=S1325.name)
    assert "found 3 <bundle> elements and no section" in error.message


def test_a_partly_understood_document_says_what_it_read_as_plain_text():
    body = S1325.read_bytes()
    added = body.index(ADDED)
    close = body.index(b"</component>", added)
    data = (
        body[:added]
        + b"<annex>"
        + body[added + len(ADDED) : close]
        + b"</annex>"
        + body[close + len(b"</component>") :]
    )
    parsed = parse(data, filename=S1325.name)
    assert parsed.counts()["clause"] == 7  # the struck-out component's sections; the others are text
    (line,) = parsed.skipped_lines()
    assert line.startswith("1 <annex> element, read as plain text (/bill/main/collection/annex, line ")


def test_markdown_with_headings_and_no_clause_is_refused(consultation):
    data = b"# Our plans\n\nSome words.\n\n## Background\n\nMore words.\n"
    error = refused(consultation, data, filename="plans.md")
    assert "found 1 heading" in error.message and "no section the importer understands" in error.message


def test_a_bill_with_clauses_is_not_refused():
    parsed = parse(b"# 1 Purpose\n\nWords.\n", filename="bill.md")
    assert parsed.counts()["clause"] == 1


def test_refusal_is_an_importer_error_with_a_location():
    with pytest.raises(ImporterError) as caught:
        parse(b"# Heading only\n\ntext\n", filename="x.md")
    assert caught.value.location


@pytest.mark.parametrize(
    ("path", "after", "part"),
    [
        (BILLS / "akn" / "sustainable-aviation-fuel-bill.xml", b"</body>", b"attachments"),
        (BILLS / "clml" / "tribunals-scotland-act-2014.clml.xml", b"</Schedules>", b"Appendix"),
    ],
)
def test_a_part_of_an_akn_or_clml_document_the_importer_does_not_read_is_reported(path, after, part):
    """As USLM does: a publisher confirms before a document with a part left out is saved (before, Akoma
    Ntoso attachments and a CLML appendix were dropped without a word)."""
    body = path.read_bytes()
    end = body.index(after) + len(after)
    extra = b"<" + part + b"><p>Words no reader would see.</p></" + part + b">"
    parsed = parse(body[:end] + extra + body[end:], filename=path.name)
    assert parse(body, filename=path.name).counts() == parsed.counts()
    (line,) = parsed.skipped_lines()
    assert line.startswith(f"1 <{part.decode()}> element, left out (") and "line " in line
