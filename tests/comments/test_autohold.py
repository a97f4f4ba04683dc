"""Spam and toxicity scoring for auto-hold: the analysis engine when present, a local scorer otherwise."""

from __future__ import annotations

import pytest

from comments import autohold


def test_engine_scores_are_used_when_the_analysis_engine_is_installed():
    engine = autohold._engine()
    assert engine is not None
    text = "BUY NOW cheap pills click here casino discount"
    assert autohold.score_text(text) == (engine.spam_score(text), engine.toxicity_score(text))


def test_real_comment_text_is_mostly_not_held(real_texts):
    held = [t for t in real_texts if autohold.should_hold(*autohold.score_text(t, links_trusted=True))]
    assert len(held) <= len(real_texts) // 20, held


@pytest.mark.parametrize(
    "text", ["BUY NOW cheap pills click here casino discount", "you are a fucking idiot"]
)
def test_spam_and_abuse_are_held_by_either_scorer(text, monkeypatch):
    assert autohold.should_hold(*autohold.score_text(text))
    monkeypatch.setattr(autohold, "_engine", lambda: None)
    assert autohold.should_hold(*autohold.score_text(text))


def test_engine_failure_falls_back_to_the_local_scorer(monkeypatch):
    class Broken:
        def spam_score(self, text):
            raise RuntimeError("model missing")

    monkeypatch.setattr(autohold, "_engine", lambda: Broken())
    spam, toxicity = autohold.score_text("I think clause 3 is too vague about who pays for care.")
    assert (spam, toxicity) == (0.0, 0.0)


def test_links_from_established_accounts_do_not_count_as_spam():
    text = "The impact assessment covers this: https://example.org/impact-assessment-clause-3"
    assert autohold.score_text(text, links_trusted=True)[0] < autohold.score_text(text)[0]
