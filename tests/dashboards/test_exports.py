"""Exports: every dataset in CSV, XLSX and JSON; personal data only in the officials' exports, proven by
searching the bytes; every download logged with who, what and the row count."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.exports import DATASETS, FORMATS
from dashboards.models import ExportLog
from tests.dashboards.conftest import PRIVATE_ADDRESS, PRIVATE_EMAIL, PRIVATE_NAME

pytestmark = pytest.mark.django_db


def download(client, consultation, dataset, fmt, personal=False) -> bytes:
    link = reverse("dashboards:export-download", args=[consultation.slug, dataset, fmt])
    response = client.get(link + ("?personal=1" if personal else ""))
    assert response.status_code == 200, response.status_code
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def xlsx_text(raw: bytes) -> str:
    wb = load_workbook(io.BytesIO(raw), read_only=True)
    return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_exports_without_personal_data_contain_no_email_address_or_unconsented_name(
    client, analyst, citizen, consultation, data, dataset, fmt
):
    client.force_login(analyst)
    raw = download(client, consultation, dataset, fmt)
    text = xlsx_text(raw) if fmt == "xlsx" else raw.decode("utf-8")
    for secret in (PRIVATE_EMAIL, PRIVATE_ADDRESS, PRIVATE_NAME, citizen.email, "@example.net"):
        assert secret not in text, (dataset, fmt, secret)
        assert secret.encode() not in raw


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_officials_export_of_responses_with_personal_data_contains_them_and_is_logged(
    client, analyst, consultation, data, fmt
):
    client.force_login(analyst)
    raw = download(client, consultation, "responses", fmt, personal=True)
    text = xlsx_text(raw) if fmt == "xlsx" else raw.decode("utf-8")
    assert PRIVATE_EMAIL in text and PRIVATE_ADDRESS.split(",")[0] in text and PRIVATE_NAME in text
    log = ExportLog.objects.get()
    assert (log.user, log.dataset, log.format, log.personal_data, log.row_count) == (
        analyst,
        "responses",
        fmt,
        True,
        8,
    )


def test_comment_export_with_personal_data_names_the_author(client, analyst, citizen, consultation, data):
    client.force_login(analyst)
    rows = list(
        csv.DictReader(
            io.StringIO(download(client, consultation, "comments", "csv", True).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 12 and {r["author_email"] for r in rows} == {citizen.email}


def test_csv_rows_carry_stance_themes_and_clause(client, analyst, consultation, data):
    client.force_login(analyst)
    rows = list(
        csv.DictReader(io.StringIO(download(client, consultation, "comments", "csv").decode("utf-8-sig")))
    )
    first = next(r for r in rows if r["id"] == str(data["comments"][0].pk))
    assert (first["clause"], first["stance"], first["themes"]) == (
        "clause-5",
        "disagree",
        "Cost to small businesses",
    )
    assert "author_email" not in first
    assert ExportLog.objects.get().row_count == 12


def test_json_export_is_a_valid_list_of_tags(client, analyst, consultation, data):
    client.force_login(analyst)
    rows = json.loads(download(client, consultation, "assignments", "json"))
    assert len(rows) == 6 and {r["unit"] for r in rows} == {"comment", "answer"}


def test_a_formula_in_a_comment_is_neutralised_in_csv(client, analyst, consultation, data):
    from comments.models import Comment

    Comment.objects.filter(pk=data["comments"][0].pk).update(body='=HYPERLINK("http://evil")')
    client.force_login(analyst)
    text = download(client, consultation, "comments", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("persona", ["moderator", "citizen", "outsider_official"])
def test_exports_are_refused_outside_the_analysts_and_nothing_is_logged(
    client, request, consultation, data, persona
):
    client.force_login(request.getfixturevalue(persona))
    link = reverse("dashboards:export-download", args=[consultation.slug, "responses", "csv"])
    assert client.get(link + "?personal=1").status_code == 403
    assert not ExportLog.objects.exists()


def test_unknown_dataset_or_format_is_not_found(client, analyst, consultation, data):
    client.force_login(analyst)
    assert (
        client.get(
            reverse("dashboards:export-download", args=[consultation.slug, "users", "csv"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("dashboards:export-download", args=[consultation.slug, "comments", "pdf"])
        ).status_code
        == 404
    )
    assert not ExportLog.objects.exists()


def test_export_page_lists_recent_downloads(client, analyst, consultation, data):
    client.force_login(analyst)
    download(client, consultation, "answers", "csv", personal=True)
    html = client.get(reverse("dashboards:export-list", args=[consultation.slug])).content.decode()
    assert "answers CSV with personal data" in html
