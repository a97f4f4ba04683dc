"""Which engine a run uses when nobody names one, the language-model endpoint from settings, and the
tagger retrained on the worker."""

from __future__ import annotations

import html
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights import engines, services
from insights.models import AnalysisRun, Theme, ThemeAssignment
from policycycle.analysis.engines import OpenAICompatibleClient

pytestmark = pytest.mark.django_db


def test_auto_picks_embeddings_for_a_normal_consultation_and_basic_past_the_cut_off(
    settings, monkeypatch, consultation, real_comments
):
    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    assert engines.units_count(consultation.pk) == len(real_comments)
    run = services.analysis_run_start(consultation=consultation, queue=False)
    assert run.engine == "embeddings"
    services.analysis_run_cancel(run=run)
    monkeypatch.setattr("policycycle.analysis.EMBEDDINGS_MAX_RESPONSES", len(real_comments) - 1)
    assert services.analysis_run_start(consultation=consultation, queue=False).engine == "basic"


def test_the_setting_names_one_engine_for_every_run_that_names_none(settings, consultation, real_comments):
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"
    assert services.analysis_run_start(consultation=consultation, queue=False).engine == "basic"


def test_nightly_runs_use_the_default_engine(settings, monkeypatch, consultation, real_comments):
    from insights import runs

    monkeypatch.setattr(runs, "_send", lambda pk: None)
    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    [pk] = runs.analysis_runs_nightly()
    assert AnalysisRun.objects.get(pk=pk).engine == "embeddings"


def test_the_run_form_recommends_the_default_and_hides_llm_without_an_endpoint(
    client, settings, consultation, analyst, real_comments
):
    settings.ANALYSIS_DEFAULT_ENGINE, settings.LLM_BASE_URL = "auto", ""
    client.force_login(analyst)
    response = client.get(reverse("insights:run-list", args=[consultation.slug]))
    form = response.context["form"]
    assert [v for v, _ in form.fields["engine"].choices] == ["basic", "embeddings"]
    assert form.fields["engine"].initial == "embeddings"
    page = html.unescape(response.content.decode())  # the hint is text, escaped like any other
    assert f"Recommended for this consultation's {len(real_comments)} responses" in page
    response = client.post(
        reverse("insights:run-list", args=[consultation.slug]), {"engine": "llm", "scope": "consultation"}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_past_the_cut_off_the_run_form_says_how_many_vectors_are_still_to_come(
    client, settings, monkeypatch, consultation, analyst, real_comments
):
    """Past the cut-off basic is recommended only while the worker has not stored enough vectors: the form
    says how many more it needs, and recommends embeddings once they are stored."""
    from insights import vectors
    from insights.runs import iter_units

    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    monkeypatch.setattr("policycycle.analysis.EMBEDDINGS_MAX_RESPONSES", 3)
    client.force_login(analyst)
    url = reverse("insights:run-list", args=[consultation.slug])
    items = [(u.id, u.text) for u in iter_units(consultation.pk)]
    vectors.unit_vectors(items[:2], consultation_id=consultation.pk)
    counted = []
    stored_count = vectors.stored_count
    monkeypatch.setattr(vectors, "stored_count", lambda *a, **k: counted.append(a) or stored_count(*a, **k))
    response = client.get(url)
    assert response.context["form"].fields["engine"].initial == "basic"
    assert len(counted) == 1  # the default and the hint read one count of the stored vectors
    more = len(items) - 2 - 3
    page = html.unescape(response.content.decode())
    said = (
        "Basic (TF-IDF, no model). The worker is still storing its responses' vectors: "
        f"embeddings will be recommended once {more} more responses have one."
    )
    assert said in page
    vectors.unit_vectors(items, consultation_id=consultation.pk)
    response = client.get(url)
    assert response.context["form"].fields["engine"].initial == "embeddings"
    assert "still storing" not in response.content.decode()
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"  # named for every run: nothing to wait for
    assert engines.vectors_to_store(consultation.pk, len(items)) is None


def test_an_llm_run_without_an_endpoint_is_refused_before_it_is_queued(settings, consultation, analyst):
    settings.LLM_BASE_URL = ""
    with pytest.raises(services.RunRefused, match="needs an endpoint"):
        services.analysis_run_start(consultation=consultation, by=analyst, engine="llm", queue=False)
    assert not AnalysisRun.objects.exists()


def test_an_llm_run_uses_the_endpoint_from_settings(
    client, settings, monkeypatch, consultation, analyst, real_comments
):
    """LLM_BASE_URL / LLM_API_KEY / LLM_MODEL (what .env.example and docker-compose set) reach the
    engine's client; the client's network call is replaced at the engine boundary."""
    settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = "http://127.0.0.1:9/v1", "k", "m"
    seen = []

    def fake_complete(self, prompt, *, system=None):
        seen.append((self.base_url, self.api_key, self.model))
        if prompt.startswith("Name the theme"):
            return json.dumps({"label": "Named by the model", "description": "From the endpoint."})
        if prompt.startswith("Which of these"):
            return json.dumps([[i] for i in range(prompt.count("\n"))])
        return json.dumps([{"text": "A cited line.", "cite": [0]}])

    monkeypatch.setattr(OpenAICompatibleClient, "complete", fake_complete)
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="llm", queue=False)
    run = services.analysis_run_execute(run.pk)
    assert run.state == "done", run.error
    assert seen and set(seen) == {("http://127.0.0.1:9/v1", "k", "m")}
    assert set(Theme.objects.filter(run=run).values_list("label", flat=True)) == {"Named by the model"}
    theme = Theme.objects.filter(run=run).first()
    client.force_login(analyst)
    page = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    assert "Summary written by the language model" in page and "A cited line." in page
    assert "Summary in the responses&#x27; own words" in page or "Summary in the responses' own words" in page


def test_analyse_without_an_engine_uses_the_default_and_says_which(settings, consultation, real_comments):
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"
    out = StringIO()
    call_command("analyse", consultation.slug, stdout=out)
    run = AnalysisRun.objects.get()
    assert run.engine == "basic" and f"Run {run.pk} (basic) done" in out.getvalue()


def test_retrain_from_the_page_runs_on_the_worker_and_re_tags_the_unchecked(
    client, settings, consultation, analyst, decided
):
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"
    a, b, on_clause = decided
    client.force_login(analyst)
    response = client.post(reverse("insights:tagger-retrain", args=[consultation.slug]), follow=True)
    assert "The tagger is retraining" in response.content.decode()
    fresh = ThemeAssignment.objects.filter(theme__in=[a, b], source="machine", confirmed=False)
    assert fresh.exists()
    assert set(fresh.values_list("comment_id", flat=True)) <= {c.pk for c in on_clause[4:]}
    reasons = {t.history.first().history_change_reason for t in fresh}
    assert reasons == {"tagged by the retrained tagger"}


def test_retrain_with_nothing_to_learn_from_says_so_and_queues_nothing(
    client, consultation, analyst, real_comments, monkeypatch
):
    queued = []
    monkeypatch.setattr("insights.tasks.tagger_retrain.delay", lambda *a: queued.append(a))
    client.force_login(analyst)
    response = client.post(reverse("insights:tagger-retrain", args=[consultation.slug]), follow=True)
    assert "at least two themes" in response.content.decode() and queued == []


def test_retrain_with_the_broker_down_says_so(client, consultation, analyst, decided, monkeypatch):
    def down(*args):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("insights.tasks.tagger_retrain.delay", down)
    client.force_login(analyst)
    response = client.post(reverse("insights:tagger-retrain", args=[consultation.slug]), follow=True)
    assert "could not be started just now" in response.content.decode()


def test_the_retrained_tagger_uses_the_default_engine_for_the_scope(
    settings, monkeypatch, consultation, analyst, decided
):
    from insights import tagger

    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    used = []
    real = tagger._engine_for
    monkeypatch.setattr(tagger, "_engine_for", lambda *a, **k: used.append(real(*a, **k)) or used[-1])
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert used == ["embeddings"]


class ReadsWages:
    """An endpoint that says every response it is sent makes theme 1 (the first listed: "Wages"),
    keeping the prompts."""

    def __init__(self):
        self.prompts = []

    def complete(self, prompt, *, system=None):
        self.prompts.append(prompt)
        sent = re.findall(r"^\[(\d+)\] ", prompt, re.M)
        return json.dumps({i: {"themes": [1], "stance": "agree"} for i in sent})


def test_with_the_llm_engine_the_model_re_tags_the_unchecked_with_the_confirmed_examples_shown(
    settings, monkeypatch, consultation, analyst, decided
):
    a, b, on_clause = decided
    settings.ANALYSIS_DEFAULT_ENGINE, settings.LLM_BASE_URL = "llm", "http://llm.invalid/v1"
    fake = ReadsWages()
    monkeypatch.setattr("insights.engines.llm_client", lambda: fake)
    out = services.tagger_retrain(consultation=consultation, by=analyst)
    unchecked = on_clause[4:]
    assert out["tagged"] == len(unchecked) and out["tags"] == len(unchecked)
    fresh = ThemeAssignment.objects.filter(theme__in=[a, b], source="machine", confirmed=False)
    assert set(fresh.values_list("comment_id", flat=True)) == {c.pk for c in unchecked}
    assert set(fresh.values_list("theme_id", flat=True)) == {a.pk}  # what the model said, nothing else
    sent = "\n".join(fake.prompts)
    assert "1. Wages" in sent and "2. Prices" in sent
    assert f'"{" ".join(on_clause[0].body.split())[:40]}' in sent  # a confirmed example, with its theme
    assert all(f"] {' '.join(c.body.split())[:40]}" not in sent for c in on_clause[:4])  # not re-read


def test_a_scope_over_the_llm_limit_keeps_the_vector_tagger(
    settings, monkeypatch, consultation, analyst, decided
):
    settings.ANALYSIS_DEFAULT_ENGINE, settings.LLM_BASE_URL = "llm", "http://llm.invalid/v1"
    settings.LLM_TAG_MAX_RESPONSES = 3
    fake = ReadsWages()
    monkeypatch.setattr("insights.engines.llm_client", lambda: fake)
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert fake.prompts == []
