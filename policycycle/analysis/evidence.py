"""Evidence-rich detection, trained on Regulation Room (Park and Cardie 2014).

Each sentence of a response is classified as unverifiable (u), non-experiential verifiable (n: facts,
data) or experiential (e: concrete personal experience). A response is "evidence-rich" when at least one
of its sentences is n or e with enough margin. Features: word 1-2-gram and character 2-5-gram TF-IDF,
a few hand features (digits, first person, past tense, money/percent, length) and, when the packaged
sentence-embedding model is available, its 384-d sentence embedding. Linear SVM, balanced classes.
Trained at first use from the shared data and cached (see resources.cached_model).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack

from . import resources
from .text import sentences

_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|my|me|we|our|us|myself)\b", re.I)
_PAST = re.compile(r"\b(was|were|had|did|got|went|saw|took|paid|lost|spent)\b", re.I)
_MONEY = re.compile(r"%|\$|£|€|\bpercent\b", re.I)
_DIGIT = re.compile(r"\d")


def regulation_room_dir() -> Path:
    return resources.data_dir() / "comments" / "regulation_room"


def load_split(split: str) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels u/n/e, comment keys) of the Regulation Room `train` or `test` split."""
    with open(regulation_room_dir() / f"{split}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        [r["text"] for r in rows],
        [r["label"] for r in rows],
        [f"{r['rule_name']}.{r['comment_number']}" for r in rows],
    )


def _hand(texts: list[str]) -> csr_matrix:
    return csr_matrix(
        np.array(
            [
                [
                    bool(_DIGIT.search(t)),
                    bool(_FIRST_PERSON.search(t)),
                    min(len(t.split()), 80) / 40,
                    bool(_PAST.search(t)),
                    bool(_MONEY.search(t)),
                ]
                for t in texts
            ],
            dtype=np.float32,
        )
    )


@dataclass
class EvidenceModel:
    vectoriser: Any
    classifier: Any
    use_embeddings: bool

    def features(self, texts: list[str]):
        parts = [self.vectoriser.transform(texts), _hand(texts)]
        if self.use_embeddings:
            parts.append(csr_matrix(resources.embed(texts)))
        return hstack(parts).tocsr()

    def predict(self, texts: list[str]) -> list[str]:
        return list(self.classifier.predict(self.features(texts)))

    def verifiable_scores(self, texts: list[str]) -> np.ndarray:
        """Per sentence, a 0..1 score that it is verifiable (n or e) rather than unverifiable."""
        dec = self.classifier.decision_function(self.features(texts))
        classes = list(self.classifier.classes_)
        u = dec[:, classes.index("u")]
        v = np.maximum(dec[:, classes.index("n")], dec[:, classes.index("e")])
        return 1.0 / (1.0 + np.exp(-2.5 * (v - u)))


def _train(use_embeddings: bool) -> EvidenceModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union
    from sklearn.svm import LinearSVC

    texts, labels, _ = load_split("train")
    vec = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3),
    )
    vec.fit(texts)
    model = EvidenceModel(vec, LinearSVC(C=0.1, class_weight="balanced"), use_embeddings)
    model.classifier.fit(model.features(texts), labels)
    return model


_models: dict[bool, EvidenceModel] = {}


def sources() -> list[Path]:
    """The Regulation Room split the evidence classifier is trained on and keyed by."""
    return [regulation_room_dir() / "train.csv"]


def _cache_key(use_embeddings: bool) -> tuple[str, list[Path]]:
    return ("evidence-emb-v1" if use_embeddings else "evidence-tfidf-v1"), sources()


def cached(*, use_embeddings: bool | None = None) -> bool:
    """Whether the classifier is already trained and in the model cache."""
    if use_embeddings is None:
        use_embeddings = resources.embeddings_available()
    return resources.cached_model_path(*_cache_key(use_embeddings)).exists()


def get_model(*, use_embeddings: bool | None = None) -> EvidenceModel:
    if use_embeddings is None:
        use_embeddings = resources.embeddings_available()
    if use_embeddings not in _models:
        name, sources = _cache_key(use_embeddings)
        _models[use_embeddings] = resources.cached_model(name, sources, lambda: _train(use_embeddings))
    return _models[use_embeddings]


def evidence_score(text: str, *, model: EvidenceModel | None = None, max_sentences: int = 40) -> float:
    """0..1: how strongly the best sentence of `text` reads as fact, data or concrete experience."""
    sents = [s for s in sentences(text) if len(s.split()) >= 3][:max_sentences] or [text]
    if not text.strip():
        return 0.0
    scores = (model or get_model()).verifiable_scores(sents)
    return float(np.max(scores)) if len(scores) else 0.0


def macro_f1_on_test(*, use_embeddings: bool | None = None) -> dict[str, float]:
    """Sentence-level macro-F1 on the Regulation Room test split: 3-class (u/n/e) and binary (u vs n+e)."""
    from sklearn.metrics import f1_score

    model = get_model(use_embeddings=use_embeddings)
    texts, gold, _ = load_split("test")
    pred = model.predict(texts)
    binary = lambda ys: ["v" if y != "u" else "u" for y in ys]  # noqa: E731
    return {
        "macro_f1_3class": float(f1_score(gold, pred, average="macro")),
        "macro_f1_binary": float(f1_score(binary(gold), binary(pred), average="macro")),
        "n_sentences": float(len(texts)),
        "uses_embeddings": float(model.use_embeddings),
    }
