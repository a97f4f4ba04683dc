"""One ZIP per consultation of everything public, in CSV and JSON, written as it streams: rows are read
in chunks and compressed bytes are handed to the response as soon as they exist (no temporary file)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from consultations.models import Consultation

from .licence import OGL_URL, OGL_V3
from .tables import TABLES, Table

FLUSH_AT = 64 * 1024


class _Sink(io.RawIOBase):
    """An unseekable file zipfile writes to; the generator drains it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        data = bytes(b)
        self.parts.append(data)
        self.size += len(data)
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, int | float):
        return str(value)
    else:
        text = str(value)
    # A spreadsheet would run text such as "=HYPERLINK(...)" as a formula: quote it (CSV only; the JSON
    # files carry every value exactly as written).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_lines(table: Table, rows: Iterator[dict]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [c.name for c in table.columns]
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(row.get(n)) for n in names])
        if buffer.tell() > FLUSH_AT:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_lines(table: Table, rows: Iterator[dict]) -> Iterator[bytes]:
    names = [c.name for c in table.columns]
    yield b"["
    first = True
    for row in rows:
        item = {n: _plain(row.get(n)) for n in names}
        yield (b"\n" if first else b",\n") + json.dumps(item, ensure_ascii=False).encode()
        first = False
    yield b"\n]\n"


def data_dictionary() -> tuple[bytes, bytes]:
    """(CSV, JSON) describing every file and column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["file", "column", "type", "description"])
    doc = []
    for table in TABLES:
        writer.writerow([f"{table.name}.csv / {table.name}.json", "", "table", table.description])
        for col in table.columns:
            writer.writerow([table.name, col.name, col.type, col.description])
        doc.append(
            {
                "table": table.name,
                "files": [f"{table.name}.csv", f"{table.name}.json"],
                "description": table.description,
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description} for c in table.columns
                ],
            }
        )
    return buffer.getvalue().encode(), json.dumps(doc, indent=2, ensure_ascii=False).encode()


def _readme(consultation: Consultation) -> bytes:
    return (
        f"{consultation.title}\n{'=' * min(len(consultation.title), 80)}\n\n"
        f"Open data from {settings.SITE_NAME}: {settings.SITE_URL}{consultation.get_absolute_url()}\n"
        f"Generated {timezone.now().isoformat(timespec='seconds')}.\n\n"
        "Every table comes as CSV (UTF-8, comma separated, header row) and as JSON (an array of objects).\n"
        "data-dictionary.csv and data-dictionary.json describe every column.\n"
        "In the CSV files, text that starts with = + - or @ has a ' in front so that spreadsheet programs\n"
        "do not run it as a formula; the JSON files have every value exactly as written.\n\n"
        "Only public material is included: published comments, and responses whose authors agreed to\n"
        "publication once the consultation closed. No email or postal address of any person is included.\n\n"
        f"Licence: Open Government Licence v3.0 ({OGL_URL}); see LICENCE.txt.\n"
        "Attribution: Contains public sector information licensed under the Open Government Licence v3.0.\n"
        "Comments and responses are the words of the people who wrote them, published with their consent\n"
        "under the name they chose.\n"
    ).encode()


def stream_zip(consultation: Consultation) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", _readme(consultation))
        zf.writestr("LICENCE.txt", OGL_V3.encode())
        dictionary_csv, dictionary_json = data_dictionary()
        zf.writestr("data-dictionary.csv", dictionary_csv)
        zf.writestr("data-dictionary.json", dictionary_json)
        yield sink.drain()
        for table in TABLES:
            for suffix, writer in (("csv", _csv_lines), ("json", _json_lines)):
                with zf.open(f"{table.name}.{suffix}", "w", force_zip64=True) as member:
                    for chunk in writer(table, table.rows(consultation)):
                        member.write(chunk)
                        if sink.size > FLUSH_AT:
                            yield sink.drain()
                yield sink.drain()
    yield sink.drain()
