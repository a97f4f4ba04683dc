"""Structured logs: every line is JSON with the request id, and no email or IP address survives."""

from __future__ import annotations

import io
import json
import logging

import pytest

from dhdigital.lib.logging import scrub


@pytest.fixture
def log_lines():
    """The configured console handler (settings.LOGGING), writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        handler.setStream(old)


@pytest.fixture
def noisy_urls(settings):
    settings.ROOT_URLCONF = "tests.ops.urls_logging"


def test_every_response_carries_a_request_id_header(client, noisy_urls):
    first = client.get("/noisy/")
    second = client.get("/noisy/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_request_id_from_the_proxy_is_kept_and_a_malformed_one_replaced(client, noisy_urls):
    kept = client.get("/noisy/", HTTP_X_REQUEST_ID="edge-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "edge-7f3a9c21-0001"
    injected = client.get("/noisy/", HTTP_X_REQUEST_ID='x" level=ERROR fake\nline')
    assert injected["X-Request-ID"] != 'x" level=ERROR fake\nline'
    assert len(injected["X-Request-ID"]) == 32


def test_log_lines_of_a_request_share_its_id_and_are_json(client, noisy_urls, log_lines):
    response = client.get("/noisy/")
    rid = response["X-Request-ID"]
    lines = [line for line in log_lines() if line["request_id"] == rid]
    loggers = {line["logger"] for line in lines}
    assert {"dhdigital.tests", "dhdigital.request"} <= loggers
    access = next(line for line in lines if line["logger"] == "dhdigital.request")
    assert access["status"] == 200 and access["path"] == "/noisy/" and access["method"] == "GET"
    assert access["duration_ms"] >= 0


def test_emails_and_ip_addresses_in_messages_are_scrubbed(client, noisy_urls, log_lines):
    client.get("/noisy/", REMOTE_ADDR="198.51.100.7")
    text = "\n".join(json.dumps(line) for line in log_lines())
    assert "jo.citizen@example.org" not in text and "sam@example.net" not in text
    assert "203.0.113.42" not in text and "2001:db8::8a2e:370:7334" not in text
    assert "198.51.100.7" not in text
    warning = next(line for line in log_lines() if line["level"] == "WARNING")
    assert warning["message"] == "Sign-in failed for [email] from [ip]"
    info = next(
        line for line in log_lines() if line["logger"] == "dhdigital.tests" and line["level"] == "INFO"
    )
    assert info["message"] == "Client at [ip] retried at 12:30:45"
    assert info["who"] == "[email]"


def test_query_strings_are_not_logged(client, noisy_urls, log_lines):
    client.get("/noisy/?q=my+neighbour+at+12+Acacia+Avenue")
    assert "Acacia" not in "\n".join(json.dumps(line) for line in log_lines())


def test_exception_tracebacks_are_scrubbed_too(log_lines):
    log = logging.getLogger("dhdigital.tests")
    try:
        raise ValueError("duplicate key (email)=(jo.citizen@example.org)")
    except ValueError:
        log.exception("Could not save")
    line = log_lines()[-1]
    assert "jo.citizen@example.org" not in json.dumps(line)
    assert "ValueError" in line["exc"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail a.b+tag@sub.example.co.uk now", "mail [email] now"),
        ("from 10.0.0.1:5432", "from [ip]:5432"),
        ("version 1.2.3 and 999.1.1.1", "version 1.2.3 and 999.1.1.1"),
        ("at 12:30:45 on ::1", "at 12:30:45 on [ip]"),
        ("clause 3.2.1 of the bill", "clause 3.2.1 of the bill"),
        # four-part numbers are valid IPv4 addresses: scrubbing them too is the safe side
        ("section 3.2.1.4", "section [ip]"),
    ],
)
def test_scrub_removes_addresses_but_keeps_times_and_numbers(text, expected):
    assert scrub(text) == expected
