"""In Chromium: a reader on a phone opens a clause of a real bill twice; the second copy comes from the
public page cache and is the same page, styled, with its scripts allowed by the CSP, and passes axe."""

import pytest
from django.core.cache import cache

from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clause_from_the_page_cache_reads_like_the_rendered_one(
    page, live_url, consultation, shared_data, settings, assert_fits_a_phone, screenshot
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    cache.clear()
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    document = document_import(consultation=consultation, parsed=parse(data), slug="bill").document
    Document.objects.filter(pk=document.pk).update(state=Document.State.PUBLISHED)
    clause = document.sections.get(kind="clause", number="3")
    url = f"{live_url}/consultations/{consultation.slug}/bill/{clause.anchor}/"
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 375, "height": 800})

    rendered = page.goto(url)
    heading = page.locator("h1").inner_text()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    kept = page.goto(url)

    assert rendered.headers.get("x-page-cache") == "miss" and kept.headers.get("x-page-cache") == "hit"
    assert page.locator("h1").inner_text() == heading
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == font
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")  # JS ran
    assert not errors, errors  # no CSP refusals or script errors on the cached copy
    assert_fits_a_phone(page)
    screenshot(page, "clause-from-page-cache-phone")
