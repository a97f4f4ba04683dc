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
    page_text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    for node in Section.objects.subtree(middle):
        if node.text:
            assert " ".join(node.text.split()) in page_text, node.anchor
