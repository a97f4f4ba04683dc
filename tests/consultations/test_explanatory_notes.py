"""Plain-English explanatory notes on clauses, schedules and parts (issue 20, item 3): written by the
team's publishers, sanitised, versioned, shown to readers marked as explanation, in the API and in the
Akoma Ntoso export."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import etree
from rest_framework.test import APIClient

from consultations import services
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Document, Section
from tests.factories import add_member

pytestmark = pytest.mark.django_db

NOTE = (
    "This clause makes councils **meet** the needs it names.\n\n"
    "* It starts in April.\n* See [the guidance](https://www.gov.uk/care)."
)
HOSTILE = (
    "Read this <script>alert('x')</script> carefully.\n\n"
    '[click](javascript:alert(1)) <img src=x onerror="alert(2)"> <iframe src="https://evil.example"></iframe>'
)
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def _edit_url(section: Section) -> str:
    doc = section.document
    return reverse(
        "staff:section-note-edit", args=[doc.consultation.slug, doc.slug, doc.version, section.anchor]
    )


@pytest.fixture
def clause(document) -> Section:
    return document.sections.get(anchor="clause-2")


@pytest.fixture
def bill_with_parts(consultation) -> Document:
    parsed = parse(
        b"# Bill\n\n# Part 1 General\n## 1 Interpretation\n(1) Words.\n# Part 2 Charging\n## 2 Charges\n"
        b"(1) A local authority may charge.\n",
        fmt="md",
    )
    doc = document_import(consultation=consultation, parsed=parsed, slug="parts-bill").document
    doc.state = Document.State.PUBLISHED
    doc.save(update_fields=["state"])
    return doc


def test_a_publisher_adds_a_note_and_readers_see_it_marked_as_explanation(client, publisher, clause):
    client.force_login(publisher)
    listing = client.get(
        reverse("staff:document-notes", args=[clause.document.consultation.slug, "draft-bill", 1])
    )
    assert listing.status_code == 200 and _edit_url(clause) in listing.content.decode()
    response = client.post(_edit_url(clause), {"note": NOTE})
    assert response.status_code == 302
    clause.refresh_from_db()
    assert clause.explanatory_note == NOTE

    client.logout()
    page = client.get(clause.get_absolute_url()).content.decode()
    note_at, text_at = page.index('id="clause-2-note"'), page.index("(2.1)")
    assert note_at < text_at  # before the clause's own words
    assert "Explanatory note" in page and "It is not part of the document." in page
    assert "<strong>meet</strong>" in page and 'href="https://www.gov.uk/care"' in page
    assert "govuk-inset-text dhd-note" in page

    whole = client.get(clause.document.get_absolute_url()).content.decode()
    assert '<details class="govuk-details dhd-note" id="clause-2-note">' in whole
    assert whole.count("dhd-note") == 1  # only clause 2 has one


def test_the_note_is_sanitised_wherever_it_is_shown(client, publisher, clause):
    services.section_note_save(section=clause, note=HOSTILE, by=publisher)
    shown = [
        client.get(clause.get_absolute_url()).content.decode(),
        client.get(clause.document.get_absolute_url()).content.decode(),
        APIClient().get(f"/api/v1/sections/{clause.pk}/").json()["explanatory_note_html"],
    ]
    for html in shown:
        assert "carefully." in html
        assert "<script>alert" not in html
        assert "javascript:" not in html
        assert "onerror" not in html and "<img" not in html and "<iframe" not in html


def test_every_change_is_in_the_history_with_who_and_why(publisher, clause):
    services.section_note_save(section=clause, note="First wording.", by=publisher)
    services.section_note_save(section=clause, note="Second wording.", by=publisher)
    services.section_note_save(section=clause, note="Second wording.", by=publisher)  # no change, no record
    services.section_note_save(section=clause, note="", by=publisher)
    records = list(
        clause.history.filter(history_change_reason__startswith="explanatory").order_by("history_date")
    )
    assert [(r.explanatory_note, r.history_change_reason, r.history_user_id) for r in records] == [
        ("First wording.", "explanatory note added", publisher.pk),
        ("Second wording.", "explanatory note changed", publisher.pk),
        ("", "explanatory note removed", publisher.pk),
    ]
    clause.refresh_from_db()
    assert clause.explanatory_note == ""


def test_the_edit_page_lists_the_changes(client, publisher, clause):
    services.section_note_save(section=clause, note="First wording.", by=publisher)
    services.section_note_save(section=clause, note="Second wording.", by=publisher)
    client.force_login(publisher)
    page = client.get(_edit_url(clause)).content.decode()
    assert "explanatory note added by Publisher" in page and "explanatory note changed by Publisher" in page


def test_a_note_too_long_is_refused_and_nothing_is_saved(client, publisher, clause):
    services.section_note_save(section=clause, note="Kept.", by=publisher)
    client.force_login(publisher)
    response = client.post(_edit_url(clause), {"note": "x" * 10_001})
    assert response.status_code == 200
    assert "10,000 characters or fewer" in response.content.decode()
    clause.refresh_from_db()
    assert clause.explanatory_note == "Kept."
    assert clause.history.filter(history_change_reason__startswith="explanatory").count() == 1
    with pytest.raises(ValidationError):
        services.section_note_save(section=clause, note="y" * 10_001, by=publisher)


def test_a_subsection_cannot_have_a_note(client, publisher, document):
    subsection = document.sections.get(anchor="clause-2-1")
    with pytest.raises(ValidationError):
        services.section_note_save(section=subsection, note="No.", by=publisher)
    client.force_login(publisher)
    assert client.post(_edit_url(subsection), {"note": "No."}).status_code == 404
    subsection.refresh_from_db()
    assert subsection.explanatory_note == ""


@pytest.mark.parametrize("who", ["anonymous", "citizen", "moderator", "outsider_official"])
def test_only_the_teams_publishers_write_notes(client, request, who, clause):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    response = client.post(_edit_url(clause), {"note": "Sneaked in."})
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    clause.refresh_from_db()
    assert clause.explanatory_note == ""


def test_a_part_has_a_note_on_the_document_page(client, publisher, bill_with_parts):
    part = bill_with_parts.sections.get(anchor="part-2")
    services.section_note_save(section=part, note="Part 2 is about **charging**.", by=publisher)
    page = client.get(bill_with_parts.get_absolute_url()).content.decode()
    heading_at = page.index('id="part-2"')
    note_at = page.index('id="part-2-note"')
    assert heading_at < note_at < page.index("A local authority may charge.")
    assert "Part 2 is about <strong>charging</strong>." in page


def test_the_api_gives_the_note_and_its_html(publisher, clause):
    services.section_note_save(section=clause, note=NOTE, by=publisher)
    api = APIClient()
    section = api.get(f"/api/v1/sections/{clause.pk}/").json()
    assert section["explanatory_note"] == NOTE
    assert "<strong>meet</strong>" in section["explanatory_note_html"]
    tree = api.get(f"/api/v1/documents/{clause.document_id}/").json()["sections"]
    by_anchor = {s["anchor"]: s for s in tree}
    assert by_anchor["clause-2"]["explanatory_note"] == NOTE
    assert by_anchor["clause-2"]["explanatory_note_html"] == section["explanatory_note_html"]
    assert by_anchor["clause-1"]["explanatory_note"] == "" == by_anchor["clause-1"]["explanatory_note_html"]


def test_the_akoma_ntoso_export_has_the_note_referred_to_by_its_clause(publisher, clause):
    services.section_note_save(section=clause, note=NOTE + "\n\n<script>x()</script>", by=publisher)
    response = APIClient().get(f"/api/v1/documents/{clause.document_id}/akn.xml")
    root = etree.fromstring(response.content)
    notes = root.findall(f".//{AKN}meta/{AKN}notes/{AKN}note")
    assert len(notes) == 1
    note = notes[0]
    assert note.get("class") == "explanatoryNote"
    assert [p.text for p in note.findall(f"{AKN}p")] == [
        "This clause makes councils meet the needs it names.",
        "It starts in April.",
        "See the guidance.",
    ]
    refs = root.findall(f".//{AKN}body//{AKN}noteRef")
    assert [r.get("href") for r in refs] == [f"#{note.get('eId')}"]
    section = refs[0].getparent().getparent()
    assert section.get("GUID") == clause.lineage_key
    # the importer reads the export back to the same tree: the note does not leak into the text
    parsed = parse(response.content, fmt="akn")
    assert [(s.kind, s.number, s.heading, s.text) for s in parsed.walk()] == [
        (s.kind, s.number, s.heading, s.text) for s in clause.document.sections.order_by("position")
    ]


def test_a_new_version_keeps_the_notes_of_the_clauses_still_there(publisher, bill_with_parts):
    sections = {s.anchor: s for s in bill_with_parts.sections.all()}
    services.section_note_save(section=sections["part-2"], note="About charging.", by=publisher)
    services.section_note_save(section=sections["clause-1"], note="Definitions.", by=publisher)
    services.section_note_save(section=sections["clause-2"], note="Charges.", by=publisher)
    revised = b"# Bill\n\n# Part 1 General\n## 1 Interpretation\n(1) New words.\n# Part 2 Charging\n"
    result = services.document_upload_version(
        document=bill_with_parts, data=revised, filename="v2.md", fmt="md", by=publisher
    )
    notes = dict(result.document.sections.values_list("anchor", "explanatory_note"))
    assert notes["clause-1"] == "Definitions." and notes["part-2"] == "About charging."
    assert "clause-2" not in notes and notes["part-1"] == ""


def test_a_team_member_without_the_publisher_role_gets_403(client, team, other_citizen, clause):
    client.force_login(add_member(other_citizen, team, "analyst"))
    assert client.get(_edit_url(clause)).status_code == 403
