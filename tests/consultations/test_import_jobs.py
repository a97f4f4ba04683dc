"""Imports run in the worker (issue 16, finding 4): the upload request only checks and stores the file;
the worker reads it within a time and a memory limit; the import's page shows the progress without
JavaScript, the error, or what was only partly understood for the publisher to confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.importers import jobs
from consultations.models import Consultation, Document, DocumentImport, Section
from tests.factories import PASSWORD, ConsultationFactory

URL = "/staff/consultations/saf-bill/import/"
SAF = "bills/akn/sustainable-aviation-fuel-bill.xml"
S1325 = "bills/uslm/BILLS-118s1325rs.xml"
ADDED = b'<component origin="#SSFR00" changed="added">'


@pytest.fixture
def draft(team):
    return ConsultationFactory(team=team, slug="saf-bill", state=Consultation.State.DRAFT, published_at=None)


@pytest.fixture
def pub_client(client, publisher):
    client.login(email=publisher.email, password=PASSWORD)
    return client


@pytest.fixture
def held(monkeypatch):
    """Queued imports are held here instead of being sent to the worker."""
    sent: list[int] = []
    monkeypatch.setattr(jobs, "_send", sent.append)
    return sent


def post(client, name: str, data: bytes, **kwargs):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), "format": ""}, **kwargs)


def test_the_upload_request_stores_the_file_and_reads_nothing(
    pub_client, draft, held, shared_data, monkeypatch
):
    monkeypatch.setattr(jobs, "parse_with_limits", lambda *a, **k: pytest.fail("parsed in the request"))
    data = (shared_data / SAF).read_bytes()
    response = post(pub_client, "saf.xml", data)
    job = DocumentImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{job.pk}/"
    assert held == [job.pk] and job.state == "queued"
    assert not Document.objects.exists()
    with job.upload.open("rb") as stored:
        assert stored.read() == data


def test_a_queued_import_page_refreshes_itself_and_offers_a_link(pub_client, draft, held, shared_data):
    post(pub_client, "saf.xml", (shared_data / SAF).read_bytes())
    job = DocumentImport.objects.get()
    html = pub_client.get(f"{URL}{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert f'href="{URL}{job.pk}/"' in html and "Refresh the page" in html


def test_the_worker_imports_it_and_the_page_then_says_so(pub_client, draft, held, shared_data):
    post(pub_client, "saf.xml", (shared_data / SAF).read_bytes())
    job = DocumentImport.objects.get()
    assert jobs.import_run(job.pk) == "done"
    assert Document.objects.get().sections.filter(kind="clause").count() == 19
    response = pub_client.get(f"{URL}{job.pk}/", follow=True)
    assert "Imported “Sustainable Aviation Fuel Bill”: " in response.content.decode()
    job.refresh_from_db()
    assert not job.upload  # the stored upload is gone; the document keeps its source file


def test_a_document_that_takes_too_long_is_stopped(pub_client, draft, held, settings):
    settings.IMPORT_TIME_LIMIT_S = 1
    big = "# A bill\n\n" + "".join(
        f"## {i} Clause {i}\n\n(1) The words of clause {i}.\n\n" for i in range(1, 60_001)
    )
    post(pub_client, "long.md", big.encode())
    job = DocumentImport.objects.get()
    assert jobs.import_run(job.pk) == "failed"
    job.refresh_from_db()
    assert "took longer than 1 second to read" in job.error and "Nothing was imported" in job.error
    assert not Section.objects.exists()


def test_a_document_that_needs_too_much_memory_is_stopped(pub_client, draft, held, settings, shared_data):
    # A real bill's provisions repeated to 8 MB: a tree of several hundred megabytes.
    body = (shared_data / S1325).read_bytes()
    start, end = body.index(b"<collection>"), body.index(b"</collection>") + len(b"</collection>")
    big = body[:start] + body[start:end] * (8_000_000 // (end - start)) + body[end:]
    settings.IMPORT_MEMORY_LIMIT_MB = 16
    post(pub_client, "big.xml", big)
    job = DocumentImport.objects.get()
    assert jobs.import_run(job.pk) == "failed"
    job.refresh_from_db()
    assert "needs more than 16 MB of memory" in job.error
    assert not Document.objects.exists()


def _partly_understood(shared_data) -> bytes:
    body = (shared_data / S1325).read_bytes()
    added = body.index(ADDED)
    close = body.index(b"</component>", added)
    return body[:added] + b"<annex>" + body[added + len(ADDED) : close] + b"</annex>" + body[close + 12 :]


def test_a_partly_understood_document_waits_for_the_publisher_to_confirm(
    pub_client, draft, held, shared_data
):
    post(pub_client, "s1325.xml", _partly_understood(shared_data))
    job = DocumentImport.objects.get()
    assert jobs.import_run(job.pk) == "confirm"
    assert not Document.objects.exists()
    html = pub_client.get(f"{URL}{job.pk}/").content.decode()
    assert "1 &lt;annex&gt; element, read as plain text (/bill/main/collection/annex, line " in html
    assert "http-equiv" not in html

    pub_client.post(f"{URL}{job.pk}/", {"action": "confirm"})
    assert held == [job.pk, job.pk]
    assert jobs.import_run(job.pk) == "done"
    assert Document.objects.get().sections.filter(kind="clause").count() == 7


def test_a_partly_understood_document_can_be_left_unimported(pub_client, draft, held, shared_data):
    post(pub_client, "s1325.xml", _partly_understood(shared_data))
    job = DocumentImport.objects.get()
    jobs.import_run(job.pk)
    response = pub_client.post(f"{URL}{job.pk}/", {"action": "cancel"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "cancelled" and not job.upload
    assert jobs.import_run(job.pk) == "not queued"
    assert not Document.objects.exists()


def test_another_team_cannot_see_an_import(client, draft, held, shared_data, outsider_official, pub_client):
    post(pub_client, "saf.xml", (shared_data / SAF).read_bytes())
    job = DocumentImport.objects.get()
    client.force_login(outsider_official)
    assert client.get(f"{URL}{job.pk}/").status_code in (403, 404)


def test_a_revised_draft_is_read_in_the_worker_too(pub_client, draft, held, shared_data, monkeypatch):
    post(pub_client, "saf.xml", (shared_data / SAF).read_bytes())
    jobs.import_run(DocumentImport.objects.get().pk)
    first = Document.objects.get()
    monkeypatch.setattr(jobs, "parse_with_limits", lambda *a, **k: pytest.fail("parsed in the request"))
    response = pub_client.post(
        f"/staff/consultations/saf-bill/documents/{first.slug}/new-version/",
        {"file": SimpleUploadedFile("saf-v2.xml", (shared_data / SAF).read_bytes()), "format": ""},
    )
    job = DocumentImport.objects.get(previous_version=first)
    assert response["Location"] == f"{URL}{job.pk}/" and job.state == "queued"
    assert Document.objects.count() == 1
    monkeypatch.undo()
    monkeypatch.setattr(jobs, "_send", held.append)
    assert jobs.import_run(job.pk) == "done"
    second = Document.objects.get(previous_version=first)
    assert second.version == 2 and second.slug == first.slug
    page = pub_client.get(f"{URL}{job.pk}/", follow=True)
    assert "Version 2 uploaded" in page.content.decode()
