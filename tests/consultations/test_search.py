"""The one search box finds consultations, clauses (linking to the clause's own page) and published comments,
and never anything the public may not see."""

import pytest
from django.utils import timezone

from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(consultation, shared_data):
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    doc = document_import(consultation=consultation, parsed=parse(data), slug="bill").document
    doc.state = "published"
    doc.save()
    return doc


def test_search_finds_clause_text_and_links_to_its_clause(client, bill):
    html = client.get("/search/?q=designated+counterparty&type=clauses").content.decode()
    assert "Clauses (" in html
    assert f"/consultations/{bill.consultation.slug}/bill/clause-" in html
    assert "0 " not in html.split("Clauses (", 1)[1][:3]


def test_search_finds_published_comments_but_not_pending_or_rejected(client, bill, citizen):
    clause = bill.sections.get(kind="clause", number="6")
    for status, body in [
        ("published", "The levy should exempt small airports entirely."),
        ("pending", "The levy pending comment about small airports."),
        ("rejected", "The levy rejected comment about small airports."),
    ]:
        Comment.objects.create(
            consultation=bill.consultation,
            document=bill,
            section=clause,
            author=citizen,
            body=body,
            body_html=body,
            status=status,
            published_at=timezone.now(),
        )
    html = client.get("/search/?q=levy+airports").content.decode()
    assert "exempt small airports" in html
    assert "pending comment" not in html and "rejected comment" not in html
    assert "citizen@example.org" not in html


def test_search_never_shows_drafts(client, team):
    ConsultationFactory(team=team, state="draft", title="Secret aviation levy draft")
    ConsultationFactory(team=team, title="Public aviation levy consultation")
    html = client.get("/search/?q=aviation+levy").content.decode()
    assert "Public aviation levy consultation" in html and "Secret aviation levy draft" not in html


def test_empty_and_hostile_queries_are_harmless(client, bill):
    assert "Search consultations, clauses and comments" in client.get("/search/").content.decode()
    html = client.get("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E&type=bogus&page=-1").content.decode()
    assert "<script>alert(1)" not in html


def test_every_page_links_to_search_and_marks_it_current_there(client, db):
    import re

    home = client.get("/").content.decode()
    nav = home.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert re.search(r'href="/search/"[^>]*>\s*Search\s*<', nav)
    on_search = client.get("/search/").content.decode().split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert re.search(
        r'aria-current="page"[^>]*href="/search/"|href="/search/"[^>]*aria-current="page"', on_search
    ) or re.search(r'govuk-service-navigation__item--active[^<]*<a[^>]*href="/search/"', on_search)
