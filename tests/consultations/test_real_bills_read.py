"""Every real bill in ../shared/data/bills imports and reads: each clause is on the document page with its
anchor and its own page, and the table of contents lists every clause and schedule."""

import html as html_lib
import re

import pytest

from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Section
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

BILLS = [
    "akn/sustainable-aviation-fuel-bill.xml",
    "akn/natural-environment-scotland-bill.xml",
    "akn/sentencing-bill-lords.xml",
    "akn/bail-and-release-scotland-bill-stage2.xml",
    "akn/land-reform-scotland-bill.xml",
    "clml/tribunals-scotland-act-2014.clml.xml",
    "uslm/HR1017_RH.XML",
    "uslm/H2740_RH.XML",
    "uslm/S1000_IS.XML",
]


@pytest.mark.parametrize("bill", BILLS)
def test_real_bill_reads_clause_by_clause(client, shared_data, bill):
    path = shared_data / "bills" / bill
    consultation = ConsultationFactory()
    result = document_import(
        consultation=consultation,
        parsed=parse(path.read_bytes(), filename=path.name),
        slug="bill",
        source_name=path.name,
    )
    doc = result.document
    doc.state = "published"
    doc.save()
    units = list(doc.sections.filter(kind__in=Section.COMMENTABLE).order_by("position"))
    assert units, "no clauses imported"
    html = client.get(doc.get_absolute_url()).content.decode()
    toc = html.split('aria-labelledby="contents-heading"', 1)[1].split("</nav>", 1)[0]
    for unit in units:
        assert f'id="{unit.anchor}"' in html
        assert f"/{consultation.slug}/bill/{unit.anchor}/" in toc
    assert len(re.findall(r'class="dhd-clause"', html)) == len(units)
    middle = units[len(units) // 2]
    page = client.get(middle.get_absolute_url()).content.decode()
    # inline markup joins words as a browser shows them; block markup separates them
    inline_free = re.sub(r"</?(?:span|strong|em|b|i|a)\b[^>]*>", "", page)
    page_text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", inline_free)).split())
    for node in Section.objects.subtree(middle):
        if node.text:
            assert " ".join(node.text.split()) in page_text, node.anchor


def test_a_quoted_amendment_reads_with_its_headings_and_numbers_indented(client, shared_data):
    path = shared_data / "bills/akn/land-reform-scotland-bill.xml"
    consultation = ConsultationFactory()
    doc = document_import(
        consultation=consultation, parsed=parse(path.read_bytes()), slug="bill", source_name=path.name
    ).document
    doc.state = "published"
    doc.save()
    html = client.get(f"/consultations/{consultation.slug}/bill/clause-1/").content.decode()
    quote = html.split('id="clause-1-4-quoted"', 1)[1].split("</blockquote>", 1)[0]
    assert (
        '<p class="dhd-quoted__line dhd-quoted__line--2"><strong>44A Power to impose obligations by' in quote
    )
    assert '<p class="dhd-quoted__line dhd-quoted__line--1"><strong>Creation of obligations</strong>' in quote
    assert (
        '<p class="dhd-quoted__line dhd-quoted__line--3"><span class="dhd-num">(1)</span> The Scottish'
        in quote
    )


def test_outline_lines_marks_headings_and_numbers_by_depth():
    from dhdigital.lib.templatetags.dhd import outline_lines

    rows = outline_lines(
        "“Part 2A Lotting\n  67C Prohibition\n    (1) A transfer—\n      (a) first,\n  Anti-avoidance"
    )
    assert [(r["depth"], r["heading"], r["number"]) for r in rows] == [
        (0, True, ""),
        (1, True, ""),
        (2, False, "(1)"),
        (3, False, "(a)"),
        (1, False, ""),
    ]
    assert rows[2]["rest"] == "A transfer—"
    assert outline_lines("“(aa) where the land is in a National Park,”.")[0]["quote"] == "“"


def test_an_unnumbered_clause_is_named_by_its_first_words(client, shared_data):
    path = shared_data / "bills/uslm/HR1017_RH.XML"
    consultation = ConsultationFactory()
    doc = document_import(
        consultation=consultation, parsed=parse(path.read_bytes()), source_name=path.name
    ).document
    assert doc.slug == "h-res-1017"
    first = doc.sections.filter(kind="clause").order_by("position").first()
    assert first.number == "" and first.label == "Clause: That upon adoption of this resolution it shall…"
    doc.state = "published"
    doc.save()
    html = client.get(first.get_absolute_url()).content.decode()
    assert "<h1" in html and "Clause: That upon adoption of this resolution it shall…" in html


def _published(shared_data, bill: str):
    path = shared_data / "bills" / bill
    consultation = ConsultationFactory()
    doc = document_import(
        consultation=consultation, parsed=parse(path.read_bytes()), slug="bill", source_name=path.name
    ).document
    doc.state = "published"
    doc.save()
    return doc


def test_headings_nest_as_the_bill_does(client, shared_data):
    doc = _published(shared_data, "clml/tribunals-scotland-act-2014.clml.xml")
    html = client.get(doc.get_absolute_url()).content.decode()
    assert re.search(r'<h2 class="govuk-heading-l"><span class="dhd-grouping__number">Part 1</span>', html)
    assert re.search(r'<h3 class="govuk-heading-m"><span class="dhd-grouping__number">Chapter 1</span>', html)
    clause = doc.sections.get(anchor="clause-1")
    level = clause.depth + 2
    assert f'<h{level} class="govuk-heading-s dhd-clause__heading" id="clause-1-heading">' in html
    # on the clause's own page its provisions start at the first indent, whatever encloses the clause
    page = client.get(clause.get_absolute_url()).content.decode()
    assert 'class="govuk-body dhd-provision dhd-indent-1" id="clause-1-1"' in page


def test_a_bill_without_parts_has_its_clauses_as_second_level_headings(client, shared_data):
    doc = _published(shared_data, "uslm/S1000_IS.XML")
    html = client.get(doc.get_absolute_url()).content.decode()
    assert '<h2 class="govuk-heading-s dhd-clause__heading" id="clause-1-heading">' in html
