"""Each response's sentence vector, computed once and stored (`UnitVector`), for everything that reads the
responses as vectors again and again: the retrained tagger (every response of a scope at each retrain) and
the stance refit (up to 20,000 responses at each official's correction).

Enrichment does not embed: it queues `fill` for the response's consultation (at most one waiting per
consultation), which computes the tagger's vectors of the enriched responses that have none, in batches
in the worker, so the per-response cost of enrichment stays what it was. `unit_vectors` reads the stored
vectors back and computes, in batches, only those missing or stale (the text changed since, or the model
was rebuilt: `policycycle.analysis.vectors.model_key`), and stores them for the next reader; so a lost
fill loses nothing, the next reader pays for it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from django.db import transaction

from dhdigital.lib.cache import OneWaiting
from policycycle.analysis import vectors as engine
from policycycle.analysis.types import AnalysisCancelled, CancelFn

from .models import Enrichment, UnitVector
from .units import UnitKey, get, kinds, load_many

BATCH = 2_048  # texts embedded, then stored, at a time
READ_CHUNK = 5_000  # units read per query


available = engine.available
DIMS, MATCHER, PACKAGED = engine.DIMS, engine.MATCHER, engine.PACKAGED


def _stored(
    keys: Sequence[UnitKey], model_key: str, *, vectors: bool = True
) -> dict[UnitKey, tuple[str, bytes]]:
    """{unit: (text hash, vector bytes)} of the stored vectors of `model_key`: one query per kind and
    READ_CHUNK units. `vectors=False`: the hashes only (the bytes are empty)."""
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
            columns = (field, "text_hash", "vector") if vectors else (field, "text_hash")
            for pk, text_hash, *blob in rows.values_list(*columns).iterator(READ_CHUNK):
                out[UnitKey(kind, pk)] = (text_hash, blob[0] if blob else b"")
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


def unit_vectors(
    items: Sequence[tuple[UnitKey | str, str]],
    *,
    consultation_id: int,
    model: str = engine.MATCHER,
    should_cancel: CancelFn | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """n x 384 unit-length float32 vectors of `items` ((unit, its text today), in order) from `model`: the
    stored ones whose model key and text hash are today's, the rest embedded BATCH at a time (shortest
    first, each distinct text once) and stored. A computed vector goes through the same float16 rounding
    as a stored one, so the first read and the later ones agree.

    `should_cancel` is asked before each batch (AnalysisCancelled: the batches stored so far stay, as the
    worker's fill would have stored them); `progress(done, to_embed)` is told after each."""
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
        if should_cancel is not None and should_cancel():
            raise AnalysisCancelled("cancelled while embedding the responses' missing vectors")
        part = missing[start : start + BATCH]
        first: dict[str, int] = {}  # a campaign's copies share one text: embedded once
        for i in part:
            first.setdefault(hashes[i], i)
        texts = [items[i][1] for i in first.values()]
        blobs = dict(zip(first, (engine.to_bytes(v) for v in engine.embed(model, texts)), strict=True))
        rows = [(keys[i], hashes[i], blobs[hashes[i]]) for i in part]
        out[part] = engine.from_bytes([b for _, _, b in rows])
        _store(rows, consultation_id=consultation_id, model_key=key)
        if progress is not None:
            progress(start + len(part), len(missing))
    return out


def missing_count(items: Sequence[tuple[UnitKey | str, str]], *, model: str = engine.MATCHER) -> int:
    """How many of `items` ((unit, its text today)) `unit_vectors` would embed: those with no stored vector
    of today's `model` and text (reads the stored hashes, not the vectors). Exact, where `stored_count` is
    the cheap estimate the engine choice uses."""
    if not items:
        return 0
    keys = [UnitKey.parse(k) for k, _ in items]
    stored = _stored(keys, engine.model_key(model), vectors=False)
    return sum(
        1
        for k, (_, text) in zip(keys, items, strict=True)
        if stored.get(k, ("",))[0] != engine.text_hash(text)
    )


def stored_count(consultation_id: int, scope: str = "consultation", *, model: str = engine.MATCHER) -> int:
    """How many of the scope's units have a stored vector of today's `model` (one count per kind; a vector
    of an older text counts too: an estimate for choosing an engine, `missing_count` is exact)."""
    key = engine.model_key(model)
    return sum(
        UnitVector.objects.filter(
            model=key, **{f"{kind.field}__in": kind.rows(consultation_id, scope).values("pk")}
        ).count()
        for kind in kinds()
        if kind.in_scope(scope)
    )


# The enriched responses given their vectors by one `fill` task; more are left to the task it queues next.
FILL_LIMIT = 4 * BATCH
# At most one fill waits per consultation (it computes every vector missing when it starts).
FILL_WAITING = OneWaiting("insights:vectors-fill", 15 * 60)


def missing(consultation_id: int, *, limit: int, model: str = engine.MATCHER) -> list[UnitKey]:
    """Up to `limit` enriched units of the consultation with no vector of `model` today (one query per
    kind)."""
    key = engine.model_key(model)
    out: list[UnitKey] = []
    for kind in kinds():
        if len(out) >= limit:
            break
        have = UnitVector.objects.filter(
            consultation_id=consultation_id, model=key, **{f"{kind.field}__isnull": False}
        ).values(kind.field)
        pks = (
            Enrichment.objects.filter(consultation_id=consultation_id, **{f"{kind.field}__isnull": False})
            .exclude(**{f"{kind.field}__in": have})
            .order_by(kind.field)
            .values_list(kind.field, flat=True)[: limit - len(out)]
        )
        out += [UnitKey(kind.kind, pk) for pk in pks]
    return out


def fill(consultation_id: int, *, limit: int | None = None, model: str = engine.MATCHER) -> tuple[int, bool]:
    """Compute and store the vectors of up to `limit` (FILL_LIMIT) enriched units of the consultation that
    have none, BATCH at a time. Returns (how many were computed, whether more are waiting)."""
    limit = limit or FILL_LIMIT
    todo = missing(consultation_id, limit=limit + 1, model=model)
    more = len(todo) > limit
    found = load_many((k.kind, k.pk) for k in todo[:limit])
    items = [(k, found[k].text) for k in todo[:limit] if k in found]
    unit_vectors(items, consultation_id=consultation_id, model=model)
    return len(items), more
