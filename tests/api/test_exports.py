"""Staff exports through the API: the dashboard's datasets for the team's analysts, personal data only on
request, every download logged; nobody else gets a row."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from comments.demo import polis_comments
from comments.models import Comment
from dashboards.models import ExportLog
from responses.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:4]


@pytest.fixture
def data(consultation, document, citizen, other_citizen, texts):
    clause = document.sections.get(anchor="clause-1")
    for author, text, state in [(citizen, texts[0], "published"), (other_citizen, texts[1], "pending")]:
        Comment.objects.create(
            consultation=consultation,
            document=document,
            section=clause,
            author=author,
            body=text,
            status=state,
            path="x/",
        )
    Response.objects.create(
        consultation=consultation,
        status="submitted",
        consent="none",
        respondent_type="individual",
        respondent_name="Alex Respondent",
        email="alex@example.net",
        address="4 Church Lane",
        submitted_at=timezone.now(),
    )
    return consultation


def url(consultation, dataset="comments", fmt="csv") -> str:
    return f"/api/v1/staff/consultations/{consultation.slug}/exports/{dataset}.{fmt}"


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_analyst_downloads_every_comment_without_personal_data_and_it_is_logged(
    api_as, analyst, data, texts
):
    response = api_as(analyst).get(url(data))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{data.slug}-comments.csv"'
    rows = list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert {r["body"] for r in rows} == {texts[0], texts[1]}  # the team sees pending ones too
    assert {r["status"] for r in rows} == {"published", "pending"}
    assert "author_email" not in rows[0]
    log = ExportLog.objects.get()
    assert (log.user, log.dataset, log.format, log.personal_data, log.row_count) == (
        analyst,
        "comments",
        "csv",
        False,
        2,
    )


def test_personal_data_only_on_request_and_logged_as_such(api_as, analyst, data):
    plain = content(api_as(analyst).get(url(data, "responses", "json"))).decode()
    assert "alex@example.net" not in plain and "Church Lane" not in plain
    personal = api_as(analyst).get(url(data, "responses", "json"), {"personal": "true"})
    rows = json.loads(content(personal))
    assert rows[0]["email"] == "alex@example.net" and rows[0]["respondent_name"] == "Alex Respondent"
    assert personal["Content-Disposition"].endswith('-responses-personal.json"')
    assert list(ExportLog.objects.order_by("created_at", "id").values_list("personal_data", flat=True)) == [
        False,
        True,
    ]


def test_spreadsheets_open_in_a_spreadsheet_program(api_as, analyst, data, texts):
    response = api_as(analyst).get(url(data, "comments", "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(content(response))).active
    values = list(sheet.iter_rows(values_only=True))
    assert "body" in values[0] and len(values) == 3


def test_the_index_lists_each_dataset_with_its_files_and_the_log(api_as, analyst, data):
    client = api_as(analyst)
    content(client.get(url(data)))
    body = client.get(f"/api/v1/staff/consultations/{data.slug}/exports/").json()
    names = [d["name"] for d in body["datasets"]]
    assert names == ["comments", "responses", "answers", "closed", "units", "themes", "assignments"]
    assert body["datasets"][0]["files"]["xlsx"].endswith(url(data, "comments", "xlsx"))
    assert body["recent"][0]["dataset"] == "comments" and body["recent"][0]["row_count"] == 2


@pytest.mark.parametrize(
    "persona,code",
    [("anonymous", 401), ("citizen", 403), ("moderator", 403), ("outsider_official", 403)],
)
def test_nobody_else_exports_anything(request, api_as, persona, code, data):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api_as(user)
    for path in (url(data), url(data, "responses", "json") + "?personal=true"):
        response = client.get(path)
        assert response.status_code == code
        assert response["Content-Type"] == "application/json"
        assert "example.net" not in response.content.decode()
    assert client.get(f"/api/v1/staff/consultations/{data.slug}/exports/").status_code == code
    assert ExportLog.objects.count() == 0


def test_an_unknown_dataset_or_format_is_a_json_404_and_nothing_is_logged(api_as, analyst, data):
    for dataset, fmt in (("passwords", "csv"), ("comments", "pdf")):
        response = api_as(analyst).get(url(data, dataset, fmt))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert "Choose one of" in response.json()["error"]["message"]
    bad = api_as(analyst).get(url(data), {"personal": "perhaps"})
    assert bad.status_code == 400 and "personal" in bad.json()["error"]["fields"]
    assert ExportLog.objects.count() == 0
