"""Bad and hostile files: each is refused with a clear, located error and nothing is saved."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from consultations.importers import ImporterError
from consultations.importers.save import import_uploaded_file
from consultations.models import Document, Section

from .helpers import AKN_BILLS, USLM_BILLS

pytestmark = pytest.mark.django_db
SAF = next(p for p in AKN_BILLS if p.name.startswith("sustainable"))
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


def refused(consultation, data: bytes, filename: str = "bill.xml", fmt: str | None = None) -> ImporterError:
    with pytest.raises(ImporterError) as err:
        import_uploaded_file(consultation=consultation, data=data, filename=filename, fmt=fmt, title=None)
    assert Document.objects.count() == 0
    assert Section.objects.count() == 0
    return err.value


def test_malformed_xml_names_the_line(consultation):
    lines = SAF.read_bytes().splitlines(keepends=True)
    broken = b"".join(lines[:200]) + b"<p>unclosed <b>tag</p>\n" + b"".join(lines[200:])
    error = refused(consultation, broken)
    assert "not well formed" in error.message
    assert error.location.startswith("line 201")


def test_malformed_xml_with_format_given_names_the_line(consultation):
    data = b'<?xml version="1.0"?>\n<akomaNtoso>\n  <bill>\n</akomaNtoso>\n'
    error = refused(consultation, data, fmt="akn")
    assert error.location.startswith("line 4")


def test_wrong_root_element_is_named(consultation):
    error = refused(consultation, b'<?xml version="1.0"?>\n<html><body><p>Hello</p></body></html>\n')
    assert "<html>" in str(error)


def test_a_uslm_file_declared_as_akoma_ntoso_is_refused(consultation):
    error = refused(consultation, USLM_BILLS[-1].read_bytes(), fmt="akn")
    assert "Expected an Akoma Ntoso" in error.message
    assert "<bill>" in error.message


def test_akoma_ntoso_without_a_body_names_the_element(consultation):
    data = f'<akomaNtoso xmlns="{AKN_NS}">\n<bill name="x">\n<meta/>\n</bill>\n</akomaNtoso>'.encode()
    error = refused(consultation, data)
    assert "has no <body>" in error.message
    assert "/akomaNtoso/bill" in error.location and "line 2" in error.location


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<akomaNtoso xmlns="{AKN_NS}"><bill><body><section eId="sec_1"><num>1</num>
<content><p>&x;</p></content></section></body></bill></akomaNtoso>""".encode()


@pytest.mark.parametrize("fmt", [None, "akn", "clml", "uslm"])
def test_external_entity_is_refused_and_never_read(consultation, fmt):
    error = refused(consultation, XXE, fmt=fmt)
    assert "root:" not in str(error)
    assert "DOCTYPE" in error.message or "entity" in error.message.lower()


def test_billion_laughs_is_refused_quickly(consultation):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE akomaNtoso [{entities}]>\n'
        f'<akomaNtoso xmlns="{AKN_NS}"><bill><body><section><num>1</num>'
        f"<content><p>&lol9;</p></content></section></body></bill></akomaNtoso>"
    ).encode()
    started = time.perf_counter()
    error = refused(consultation, data)
    elapsed = time.perf_counter() - started
    print(f"billion laughs refused in {elapsed * 1000:.1f} ms")
    assert "DOCTYPE" in error.message or "entity" in error.message.lower()


@pytest.mark.parametrize("data", [b"", b"   \n\n  "], ids=["empty", "whitespace"])
@pytest.mark.parametrize("filename", ["bill.xml", "bill.md", "bill.docx"])
def test_empty_file_is_refused(consultation, data, filename):
    error = refused(consultation, data, filename=filename)
    assert error.message == "The file is empty"


def test_docx_that_is_a_zip_of_junk_is_refused(consultation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/junk.bin", b"\x00\x01" * 100)
    error = refused(consultation, buffer.getvalue(), filename="consultation.docx")
    assert "not a Word document" in error.message


def test_docx_with_broken_xml_inside_is_refused(consultation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document")
    error = refused(consultation, buffer.getvalue(), filename="consultation.docx")
    assert "could not be read" in error.message


def test_oversized_upload_is_refused_before_parsing(consultation, settings):
    settings.MAX_UPLOAD_BYTES = 50_000
    error = refused(consultation, SAF.read_bytes(), filename=SAF.name)
    assert error.message == "The file is too big (99 KB): the limit is 49 KB"
    assert error.location == SAF.name


def test_unknown_format_is_refused(consultation):
    error = refused(consultation, SAF.read_bytes(), fmt="pdf")
    assert "Unknown format" in error.message


def test_xml_of_an_unknown_vocabulary_is_refused(consultation):
    error = refused(consultation, b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    assert "Unrecognised XML" in error.message


@pytest.mark.parametrize("depth", [250, 5000])
def test_absurdly_deep_nesting_is_refused_or_read_without_crashing(consultation, depth):
    data = (
        f'<akomaNtoso xmlns="{AKN_NS}"><bill><body>'
        + "<section><num>1</num>" * depth
        + "</section>" * depth
        + "</body></bill></akomaNtoso>"
    ).encode()
    if depth < 256:
        result = import_uploaded_file(
            consultation=consultation, data=data, filename="deep.xml", fmt=None, title=None
        )
        assert result.counts["clause"] == depth
        return
    error = refused(consultation, data, filename="deep.xml")
    assert error.message == "The XML is not well formed: elements are nested more than 256 levels deep"
    assert error.location.startswith("line 1, column")


def test_the_parser_itself_never_expands_an_external_entity():
    from lxml import etree

    from consultations.importers import safe_parser

    root = etree.fromstring(XXE, parser=safe_parser())
    assert "root:" not in "".join(root.itertext())


def test_a_legislation_table_of_contents_is_refused_saying_what_it_is(consultation, shared_data):
    path = shared_data / "bills/clml/tribunals-scotland-act-2014.contents.clml.xml"
    error = refused(consultation, path.read_bytes(), filename=path.name)
    assert error.message.startswith("This is a table of contents from legislation.gov.uk")
    assert error.location == "/Legislation/Contents, line 149"


@pytest.mark.parametrize(
    ("filename", "data", "start"),
    [
        ("bill.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF file"),
        ("bill.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "This is an older Word (.doc)"),
        ("notes.rtf", b"{\\rtf1\\ansi Clause 1}", "This is a Rich Text (.rtf) file"),
        ("bill.html", b"<html><body><h1>1 Title</h1></body></html>", "Files ending .html cannot be imported"),
        ("bill", b"\0\0\0\0 binary", "This is a binary file"),
    ],
)
def test_files_of_other_kinds_are_named_and_refused(consultation, filename, data, start):
    error = refused(consultation, data, filename=filename)
    assert error.message.startswith(start)
    assert error.location == filename


def test_a_named_format_overrides_an_unknown_file_ending(consultation, shared_data):
    data = (shared_data / "bills/uslm/S1000_IS.XML").read_bytes()
    result = import_uploaded_file(
        consultation=consultation, data=data, filename="s1000.txt", fmt="uslm", title=None
    )
    assert result.counts["clause"] == 2
