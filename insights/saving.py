"""Saving an engine result: one transaction that replaces the previous machine output of the run's scope and
marks the run done. Human themes, human tags and officials' decisions (confirmed or rejected tags) stay."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from consultations.models import Section

from .models import AnalysisRun, Campaign, CampaignMember, Summary, Theme, ThemeAssignment
from .units import UnitKey

BATCH = 2_000


def _scope_filter(scope: str) -> Q:
    return Q() if scope == "consultation" else Q(scope=scope)


def _unit_kwargs(uid) -> dict[str, int]:
    return UnitKey.parse(uid).ref()


def _section_and_question(consultation_id: int, scope: str) -> dict:
    kind, _, key = scope.partition(":")
    if kind == "clause":
        section = (
            Section.objects.filter(document__consultation_id=consultation_id, lineage_key=key)
            .order_by("-document__version")
            .first()
        )
        return {"section": section}
    if kind == "question" and key.isdigit():
        return {"question_id": int(key)}
    return {}


def clear_machine_output(run: AnalysisRun) -> None:
    """Delete the machine themes of the scope nobody has touched; from curated ones (confirmed, or holding a
    decision or a human tag) remove only the undecided machine tags. Summaries of the scope go too."""
    scope_q = _scope_filter(run.scope)
    machine = Theme.objects.filter(scope_q, consultation_id=run.consultation_id, source=Theme.Source.MACHINE)
    decided = ThemeAssignment.objects.filter(
        Q(source=ThemeAssignment.Source.HUMAN) | Q(confirmed=True) | Q(rejected=True)
    )
    curated = machine.filter(Q(approved_by__isnull=False) | Q(pk__in=decided.values("theme_id")))
    ThemeAssignment.objects.filter(
        theme__in=curated, source=ThemeAssignment.Source.MACHINE, confirmed=False, rejected=False
    ).delete()
    ThemeAssignment.objects.filter(theme__in=machine.exclude(pk__in=curated.values("pk"))).delete()
    machine.exclude(pk__in=curated.values("pk")).delete()
    summary_q = (
        Q() if run.scope == "consultation" else Q(scope=run.scope) | Q(scope__startswith=f"{run.scope}#")
    )
    Summary.objects.filter(summary_q, consultation_id=run.consultation_id).delete()
    if run.scope == "consultation":
        Campaign.objects.filter(consultation_id=run.consultation_id).delete()


# A re-found theme is folded into a curated theme of its scope when they share at least this share of
# their members (of the smaller one) or of their keywords (Jaccard); otherwise it is a new draft theme.
FOLD_OVERLAP = 0.5


def _overlap(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _unit_key(assignment: ThemeAssignment) -> str:
    return str(assignment.unit_key)


def _curated_matches(run: AnalysisRun, result) -> dict[str, Theme]:
    """{new theme key: curated theme} for the run's themes that an official has already kept (renamed,
    confirmed or tagged by hand): a re-run adds to those instead of drafting a duplicate beside them."""
    kept = list(
        Theme.objects.filter(
            _scope_filter(run.scope), consultation_id=run.consultation_id, is_active=True
        ).prefetch_related("assignments")
    )
    if not kept:
        return {}
    members_of = {t.pk: {_unit_key(a) for a in t.assignments.all() if not a.rejected} for t in kept}
    keywords_of = {t.pk: {str(k).lower() for k in t.keywords} for t in kept}
    new_members: dict[str, set] = {}
    for a in result.assignments:
        new_members.setdefault(a.theme_key, set()).add(str(a.response_id))
    matches: dict[str, Theme] = {}
    for th in result.themes:
        words = {str(k).lower() for k in th.keywords}
        best, best_score = None, 0.0
        for t in kept:
            if t.scope != th.scope:
                continue
            score = max(
                _overlap(new_members.get(th.key, set()), members_of[t.pk]),
                _jaccard(words, keywords_of[t.pk]),
                1.0 if t.label.strip().lower() == th.label.strip().lower() else 0.0,
            )
            if score > best_score:
                best, best_score = t, score
        if best is not None and best_score >= FOLD_OVERLAP:
            matches[th.key] = best
    return matches


def _save_themes(run: AnalysisRun, result) -> dict[str, Theme]:
    folded = _curated_matches(run, result)
    themes = []
    for th in result.themes:
        if th.key in folded:
            continue
        quotes = []
        for rid, text in th.quotes:
            kind, pk = UnitKey.parse(rid)
            quotes.append({"unit": kind, "id": pk, "text": text})
        themes.append(
            Theme(
                consultation_id=run.consultation_id,
                run=run,
                scope=th.scope,
                key=th.key[:80],
                label=th.label[:200],
                description=th.description,
                keywords=list(th.keywords),
                quotes=quotes,
                source=Theme.Source.MACHINE,
                **_section_and_question(run.consultation_id, th.scope),
            )
        )
    reason = f"drafted by {run.get_engine_display().lower()} run {run.pk}"
    created = bulk_create_with_history(themes, Theme, batch_size=BATCH, default_change_reason=reason)
    if any(t.pk is None for t in created):  # databases without RETURNING: read the keys back
        by_key = dict(Theme.objects.filter(run=run).values_list("key", "pk"))
        for t in created:
            t.pk = by_key[t.key]
    return {**{t.key: t for t in created}, **folded}


def _save_assignments(run: AnalysisRun, result, by_key: dict[str, Theme]) -> int:
    """Machine tags; on a curated theme, none for a unit it already holds (an official's confirm, reject or
    own tag stands) and one per unit when several re-found themes fold into it."""
    taken: set[tuple[int, str]] = {
        (a.theme_id, _unit_key(a))
        for a in ThemeAssignment.objects.filter(theme__in=[t for t in by_key.values() if t.run_id != run.pk])
    }
    rows = []
    for a in result.assignments:
        theme = by_key.get(a.theme_key)
        if theme is None or (theme.pk, str(a.response_id)) in taken:
            continue
        taken.add((theme.pk, str(a.response_id)))
        rows.append(
            ThemeAssignment(
                theme=theme,
                confidence=float(a.confidence),
                source=ThemeAssignment.Source.MACHINE,
                **_unit_kwargs(a.response_id),
            )
        )
    for start in range(0, len(rows), BATCH):
        bulk_create_with_history(
            rows[start : start + BATCH],
            ThemeAssignment,
            batch_size=BATCH,
            default_change_reason=f"tagged by run {run.pk}",
        )
    return len(rows)


def _citations(ids) -> list[str]:
    return [str(i) for i in ids]


def _save_summaries(run: AnalysisRun, result, by_key: dict[str, Theme]) -> int:
    rows = []
    for s in result.summaries:
        theme = by_key.get(s.scope)
        rows.append(
            Summary(
                consultation_id=run.consultation_id,
                run=run,
                scope=s.scope[:80],
                theme=theme,
                method=s.method[:12],
                sentences=[
                    {"text": x.text, "citations": _citations(x.citations)} for x in s.sentences if x.citations
                ],
                minority=(
                    {"text": s.minority.text, "citations": _citations(s.minority.citations)}
                    if s.minority and s.minority.citations
                    else None
                ),
            )
        )
    Summary.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _save_campaigns(run: AnalysisRun, result) -> int:
    if run.scope != "consultation":
        return 0
    members = []
    for c in result.campaigns:
        camp = Campaign.objects.create(
            consultation_id=run.consultation_id,
            run=run,
            canonical_text=c.canonical_text,
            size=c.size,
            mean_similarity=float(c.mean_similarity),
        )
        for rid in c.member_ids:
            members.append(
                CampaignMember(
                    campaign=camp,
                    is_canonical=rid == c.canonical_id,
                    added_words=list(c.added_words.get(rid, [])),
                    **_unit_kwargs(rid),
                )
            )
    CampaignMember.objects.bulk_create(members, batch_size=BATCH)
    return len(result.campaigns)


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def save_result(run_id: int, result, *, timings: dict, save_started: float, total_started: float):
    """All or nothing: the run's results and its `done` state commit together. None when the run was
    cancelled (or taken over) meanwhile; nothing is then written."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if run.state != AnalysisRun.State.RUNNING or run.cancel_requested:
            return None
        clear_machine_output(run)
        by_key = _save_themes(run, result)
        n_assign = _save_assignments(run, result, by_key)
        _save_summaries(run, result, by_key)
        n_camp = _save_campaigns(run, result)
        timings = {
            **timings,
            "save": round(time.perf_counter() - save_started, 3),
            "total": round(time.perf_counter() - total_started, 3),
        }
        warnings = list(result.warnings)
        if not result.themes:
            warnings.append("No responses to analyse in this scope yet.")
        AnalysisRun.objects.filter(pk=run_id).update(
            state=AnalysisRun.State.DONE,
            progress=100,
            step=f"done: {_n(len(by_key), 'theme')}, {_n(n_assign, 'tag')}, {_n(n_camp, 'campaign')}",
            timings=timings,
            warnings=warnings,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    return run
