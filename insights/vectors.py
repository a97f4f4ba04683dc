"""Each response's sentence vector, computed once and stored (`UnitVector`), for everything that reads the
responses as vectors again and again: the retrained tagger (every response of a scope at each retrain) and
the stance refit (up to 20,000 responses at each official's correction).

Enrichment stores the tagger's vector of each response as it arrives (`store_one`, one forward pass of
the model); `unit_vectors` reads the stored vectors back and computes, in batches, only those missing or
stale (the text changed since, or the model was rebuilt: `policycycle.analysis.vectors.model_key`), and
stores them for the next reader."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import transaction

from policycycle.analysis import vectors as engine

from .models import UnitVector
from .units import UnitKey, get

BATCH = 2_048  # texts embedded, then stored, at a time
READ_CHUNK = 5_000  # units read per query


available = engine.available
DIMS, MATCHER, PACKAGED = engine.DIMS, engine.MATCHER, engine.PACKAGED


def _stored(keys: Sequence[UnitKey], model_key: str) -> dict[UnitKey, tuple[str, bytes]]:
    """{unit: (text hash, vector bytes)} of the stored vectors of `model_key`: one query per kind and
    READ_CHUNK units."""
    by_kind: dict[str, list[int]] = {}
    for k in keys:
        by_kind.setdefault(k.kind, []).append(k.pk)
    out: dict[UnitKey, tuple[str, bytes]] = {}
    for kind, pks in by_kind.items():
        field = f"{get(kind).field}_id"
        for start in range(0, len(pks), READ_CHUNK):
            rows = UnitVector.objects.filter(
                model=model_key, **{f"{field}__in": pks[start : start + READ_CHUNK]}
            )
            for pk, text_hash, blob in rows.values_list(field, "text_hash", "vector").iterator(READ_CHUNK):
                out[UnitKey(kind, pk)] = (text_hash, blob)
    return out


def _store(rows: Sequence[tuple[UnitKey, str, bytes]], *, consultation_id: int, model_key: str) -> None:
    """Replace the vectors of these units for `model_key` (a concurrent writer's row stands)."""
    by_kind: dict[str, list[int]] = {}
    for k, _, _ in rows:
        by_kind.setdefault(k.kind, []).append(k.pk)
    with transaction.atomic():
        for kind, pks in by_kind.items():
            UnitVector.objects.filter(model=model_key, **{f"{get(kind).field}_id__in": pks}).delete()
        UnitVector.objects.bulk_create(
            [
                UnitVector(consultation_id=consultation_id, model=model_key, text_hash=h, vector=v, **k.ref())
                for k, h, v in rows
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )


def store_one(key: UnitKey, *, consultation_id: int, text: str, model: str = engine.MATCHER) -> bytes:
    """Enrichment: embed one response with `model` (the tagger's) and store it. Returns the stored bytes."""
    blob = engine.to_bytes(engine.embed(model, [text])[0])
    _store(
        [(key, engine.text_hash(text), blob)],
        consultation_id=consultation_id,
        model_key=engine.model_key(model),
    )
    return blob


def unit_vectors(
    items: Sequence[tuple[UnitKey | str, str]],
    *,
    consultation_id: int,
    model: str = engine.MATCHER,
) -> np.ndarray:
    """n x 384 unit-length float32 vectors of `items` ((unit, its text today), in order) from `model`: the
    stored ones whose model key and text hash are today's, the rest embedded BATCH at a time (shortest
    first, each distinct text once) and stored. A computed vector goes through the same float16 rounding
    as a stored one, so the first read and the later ones agree."""
    n = len(items)
    out = np.empty((n, engine.DIMS), dtype=np.float32)
    if not n:
        return out
    key = engine.model_key(model)
    keys = [UnitKey.parse(k) for k, _ in items]
    hashes = [engine.text_hash(t) for _, t in items]
    stored = _stored(keys, key)
    have = [i for i, k in enumerate(keys) if k in stored and stored[k][0] == hashes[i]]
    if have:
        out[have] = engine.from_bytes([stored[keys[i]][1] for i in have])
    known = set(have)
    missing = sorted((i for i in range(n) if i not in known), key=lambda i: len(items[i][1]))
    for start in range(0, len(missing), BATCH):
        part = missing[start : start + BATCH]
        first: dict[str, int] = {}  # a campaign's copies share one text: embedded once
        for i in part:
            first.setdefault(hashes[i], i)
        texts = [items[i][1] for i in first.values()]
        blobs = dict(zip(first, (engine.to_bytes(v) for v in engine.embed(model, texts)), strict=True))
        rows = [(keys[i], hashes[i], blobs[hashes[i]]) for i in part]
        out[part] = engine.from_bytes([b for _, _, b in rows])
        _store(rows, consultation_id=consultation_id, model_key=key)
    return out
