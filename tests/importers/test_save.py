"""Saving a parsed bill: the Section tree, anchors, lineage keys, versions and counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.importers import ImporterError, parse
from consultations.importers.save import document_import, import_uploaded_file
from consultations.models import Document, Section

from .helpers import AKN_BILLS, ALL_BILLS, CLML_BILLS, USLM_BILLS

pytestmark = pytest.mark.django_db
SAF = next(p for p in AKN_BILLS if p.name.startswith("sustainable"))
SLUG = re.compile(r"^[-a-z0-9_]+$")
COUNT_KEYS = {"part", "chapter", "crossheading", "clause", "subsection", "paragraph", "schedule", "amendment"}


def check_tree(document: Document, parsed) -> list[Section]:
    sections = list(document.sections.order_by("position"))
    nodes = list(parsed.walk())
    assert len(sections) == len(nodes)
    assert [s.position for s in sections] == list(range(len(sections)))
    by_id = {s.pk: s for s in sections}
    for section, node in zip(sections, nodes, strict=True):
        assert (section.kind, section.text) == (node.kind, node.text)
        assert section.last_descendant >= section.position
        if section.parent_id is None:
            assert section.depth == 0
        else:
            parent = by_id[section.parent_id]
            assert section.depth == parent.depth + 1
            assert parent.position < section.position <= parent.last_descendant
            assert section.last_descendant <= parent.last_descendant
        # last_descendant is exactly the end of the subtree: the next row is not inside it.
        if section.last_descendant + 1 < len(sections):
            following = sections[section.last_descendant + 1]
            assert following.depth <= section.depth
    anchors = [s.anchor for s in sections]
    assert len(set(anchors)) == len(anchors)
    assert all(SLUG.match(a) and len(a) <= 120 for a in anchors)
    assert len({s.lineage_key for s in sections}) == len(sections)
    return sections


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_BILLS, ids=[p.name for p in ALL_BILLS])
def test_each_real_bill_saves_as_a_consistent_tree(path, consultation):
    parsed = parse(path.read_bytes(), filename=path.name)
    result = document_import(consultation=consultation, parsed=parsed, source_name=path.name)
    assert set(result.counts) == COUNT_KEYS
    assert result.counts == parsed.counts()
    sections = check_tree(result.document, parsed)
    for section, node in zip(sections, parsed.walk(), strict=True):
        assert section.eid == node.eid
        if node.guid or node.eid:
            assert section.lineage_key == (node.guid or node.eid)
    assert result.document.source_format == parsed.source_format
    assert result.document.state == Document.State.DRAFT


def test_saving_a_bill_takes_a_handful_of_queries_whatever_its_size(consultation):
    parsed = parse(SAF.read_bytes())
    with CaptureQueriesContext(connection) as queries:
        document_import(consultation=consultation, parsed=parsed)
    depth = max(s.depth for s in Section.objects.all()) + 1
    assert Section.objects.count() == len(list(parsed.walk())) > 200
    assert len(queries) <= depth + 9  # the inserts of the widest levels split into two batches


def test_anchors_follow_the_bill_numbering(consultation):
    result = document_import(consultation=consultation, parsed=parse(SAF.read_bytes()))
    anchors = dict(Section.objects.filter(document=result.document).values_list("eid", "anchor"))
    assert anchors["sec_12"] == "clause-12"
    assert anchors["sec_1__subsec_2"] == "clause-1-2"
    assert anchors["sec_1__subsec_2__para_a"] == "clause-1-2-a"
    assert anchors["sched"] == "schedule"
    assert anchors["sched__para_3"] == "schedule-paragraph-3"
    assert anchors["xhdg_1"] == "crossheading-revenue-certainty-contracts"


def test_schedule_and_part_anchors_in_an_act(consultation):
    result = document_import(consultation=consultation, parsed=parse(CLML_BILLS[0].read_bytes()))
    anchors = dict(Section.objects.filter(document=result.document).values_list("lineage_key", "anchor"))
    assert anchors["part-2"] == "part-2"
    assert anchors["part-1-chapter-2"] == "part-1-chapter-2"
    assert anchors["schedule-1"] == "schedule-1"
    assert anchors["schedule-1-paragraph-3"] == "schedule-1-paragraph-3"
    assert anchors["schedule-8-part-1"] == "schedule-8-part-1"
    assert anchors["section-12"] == "clause-12"


def test_markdown_gets_generated_lineage_keys_in_the_eid_style(consultation):
    parsed = parse(
        b"# Bill\n\n# Part 1 General\n### Definitions\n## 12 Interpretation\n(2) Text.\n(a) para.\n"
        b"# Schedule 1 Forms\n## 3 Form A\n(1) Words.\n",
        fmt="md",
    )
    result = document_import(consultation=consultation, parsed=parsed)
    keys = dict(Section.objects.filter(document=result.document).values_list("anchor", "lineage_key"))
    assert keys == {
        "part-1": "pt_1",
        "crossheading-definitions": "xhdg_definitions",
        "clause-12": "sec_12",
        "clause-12-2": "sec_12__subsec_2",
        "clause-12-2-a": "sec_12__subsec_2__para_a",
        "schedule-1": "sched_1",
        "schedule-1-paragraph-3": "sched_1__para_3",
        "schedule-1-paragraph-3-1": "sched_1__para_3__subpara_1",
    }


def test_duplicate_numbers_still_get_unique_anchors_and_keys(consultation):
    parsed = parse(b"## 1 First\n(1) a\n(1) b\n## 1 Again\n", fmt="md")
    result = document_import(consultation=consultation, parsed=parsed)
    rows = list(result.document.sections.order_by("position").values_list("anchor", "lineage_key"))
    assert rows == [
        ("clause-1", "sec_1"),
        ("clause-1-1", "sec_1__subsec_1"),
        ("clause-1-1-2", "sec_1__subsec_1-2"),
        ("clause-1-2", "sec_1-2"),
    ]


def test_a_new_version_keeps_the_slug_and_the_lineage_of_unchanged_clauses(consultation):
    first = document_import(consultation=consultation, parsed=parse(SAF.read_bytes()), slug="saf-bill")
    second = document_import(
        consultation=consultation, parsed=parse(SAF.read_bytes()), previous_version=first.document
    )
    assert (second.document.slug, second.document.version) == ("saf-bill", 2)
    assert second.document.previous_version == first.document
    keys = lambda d: set(d.sections.values_list("lineage_key", flat=True))  # noqa: E731
    assert keys(first.document) == keys(second.document)
    with pytest.raises(ImporterError, match="already has a newer version"):
        document_import(
            consultation=consultation, parsed=parse(SAF.read_bytes()), previous_version=first.document
        )
    assert Document.objects.count() == 2


def test_a_second_document_gets_its_own_slug(consultation):
    a = document_import(consultation=consultation, parsed=parse(SAF.read_bytes()))
    b = document_import(consultation=consultation, parsed=parse(SAF.read_bytes()))
    assert a.document.slug == "sustainable-aviation-fuel-bill"
    assert b.document.slug == "sustainable-aviation-fuel-bill-2"
    assert b.document.position == a.document.position + 1


def test_title_can_be_overridden_and_long_title_is_kept(consultation):
    path = next(p for p in USLM_BILLS if p.name == "H2740_RH.XML")
    parsed = parse(path.read_bytes())
    result = document_import(consultation=consultation, parsed=parsed, title="Labor-HHS 2020")
    assert result.document.title == "Labor-HHS 2020"
    assert result.document.long_title.startswith("A BILL Making appropriations for the Departments of Labor")


def test_uploaded_file_is_parsed_saved_and_its_source_kept(consultation, settings):
    data = SAF.read_bytes()
    result = import_uploaded_file(
        consultation=consultation, data=data, filename=SAF.name, fmt=None, title=None
    )
    assert result.counts["clause"] == 19
    assert result.document.source_name == SAF.name
    with result.document.source_file.open("rb") as stored:
        assert stored.read() == data


def test_an_upload_can_be_a_new_version_of_a_document(consultation):
    data = SAF.read_bytes()
    first = import_uploaded_file(
        consultation=consultation, data=data, filename=SAF.name, fmt="akn", title=None
    )
    second = import_uploaded_file(
        consultation=consultation,
        data=data,
        filename=SAF.name,
        fmt="akn",
        title=None,
        previous_version=first.document,
    )
    assert (second.document.slug, second.document.version) == (first.document.slug, 2)


def test_lawmaker_guids_are_the_lineage_keys_so_renumbering_keeps_the_lineage(consultation):
    parsed = parse(SAF.read_bytes())
    clause_12 = next(n for n in parsed.walk() if n.kind == "clause" and n.number == "12")
    assert clause_12.eid == "sec_12" and clause_12.guid.startswith("_")
    clause_12.number, clause_12.eid = "13", "sec_13"  # renumbered in a later print of the bill
    result = document_import(consultation=consultation, parsed=parsed)
    saved = Section.objects.get(document=result.document, lineage_key=clause_12.guid)
    assert (saved.number, saved.eid, saved.anchor) == ("13", "sec_13", "clause-13")
