"""Public pages are served from a short cache to anonymous readers only; a publisher's change and a
moderation decision show at once; a signed-in person always gets a fresh page (dhdigital/lib/pagecache.py)."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from comments.models import Comment
from comments.moderation import comment_moderate
from consultations import services
from dhdigital.lib import pagecache
from tests.factories import make_document

pytestmark = pytest.mark.django_db

TEXT = "The duty to assess should apply to carers as well as to the person cared for."


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30


@pytest.fixture
def clause(consultation):
    pagecache.bump(consultation.slug)  # nothing left from an earlier run on a shared cache
    document = make_document(consultation=consultation)
    return document.sections.get(kind="clause", number="2")


def _comment(clause, author, body=TEXT):
    return Comment.objects.create(
        consultation=clause.document.consultation,
        document=clause.document,
        section=clause,
        author=author,
        body=body,
        body_html=f"<p>{body}</p>",
        status="published",
        published_at=timezone.now(),
    )


def test_second_anonymous_read_is_served_from_the_cache(client, clause):
    url = clause.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content and b"Clause heading 2" in second.content


def test_a_new_comment_waits_for_the_timeout_but_moderation_shows_at_once(client, clause, citizen, moderator):
    url = clause.get_absolute_url()
    comment = _comment(clause, citizen)
    assert TEXT.encode() in client.get(url).content  # cached with the comment in it
    _comment(clause, citizen, body="A second view arriving after the page was cached.")
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit" and b"A second view arriving" not in cached.content
    comment_moderate(comment=comment, by=moderator, decision="hide", reason="no_personal_information")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert TEXT.encode() not in fresh.content and b"A second view arriving" in fresh.content


def test_signed_in_readers_always_get_a_fresh_page(client, clause, citizen):
    url = clause.get_absolute_url()
    client.get(url)  # anonymous copy in the cache
    client.force_login(citizen)
    _comment(clause, citizen)
    response = client.get(url)
    assert "X-Page-Cache" not in response and TEXT.encode() in response.content


def test_withdrawing_a_consultation_removes_its_cached_pages_at_once(client, clause, publisher):
    url = clause.get_absolute_url()
    consultation = clause.document.consultation
    assert client.get(url).status_code == 200 and client.get(url)["X-Page-Cache"] == "hit"
    services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded by a new bill")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and b"withdrawn" in response.content.lower()


def test_a_response_that_sets_a_cookie_or_uses_a_csrf_token_is_not_cached(clause):
    from django.http import HttpResponse

    request = RequestFactory().get(clause.get_absolute_url())
    request.COOKIES = {}
    plain = HttpResponse(b"page")
    assert pagecache._cacheable_response(request, plain)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not pagecache._cacheable_response(request, plain)
    del request.META["CSRF_COOKIE_NEEDS_UPDATE"]
    with_cookie = HttpResponse(b"page")
    with_cookie.set_cookie("anything", "1")
    assert not pagecache._cacheable_response(request, with_cookie)
    signed_in = RequestFactory().get("/", HTTP_COOKIE="sessionid=abc")
    assert not pagecache._cacheable_request(signed_in)


def test_off_when_the_timeout_is_zero(client, clause, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = clause.get_absolute_url()
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_a_page_from_the_cache_keeps_the_security_headers_and_gets_its_own_request_id(client, clause):
    url = clause.get_absolute_url()
    first, second = client.get(url), client.get(url)
    assert second["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_a_host_the_site_does_not_serve_is_refused_even_when_the_page_is_kept(client, clause):
    url = clause.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get(url, HTTP_HOST="attacker.example").status_code == 400


def test_plain_http_is_redirected_to_https_even_when_the_page_is_kept(client, clause, settings):
    from django.test import Client

    url = clause.get_absolute_url()
    client.get(url)
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # SecurityMiddleware reads the setting when the stack is built
    response = client.get(url)
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(url, secure=True)["X-Page-Cache"] == "hit"


def test_pages_served_from_the_cache_count_their_visitors(client, clause):
    from policycycle.models import DailyVisitorHash

    url = clause.get_absolute_url()
    client.get(url, REMOTE_ADDR="198.51.100.30", HTTP_USER_AGENT="Reader A")
    hit = client.get(url, REMOTE_ADDR="198.51.100.31", HTTP_USER_AGENT="Reader B")
    client.get(url, REMOTE_ADDR="198.51.100.31", HTTP_USER_AGENT="Reader B")
    assert hit["X-Page-Cache"] == "hit"
    assert DailyVisitorHash.objects.filter(consultation=clause.document.consultation).count() == 2


def test_pages_not_marked_for_the_cache_are_never_kept(client, clause):
    changes = f"/consultations/{clause.document.consultation.slug}/{clause.document.slug}/changes/"
    client.get(changes)
    assert "X-Page-Cache" not in client.get(changes)
