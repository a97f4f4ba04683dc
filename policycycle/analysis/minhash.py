"""Vectorised MinHash over sets of 32-bit token hashes.

datasketch's `MinHash` updates one token at a time in Python, which is too slow for a million
responses on two cores; here a whole chunk of documents is hashed at once with numpy
(multiply-shift universal hashing, then a segmented minimum). Signatures are `uint32` vectors of
`NUM_PERM` values, stable across processes (fixed seed, crc32 token hashes), so a signature stored at
enrichment time can be compared with one computed during a campaign run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .text import stable_hash, token_set

NUM_PERM = 64
_SEED = 20121011
_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 2**63 - 1, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63 - 1, size=NUM_PERM, dtype=np.uint64)
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def hashes_of(text: str) -> np.ndarray:
    toks = token_set(text)
    return np.fromiter((stable_hash(t) for t in toks), dtype=np.uint64, count=len(toks))


def signatures(token_hashes: Sequence[np.ndarray]) -> np.ndarray:
    """MinHash signatures (n_docs x NUM_PERM, uint32) for a chunk of documents' token hashes."""
    n = len(token_hashes)
    out = np.tile(EMPTY, (n, 1))
    lengths = np.fromiter((len(h) for h in token_hashes), dtype=np.int64, count=n)
    nonempty = np.flatnonzero(lengths)
    if len(nonempty) == 0:
        return out
    flat = np.concatenate([token_hashes[i] for i in nonempty])
    starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
    with np.errstate(over="ignore"):
        # (a*x + b) mod 2^64, keep the high 32 bits: multiply-shift hashing, one row per permutation.
        hashed = ((flat[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)).astype(np.uint32)
    mins = np.minimum.reduceat(hashed, starts, axis=1)
    out[nonempty] = mins.T
    return out


def signature(text: str) -> np.ndarray:
    return signatures([hashes_of(text)])[0]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two token sets behind the signatures."""
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def to_bytes(sig: np.ndarray) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
