"""Machine labels and keywords read as a person would write them, and discovery is measured (best-match
F1 against gold themes). Real comments from the shared data only."""

from __future__ import annotations

import re

import numpy as np
import pytest

from policycycle.analysis import evaluation
from policycycle.analysis.argkp import Topic
from policycycle.analysis.enrich import keywords
from policycycle.analysis.text import is_noise_token, words
from policycycle.analysis.themes import ctfidf_keywords, describe, machine_label

from .conftest import polis_rows, polis_text

# Real comments: one is a bare hex token (its conversation's moderators rejected it), one ends in a link
# whose path is an id.
HASH_ONLY = ("football-concussions", "34433faef")
LINK_ID = "taxfraud2014"


def _with(conversation: str, needle: str) -> str:
    return next(r["comment-body"] for r in polis_rows(conversation) if needle in r["comment-body"])


def _development_texts() -> list[str]:
    rows = polis_rows("american-assembly.bowling-green")
    return [r["comment-body"] for r in rows if re.search(r"\bdevelop", r["comment-body"], re.I)][:20]


def test_hash_id_and_web_address_tokens_are_noise_and_words_are_not():
    assert is_noise_token("34433faef") and is_noise_token(LINK_ID) and is_noise_token("www")
    assert not any(is_noise_token(w) for w in ("development", "levy", "co2", "covid19", "fuel"))


def test_keywords_of_one_response_leave_out_hash_tokens_and_link_ids():
    hashed = _with(*HASH_ONLY)
    linked = _with("scoop-hivemind.taxes", LINK_ID)
    assert keywords(hashed) == []
    kws = keywords(linked)
    assert kws and not any(LINK_ID in k or "bit" in k.split() for k in kws)


def test_theme_keywords_are_phrases_the_responses_say_with_no_hash_tokens():
    development = _development_texts()
    other = [r["comment-body"] for r in polis_rows("15-per-hour-seattle")[:20]]
    noise = [_with(*HASH_ONLY), _with("scoop-hivemind.taxes", LINK_ID)]
    texts = development + noise + other
    labels = np.array([0] * (len(development) + len(noise)) + [1] * len(other))
    said = [" ".join(words(t)) for t in texts]
    for cluster_keywords in ctfidf_keywords(texts, labels, 2):
        assert cluster_keywords
        for term in cluster_keywords:
            assert not any(is_noise_token(w) for w in term.split()), term
            # a two-word term is two words that stand together in some response, never glued across others
            assert any(re.search(rf"\b{re.escape(term)}\b", s) for s in said), term


def test_a_label_is_never_two_keywords_glued_with_and():
    assert machine_label(["development", "allowed", "traffic"]) == "Development"
    assert machine_label(["levy", "fossil fuels", "price"]) == "Fossil fuels"
    assert machine_label(["34433faef", "concussions"]) == "Concussions"
    assert machine_label([]) == "Other responses"
    assert machine_label(["climate", "change", "future"], [0.6, 0.3, 0.4], taken=["Climate"]) == "Future"
    development = _development_texts()
    other = [r["comment-body"] for r in polis_rows("15-per-hour-seattle")[:20]]
    labels = np.array([0] * len(development) + [1] * len(other))
    for kw in ctfidf_keywords(development + other, labels, 2):
        assert " and " not in machine_label(kw)


def test_counts_in_drafted_descriptions_are_singular_for_one():
    one = describe(1, 4, ["levy"])
    assert one.startswith("1 response (25%)") and "responses" not in one
    assert describe(3, 4, ["levy"], copies=1).startswith("3 responses (75%, 1 of them a campaign copy)")
    assert describe(3, 4, ["levy"], copies=2).startswith("3 responses (75%, 2 of them campaign copies)")


def test_best_match_f1_matches_each_gold_theme_to_its_best_discovered_theme():
    gold = {"a": {0, 1, 2, 3}, "b": {4, 5}, "empty": set()}
    discovered = [{0, 1, 2, 3, 4}, {5, 6}]
    # a: best is the first theme, F1 = 2*4/(5+4) = 0.889; b: first 2*1/(5+2)=0.286, second 2*1/(2+2)=0.5
    assert evaluation.best_match_f1(discovered, gold) == pytest.approx((8 / 9 + 0.5) / 2)
    assert evaluation.best_match_f1([], gold) == 0.0


def test_discovery_evaluation_on_a_tiny_fixture_reports_mean_and_spread_per_method():
    # Two real conversations stand for two key points of one question; a third for arguments with none.
    topic = Topic("one question", {}, {}, {"kp-wage": ("Wages", "agree"), "kp-brexit": ("Brexit", "agree")})
    for conv, kp in (
        ("15-per-hour-seattle", "kp-wage"),
        ("brexit-consensus", "kp-brexit"),
        ("football-concussions", None),
    ):
        for r in polis_rows(conv)[:12]:
            aid = f"{conv}:{r['comment-id']}"
            topic.arguments[aid] = r["comment-body"]
            topic.labels[aid] = {kp} if kp else set()

    def vectorise(texts):  # the texts' own words as vectors: no model needed
        vocab = sorted({w for t in texts for w in words(t)})
        index = {w: i for i, w in enumerate(vocab)}
        m = np.zeros((len(texts), len(vocab)), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in words(t):
                m[i, index[w]] += 1
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)

    out = evaluation.evaluate_discovery(
        "dev", seeds=2, methods=("engine",), topics=[topic], vectorise=vectorise
    )
    engine = out["methods"]["engine"]
    assert out["gold_themes"] == 2 and out["seeds"] == 2
    assert 0 < engine["best_match_f1"]["mean"] <= 1 and engine["best_match_f1"]["sd"] >= 0
    assert 0 < engine["theme_f1"]["mean"] <= 1
    assert set(engine["per_topic"]) == {"one question"}
    assert "best match" in out["scoring"].lower() or "best-match" in out["scoring"].lower()


def test_a_benchmark_whose_library_is_missing_is_reported_not_raised(monkeypatch):
    topic = Topic("q", {"1": polis_text("15-per-hour-seattle", 1)}, {}, {"k": ("x", "agree")}, {"1": {"k"}})

    def missing(*a, **k):
        raise ImportError("No module named 'bertopic'")

    monkeypatch.setitem(evaluation.DISCOVERY_METHODS, "bertopic", missing)
    out = evaluation.evaluate_discovery(
        "dev", seeds=1, methods=("bertopic",), topics=[topic], vectorise=lambda t: np.eye(len(t), 4)
    )
    assert "bertopic" in out["methods"]["bertopic"]["unavailable"]


def test_centring_takes_away_what_every_response_shares_and_keeps_unit_length():
    from policycycle.analysis.themes import centred

    rng = np.random.default_rng(0)
    shared = rng.normal(size=8)
    v = shared + 0.1 * rng.normal(size=(20, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    out = centred(v)
    assert np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    # before: every pair nearly the same direction; after: spread around the origin
    assert (v @ v.T).min() > 0.8 and abs(float((out @ out.T)[np.triu_indices(20, 1)].mean())) < 0.1
