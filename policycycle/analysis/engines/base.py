"""Engines turn texts into unit-length dense vectors; everything downstream is engine-agnostic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from .. import matcher, resources
from ..types import AnalysisCancelled, CancelFn


class Engine(Protocol):
    name: str

    def vectorise(
        self,
        texts: Sequence[str],
        *,
        should_cancel: CancelFn | None = None,
        on_chunk: Callable[[int], None] | None = None,
    ) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class BasicEngine:
    """TF-IDF on word 1-2-grams reduced to at most 100 LSA dimensions (scikit-learn, no model)."""

    name = "basic"

    def __init__(self, *, dims: int = 100, chunk_size: int = 20_000):
        self.dims = dims
        self.chunk_size = chunk_size

    def vectorise(self, texts, *, should_cancel=None, on_chunk=None):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(texts)
        if n == 0:
            return np.zeros((0, 1), dtype=np.float32)
        tfidf = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=2 if n >= 20 else 1,
            max_df=0.5 if n >= 20 else 1.0,
            stop_words="english",
            sublinear_tf=True,
            max_features=200_000,
            dtype=np.float32,
        )
        try:
            matrix = tfidf.fit_transform(texts)
        except ValueError:  # nothing but stop words
            return np.zeros((n, 1), dtype=np.float32)
        if should_cancel and should_cancel():
            raise AnalysisCancelled("cancelled while vectorising")
        dims = min(self.dims, matrix.shape[1] - 1, n - 1)
        if dims < 2:
            return _normalise(matrix.toarray())
        svd = TruncatedSVD(n_components=dims, random_state=0, algorithm="randomized", n_iter=4)
        out = np.empty((n, dims), dtype=np.float32)
        svd.fit(matrix if n <= 50_000 else matrix[np.random.default_rng(0).choice(n, 50_000, replace=False)])
        for start in range(0, n, self.chunk_size):
            if should_cancel and should_cancel():
                raise AnalysisCancelled("cancelled while vectorising")
            out[start : start + self.chunk_size] = svd.transform(matrix[start : start + self.chunk_size])
            if on_chunk:
                on_chunk(min(n, start + self.chunk_size))
        return _normalise(out)


class EmbeddingsEngine:
    """Sentence embeddings from the packaged all-MiniLM-L6-v2 (CPU, offline), in chunks; from the theme
    matcher tuned on ArgKP train (`make models`) when it has been built, unless `matcher=False`."""

    name = "embeddings"
    embeds_sentences = True  # its vectors of short phrases and of responses are comparable

    def __init__(self, *, chunk_size: int = 2_048, batch_size: int = 64, matcher: bool = True):
        self.chunk_size = chunk_size
        self.batch_size = batch_size
        self.matcher = matcher

    def vectorise(self, texts, *, should_cancel=None, on_chunk=None):
        n = len(texts)
        out = np.empty((n, 384), dtype=np.float32)
        # Embed shortest first: batches of similar length waste less padding.
        order = np.argsort([len(t) for t in texts], kind="stable")
        model = matcher.get_matcher() if self.matcher else resources.get_embedder()
        for start in range(0, n, self.chunk_size):
            if should_cancel and should_cancel():
                raise AnalysisCancelled("cancelled while embedding")
            idx = order[start : start + self.chunk_size]
            out[idx] = resources.embed([texts[i] for i in idx], batch_size=self.batch_size, model=model)
            if on_chunk:
                on_chunk(min(n, start + self.chunk_size))
        return out
