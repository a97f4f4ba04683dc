"""What a member of the public reads: the list with search and filters, a consultation, the document
reader with its table of contents, and each clause on its own page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Consultation
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db


def test_list_filters_open_upcoming_and_closed(client):
    now = timezone.now()
    ConsultationFactory(title="Adult social care charging")
    ConsultationFactory(
        title="Carers' assessments",
        state="scheduled",
        opens_at=now + timedelta(days=5),
        closes_at=now + timedelta(weeks=14),
    )
    ConsultationFactory(
        title="Deferred payment agreements",
        state="closed",
        opens_at=now - timedelta(weeks=14),
        closes_at=now - timedelta(days=2),
    )
    ConsultationFactory(title="Secret draft", state="draft")

    def titles(query):
        html = client.get("/consultations/" + query).content.decode()
        return {
            t
            for t in [
                "Adult social care charging",
                "Carers&#x27; assessments",
                "Deferred payment agreements",
                "Secret draft",
            ]
            if t in html
        }

    assert titles("") == {
        "Adult social care charging",
        "Carers&#x27; assessments",
        "Deferred payment agreements",
    }
    assert titles("?status=open") == {"Adult social care charging"}
    assert titles("?status=upcoming") == {"Carers&#x27; assessments"}
    assert titles("?status=closed") == {"Deferred payment agreements"}


def test_search_matches_title_and_summary_words(client):
    ConsultationFactory(title="Adult social care charging", summary="A cap on care costs.")
    ConsultationFactory(title="Sustainable aviation fuel", summary="Revenue certainty for producers.")
    html = client.get("/consultations/?q=revenue+producers").content.decode()
    assert "Sustainable aviation fuel" in html and "Adult social care charging" not in html
    assert "1 consultation matching" in html


def test_bad_status_filter_is_ignored_not_an_error(client):
    ConsultationFactory(title="Adult social care charging")
    response = client.get("/consultations/?status=<script>&page=zzz")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_list_paginates_twenty_a_page(client):
    for _ in range(23):
        ConsultationFactory()
    first = client.get("/consultations/").content.decode()
    second = client.get("/consultations/?page=2").content.decode()
    assert first.count('class="dhd-result"') == 20
    assert second.count('class="dhd-result"') == 3


def test_consultation_page_shows_dates_ways_to_respond_and_documents(client, document):
    c = document.consultation
    html = client.get(c.get_absolute_url()).content.decode()
    assert c.title in html and c.summary in html
    assert c.closes_at.strftime("%Y") in html
    assert "By post to:" in html and "39 Victoria Street" in html
    assert "accessible.formats@example.gov.uk" in html
    assert f"/consultations/{c.slug}/draft-bill/" in html


def test_withdrawn_consultation_says_why(client, consultation):
    consultation.state = Consultation.State.WITHDRAWN
    consultation.withdrawn_reason = "The policy was overtaken by the Health Act"
    consultation.withdrawn_at = timezone.now()
    consultation.save()
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "was withdrawn" in html and "overtaken by the Health Act" in html


def test_concluded_consultation_shows_the_outcome_first(client, consultation):
    consultation.state = Consultation.State.CONCLUDED
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.outcome_summary = "We have changed clauses 3 and 12."
    consultation.outcome_published_at = timezone.now()
    consultation.save()
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert html.index("Outcome") < html.index("Original consultation")
    assert "We have changed clauses 3 and 12." in html


def test_document_reader_has_contents_and_every_clause_anchor(client, document):
    html = client.get(document.get_absolute_url()).content.decode()
    for n in range(1, 6):
        assert f'id="clause-{n}"' in html
        assert f'href="/consultations/{document.consultation.slug}/draft-bill/clause-{n}/"' in html
    assert 'aria-labelledby="contents-heading"' in html
    assert "(1.2)" in html  # subsection text is rendered in the reader


def test_markdown_body_is_sanitised(client):
    c = ConsultationFactory(body="Hello <script>alert(1)</script> [x](javascript:alert(2)) **bold**")
    html = client.get(c.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "javascript:alert" not in html
    assert "<strong>bold</strong>" in html


def test_clause_page_has_its_text_and_previous_next_links(client, document):
    slug = document.consultation.slug
    html = client.get(f"/consultations/{slug}/draft-bill/clause-3/").content.decode()
    assert "Clause 3: Clause heading 3" in html
    assert "(3.1)" in html and "(3.2)" in html and "(4.1)" not in html
    assert f'href="/consultations/{slug}/draft-bill/clause-2/" rel="prev"' in html
    assert f'href="/consultations/{slug}/draft-bill/clause-4/" rel="next"' in html


def test_first_clause_has_no_previous_link(client, document):
    html = client.get(f"/consultations/{document.consultation.slug}/draft-bill/clause-1/").content.decode()
    assert 'rel="prev"' not in html and 'rel="next"' in html


def test_unknown_clause_is_404(client, document):
    assert client.get(f"/consultations/{document.consultation.slug}/draft-bill/clause-99/").status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_document_page_queries_do_not_grow_with_clauses(client, consultation):
    small = make_document(consultation=consultation, clauses=3, slug="small")
    large = make_document(consultation=consultation, clauses=40, slug="large")
    _queries(client, small.get_absolute_url())  # warm up: the first visit of the day sets up visitor counting
    n_small = _queries(client, small.get_absolute_url())
    n_large = _queries(client, large.get_absolute_url())
    assert n_small == n_large
    assert n_large <= 15


def test_clause_page_queries_are_bounded(client, consultation):
    doc = make_document(consultation=consultation, clauses=30)
    _queries(client, f"/consultations/{consultation.slug}/draft-bill/clause-2/")  # warm up visitor counting
    assert _queries(client, f"/consultations/{consultation.slug}/draft-bill/clause-15/") <= 15
    assert doc.sections.count() == 90


def test_list_says_when_upcoming_ones_open_and_who_runs_each(client):
    now = timezone.now()
    soon = ConsultationFactory(
        title="Carers' assessments",
        state="scheduled",
        opens_at=now + timedelta(days=5),
        closes_at=now + timedelta(weeks=14),
    )
    html = client.get("/consultations/?status=upcoming").content.decode()
    item = html.split('class="dhd-result"', 1)[1].split("</li>", 1)[0]
    assert f'Opens <time datetime="{soon.opens_at.isoformat()}"' in item
    assert "Closes" not in item
    assert "Department of Health and Social Care" in item


def test_search_and_status_are_kept_across_pages(client):
    for n in range(23):
        ConsultationFactory(title=f"Care charging {n}", summary="Charging for adult social care.")
    ConsultationFactory(title="Aviation fuel", summary="Revenue certainty.")
    html = client.get("/consultations/?q=charging&status=open").content.decode()
    assert "23 consultations matching “charging”" in html
    nav = html.split('class="govuk-pagination"', 1)[1]
    assert "q=charging" in nav and "status=open" in nav and "page=2" in nav
    second = client.get("/consultations/?q=charging&status=open&page=2").content.decode()
    assert second.count('class="dhd-result"') == 3 and "Aviation fuel" not in second
