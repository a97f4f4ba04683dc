"""Attachments are read (issue 19, item 4): the worker extracts the text of PDF, DOCX and ODT files within
size and time limits; the text is one response unit, counted once; a scan with no text layer is flagged
"needs reading"."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from insights import units
from responses import extraction, services
from responses.models import Response, ResponseAttachment

pytestmark = pytest.mark.django_db

LETTER = "The register in clause 2 will cost our members about four hundred pounds a year each."


def pdf_with_text(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def pdf_scan() -> bytes:
    """A page with no text layer, as a scanner makes (here: an empty page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Response from the Federation", level=1)
    d.add_paragraph(text)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Members", "4,000"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def odt_with_text(text: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"<text:h>Our response</text:h><text:p>{text}</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.parametrize(
    "make,kind,also",
    [
        (pdf_with_text, "pdf", ""),
        (docx_with_text, "docx", "Members 4,000"),
        (odt_with_text, "odt", "Our response"),
    ],
)
def test_the_text_of_each_kind_of_file_is_read(make, kind, also):
    data = make(LETTER)
    result = extraction.extract(io.BytesIO(data), kind, len(data))
    assert result.state == "done"
    assert LETTER in " ".join(result.text.split())
    assert also in result.text
    assert result.text.count("four hundred pounds") == 1


def test_a_scan_with_no_text_layer_needs_reading():
    data = pdf_scan()
    assert extraction.extract(io.BytesIO(data), "pdf", len(data)).state == "needs_reading"


def test_a_damaged_file_fails_and_a_large_or_slow_one_is_left_for_a_person(settings):
    assert extraction.extract(io.BytesIO(b"%PDF-1.7\n garbage"), "pdf", 17).state in (
        "failed",
        "needs_reading",
    )
    assert extraction.extract(io.BytesIO(b"PK\x03\x04 not a zip"), "docx", 14).state == "failed"
    settings.ATTACHMENT_TEXT_MAX_BYTES = 100
    data = pdf_with_text(LETTER)
    assert extraction.extract(io.BytesIO(data), "pdf", len(data)).state == "too_large"
    settings.ATTACHMENT_TEXT_MAX_BYTES = 10**8
    settings.ATTACHMENT_TEXT_SECONDS = -1  # the deadline has passed before the first page
    assert extraction.extract(io.BytesIO(data), "pdf", len(data)).state == "too_large"


@pytest.fixture
def letter(consultation, analyst):
    return services.response_enter_offline(
        consultation=consultation,
        by=analyst,
        channel="post",
        received_at=timezone.localdate(),
        respondent_type="organisation",
        organisation_name="Federation of Small Employers",
        organisation_type="business",
        region="london",
        consent="none",
        answers={},
    )


def test_an_attached_file_is_read_by_the_worker_and_analysed_once(
    client, analyst, consultation, letter, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        text_file = services.attachment_add(
            response=letter, upload=SimpleUploadedFile("reply.pdf", pdf_with_text(LETTER)), by=analyst
        )
        scan = services.attachment_add(
            response=letter, upload=SimpleUploadedFile("scan.pdf", pdf_scan()), by=analyst
        )
    text_file.refresh_from_db()
    scan.refresh_from_db()
    assert text_file.extraction == "done" and LETTER in " ".join(text_file.text.split())
    assert scan.extraction == "needs_reading" and scan.text == "" and scan.needs_reading
    read = [u for u in units.iter_units(consultation.pk) if "four hundred pounds" in u.text]
    assert [u.id for u in read] == [f"file:{text_file.pk}"]  # once, as the file; not in any other unit
    client.force_login(analyst)
    detail = client.get(
        reverse("responses:staff-response-detail", args=[consultation.slug, letter.reference])
    ).content.decode()
    assert "Needs reading: no text layer" in detail
    explorer = client.get(
        reverse("dashboards:explorer", args=[consultation.slug]), {"type": "file", "reading": "needs_reading"}
    ).content.decode()
    assert "1 attached file" in explorer and "scan.pdf" in explorer and "reply.pdf" not in explorer
    assert "data-needs-reading" in explorer


def test_a_file_of_a_draft_response_is_not_analysed(consultation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = Response.objects.create(consultation=consultation, status="draft")
    ResponseAttachment.objects.create(
        response=draft,
        file="x.pdf",
        original_name="x.pdf",
        kind="pdf",
        size=1,
        text=LETTER,
        extraction="done",
    )
    assert not [u for u in units.iter_units(consultation.pk) if u.id.startswith("file:")]
