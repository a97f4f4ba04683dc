"""Documents with their section tree, sections, and the Akoma Ntoso export."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Section
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db

_BILLS = Path(settings.DATA_DIR) / "bills"
# Every real bill in every format we import from XML (the CLML table of contents is not a bill).
BILLS = [
    *((p, "akn") for p in sorted((_BILLS / "akn").glob("*.xml"))),
    *((p, "clml") for p in sorted((_BILLS / "clml").glob("*.xml")) if ".contents." not in p.name),
    *((p, "uslm") for p in sorted((_BILLS / "uslm").glob("*.XML"))),
]


def test_the_document_detail_nests_the_section_tree(api, document):
    body = api.get(f"/api/v1/documents/{document.pk}/").json()
    assert [s["anchor"] for s in body["sections"]] == [f"clause-{n}" for n in range(1, 6)]
    clause = body["sections"][2]
    assert clause["label"] == "Clause 3: Clause heading 3" and clause["is_commentable"]
    assert [c["lineage_key"] for c in clause["children"]] == ["sec_3__subsec_1", "sec_3__subsec_2"]
    assert clause["children"][0]["children"] == []
    assert clause["html_url"].endswith(f"/consultations/{document.consultation.slug}/draft-bill/clause-3/")


def test_the_tree_costs_the_same_queries_for_a_big_document(api, document, django_assert_max_num_queries):
    big = make_document(consultation=document.consultation, clauses=80, slug="big-bill")
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/documents/{big.pk}/")
    assert len(response.json()["sections"]) == 80


def test_draft_documents_are_hidden_from_the_public_but_not_the_team(
    api, api_as, publisher, outsider_official, draft_document
):
    url = f"/api/v1/documents/{draft_document.pk}/"
    assert api.get(url).status_code == 404
    assert api_as(outsider_official).get(url).status_code == 404
    assert api_as(publisher).get(url).status_code == 200
    listed = {d["id"] for d in api.get("/api/v1/documents/").json()["results"]}
    assert draft_document.pk not in listed


def test_documents_of_draft_consultations_are_hidden_even_when_published(api, team):
    doc = make_document(consultation=ConsultationFactory(team=team, state="draft"), clauses=1)
    assert api.get(f"/api/v1/documents/{doc.pk}/").status_code == 404
    assert api.get("/api/v1/sections/", {"document": doc.pk}).json()["results"] == []
    section = doc.sections.first()
    assert api.get(f"/api/v1/sections/{section.pk}/").status_code == 404


def test_sections_list_in_reading_order_and_filter_by_kind(api, document):
    clauses = api.get("/api/v1/sections/", {"document": document.pk, "kind": "clause", "page_size": 3}).json()
    assert [s["number"] for s in clauses["results"]] == ["1", "2", "3"]
    rest = api.get(clauses["next"]).json()
    assert [s["number"] for s in rest["results"]] == ["4", "5"]


def test_a_section_detail_includes_its_descendants(api, document):
    clause = document.sections.get(anchor="clause-2")
    body = api.get(f"/api/v1/sections/{clause.pk}/").json()
    assert [d["anchor"] for d in body["descendants"]] == ["clause-2-1", "clause-2-2"]


def test_an_absurd_id_is_a_json_404_not_a_crash(api, document):
    response = api.get(f"/api/v1/documents/{2**70}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/sections/", {"document": 2**70}).status_code == 400


def test_the_akn_export_reads_back_to_the_same_tree(api, document):
    response = api.get(f"/api/v1/documents/{document.pk}/akn.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/akn+xml"
    parsed = parse(response.content, fmt="akn")
    assert [(s.kind, s.number, s.heading, s.text, s.eid, s.guid) for s in parsed.walk()] == [
        (s.kind, s.number, s.heading, s.text, s.eid, s.lineage_key)
        for s in document.sections.order_by("position")
    ]


def test_the_akn_export_of_a_draft_is_a_json_404_for_the_public(api, draft_document):
    response = api.get(f"/api/v1/documents/{draft_document.pk}/akn.xml")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _tree(document) -> list[tuple]:
    """Every stored field of every node that is not an id of this copy, with the parent by lineage."""
    by_id = {}
    rows = []
    for s in Section.objects.filter(document=document).order_by("position"):
        by_id[s.pk] = s.lineage_key
        rows.append(
            (
                s.kind,
                s.number,
                s.heading,
                s.text,
                s.lineage_key,
                s.eid,
                s.anchor,
                s.position,
                s.last_descendant,
                s.depth,
                by_id.get(s.parent_id),
            )
        )
    return rows


def test_there_are_real_bills_in_each_format():
    assert {fmt for _, fmt in BILLS} == {"akn", "clml", "uslm"} and len(BILLS) >= 9


@pytest.mark.slow
@pytest.mark.parametrize("path,fmt", BILLS, ids=[p.name for p, _ in BILLS])
def test_every_real_bill_reimports_from_its_akn_export_to_an_identical_tree(
    api_as, publisher, consultation, path, fmt
):
    first = document_import(consultation=consultation, parsed=parse(path.read_bytes(), fmt=fmt)).document
    exported = api_as(publisher).get(f"/api/v1/documents/{first.pk}/akn.xml")
    assert exported.status_code == 200
    second = document_import(
        consultation=consultation, parsed=parse(exported.content, fmt="akn"), slug="round-trip"
    ).document
    original, again = _tree(first), _tree(second)
    assert len(original) >= 4
    assert again == original
    assert second.title == first.title and second.long_title == first.long_title


def test_the_akn_export_has_the_three_frbr_levels_and_keeps_eids_and_lineage_keys(api, document):
    from lxml import etree

    NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    section = document.sections.get(anchor="clause-2-1")
    Section.objects.filter(pk=section.pk).update(eid="sec_2__subsec_1", lineage_key="_guid-2-1")
    root = etree.fromstring(api.get(f"/api/v1/documents/{document.pk}/akn.xml").content)
    ident = root.find("a:bill/a:meta/a:identification", NS)
    for level in ("FRBRWork", "FRBRExpression", "FRBRManifestation"):
        node = ident.find(f"a:{level}", NS)
        assert {local(c) for c in node} >= {"FRBRthis", "FRBRuri", "FRBRdate", "FRBRauthor"}, level
    assert root.find("a:bill/a:meta/a:references/a:TLCOrganization[@eId='dhdigital']", NS) is not None
    sub = root.find(".//a:subsection[@GUID='_guid-2-1']", NS)
    assert sub is not None and sub.get("eId") == "sec_2__subsec_1"


def test_text_xml_cannot_carry_does_not_break_the_export(api, document):
    # Word's line break (vertical tab) and a stray control character, as a .docx import may leave them.
    Section.objects.filter(document=document, anchor="clause-1-1").update(text="Line one\x0bline\x02two")
    response = api.get(f"/api/v1/documents/{document.pk}/akn.xml")
    assert response.status_code == 200
    assert parse(response.content, fmt="akn").sections[0].children[0].text == "Line one\nline two"


def local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def test_the_tree_nodes_have_exactly_the_documented_fields(api, document):
    from api.serializers import SectionTreeSerializer

    node = api.get(f"/api/v1/documents/{document.pk}/").json()["sections"][0]
    assert list(node) == list(SectionTreeSerializer.Meta.fields)
    assert list(node["children"][0]) == list(SectionTreeSerializer.Meta.fields)
