"""Every file in shared/data/bills/ is either imported, with counts taken independently from the file, or
listed in helpers.NOT_BILLS with what it is. The test lists the folder: a bill dropped in is tested
without editing this file, whatever the case of its name (.xml, .XML) and whatever its format."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from consultations.importers import ImporterError, parse

from .helpers import ALL_BILLS, BILLS, CORPUS, FORMATS, NOT_BILLS, expected_counts, not_a_bill

_NUMBERED = re.compile(r"^(?:clause\s+)?\d+[A-Z]*[.:]?\s", re.IGNORECASE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text_clauses(path) -> int:
    """Clauses of a Markdown or Word bill, counted here: headings that start with a number."""
    if FORMATS[path] == "md":
        headings = [
            line.lstrip("#").strip() for line in path.read_text("utf-8").splitlines() if line.startswith("#")
        ]
    else:
        with zipfile.ZipFile(path) as package:
            body = etree.fromstring(package.read("word/document.xml"))
        headings = [
            "".join(p.itertext()).strip()
            for p in body.iter(f"{W}p")
            if any("heading" in (s.get(f"{W}val") or "").lower() for s in p.iter(f"{W}pStyle"))
        ]
    return sum(bool(_NUMBERED.match(h + " ")) for h in headings)


def test_every_file_in_the_bills_folder_is_a_bill_or_says_what_it_is():
    names = {p.relative_to(BILLS).as_posix() for p in CORPUS}
    for entry in NOT_BILLS:  # no stale entry hides a file
        assert entry in names or any(n.startswith(entry) for n in names if entry.endswith("/")), entry
    assert {p for p in CORPUS if not not_a_bill(p)} == set(ALL_BILLS)
    assert any(p.suffix == ".xml" for p in ALL_BILLS) and any(p.suffix == ".XML" for p in ALL_BILLS)


@pytest.mark.parametrize("path", ALL_BILLS, ids=[p.relative_to(BILLS).as_posix() for p in ALL_BILLS])
def test_each_bill_imports_with_the_counts_in_the_file(path):
    parsed = parse(path.read_bytes(), filename=path.name)
    assert parsed.has_units()
    assert not parsed.skipped, parsed.skipped_lines()
    if FORMATS[path] in ("md", "docx"):
        assert parsed.counts()["clause"] == _text_clauses(path)
    else:
        assert parsed.counts() == expected_counts(path)


XML_NOT_BILLS = [p for p in CORPUS if not_a_bill(p) and p.suffix.lower() == ".xml"]


@pytest.mark.parametrize("path", XML_NOT_BILLS, ids=[p.name for p in XML_NOT_BILLS])
def test_an_xml_file_that_is_not_a_bill_is_refused_with_a_message(path):
    with pytest.raises(ImporterError) as caught:
        parse(path.read_bytes(), filename=path.name)
    assert caught.value.message
