"""Bad files uploaded on the import page: each gets a GOV.UK error summary that says what is wrong and
where, the page keeps the form, and nothing is saved (no document, no sections, no stored file)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Consultation, Document, Section
from tests.factories import PASSWORD, ConsultationFactory

pytestmark = pytest.mark.django_db

SAF = "bills/akn/sustainable-aviation-fuel-bill.xml"


def _zip_without_word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _malformed_saf(shared_data) -> bytes:
    lines = (shared_data / SAF).read_bytes().splitlines(keepends=True)
    return b"".join(lines[:120]) + b"<p>an unclosed <b>tag</p>\n" + b"".join(lines[120:])


@pytest.fixture
def draft(team):
    return ConsultationFactory(team=team, slug="saf-bill", state=Consultation.State.DRAFT, published_at=None)


@pytest.fixture
def pub_client(client, publisher):
    client.login(email=publisher.email, password=PASSWORD)
    return client


def upload(client, name: str, data: bytes, fmt: str = ""):
    response = client.post(
        "/staff/consultations/saf-bill/import/",
        {"file": SimpleUploadedFile(name, data), "format": fmt},
        follow=True,  # to the import's page, where the worker's verdict is shown
    )
    assert response.status_code == 200
    return response.content.decode()


def assert_refused(html: str, *expected: str) -> None:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'href="#id_file"' in summary
    for text in expected:
        assert text in summary, text
    assert not Document.objects.exists()
    assert not Section.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))


CASES = [
    ("bill.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "This is a PDF file"),
    ("bill.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "save it as .docx"),
    ("scan.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, "This is a PNG image"),
    ("bill.json", b'{"clauses": []}', "Files ending .json cannot be imported"),
    ("bill.docx", b"This is plain text with a .docx name", "is not a Word document (.docx)"),
    ("bill.docx", _zip_without_word_document(), "a zip archive but not a Word document"),
    ("bill.xml", b"\0\1\2\3binary", "This is a binary file"),
    ("bill.md", b"Clause one without any heading at all.", "No sections found"),
]


@pytest.mark.parametrize(("name", "data", "message"), CASES, ids=[c[0] + "-" + c[2][:20] for c in CASES])
def test_a_file_of_the_wrong_kind_is_refused_saying_what_it_is(pub_client, draft, name, data, message):
    html = upload(pub_client, name, data)
    assert_refused(html, message, "Nothing was imported.")
    assert "There is a problem" in html


def test_malformed_xml_names_the_line_and_column(pub_client, draft, shared_data):
    html = upload(pub_client, "saf.xml", _malformed_saf(shared_data))
    assert_refused(html, "The XML is not well formed", "(line 121, column")


def test_an_unclosed_element_says_where_it_opened(pub_client, draft):
    html = upload(pub_client, "bill.xml", b"<akomaNtoso>\n<bill>\n<body>\n<section>")
    assert_refused(html, "which opens on line 4")


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"], ids=["zero-bytes", "whitespace"])
def test_an_empty_file_is_refused(pub_client, draft, data):
    assert_refused(upload(pub_client, "bill.xml", data), "The file is empty")


def test_no_file_at_all_asks_for_one(pub_client, draft):
    response = pub_client.post("/staff/consultations/saf-bill/import/", {"format": ""})
    assert_refused(response.content.decode(), "Select the file to import")


def test_a_huge_file_is_refused_from_its_size_without_being_read(pub_client, draft, settings, monkeypatch):
    settings.MAX_UPLOAD_BYTES = 1_048_576
    monkeypatch.setattr(
        "consultations.importers.save.import_uploaded_file",
        lambda **kwargs: pytest.fail("an oversized upload was read and parsed"),
    )
    html = upload(pub_client, "bill.xml", b"<akomaNtoso>" + b" " * (3 * 1_048_576))
    assert_refused(html, "The file is too big (3.0 MB): the limit is 1.0 MB")


def test_a_real_bill_with_the_wrong_format_chosen_is_refused(pub_client, draft, shared_data):
    html = upload(pub_client, "saf.xml", (shared_data / SAF).read_bytes(), fmt="uslm")
    assert_refused(html, "Expected a USLM document")


def test_after_a_refusal_the_right_file_imports(pub_client, draft, shared_data):
    upload(pub_client, "bill.pdf", b"%PDF-1.7\n")
    response = pub_client.post(
        "/staff/consultations/saf-bill/import/",
        {"file": SimpleUploadedFile("saf.xml", (shared_data / SAF).read_bytes()), "format": ""},
    )
    assert response.status_code == 302
    assert Document.objects.get().sections.filter(kind="clause").count() == 19
