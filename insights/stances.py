"""Stance, corrected by officials and learned per consultation.

Enrichment gives every response a machine stance (`stance_machine`, with the general model's logit when
the learned model is in use). An official may correct it on the response explorer (`stance_correct`):
`stance` then holds their answer, `stance_source` says "official", and who decided and when is kept on
the row; re-enriching the same response never overwrites it. Each correction queues `stance_adapt`
(`insights.services.stance_correct`; at most one waits per consultation, `adapt_claim`), which
refits the consultation's own head (`policycycle.analysis.stance.adapt`) on the officials' answers and
re-estimates the stance of the responses nobody has corrected.
"""

from __future__ import annotations

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from policycycle.analysis import resources
from policycycle.analysis import stance as engine

from . import units
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
# each refit reads every correction made before it starts. The claim lapses after this many seconds, so a
# lost task does not stop refits for long.
ADAPT_CLAIM_SECONDS = 600


def _claim_key(consultation_id: int) -> str:
    return f"insights:stance-adapt-queued:{consultation_id}"


def adapt_claim(consultation_id: int) -> bool:
    """True when no refit of this consultation is waiting (the caller queues one), False when one is. With
    the cache unreachable every call is True: refits are then not spared, but none is lost."""
    key = _claim_key(consultation_id)
    return bool(cache.add(key, 1, timeout=ADAPT_CLAIM_SECONDS)) or cache.get(key) is None


def adapt_release(consultation_id: int) -> None:
    cache.delete(_claim_key(consultation_id))


# Above this many analysed responses the head uses the general model's logit alone (embedding every
# response again on each correction would cost minutes of worker time).
MAX_VECTOR_ROWS = 20_000


def stance_adapt(*, consultation_id: int) -> int:
    """Re-estimate the machine stance of the consultation's uncorrected responses from the officials'
    corrections: a head on the general model's logit and the response's packaged MiniLM vector (see
    `policycycle.analysis.stance.adapt`; measured in docs/analysis.md "Stance"). Rows without a logit
    (rule-based) are left as they are. Returns how many rows changed."""
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
        vectors = resources.embed([found.get(r.unit_key, "") for r in rows])
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
