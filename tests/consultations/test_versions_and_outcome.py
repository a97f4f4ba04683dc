"""A revised version of a real bill: per-clause word diff, renumbering followed by lineage, comments kept
with the old wording; the response ledger and the government response ("you said, we did")."""

import copy
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Document
from consultations.versions import compare_documents
from dhdigital.lib.textdiff import word_diff
from outcomes import services as outcomes
from outcomes.models import LedgerEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_word_diff_marks_inserted_and_deleted_words():
    pieces = word_diff(
        "The Secretary of State may direct the counterparty",
        "The Secretary of State must direct the counterparty",
    )
    assert [(p.op, p.text) for p in pieces if p.op != "equal"] == [("delete", "may"), ("insert", "must")]
    assert (
        "".join(p.text for p in pieces if p.op != "delete")
        == "The Secretary of State must direct the counterparty"
    )


@pytest.fixture
def bill_v1(consultation, shared_data):
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    result = document_import(consultation=consultation, parsed=parse(data), slug="bill")
    doc = result.document
    doc.state = Document.State.PUBLISHED
    doc.save()
    return doc, parse(data)


def revised(parsed):
    """Version 2: clause 3 reworded, a new clause inserted after clause 1 (so later clauses are renumbered),
    and the last clause removed."""
    v2 = copy.deepcopy(parsed)
    clauses = [n for n in v2.walk() if n.kind == "clause"]
    three = clauses[2]
    first_sub = next(c for c in three.children if c.kind == "subsection")
    first_sub.text = first_sub.text.replace("may make regulations", "must make regulations")
    for clause in clauses[1:]:
        clause.number = str(int(clause.number) + 1)
    holder = next(n for n in v2.walk() if clauses[0] in n.children)
    holder.children.insert(
        holder.children.index(clauses[0]) + 1,
        type(clauses[0])(
            kind="clause",
            number="2",
            heading="Review of the revenue certainty mechanism",
            text="The Secretary of State must review the operation of this Act within five years.",
            eid="sec_2",
            guid="",
        ),
    )
    last_holder = next(n for n in v2.walk() if clauses[-1] in n.children)
    last_holder.children.remove(clauses[-1])
    return v2, three


def test_comparison_follows_clauses_through_renumbering(consultation, bill_v1):
    v1, parsed = bill_v1
    v2_tree, three = revised(parsed)
    v2 = document_import(consultation=consultation, parsed=v2_tree, previous_version=v1).document
    comparison = compare_documents(v1, v2)
    summary = comparison.summary
    assert summary["added"] == 1 and summary["removed"] == 1
    assert summary["renumbered"] == 17  # clauses 2-18 moved down one
    assert summary["changed"] == 1
    change = comparison.for_lineage(three.guid)
    assert (change.old.number, change.new.number) == ("3", "4")
    assert [(p.op, p.text) for p in change.pieces if p.op != "equal"] == [
        ("delete", "may"),
        ("insert", "must"),
    ]


def _comment(section, author, body):
    return Comment.objects.create(
        consultation=section.document.consultation,
        document=section.document,
        section=section,
        author=author,
        body=body,
        body_html=f"<p>{body}</p>",
        status="published",
        published_at=timezone.now(),
    )


def test_new_version_is_published_and_old_comments_stay_with_the_old_wording(
    client, consultation, bill_v1, publisher, citizen
):
    v1, parsed = bill_v1
    clause_3 = v1.sections.get(kind="clause", number="3")
    _comment(clause_3, citizen, "Regulations here should be a duty, not a power: the register must exist.")
    v2_tree, three = revised(parsed)
    v2 = document_import(consultation=consultation, parsed=v2_tree, previous_version=v1).document
    assert (
        client.get(f"/consultations/{consultation.slug}/bill/changes/").status_code == 404
    )  # v2 unpublished

    client.login(email=publisher.email, password=PASSWORD)
    assert (
        client.post(f"/staff/consultations/{consultation.slug}/documents/bill/v2/publish/").status_code == 302
    )
    v1.refresh_from_db(), v2.refresh_from_db()
    assert (v1.state, v2.state) == ("superseded", "published")
    client.logout()

    changes = client.get(f"/consultations/{consultation.slug}/bill/changes/").content.decode()
    assert "What changed in version 2" in changes and "Renumbered from 3" in changes
    page = client.get(f"/consultations/{consultation.slug}/bill/clause-4/").content.decode()
    assert "Clause 4: Registration and publication of contracts" in page
    assert "What changed since version 1" in page and '<del class="dhd-del">' in page
    assert "Comments on version 1 of this clause" in page
    assert "should be a duty, not a power" in page
    old = client.get(f"/consultations/{consultation.slug}/bill/v1/clause-3/").content.decode()
    assert "since been revised" in old
    # reading version 1, the previous and next links stay in version 1
    links = re.findall(r'href="([^"]+)" rel="(?:prev|next)"', old)
    assert links == [
        f"/consultations/{consultation.slug}/bill/v1/clause-2/",
        f"/consultations/{consultation.slug}/bill/v1/clause-4/",
    ]
    latest = client.get(f"/consultations/{consultation.slug}/bill/clause-4/").content.decode()
    assert re.findall(r'href="([^"]+)" rel="prev"', latest) == [
        f"/consultations/{consultation.slug}/bill/clause-3/"
    ]


def test_bad_revised_file_saves_nothing(client, consultation, bill_v1, publisher):
    client.login(email=publisher.email, password=PASSWORD)
    bad = SimpleUploadedFile("v2.xml", b"<akomaNtoso><bill>", content_type="application/xml")
    response = client.post(
        f"/staff/consultations/{consultation.slug}/documents/bill/new-version/", {"file": bad}, follow=True
    )
    html = response.content.decode()
    assert "The XML is not well formed" in html and "Nothing was imported." in html
    assert Document.objects.filter(consultation=consultation).count() == 1


def close(consultation):
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()


def test_outcome_needs_a_ledger_entry_for_every_commented_clause(
    client, consultation, bill_v1, publisher, citizen
):
    v1, _ = bill_v1
    clause_6 = v1.sections.get(kind="clause", number="6")
    _comment(clause_6, citizen, "The levy on suppliers will be passed straight on to passengers.")
    close(consultation)
    failures = outcomes.outcome_check(consultation)
    assert [f.title for f in failures] == ["No response recorded for Clause 6: Levy on suppliers"]

    client.login(email=publisher.email, password=PASSWORD)
    refused = client.post(f"/staff/consultations/{consultation.slug}/outcome/", {"outcome_summary": "Done"})
    assert "cannot be published yet" in refused.content.decode()
    consultation.refresh_from_db()
    assert consultation.state == "open"

    entry_url = f"/staff/consultations/{consultation.slug}/ledger/{clause_6.lineage_key}/"
    empty = client.post(entry_url, {"decision": "changed"})
    assert "govuk-error-summary" in empty.content.decode() and not LedgerEntry.objects.exists()
    assert (
        client.post(
            entry_url,
            {
                "decision": "changed",
                "you_said": "The levy would be passed on to passengers.",
                "we_did": "We added a duty to report on the effect on fares.",
            },
        ).status_code
        == 302
    )
    assert outcomes.outcome_check(consultation) == []
    done = client.post(
        f"/staff/consultations/{consultation.slug}/outcome/",
        {
            "outcome_summary": "We have changed the levy clause.",
            "outcome_body": "Thank you to everyone who commented.",
        },
    )
    assert done.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == "concluded"
    client.logout()
    public = client.get(consultation.get_absolute_url()).content.decode()
    assert "You said, we did" in public and "passed on to passengers" in public
    assert "We added a duty to report on the effect on fares." in public
    clause_page = client.get(clause_6.get_absolute_url()).content.decode()
    assert "We added a duty to report" in clause_page


@pytest.mark.parametrize(
    "role,status", [("citizen", 403), ("moderator", 403), ("analyst", 200), ("publisher", 200)]
)
def test_ledger_is_for_analysts_and_publishers(client, request, consultation, bill_v1, role, status):
    user = request.getfixturevalue(role)
    client.login(email=user.email, password=PASSWORD)
    assert client.get(f"/staff/consultations/{consultation.slug}/ledger/").status_code == status


@pytest.mark.parametrize("role,status", [("citizen", 403), ("analyst", 403), ("publisher", 200)])
def test_only_publishers_upload_versions_and_publish_outcomes(
    client, request, consultation, bill_v1, role, status
):
    user = request.getfixturevalue(role)
    client.login(email=user.email, password=PASSWORD)
    assert (
        client.get(f"/staff/consultations/{consultation.slug}/documents/bill/new-version/").status_code
        == status
    )
    assert client.get(f"/staff/consultations/{consultation.slug}/outcome/").status_code == status
