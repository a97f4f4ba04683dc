"""Vectorising engines: `basic` (TF-IDF + LSA, no model), `embeddings` (packaged MiniLM), `llm`
(embeddings or basic for clustering, plus an OpenAI-compatible model to label themes and write
abstractive summaries)."""

from __future__ import annotations

from .base import BasicEngine, EmbeddingsEngine, Engine, get_engine
from .llm import LLMClient, LLMEngine, OpenAICompatibleClient

ENGINES = ("basic", "embeddings", "llm")

__all__ = [
    "ENGINES",
    "BasicEngine",
    "EmbeddingsEngine",
    "Engine",
    "LLMClient",
    "LLMEngine",
    "OpenAICompatibleClient",
    "get_engine",
]
