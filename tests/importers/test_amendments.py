"""An engrossed amendment imports as a document of amendments, each with the sections it inserts,
linked to the section it amends when the amended bill is in the consultation."""

from __future__ import annotations

import pytest
from lxml import etree

from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Section

from .helpers import BILLS, U

pytestmark = pytest.mark.django_db
EAS = BILLS / "uslm" / "BILLS-116hr1865eas.xml"
S1000 = BILLS / "uslm" / "S1000_IS.XML"


def amended_bill() -> bytes:
    """A real bill standing in for H.R. 1865: S. 1000's text under H.R. 1865's identifiers."""
    return S1000.read_bytes().replace(b"/us/bill/116/s/1000", b"/us/bill/116/hr/1865")


def test_each_amendment_and_the_section_it_inserts_are_units():
    root = etree.parse(str(EAS)).getroot()
    parsed = parse(EAS.read_bytes(), filename=EAS.name)
    amendments = [n for n in parsed.walk() if n.kind == "amendment"]
    assert len(amendments) == len(root.xpath("//u:amendmentInstruction", namespaces=U)) == 1
    (amendment,) = amendments
    assert (amendment.number, amendment.text, amendment.amends) == (
        "1",
        "At the end, add the following:",
        "end",
    )
    (inserted,) = [c for c in amendment.children if c.kind == "clause"]
    assert (inserted.number, inserted.heading) == ("9", "FINANCIAL ASSURANCES.")
    assert [c.number for c in inserted.children] == ["(1)", "(2)"]
    assert parsed.title == "Senate amendment to H. R. 1865"
    assert parsed.sections[0].kind == "preamble"
    assert parsed.sections[0].text.startswith("Resolved, That the bill from the House of Representatives")


def test_an_amendment_at_the_end_links_to_the_last_section_of_the_bill_on_the_portal(consultation):
    bill = document_import(consultation=consultation, parsed=parse(amended_bill())).document
    result = document_import(consultation=consultation, parsed=parse(EAS.read_bytes()))
    amendment = Section.objects.get(document=result.document, kind="amendment")
    last = Section.objects.filter(document=bill, kind="clause").order_by("-position").first()
    assert amendment.amends == last and amendment.amends_place == "end"
    assert amendment.anchor == "amendment-1" and amendment.label.startswith("Amendment 1")
    inserted = Section.objects.get(document=result.document, kind="clause")
    assert inserted.parent == amendment and inserted.amends is None  # a new section, not a replacement
    assert result.counts["amendment"] == 1 and result.counts["clause"] == 1


def test_an_amendment_naming_a_section_links_to_it(consultation):
    bill = document_import(consultation=consultation, parsed=parse(amended_bill())).document
    data = EAS.read_bytes().replace(
        b"At the end, add the following:", b"Strike section 2 and insert the following:"
    )
    result = document_import(consultation=consultation, parsed=parse(data))
    amendment = Section.objects.get(document=result.document, kind="amendment")
    assert amendment.amends == Section.objects.get(document=bill, eid="/us/bill/116/hr/1865/s2")
    assert amendment.amended_number == "2"


def test_without_the_bill_on_the_portal_nothing_is_linked(consultation, other_team):
    from tests.factories import ConsultationFactory

    elsewhere = ConsultationFactory(team=other_team)
    document_import(consultation=elsewhere, parsed=parse(amended_bill()))  # another team's consultation
    result = document_import(consultation=consultation, parsed=parse(EAS.read_bytes()))
    amendment = Section.objects.get(document=result.document, kind="amendment")
    assert amendment.amends is None and amendment.amends_place == "end"
