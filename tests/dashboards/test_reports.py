"""Reports: frozen snapshots rendered as a page, an accessible HTML file and a PDF; edits after creation do
not change them."""

from __future__ import annotations

import contextlib

import pytest
from django.urls import reverse

from dashboards import services
from insights.curation import theme_update
from insights.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(consultation, analyst, data):
    return services.report_create(consultation=consultation, by=analyst, title="Clause 5 analysis")


def test_report_snapshot_holds_themes_counts_quotes_and_caveats(report, data):
    s = report.snapshot
    assert s["figures"]["responses"] == 8 and s["figures"]["units"] == 20
    themes = {t["label"]: t for block in s["themes"] for t in block["themes"]}
    assert themes["Cost to small businesses"]["count"] == 4
    assert themes["Cost to small businesses"]["quotes"] == [data["comments"][0].body]
    assert any("self-selected" in c for c in s["caveats"])
    assert report.history.first().history_change_reason == "report frozen"


def test_renaming_a_theme_after_the_report_leaves_the_report_unchanged(
    client, analyst, consultation, report, data
):
    theme_update(theme=data["costs"], by=analyst, label="Renamed later")
    client.force_login(analyst)
    html = client.get(
        reverse("dashboards:report-detail", args=[consultation.slug, report.pk])
    ).content.decode()
    assert "Cost to small businesses" in html and "Renamed later" not in html
    file = client.get(reverse("dashboards:report-html", args=[consultation.slug, report.pk])).content.decode()
    assert "Cost to small businesses" in file and "Renamed later" not in file


def _pdf_objects(raw: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for its structure and metadata."""
    import re
    import zlib

    out = [raw]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(m.group(1)))
    return b"\n".join(out)


def test_pdf_download_is_a_tagged_accessible_pdf_of_the_snapshot(client, analyst, consultation, report):
    client.force_login(analyst)
    response = client.get(reverse("dashboards:report-pdf", args=[consultation.slug, report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000
    assert 'filename="clause-5-analysis.pdf"' in response["Content-Disposition"]
    objects = _pdf_objects(response.content)
    assert b'pdfuaid:part="1"' in objects  # PDF/UA-1: tagged, with a title and a language
    assert b"Clause 5 analysis" in objects and b"/Lang" in objects
    for tag in (b"/StructTreeRoot", b"/H1", b"/H2", b"/Table", b"/TH", b"/Caption"):
        assert tag in objects, tag


def test_html_file_is_a_standalone_accessible_page(client, analyst, consultation, report):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:report-html", args=[consultation.slug, report.pk])).content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<main>" in html and "<caption" in html and "<script" not in html


def test_report_list_creates_a_report_and_refuses_an_unknown_run(client, analyst, consultation, data):
    client.force_login(analyst)
    link = reverse("dashboards:report-list", args=[consultation.slug])
    response = client.post(link, {"run": "99999", "title": "x"}, follow=True)
    assert "Choose a finished analysis run" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(link, {"title": "Interim"})
    report = Report.objects.get()
    assert response["Location"].endswith(f"/reports/{report.pk}/") and report.created_by == analyst


def test_reports_and_their_downloads_are_refused_to_a_moderator(client, moderator, consultation, report):
    client.force_login(moderator)
    for name in ("report-detail", "report-html", "report-pdf"):
        assert (
            client.get(reverse(f"dashboards:{name}", args=[consultation.slug, report.pk])).status_code == 403
        )


def test_a_report_of_another_consultation_is_not_found(client, analyst, consultation, report):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(team=consultation.team)
    client.force_login(analyst)
    assert client.get(reverse("dashboards:report-detail", args=[other.slug, report.pk])).status_code == 404


def test_report_blocks_follow_the_document_with_their_own_figures_and_summary(
    consultation, analyst, document, data
):
    from insights.models import Summary, Theme, ThemeAssignment

    clause2 = document.sections.get(anchor="clause-2")
    early = Theme.objects.create(
        consultation=consultation, scope="clause:sec_2", section=clause2, label="Early"
    )
    ThemeAssignment.objects.create(theme=early, comment=data["comments"][1], confidence=0.9)
    Theme.objects.create(consultation=consultation, scope=f"question:{data['question'].pk}", label="Q theme")
    Summary.objects.create(
        consultation=consultation,
        scope="clause:sec_5",
        sentences=[{"text": data["comments"][2].body, "citations": [data["comments"][2].pk]}],
    )
    s = services.report_create(consultation=consultation, by=analyst).snapshot
    assert s["version"] == 3
    assert [b["scope"] for b in s["themes"]] == [
        "clause:sec_2",
        "clause:sec_5",
        f"question:{data['question'].pk}",
        "consultation",
    ]
    five = s["themes"][1]
    assert five["label"] == "Clause 5: Clause heading 5" and five["responses"] == 6
    assert {x["stance"]: x["count"] for x in five["stances"]} == {"disagree": 3, "mixed": 3}
    assert five["summary"] == [data["comments"][2].body]
    assert five["themes"][0]["share"] == 67  # 4 of the clause's 6 comments
    assert s["themes"][2]["responses"] == 8  # every answer to the question
    assert s["highlights"][0].startswith(
        "The clauses that drew most comments were Clause 5: Clause heading 5 (6)"
    )
    assert s["figures"]["comments"] == 12


def test_a_version_one_snapshot_still_renders(client, analyst, consultation, data):
    old = Report.objects.create(
        consultation=consultation,
        title="Old report",
        snapshot={
            "version": 1,
            "title": "Old report",
            "consultation": {"title": consultation.title, "slug": consultation.slug},
            "created_at": "2026-01-05T10:00:00+00:00",
            "summary": [],
            "figures": {"responses": 3, "units": 5, "campaigns": 0, "in_campaigns": 0, "unique": 5},
            "method": {"engine": "Basic", "units": 5, "finished": "", "steps": ["read", "cluster"]},
            "themes": [
                {"scope": "consultation", "label": "General", "themes": [{"label": "Kept", "count": 2}]}
            ],
            "campaigns": [],
            "who": [],
            "caveats": ["A caveat."],
            "agreement": {},
        },
    )
    client.force_login(analyst)
    for name in ("report-detail", "report-html"):
        html = client.get(reverse(f"dashboards:{name}", args=[consultation.slug, old.pk])).content.decode()
        assert "Kept" in html and "Read" in html and "No campaigns were detected" in html


def test_reports_hold_no_personal_data(client, analyst, citizen, consultation, report):
    from tests.dashboards.conftest import PRIVATE_ADDRESS, PRIVATE_EMAIL, PRIVATE_NAME

    client.force_login(analyst)
    html = client.get(reverse("dashboards:report-html", args=[consultation.slug, report.pk])).content.decode()
    page = client.get(
        reverse("dashboards:report-detail", args=[consultation.slug, report.pk])
    ).content.decode()
    for text in (html, page, str(report.snapshot)):
        for secret in (PRIVATE_EMAIL, PRIVATE_ADDRESS, PRIVATE_NAME, citizen.email, "@example.net"):
            assert secret not in text


def test_stance_is_shown_with_its_measured_accuracy_in_the_report(report, data):
    from policycycle.analysis.stance import STANCE_MEASURED, stance_method

    s = report.snapshot
    stance_lines = [c for c in s["caveats"] if c.startswith("Stance is a machine estimate")]
    assert len(stance_lines) == 1
    measured = STANCE_MEASURED[stance_method()]
    assert f"right for {round(measured['accuracy_low'] * 100)}" in stance_lines[0]


def test_the_executive_summary_counts_one_response_in_the_singular():
    from dashboards.reports import _highlights

    blocks = [
        {"label": "Clause 1", "themes": [{"label": "Renewable", "count": 1}, {"label": "Coal", "count": 3}]}
    ]
    (line,) = _highlights([], blocks)
    assert "“Renewable” on Clause 1 (1 response)" in line and "“Coal” on Clause 1 (3 responses)" in line
