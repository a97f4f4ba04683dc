"""Response vectors kept between calls: which model made a vector (`model_key`), and a compact form to store
it in (float16 bytes, 768 bytes for MiniLM's 384 dimensions).

Embedding a response costs about 10 ms of CPU (MiniLM, two cores): embedding a 100,000-response consultation
again for each retrain of the tagger took 16 minutes. The insights app stores each response's vector once
(`insights.vectors`, computed after enrichment) and the tagger and the stance refit read them back; these are
the engine's side of it, with no Django. A stored vector stands only while its model key and the hash of
its text are those of today."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from . import matcher, resources

# The models whose vectors are stored: the tagger's (the tuned matcher when built, else the packaged MiniLM)
# and the packaged MiniLM itself (the stance refit's features, `stance.adapt`).
MATCHER = "matcher"
PACKAGED = "packaged"
MODELS = (MATCHER, PACKAGED)
DIMS = 384


def available() -> bool:
    """Whether the packaged model is installed (without it the engines fall back to `basic`)."""
    return resources.embeddings_available()


def text_hash(text: str) -> str:
    """The sha256 of the text (as enrichment's `text_hash`): a stored vector is of this text or stale."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_key(name: str) -> str:
    """What made the vectors of `name` today: it changes when the model is rebuilt (or switched off with
    DHD_MATCHER=packaged), so vectors of an older model are never mixed with today's."""
    if name not in MODELS:
        raise ValueError(f"unknown vector model {name!r}")
    if name == MATCHER and matcher.matcher_path() is not None:
        return f"matcher-{matcher.cache_key()}-128"
    weights = resources.model_path() / "model.safetensors"
    return "minilm-" + resources.fingerprint("packaged", [weights], missing_ok=True) + "-128"


def embedder(name: str):
    """The SentenceTransformer that makes `name`'s vectors."""
    return matcher.get_matcher() if name == MATCHER else resources.get_embedder()


def embed(name: str, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors (n x 384) of `texts` from `name`'s model."""
    return resources.embed(list(texts), batch_size=batch_size, model=embedder(name))


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    """n x 384 float32 from stored vectors, made unit length again (float16 rounding moves a cosine by
    about 1e-3)."""
    if not blobs:
        return np.zeros((0, DIMS), dtype=np.float32)
    out = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=np.float16).reshape(len(blobs), -1)
    out = out.astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)
