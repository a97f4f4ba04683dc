"""Retrain the tagger: confirmed examples (confirmed machine tags and officials' own tags) train a few-shot
classifier (`policycycle.analysis.tagging`) per scope, which re-tags the responses nobody has checked.
With the `embeddings` engine it reads each response's vector stored after enrichment (`insights.vectors`)
rather than embedding the scope again: only the themes' texts, and responses with no vector of today's
model and text, are embedded. Each response's stance, where an official or the learned model set it, goes
with it: a theme argues the side of its confirmed responses (`_stances`).

When the scope's engine is `llm` (chosen by settings.ANALYSIS_DEFAULT_ENGINE, with an endpoint configured)
and the scope has at most settings.LLM_TAG_MAX_RESPONSES responses, the language model reads the
unchecked responses instead, with the themes and the confirmed examples in its prompt
(`LLMEngine.tag`); a larger scope keeps the vector tagger, whose cost does not grow with the model's
price per call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from dhdigital.lib import history

from . import engines, tasks, vectors
from .engines import default_engine
from .models import Enrichment, Theme, ThemeAssignment
from .runs import iter_units
from .units import CONSULTATION, UnitKey, kinds


class TaggerError(Exception):
    pass


@dataclass
class Decisions:
    """What officials said, per scope: confirmed units per theme, rejected units per theme, the units
    confirmed for at least one theme (checked: a negative of every theme they were not confirmed for), and
    every unit decided on at all (left alone by the retrained tagger)."""

    examples: dict[str, dict[int, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    rejected: dict[str, dict[int, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    checked: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)


def _decisions(consultation) -> Decisions:
    decided = ThemeAssignment.objects.filter(theme__consultation=consultation, theme__is_active=True).filter(
        Q(confirmed=True) | Q(rejected=True) | Q(source="human")
    )
    out = Decisions()
    for tag in decided.select_related("theme"):
        uid = str(tag.unit_key)
        out.decided.add(uid)
        if tag.rejected:
            # "not this theme" says nothing of the others: a negative of this theme only
            out.rejected[tag.theme.scope][tag.theme_id].add(uid)
        else:
            out.examples[tag.theme.scope][tag.theme_id].add(uid)
            out.checked.add(uid)
    return out


NOT_TRAINABLE = "Confirm or add tags on at least two themes of one clause or question first."


def _trainable(consultation) -> tuple[dict[str, dict[int, set[str]]], Decisions]:
    decisions = _decisions(consultation)
    trainable = {s: ex for s, ex in decisions.examples.items() if sum(1 for v in ex.values() if v) >= 2}
    if not trainable:
        raise TaggerError(NOT_TRAINABLE)
    return trainable, decisions


def tagger_retrain_queue(*, consultation, by=None) -> None:
    """Check there is something to learn from, then retrain on the worker: reading (and embedding what was
    not stored after enrichment) every response of a large scope takes too long for a request. Raises
    TaggerError when there is nothing to learn from or the worker cannot be reached."""
    _trainable(consultation)
    try:
        tasks.tagger_retrain.delay(consultation.pk, getattr(by, "pk", None))
    except Exception as exc:  # noqa: BLE001 - broker down: say so rather than fail the page
        raise TaggerError("The tagger could not be started just now: try again in a minute.") from exc


def _engine_for(consultation, scope: str, n: int, engine: str | None) -> str:
    """The engine that tags a scope: the one asked for, else the default for the scope's size (which stays
    `embeddings` past EMBEDDINGS_MAX_RESPONSES when the stored vectors leave few to embed:
    `engines.default_engine`). `llm` only with an endpoint and at most LLM_TAG_MAX_RESPONSES responses;
    otherwise the vector tagger on the sentence vectors (`embeddings`)."""
    chosen = engine or default_engine(consultation.pk, scope, n=n)
    if chosen == "llm" and not (engines.llm_configured() and n <= settings.LLM_TAG_MAX_RESPONSES):
        return "embeddings"
    return chosen


LLM_CONFIDENCE = 1.0  # the model answers yes or no, with no probability to keep


def _llm_tags(units, themes, examples, decided) -> list[list[tuple[str, float]]]:
    """The model's themes for every unit (the decided ones are not sent: nothing is written on them)."""
    from policycycle.analysis.engines import LLMEngine

    keys = sorted(themes, key=lambda k: int(k))
    listed = [(k, themes[k]) for k in keys]
    by_unit: dict[str, list[str]] = defaultdict(list)
    for key, uids in examples.items():
        for uid in uids:
            by_unit[uid].append(key)
    text = {u.id: u.text for u in units}
    shown = [(text[uid], sorted(ks), None) for uid, ks in sorted(by_unit.items()) if uid in text]
    todo = [u for u in units if u.id not in decided]
    read = LLMEngine(client=engines.llm_client()).tag([u.text for u in todo], listed, examples=shown)
    found = {u.id: [(k, LLM_CONFIDENCE) for k in tag.themes] for u, tag in zip(todo, read, strict=True)}
    return [found.get(u.id, []) for u in units]


def _stances(consultation) -> dict[str, float]:
    """Each response's side where it is known well enough to tag by: 1.0 agree, 0.0 disagree, from an
    official's stance or the learned stance model's (with the consultation's head once officials have
    corrected enough). The rule-based stance (no learned model) is too often wrong to steer tags (0.20
    accuracy on the ArgKP dev topics), and "mixed" or "unclear" take no side: both are left out."""
    rows = (
        Enrichment.objects.filter(consultation=consultation, stance__in=("agree", "disagree"))
        .filter(Q(stance_source="official") | Q(stance_logit__isnull=False))
        .only("stance", *(k.field for k in kinds()))
    )
    return {str(r.unit_key): 1.0 if r.stance == "agree" else 0.0 for r in rows}


def tagger_retrain(*, consultation, by=None, engine: str | None = None) -> dict[str, int]:
    """Returns {"scopes": trained scopes, "tagged": responses re-tagged, "tags": machine tags written}.
    Without an engine each scope uses the measured default for its size (embeddings up to 30,000)."""
    from policycycle.analysis.tagging import tag_responses

    trainable, decisions = _trainable(consultation)
    out = {"scopes": 0, "tagged": 0, "tags": 0}
    sides = _stances(consultation)
    # several scopes: the consultation's units are read once and shared out by scope
    every = list(iter_units(consultation.pk)) if len(trainable) > 1 else None
    for scope, ex in trainable.items():
        themes = {
            t.pk: t for t in Theme.objects.filter(consultation=consultation, scope=scope, is_active=True)
        }
        if every is None:
            units = list(iter_units(consultation.pk, scope))
        else:
            units = every if scope == CONSULTATION else [u for u in every if u.scope == scope]
        index = {u.id: i for i, u in enumerate(units)}
        seeds = {
            str(tid): [index[u] for u in uids if u in index] for tid, uids in ex.items() if tid in themes
        }
        seeds = {k: v for k, v in seeds.items() if v}
        if len(seeds) < 2:
            continue
        rejected = {
            str(tid): [index[u] for u in uids if u in index]
            for tid, uids in decisions.rejected[scope].items()
            if tid in themes
        }
        texts = {str(t.pk): f"{t.label}. {t.description}" for t in themes.values()}
        chosen = _engine_for(consultation, scope, len(units), engine)
        if chosen == "llm":
            confirmed = {str(tid): uids for tid, uids in ex.items() if str(tid) in seeds}
            tags = _llm_tags(units, texts, confirmed, decisions.decided)
        else:
            # the embeddings engine's vectors of the responses were stored after enrichment: read back, not
            # computed again (only those missing or stale are embedded, and stored)
            stored = (
                vectors.unit_vectors([(u.id, u.text) for u in units], consultation_id=consultation.pk)
                if chosen == "embeddings"
                else None
            )
            tags = tag_responses(
                [u.text for u in units],
                seeds,
                engine=chosen,
                vectors=stored,
                theme_texts=texts,
                # a response confirmed for some themes teaches the others that it does not make them
                checked=[index[u] for u in decisions.checked if u in index],
                rejected=rejected,
                # each response's side: a theme's confirmed responses tell its side, and the tagger
                # weighs whether a response argues it (docs/analysis.md)
                stances=np.array([sides.get(u.id, np.nan) for u in units]) if sides else None,
            )
        rest = [(u.id, row) for u, row in zip(units, tags, strict=True) if u.id not in decisions.decided]
        with transaction.atomic():
            history.bulk_delete(
                ThemeAssignment.objects.filter(
                    theme__in=themes.values(), source="machine", confirmed=False, rejected=False
                ),
                by=by,
                reason="replaced by the retrained tagger",
            )
            rows = []
            for uid, row in rest:
                ref = UnitKey.parse(uid).ref()
                for theme_key, prob in row:
                    rows.append(
                        ThemeAssignment(
                            theme=themes[int(theme_key)],
                            source="machine",
                            confidence=prob,
                            **ref,
                        )
                    )
            bulk_create_with_history(
                rows,
                ThemeAssignment,
                batch_size=2000,
                default_user=by,
                default_change_reason="tagged by the retrained tagger",
            )
        out["scopes"] += 1
        out["tagged"] += len(rest)
        out["tags"] += len(rows)
    if not out["scopes"]:
        raise TaggerError(NOT_TRAINABLE)
    return out
