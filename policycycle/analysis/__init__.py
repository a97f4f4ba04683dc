"""The text-analysis engine: plain Python, no Django. Typed dataclasses in and out (see `types`).

Entry points
------------
Enrichment, per response, on commit (cheap, idempotent)::

    from policycycle.analysis.enrich import enrich, should_auto_hold
    e = enrich(text, clause_text=clause.text)          # -> Enrichment
    held = should_auto_hold(e, has_links=e.link_count > 0, account_age_days=7,
                            near_duplicate_similarity=0.0)  # max minhash.similarity to earlier ones
    minhash.to_bytes(e.signature) / minhash.from_bytes(b)    # store / load the near-duplicate signature

Campaigns (form letters, edited and synonym-swapped copies), streamed in chunks::

    from policycycle.analysis.campaigns import detect_campaigns
    campaigns = detect_campaigns(((r.id, r.text) for r in rows), chunk_size=20_000,
                                 fetch_texts=None, progress=None, should_cancel=None)  # -> list[Campaign]

A run over a consultation (themes per scope, assignments with confidence, cited summaries)::

    from policycycle.analysis.themes import run_analysis
    from policycycle.analysis.types import Unit, AnalysisCancelled
    result = run_analysis([Unit(id, text, scope="clause:sec_3"), ...], engine="embeddings",
                          progress=lambda step, pct: ..., should_cancel=lambda: False,
                          llm_client=None)                # -> AnalysisResult

Engines: "basic" (TF-IDF + LSA + k-means, no model), "embeddings" (the packaged all-MiniLM-L6-v2 on
CPU, offline), "llm" (embeddings for clustering; an OpenAI-compatible endpoint, `engines.LLMClient`,
labels and condenses themes and writes cited abstractive summaries; only when configured).
`recommended_engine(n)` gives the measured default (see docs/analysis.md).

Officials in the loop::

    from policycycle.analysis.tagging import tag_responses, train_tagger, agreement
    tags = tag_responses(texts, {"theme-key": [row, ...]}, engine="embeddings", theme_texts={...},
                         vectors=None)  # or the texts' stored vectors (`vectors`: model keys, float16 bytes)
    agreement(machine_pairs, human_pairs, checked=ids)  # -> Agreement(precision, recall, f1, n)

Summaries: `summaries.extractive_summary(items, scope=..., skip_ids=campaign_copies, sentiments=...)`.
Evaluation: `evaluation.evaluate(dir, engine=..., seed_per_theme=5)` reads the labelled-set layout and
returns the metrics dict; `evaluation.build_polis_topics_set` / `build_regulation_room_set` build sets
from the real shared comments.

Data and models: the shared data folder comes from env `DHDIGITAL_SHARED_DATA` (else ../shared/data);
trained classifiers are cached under env `DHD_MODEL_CACHE` (else ~/.cache/dhdigital), built at first use.
"""

from __future__ import annotations

DEFAULT_ENGINE = "embeddings"
EMBEDDINGS_MAX_RESPONSES = 30_000


def recommended_engine(n_responses: int) -> str:
    """`embeddings` (clearly better themes and tagging, measured) while it fits the 10-minute budget on
    two cores; `basic` for larger runs. See docs/analysis.md for the figures behind the cut-off."""
    return DEFAULT_ENGINE if n_responses <= EMBEDDINGS_MAX_RESPONSES else "basic"
