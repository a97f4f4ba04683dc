import json

import numpy as np
import pytest

from policycycle.analysis import evaluation, resources
from policycycle.analysis.engines import LLMEngine, OpenAICompatibleClient
from policycycle.analysis.themes import run_analysis
from policycycle.analysis.types import AnalysisCancelled, Unit


def units_from(polis_set, n_scopes=2):
    ls = evaluation.read_labelled_set(polis_set)
    return [
        Unit(rid, text, scope=f"question:{i % n_scopes}")
        for i, (rid, text) in enumerate(ls.responses.items())
    ]


def test_a_basic_run_drafts_themes_per_scope_with_quotes_from_real_responses(polis_set):
    units = units_from(polis_set)
    seen = []
    result = run_analysis(units, engine="basic", progress=lambda step, pct: seen.append(pct))
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    text_of = {u.id: u.text for u in units}
    assert {t.scope for t in result.themes} == {"question:0", "question:1"}
    for theme in result.themes:
        assert theme.label and theme.keywords and theme.quotes
        for rid, quote in theme.quotes:
            assert quote.rstrip("\u2026")[:40] in " ".join(text_of[rid].split())
    keys = {t.key for t in result.themes}
    assert all(a.theme_key in keys and 0 < a.confidence <= 1 for a in result.assignments)
    assigned = {a.response_id for a in result.assignments}
    assert len(assigned) >= 0.9 * len(units)


def test_the_run_says_it_is_vectorising_before_the_engine_starts(polis_set):
    """Loading and running a model takes the longest: the bar must not still read "campaigns" then."""
    from policycycle.analysis.engines import BasicEngine

    reported: list[tuple[str, int]] = []
    seen_at_start: list[str] = []

    class Watched(BasicEngine):
        def vectorise(self, texts, **kwargs):
            seen_at_start.append(reported[-1][0])
            return super().vectorise(texts, **kwargs)

    run_analysis(units_from(polis_set), engine=Watched(), progress=lambda s, p: reported.append((s, p)))
    assert seen_at_start == ["vectorising", "vectorising"]  # one per scope
    assert [p for _, p in reported] == sorted(p for _, p in reported)


def test_a_run_stops_when_cancelled(polis_set):
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(AnalysisCancelled):
        run_analysis(units_from(polis_set), engine="basic", should_cancel=cancel)


def test_campaign_copies_are_collapsed_but_still_assigned(polis_set, injected):
    letter_ids = [m for m, c in injected.campaign_of.items() if c == "campaign0"]
    text_of = dict(injected.items)
    units = units_from(polis_set, n_scopes=1) + [Unit(m, text_of[m], scope="question:0") for m in letter_ids]
    result = run_analysis(units, engine="basic")
    assert any(
        set(letter_ids) <= set(c.member_ids) or len(set(letter_ids) & set(c.member_ids)) >= 25
        for c in result.campaigns
    )
    assigned = {a.response_id for a in result.assignments}
    assert sum(1 for m in letter_ids if m in assigned) >= 25
    assert sum(t.size for t in result.themes) >= len(assigned)
    # The drafted description counts what the theme's size counts, and says how many are copies.
    letter_theme = max(
        result.themes,
        key=lambda t: sum(
            1 for a in result.assignments if a.theme_key == t.key and a.response_id in letter_ids
        ),
    )
    assert letter_theme.description.startswith(f"{letter_theme.size} responses (")
    assert "campaign copies)" in letter_theme.description


def test_a_letter_pasted_under_several_clauses_is_tagged_under_each_clause(polis_set, injected):
    """The campaign's canonical text sits in one scope; its copies in the other scope still get that
    scope's themes (one copy there stands for the campaign) and are counted in its theme sizes."""
    letter_ids = sorted(m for m, c in injected.campaign_of.items() if c == "campaign0")
    text_of = dict(injected.items)
    organic = units_from(polis_set, n_scopes=2)
    letters = [Unit(m, text_of[m], scope=f"question:{i % 2}") for i, m in enumerate(letter_ids)]
    result = run_analysis(organic + letters, engine="basic")
    campaign = next(c for c in result.campaigns if len(set(c.member_ids) & set(letter_ids)) >= 25)
    scope_of = {u.id: u.scope for u in letters}
    theme_scope = {t.key: t.scope for t in result.themes}
    for scope in ("question:0", "question:1"):
        members = [m for m in campaign.member_ids if scope_of.get(m) == scope]
        assert len(members) >= 10
        tagged = {a.response_id for a in result.assignments if a.response_id in members}
        assert tagged == set(members), scope
        assert all(theme_scope[a.theme_key] == scope for a in result.assignments if a.response_id in members)
    sizes = sum(t.size for t in result.themes)
    assert sizes >= len({a.response_id for a in result.assignments})


class FakeLLM:
    def __init__(self):
        self.prompts = []

    def complete(self, prompt, *, system=None):
        self.prompts.append(prompt)
        if prompt.startswith("Name the theme"):
            return json.dumps({"label": f"Fake theme {len(self.prompts)}", "description": "Made by a fake."})
        if prompt.startswith("Which of these"):
            n = prompt.count("\n")
            return json.dumps([[0, 1]] + [[i] for i in range(2, n)])
        return json.dumps(
            [
                {"text": "Cited.", "cite": [0]},
                {"text": "Uncited.", "cite": []},
                {"text": "Made-up source.", "cite": [9999]},
            ]
        )


def test_the_llm_engine_labels_condenses_and_cites_through_the_client(polis_set):
    fake = FakeLLM()
    units = units_from(polis_set, n_scopes=1)
    result = run_analysis(units, engine=LLMEngine(client=fake, base="basic"), k=4)
    assert result.engine == "llm"
    assert len(result.themes) == 3  # the fake merged the first two
    assert all(t.label.startswith("Fake theme") and t.source == "machine:llm" for t in result.themes)
    abstractive = [s for s in result.summaries if s.method == "abstractive"]
    assert abstractive and all([x.text for x in s.sentences] == ["Cited."] for s in abstractive)
    ids = {u.id for u in units}
    assert all(c in ids for s in abstractive for x in s.sentences for c in x.citations)


def test_the_llm_engine_is_never_required():
    with pytest.raises(ValueError, match="DHD_LLM_BASE_URL"):
        LLMEngine(client=None)


def test_the_openai_compatible_client_posts_a_chat_completion(monkeypatch):
    sent = {}

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def read(self):
            return json.dumps({"choices": [{"message": {"content": "hello"}}]}).encode()

    def fake_urlopen(req, timeout):
        sent["url"], sent["body"], sent["auth"] = (
            req.full_url,
            json.loads(req.data),
            req.get_header("Authorization"),
        )
        return Response()

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    client = OpenAICompatibleClient(base_url="http://127.0.0.1:9/v1/", model="m", api_key="k")
    assert client.complete("hi", system="s") == "hello"
    assert sent["url"] == "http://127.0.0.1:9/v1/chat/completions"
    assert sent["body"]["messages"][-1] == {"role": "user", "content": "hi"} and sent["auth"] == "Bearer k"


@pytest.mark.slow
def test_the_embeddings_engine_loads_the_packaged_model_offline(monkeypatch, polis_set):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resources.model_path().joinpath("model.safetensors").exists()
    ls = evaluation.read_labelled_set(polis_set)
    by_topic = {}
    for rid, labels in ls.labels.items():
        by_topic.setdefault(labels[0], []).append(ls.responses[rid])
    wage = by_topic["15-per-hour-seattle"][:5]
    nfl = by_topic["football-concussions"][:5]
    vecs = resources.embed(wage + nfl)
    assert vecs.shape == (10, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    within = (vecs[:5] @ vecs[:5].T).mean()
    across = (vecs[:5] @ vecs[5:].T).mean()
    assert within > across + 0.05
