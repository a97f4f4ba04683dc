"""Analysis runs, themes and tags through the API: the team's analysts only, through the insights
services; published reports for everyone."""

from __future__ import annotations

import pytest

from comments.models import Comment
from insights.models import AnalysisRun, Report, Theme, ThemeAssignment

pytestmark = pytest.mark.django_db


def runs_url(c):
    return f"/api/v1/staff/consultations/{c.slug}/runs/"


def test_an_analyst_starts_a_run_and_polls_its_progress(api_as, analyst, consultation):
    client = api_as(analyst)
    started = client.post(runs_url(consultation), {"engine": "basic"}, format="json")
    assert started.status_code == 201 and started.json()["state"] == "queued"
    run = AnalysisRun.objects.get()
    assert run.requested_by == analyst and run.engine == "basic"
    polled = client.get(f"/api/v1/staff/runs/{run.pk}/").json()
    assert (polled["state"], polled["progress"]) == ("queued", 0)


def test_a_second_run_is_refused_while_one_is_active(api_as, analyst, consultation):
    client = api_as(analyst)
    client.post(runs_url(consultation), {"engine": "basic"}, format="json")
    again = client.post(runs_url(consultation), {"engine": "basic"}, format="json")
    assert again.status_code == 400 and "already" in again.json()["error"]["message"]
    assert AnalysisRun.objects.count() == 1


def test_an_unknown_scope_is_refused(api_as, analyst, consultation):
    response = api_as(analyst).post(runs_url(consultation), {"scope": "clause:nowhere"}, format="json")
    assert response.status_code == 400 and AnalysisRun.objects.count() == 0


def test_cancelling_a_queued_run_stops_it_at_once(api_as, analyst, consultation):
    run = AnalysisRun.objects.create(consultation=consultation, engine="basic")
    response = api_as(analyst).post(f"/api/v1/staff/runs/{run.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"


@pytest.mark.parametrize("persona,code", [("moderator", 403), ("outsider_official", 403), ("citizen", 403)])
def test_only_the_teams_analysts_reach_runs(request, api_as, persona, code, consultation):
    run = AnalysisRun.objects.create(consultation=consultation, engine="basic")
    client = api_as(request.getfixturevalue(persona))
    assert client.get(runs_url(consultation)).status_code == code
    assert client.post(f"/api/v1/staff/runs/{run.pk}/cancel/").status_code == code
    assert AnalysisRun.objects.get(pk=run.pk).state == "queued"


@pytest.fixture
def theme(consultation, document, citizen):
    comment = Comment.objects.create(
        consultation=consultation,
        document=document,
        author=citizen,
        body="Carers need respite before the assessment.",
        status="published",
    )
    theme = Theme.objects.create(
        consultation=consultation,
        scope="consultation",
        label="Respite for carers",
        keywords=["respite", "carers"],
    )
    ThemeAssignment.objects.create(theme=theme, comment=comment, confidence=0.8)
    return theme


def test_an_analyst_renames_a_theme_and_confirms_a_tag(api_as, analyst, theme):
    client = api_as(analyst)
    listed = client.get(f"/api/v1/staff/consultations/{theme.consultation.slug}/themes/").json()["results"]
    assert [(t["label"], t["tags"]) for t in listed] == [("Respite for carers", 1)]
    renamed = client.patch(f"/api/v1/staff/themes/{theme.pk}/", {"label": "Carers' breaks"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["label"] == "Carers' breaks"
    theme.refresh_from_db()
    assert theme.label == "Carers' breaks"
    assert theme.history.first().history_user == analyst
    tag = client.get(f"/api/v1/staff/themes/{theme.pk}/tags/").json()["results"][0]
    decided = client.post(f"/api/v1/staff/tags/{tag['id']}/decide/", {"confirm": False}, format="json")
    assert decided.status_code == 200 and decided.json()["rejected"] is True


def test_a_blank_theme_name_is_refused(api_as, analyst, theme):
    response = api_as(analyst).patch(f"/api/v1/staff/themes/{theme.pk}/", {"label": "   "}, format="json")
    assert response.status_code == 400
    theme.refresh_from_db()
    assert theme.label == "Respite for carers"


def test_a_moderator_cannot_edit_themes(api_as, moderator, theme):
    response = api_as(moderator).patch(f"/api/v1/staff/themes/{theme.pk}/", {"label": "X"}, format="json")
    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.label == "Respite for carers"


def test_only_published_reports_are_public(api, consultation):
    Report.objects.create(consultation=consultation, title="Draft findings", snapshot={"themes": []})
    Report.objects.create(
        consultation=consultation,
        title="Summary of responses",
        is_published=True,
        snapshot={"themes": [{"label": "Respite for carers"}]},
    )
    body = api.get(f"/api/v1/consultations/{consultation.slug}/reports/").json()
    assert [r["title"] for r in body["results"]] == ["Summary of responses"]


def test_a_run_without_an_engine_gets_the_default_for_the_size(api_as, analyst, consultation, settings):
    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    started = api_as(analyst).post(runs_url(consultation), {}, format="json")
    assert started.status_code == 201 and started.json()["engine"] == "embeddings"


def test_an_llm_run_without_an_endpoint_is_a_structured_400(api_as, analyst, consultation, settings):
    settings.LLM_BASE_URL = ""
    response = api_as(analyst).post(runs_url(consultation), {"engine": "llm"}, format="json")
    assert response.status_code == 400 and "needs an endpoint" in response.json()["error"]["message"]
    assert AnalysisRun.objects.count() == 0


def test_a_published_report_leaves_out_respondents_words_but_keeps_the_figures(api, consultation, analyst):
    """Quotes, summaries and campaign letters come from every submitted response whatever its consent."""
    from dashboards.services import report_create
    from insights.models import Campaign, Summary

    secret = "SECRET-WORDS-OF-A-RESPONDENT-WHO-DID-NOT-CONSENT"
    Theme.objects.create(
        consultation=consultation,
        scope="consultation",
        label="Respite for carers",
        keywords=["respite", "carers"],
        quotes=[{"unit": "answer", "id": 1, "text": secret + " (quote)"}],
    )
    Summary.objects.create(
        consultation=consultation,
        scope="consultation",
        sentences=[{"text": secret + " (summary)", "citations": ["answer:1"]}],
    )
    Campaign.objects.create(consultation=consultation, canonical_text=secret + " (campaign)", size=40)
    report = report_create(consultation=consultation, by=analyst, title="Summary of responses")
    assert secret in str(report.snapshot)  # the team's own copy has them
    Report.objects.filter(pk=report.pk).update(is_published=True)
    response = api.get(f"/api/v1/consultations/{consultation.slug}/reports/")
    assert secret not in response.content.decode()
    snapshot = response.json()["results"][0]["snapshot"]
    theme = snapshot["themes"][0]["themes"][0]
    assert (theme["label"], theme["keywords"]) == ("Respite for carers", ["respite", "carers"])
    assert "quotes" not in theme and "summary" not in snapshot
    assert snapshot["campaigns"] == [{"size": 40}] and "did not agree" in snapshot["withheld"]
