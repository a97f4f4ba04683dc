"""Vectorising engines: `basic` (TF-IDF + LSA, no model), `embeddings` (packaged MiniLM), `llm`
(embeddings or basic for clustering, plus an OpenAI-compatible model to label themes and write
abstractive summaries)."""

from __future__ import annotations

from typing import Any

from .base import BasicEngine, EmbeddingsEngine, Engine
from .llm import LLMClient, LLMEngine, OpenAICompatibleClient

ENGINES = ("basic", "embeddings", "llm")


def get_engine(name: str, **kwargs: Any) -> Engine:
    if name == "basic":
        return BasicEngine()
    if name == "embeddings":
        return EmbeddingsEngine()
    if name == "llm":
        return LLMEngine(**kwargs)
    raise ValueError(f"unknown analysis engine {name!r}: choose basic, embeddings or llm")


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
