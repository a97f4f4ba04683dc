"""Writes for analysis.

`queue_enrichment` is what other apps call on commit of every comment, answer and idea.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction

from . import stances, tasks, units, vectors
from .models import Enrichment

logger = logging.getLogger(__name__)


def queue_enrichment(kind: str, pk: int) -> bool:
    """Queue enrichment of one unit. Never raises: when the broker is down the unit is left for the sweep,
    so a comment or response is accepted whatever state Redis is in. Returns whether it was queued."""
    try:
        tasks.enrich_unit.delay(kind, pk)
        return True
    except Exception as exc:  # noqa: BLE001 - kombu raises several kinds of connection errors
        logger.warning(
            "enrichment not queued, the sweep will catch it up",
            extra={"unit": kind, "reason": type(exc).__name__},
        )
        return False


def on_units_saved(sender, *, kind: str, pks, **kwargs) -> int:
    """dhdigital.lib.signals.units_saved: queue the enrichment of each unit."""
    n = 0
    for pk in pks:
        queue_enrichment(kind, pk)
        n += 1
    return n


def on_enrich_now(sender, *, kind: str, pk: int, **kwargs) -> bool:
    """dhdigital.lib.signals.enrich_now: enrich the unit in this process."""
    return enrichment_compute(kind=kind, pk=pk) is not None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def enrichment_compute(*, kind: str, pk: int) -> Enrichment | None:
    """Enrich one unit (idempotent: unchanged text is not recomputed)."""
    # The engine (scikit-learn, its language and sentiment models) is loaded in the process that enriches,
    # not in every process that imports the services.
    from policycycle.analysis import minhash
    from policycycle.analysis.enrich import enrich

    unit = units.get(kind).load(pk)
    if unit is None:
        return None
    text_hash = _hash(unit.text)
    ref = units.UnitKey(kind, pk).ref()
    existing = Enrichment.objects.filter(**ref).first()
    if existing and existing.text_hash == text_hash:
        return existing
    # The learned stance model is read in the worker for many responses at once (`stance_adapt`): one
    # forward pass per response here would double the cost of enrichment (docs/analysis.md "Stance").
    later = stances.scored_later(unit.clause_text)
    e = enrich(unit.text, clause_text=unit.clause_text, model_stance=not later)
    fields = {
        "consultation_id": unit.consultation_id,
        "language": e.language,
        "language_confidence": e.language_confidence,
        "keywords": list(e.keywords),
        "sentiment": e.sentiment,
        "stance": e.stance,
        "stance_machine": e.stance,
        "stance_logit": e.stance_logit,
        "evidence_rich": e.evidence_rich,
        "evidence_score": e.evidence_score,
        "spam_score": e.spam_score,
        "toxicity_score": e.toxicity_score,
        "signature": minhash.to_bytes(e.signature) if len(e.signature) else b"",
        "link_count": e.link_count,
        "text_hash": text_hash,
        "stance_pending": later,
    }
    if existing and existing.stance_source == "official":  # an official's correction stands
        fields["stance"] = existing.stance
    try:
        with transaction.atomic():
            obj, _ = Enrichment.objects.update_or_create(**ref, defaults=fields)
    except IntegrityError:  # a concurrent worker enriched it first: theirs stands
        obj = Enrichment.objects.get(**ref)
    units.get(kind).enriched(pk, e)
    if vectors.available():
        # the tagger's vector of the response, computed in batches by the worker (one forward pass here
        # would add a third to enrichment's cost): a retrain reads it back instead of embedding every
        # response of the scope again (insights.vectors)
        transaction.on_commit(lambda: queue_vectors_fill(unit.consultation_id))
    if later:
        transaction.on_commit(lambda: queue_stance_adapt(unit.consultation_id))
    return obj


def enrichment_sweep(*, batch: int = 500) -> dict[str, int]:
    """Enrich what was missed (a lost task, Redis down at the time). Runs from beat; safe to repeat."""
    done: dict[str, int] = {}
    for k in units.kinds():
        ids = unenriched_ids(k, limit=batch)
        for pk in ids:
            enrichment_compute(kind=k.kind, pk=pk)
        done[k.kind] = len(ids)
    # Responses whose learned stance was left to a refit that was lost (broker down, worker killed).
    for cid in stances.pending_consultations():
        queue_stance_adapt(cid)
    return done


def unenriched_ids(kind: units.UnitKind, *, limit: int) -> list[int]:
    """Units with text and no enrichment yet: what the periodic sweep catches up on."""
    done = Enrichment.objects.filter(**{f"{kind.field}__isnull": False}).values(kind.field)
    return list(kind.enrichable().exclude(pk__in=done).order_by("pk").values_list("pk", flat=True)[:limit])


# Runs and curation live in their own modules; these names are the app's write interface.
from .curation import (  # noqa: E402,F401
    CurationError,
    tag_add,
    tag_decide,
    tag_move,
    tag_remove,
    theme_confirm,
    theme_create,
    theme_delete,
    theme_merge,
    theme_restore,
    theme_split,
    theme_update,
)
from .runs import (  # noqa: E402,F401
    RunRefused,
    analysis_run_cancel,
    analysis_run_execute,
    analysis_run_rerun,
    analysis_run_start,
    runs_recover_stale,
)
from .stances import StanceError, stance_adapt, stance_checked  # noqa: E402,F401
from .tagger import TaggerError, tagger_retrain, tagger_retrain_queue  # noqa: E402,F401


def queue_vectors_fill(consultation_id: int) -> bool:
    """Queue the computing of the consultation's missing response vectors unless a fill is already waiting
    (it will find this response too). With the broker down the next enrichment, or the first retrain,
    computes them."""
    return vectors.FILL_WAITING.queue(tasks.vectors_fill, consultation_id)


def stance_correct(*, consultation, unit: str, stance: str, by) -> Enrichment:
    """An official corrects (or confirms) one response's stance; the consultation's own stance head is then
    refitted in the worker (`stance_adapt`)."""
    row = stances.stance_correct(consultation=consultation, unit=unit, stance=stance, by=by)
    transaction.on_commit(lambda: queue_stance_adapt(consultation.pk))
    return row


def tag_confirm(*, tag, by, stance: str = ""):
    """An official confirms a machine tag and, optionally, sets the response's stance toward the proposal
    in the same step (the tagger learns each theme's side from its confirmed responses' stances). Both or
    neither: a stance that cannot be set (response not analysed yet, unknown choice) confirms nothing."""
    with transaction.atomic():
        tag_decide(tag=tag, by=by, confirm=True)
        if stance:
            stance_correct(consultation=tag.theme.consultation, unit=str(tag.unit_key), stance=stance, by=by)
    return tag


def queue_stance_adapt(consultation_id: int) -> bool:
    """Queue the refit unless one is already waiting for this consultation (it will read this correction
    too). With the broker down the next correction queues it again."""
    return stances.ADAPT_WAITING.queue(tasks.stance_adapt, consultation_id)
