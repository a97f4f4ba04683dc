"""Assisted digital: responses typed in by officials, attachments, and the all-or-nothing CSV import."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from responses import importing, services
from responses.models import Answer, Response, ResponseAttachment
from responses.validation import CleanAnswer

pytestmark = pytest.mark.django_db


def _offline(formal, analyst, text, **kw):
    data = {
        "consultation": formal,
        "by": analyst,
        "channel": "post",
        "received_at": timezone.localdate(),
        "respondent_type": "individual",
        "region": "wales",
        "consent": "anonymous",
        "respondent_name": "A. Writer",
        "address": "1 High Street, Cardiff",
        "answers": {},
    } | kw
    return services.response_enter_offline(**data)


def test_an_official_records_a_postal_response_with_its_channel_and_date(
    formal, questions, analyst, real_comments, enrichment_calls, django_capture_on_commit_callbacks
):
    answers = {
        questions[0].pk: CleanAnswer(choices=[], text=real_comments[3]),
        questions[1].pk: CleanAnswer(choices=["Yes"], text=""),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _offline(
            formal,
            analyst,
            real_comments[3],
            answers=answers,
            received_at=timezone.localdate() - timedelta(days=2),
        )
    assert response.channel == "post" and response.status == "submitted"
    assert response.entered_by == analyst and response.received_at == timezone.localdate() - timedelta(days=2)
    assert Answer.objects.filter(response=response).count() == 2
    assert ("answer", Answer.objects.get(response=response, question=questions[0]).pk) in enrichment_calls


def test_entering_the_same_postal_response_twice_is_refused(formal, questions, analyst, real_comments):
    answers = {questions[0].pk: CleanAnswer(choices=[], text=real_comments[3])}
    first = _offline(formal, analyst, "", answers=answers)
    with pytest.raises(ValidationError, match=first.reference):
        _offline(formal, analyst, "", answers=answers)
    assert Response.objects.count() == 1


def test_a_response_received_after_closing_is_refused_but_one_received_before_can_be_entered_late(
    formal, questions, analyst, close
):
    close()
    formal.closes_at = timezone.now() - timedelta(days=5)
    formal.save(update_fields=["closes_at"])
    with pytest.raises(ValidationError, match="after the consultation closed"):
        _offline(formal, analyst, "", received_at=timezone.localdate() - timedelta(days=2))
    late = _offline(formal, analyst, "", received_at=timezone.localdate() - timedelta(days=8))
    assert late.status == "submitted"


# --- attachments -----------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("letter.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "pdf"),
        ("letter.docx", None, "docx"),
        ("letter.odt", None, "odt"),
    ],
)
def test_pdf_docx_and_odt_attachments_are_accepted_by_their_content(formal, analyst, name, data, kind):
    data = data or (_docx_bytes() if kind == "docx" else _odt_bytes())
    response = _offline(formal, analyst, "")
    att = services.attachment_add(response=response, upload=SimpleUploadedFile(name, data), by=analyst)
    assert att.kind == kind and att.size == len(data) and att.original_name == name


@pytest.mark.parametrize(
    "name,data",
    [
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is a Windows executable"),
        ("notes.docx", b"PK\x03\x04 not really a zip"),
        ("archive.docx", None),  # a real zip without Word's members
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_empty_uploads_are_refused(formal, analyst, name, data):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("readme.txt", "hello")
        data = buf.getvalue()
    response = _offline(formal, analyst, "")
    with pytest.raises(ValidationError):
        services.attachment_add(response=response, upload=SimpleUploadedFile(name, data), by=analyst)
    assert not ResponseAttachment.objects.exists()


@pytest.mark.parametrize("macro_member", ["word/vbaProject.bin", "Basic/Standard/Module1.xml"])
def test_documents_with_macros_are_refused(formal, analyst, macro_member):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if macro_member.startswith("word/"):
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", "<w:document/>")
        else:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr(macro_member, "Sub AutoOpen()")
    response = _offline(formal, analyst, "")
    with pytest.raises(ValidationError, match="macros"):
        services.attachment_add(
            response=response, upload=SimpleUploadedFile("letter.docx", buf.getvalue()), by=analyst
        )
    assert not ResponseAttachment.objects.exists()


def test_an_attachment_is_stored_and_downloaded_as_what_its_content_is(
    client, formal, analyst, settings, tmp_path
):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    response = _offline(formal, analyst, "")
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
    att = services.attachment_add(
        response=response, upload=SimpleUploadedFile("..\\letter.html", pdf), by=analyst
    )
    assert att.original_name == "letter.html" and att.kind == "pdf"
    assert att.file.name.endswith(".pdf") and "letter" not in att.file.name
    client.force_login(analyst)
    r = client.get(
        reverse("responses:staff-attachment-download", args=[formal.slug, response.reference, att.pk])
    )
    assert r["Content-Type"] == "application/pdf"
    assert 'filename="letter.pdf"' in r["Content-Disposition"] and r["Content-Disposition"].startswith(
        "attachment"
    )
    assert b"".join(r.streaming_content) == pdf


def test_an_official_attaching_a_disguised_file_sees_an_error_and_nothing_is_saved(
    client, formal, analyst, settings, tmp_path
):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    response = _offline(formal, analyst, "")
    client.force_login(analyst)
    page = reverse("responses:staff-response-detail", args=[formal.slug, response.reference])
    fake = SimpleUploadedFile("response.pdf", b"MZ\x90\x00 a Windows program")
    r = client.post(page, {"file": fake})
    assert r.status_code == 400 and "must be a PDF, DOCX or ODT" in r.content.decode()
    assert "govuk-error-summary" in r.content.decode()
    assert not ResponseAttachment.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_oversized_uploads_are_refused(formal, analyst, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = _offline(formal, analyst, "")
    with pytest.raises(ValidationError, match="smaller than"):
        services.attachment_add(
            response=response, upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000), by=analyst
        )


# --- CSV import -------------------------------------------------------------------------------------------


def make_csv(formal, rows: list[dict], *, bom: bool = False, encoding: str = "utf-8", columns=None) -> bytes:
    columns = columns or importing.template_columns(formal)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row(text: str, n: int = 0, **kw) -> dict:
    base = {
        "respondent_type": "individual",
        "name": f"Respondent {n}",
        "email": f"person{n}@example.org",
        "address": "",
        "organisation_name": "",
        "organisation_type": "",
        "region": "London",
        "consent": "anonymous",
        "channel": "email",
        "received_on": timezone.localdate().isoformat(),
        "q1": text,
        "q2": "Yes",
        "q3": "Employers;Workers",
        "q4": "Agree",
        "q4_why": "",
    }
    return base | kw


def test_a_valid_file_imports_every_row_with_its_answers(formal, questions, analyst, real_comments):
    rows = [row(t, n) for n, t in enumerate(real_comments[:20])]
    rows[3] |= {
        "respondent_type": "organisation",
        "organisation_name": "Greystone",
        "organisation_type": "business",
    }
    created = importing.responses_import(
        consultation=formal, by=analyst, data=make_csv(formal, rows, bom=True)
    )
    assert len(created) == 20
    assert Response.objects.filter(consultation=formal, imported=True, status="submitted").count() == 20
    r3 = Response.objects.get(email="person3@example.org")
    assert r3.organisation_name == "Greystone" and r3.region == "london" and r3.channel == "email"
    assert sorted(r3.answers.get(question=questions[2]).choices) == ["Employers", "Workers"]
    assert len({r.reference for r in created}) == 20


def test_preview_shows_the_first_rows_without_saving_anything(formal, questions, real_comments):
    result = importing.parse(formal, make_csv(formal, [row(t, n) for n, t in enumerate(real_comments[:15])]))
    assert result.ok and len(result.rows) == 15 and len(result.preview) == importing.PREVIEW_ROWS
    assert result.preview[0].number == 2
    assert not Response.objects.exists()


def test_a_file_with_wrong_columns_is_refused_naming_them(formal, questions, analyst):
    data = b"name,comment,postcode\nJo,Hello,SW1A 1AA\n"
    result = importing.parse(formal, data)
    assert not result.ok
    assert any("missing" in m and "respondent_type" in m for m in result.file_errors)
    assert any("comment" in m and "postcode" in m for m in result.file_errors)
    with pytest.raises(importing.ImportRefused):
        importing.responses_import(consultation=formal, by=analyst, data=data)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("latin-1", "Café owners would be affected, and so would their suppliers"),
        ("cp1252", "Café owners would be affected – and so would their suppliers’ staff"),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_naming_the_line_and_nothing_is_saved(
    formal, questions, analyst, real_comments, encoding, text
):
    rows = [row(t, n) for n, t in enumerate(real_comments[:3])]
    rows[2]["q1"] = text
    data = make_csv(formal, rows, encoding=encoding)
    result = importing.parse(formal, data)
    assert not result.ok and not result.rows
    message = result.file_errors[0]
    assert "not UTF-8" in message and "line 4" in message and "CSV UTF-8" in message
    with pytest.raises(importing.ImportRefused):
        importing.responses_import(consultation=formal, by=analyst, data=data)
    assert not Response.objects.exists()


def test_utf8_with_a_byte_order_mark_keeps_the_first_column_name(formal, questions, real_comments):
    result = importing.parse(formal, make_csv(formal, [row(real_comments[0])], bom=True))
    assert result.ok and result.columns[0] == "respondent_type"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_as_spreadsheets_save_unicode_text_are_read(
    formal, questions, analyst, real_comments, encoding
):
    rows = [row(t, n) for n, t in enumerate(real_comments[:4])]
    rows[1]["q1"] = "Café owners would be affected – and so would their suppliers"
    text = make_csv(formal, rows).decode("utf-8")
    if encoding == "utf-16":  # "Unicode text": tab-separated, with a byte-order mark
        out = io.StringIO()
        csv.writer(out, delimiter="\t").writerows(csv.reader(io.StringIO(text)))
        text = out.getvalue()
    created = importing.responses_import(consultation=formal, by=analyst, data=text.encode(encoding))
    assert len(created) == 4
    assert Answer.objects.filter(text__startswith="Café owners would be affected –").count() == 1


def test_a_binary_file_is_refused_as_not_csv(formal, questions):
    result = importing.parse(formal, b"%PDF-1.7\n\x00\x01\x02 binary" * 50)
    assert result.file_errors and not result.rows


def test_row_errors_list_row_numbers_and_nothing_is_saved(formal, questions, analyst, real_comments):
    rows = [row(t, n) for n, t in enumerate(real_comments[:6])]
    rows[1]["q2"] = "Perhaps"
    rows[2]["received_on"] = "31/02/2026"
    rows[4]["q1"] = ""  # required
    rows[5]["consent"] = "sure"
    with pytest.raises(importing.ImportRefused) as exc:
        importing.responses_import(consultation=formal, by=analyst, data=make_csv(formal, rows))
    numbers = [n for n, _ in exc.value.result.row_errors]
    assert numbers == [3, 4, 6, 7]
    assert "Perhaps" in exc.value.result.messages[0]
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_duplicate_rows_are_refused_within_the_file_and_against_responses_already_held(
    formal, questions, analyst, real_comments
):
    rows = [row(real_comments[0], 1), row(real_comments[1], 2), row(real_comments[0], 1)]
    result = importing.parse(formal, make_csv(formal, rows))
    assert result.row_errors == [(4, "duplicates row 2.")]
    importing.responses_import(consultation=formal, by=analyst, data=make_csv(formal, rows[:2]))
    again = importing.parse(formal, make_csv(formal, rows[1:2]))
    assert again.row_errors and "already held" in again.row_errors[0][1]


def test_an_empty_file_is_refused(formal, questions):
    assert "empty" in importing.parse(formal, b"").file_errors[0]
    assert "no responses" in importing.parse(formal, make_csv(formal, [])).file_errors[0]


def test_a_thousand_rows_import_in_one_transaction_and_queue_analysis(
    formal, questions, analyst, real_comments, enrichment_calls, django_capture_on_commit_callbacks
):
    rows = [row(real_comments[n % len(real_comments)], n) for n in range(1000)]
    with django_capture_on_commit_callbacks(execute=True):
        created = importing.responses_import(consultation=formal, by=analyst, data=make_csv(formal, rows))
    assert len(created) == 1000
    assert Response.objects.filter(consultation=formal).count() == 1000
    assert Answer.objects.filter(response__consultation=formal, question=questions[0]).count() == 1000
    assert len([c for c in enrichment_calls if c[0] == "answer"]) == 1000


def test_the_analysis_reads_every_channels_answers_alike_and_no_drafts(
    formal, questions, analyst, citizen, other_citizen, real_comments
):
    from insights.runs import iter_units

    online = services.response_start(consultation=formal, user=citizen)
    services.response_save_about(
        response=online, respondent_type="individual", region="wales", consent="none"
    )
    services.answer_save(response=online, question=questions[0], text=real_comments[0])
    services.answer_save(response=online, question=questions[1], choices=["No"])
    services.response_submit(response=online)
    posted = _offline(
        formal, analyst, "", answers={questions[0].pk: CleanAnswer(choices=[], text=real_comments[1])}
    )
    importing.responses_import(
        consultation=formal, by=analyst, data=make_csv(formal, [row(real_comments[2], 7, channel="event")])
    )
    draft = services.response_start(consultation=formal, user=other_citizen)
    services.answer_save(response=draft, question=questions[0], text=real_comments[3])
    texts = {u.text for u in iter_units(formal.pk, f"question:{questions[0].pk}")}
    assert texts == {real_comments[0], real_comments[1], real_comments[2]}
    assert {r.channel for r in Response.objects.submitted()} == {"online", "post", "event"}
    assert posted.status == "submitted"
