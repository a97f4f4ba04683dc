"""Stance, corrected by officials and learned per consultation.

Enrichment gives every response a machine stance (`stance_machine`, with the general model's logit when
the learned model is in use). An official may correct it on the response explorer (`stance_correct`):
`stance` then holds their answer, `stance_source` says "official", and who decided and when is kept on
the row; re-enriching the same response never overwrites it. Each correction queues `stance_adapt`
(`insights.services.stance_correct`; at most one waits per consultation, `ADAPT_WAITING`), which
refits the consultation's own head (`policycycle.analysis.stance.adapt`) on the officials' answers and
re-estimates the stance of the responses nobody has corrected.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from dhdigital.lib.cache import OneWaiting
from policycycle.analysis import stance as engine

from . import units
from . import vectors as unit_vectors
from .models import Enrichment

CHOICES = ("agree", "disagree", "mixed", "unclear")


class StanceError(Exception):
    """A correction that cannot be made (a message for the official)."""


def stance_correct(*, consultation, unit: str, stance: str, by) -> Enrichment:
    """An official sets the stance of one response of `consultation` (also to confirm the machine's)."""
    if stance not in CHOICES:
        raise StanceError("Choose agree, disagree, mixed or unclear.")
    try:
        key = units.key_in(consultation.pk, unit)
    except ValueError as exc:
        raise StanceError("Choose a response of this consultation.") from exc
    with transaction.atomic():
        row = Enrichment.objects.select_for_update().filter(**key.ref()).first()
        if row is None:
            raise StanceError("That response has not been analysed yet: try again in a minute.")
        row.stance = stance
        row.stance_source = "official"
        row.stance_decided_by = by
        row.stance_decided_at = timezone.now()
        row.save(update_fields=["stance", "stance_source", "stance_decided_by", "stance_decided_at"])
    return row


# At most one refit waits in the queue per consultation: officials correct stances one after another, and
# each refit reads every correction made before it starts. The claim lapses after 10 minutes.
ADAPT_WAITING = OneWaiting("insights:stance-adapt-queued", 600)


# Above this many analysed responses the head uses the general model's logit alone (embedding every
# response again on each correction would cost minutes of worker time).
MAX_VECTOR_ROWS = 20_000


# Responses read by the learned stance model at once, and at most this many per refit.
SCORE_BATCH = 32
SCORE_LIMIT = 5_000


def scored_later(clause_text: str | None) -> bool:
    """Whether enrichment leaves a response's learned stance to `stance_adapt`: when the model is built
    and there is a proposal to take a stance toward."""
    return bool(clause_text and clause_text.strip()) and engine.stance_path() is not None


def pending_consultations(consultation_id: int | None = None) -> list[int]:
    """The consultations (or just this one) with responses waiting for the learned stance model."""
    qs = Enrichment.objects.filter(stance_pending=True)
    if consultation_id is not None:
        qs = qs.filter(consultation_id=consultation_id)
    return sorted(set(qs.values_list("consultation_id", flat=True).distinct()))


def stance_score_pending(consultation_id: int) -> int:
    """The learned model's stance of the consultation's responses enriched since the last refit (those
    marked `stance_pending`), read SCORE_BATCH at a time; the enrichment's rule-based stance stands
    until then. An official's stance is kept. Returns how many were read."""
    rows = list(
        Enrichment.objects.filter(consultation_id=consultation_id, stance_pending=True)
        .only(  # every column written back: a deferred one would be read row by row by bulk_update
            "pk",
            "stance",
            "stance_machine",
            "stance_logit",
            "stance_pending",
            "stance_source",
            *(k.field for k in units.kinds()),
        )
        .order_by("pk")[:SCORE_LIMIT]
    )
    if not rows:
        return 0
    model = engine.StanceModel.load()
    loaded = units.load_many(r.unit_key for r in rows)  # one query per kind, not one per response
    read = []
    for r in rows:
        unit = loaded.get(r.unit_key)
        if model is not None and unit is not None and unit.clause_text and unit.text.strip():
            read.append((r, unit.clause_text, unit.text))
        r.stance_pending = False
    if read:
        logits = model.logits([c for _, c, _ in read], [t for _, _, t in read], batch_size=SCORE_BATCH)
        for (r, _, _), logit in zip(read, logits, strict=True):
            r.stance_logit = round(float(logit), 4)
            r.stance_machine = engine.label(float(engine.probability(logit)), r.stance_machine)
            if r.stance_source != "official":
                r.stance = r.stance_machine
    Enrichment.objects.bulk_update(
        rows, ["stance", "stance_machine", "stance_logit", "stance_pending"], batch_size=1000
    )
    return len(read)


def stance_adapt(*, consultation_id: int) -> int:
    """Re-estimate the machine stance of the consultation's uncorrected responses from the officials'
    corrections: a head on the general model's logit and the response's packaged MiniLM vector (stored:
    `insights.vectors`; see
    `policycycle.analysis.stance.adapt`; measured in docs/analysis.md "Stance"). Rows without a logit
    (rule-based) are left as they are. Responses enriched since the last refit are first read by the
    general model (`stance_score_pending`). Returns how many rows changed."""
    stance_score_pending(consultation_id)
    rows = list(
        Enrichment.objects.filter(consultation_id=consultation_id, stance_logit__isnull=False).only(
            "pk",
            "stance",
            "stance_machine",
            "stance_logit",
            "stance_source",
            *(k.field for k in units.kinds()),
        )
    )
    labelled = {i: r.stance for i, r in enumerate(rows) if r.stance_source == "official"}
    if len(labelled) < engine.MIN_LABELLED:
        return 0
    logits = np.array([r.stance_logit for r in rows], dtype=float)
    vectors = np.zeros((len(rows), 0))
    if len(rows) <= MAX_VECTOR_ROWS:
        found = units.texts([r.unit_key for r in rows])
        # the packaged MiniLM's vectors (the head was measured on them), stored by the first refit and read
        # back by the next ones; a unit gone since has no text to embed
        there = [i for i, r in enumerate(rows) if r.unit_key in found]
        vectors = np.zeros((len(rows), unit_vectors.DIMS), dtype=np.float32)
        vectors[there] = unit_vectors.unit_vectors(
            [(rows[i].unit_key, found[rows[i].unit_key]) for i in there],
            consultation_id=consultation_id,
            model=unit_vectors.PACKAGED,
        )
    probs = engine.adapt(logits, vectors, labelled)
    changed = []
    for i, r in enumerate(rows):
        if r.stance_source == "official":
            continue
        new = engine.label(float(probs[i]), r.stance_machine)
        if new != r.stance:
            r.stance = new
            changed.append(r)
    Enrichment.objects.bulk_update(changed, ["stance"], batch_size=1000)
    return len(changed)


def stance_checked(consultation) -> dict[str, int]:
    """How many responses' stances officials have set, and on how many the machine had said the same."""
    return Enrichment.objects.filter(consultation=consultation, stance_source="official").aggregate(
        checked=Count("pk"), agreed=Count("pk", filter=Q(stance_machine=F("stance")))
    )
