"""Each response's vector is computed once (at enrichment, or by the first reader), stored, and read back by
the retrained tagger and the stance refit; it is computed again only when the text or the model changed.
The stance of responses waiting for the learned model is read with one query per kind, not per response."""

from __future__ import annotations

import numpy as np
import pytest

from comments.models import Comment
from insights import services, stances, tasks, vectors
from insights.models import Enrichment, Theme, ThemeAssignment, UnitVector
from insights.runs import iter_units
from insights.units import UnitKey
from policycycle.analysis import vectors as engine
from tests.dashboards.conftest import build

from .conftest import polis_texts, post_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded(monkeypatch):
    """Every text the vector store sends to a model, by model name."""
    seen: dict[str, list[str]] = {}
    real = engine.embed

    def spy(name, texts, **kw):
        seen.setdefault(name, []).extend(texts)
        return real(name, texts, **kw)

    monkeypatch.setattr(engine, "embed", spy)
    return seen


def _units(consultation):
    return [(u.id, u.text) for u in iter_units(consultation.pk)]


def test_enrichment_leaves_the_vector_to_one_fill_in_the_worker(
    document, citizen, embedded, django_capture_on_commit_callbacks, monkeypatch
):
    comments = post_comments(document, citizen, polis_texts(limit=3))
    queued = []
    monkeypatch.setattr(tasks.vectors_fill, "delay", queued.append)  # the worker has not started yet
    with django_capture_on_commit_callbacks(execute=True):
        for c in comments:
            services.enrichment_compute(kind="comment", pk=c.pk)
    assert embedded == {}  # enrichment itself embeds nothing
    # three enrichments, one fill waiting (the claim); the worker's fill computes the three in one batch
    assert queued == [document.consultation_id]
    assert tasks.vectors_fill(document.consultation_id) == 3
    assert len(embedded[engine.MATCHER]) == 3
    comment = comments[0]
    row = UnitVector.objects.get(comment=comment)
    assert row.model == engine.model_key(engine.MATCHER)
    assert row.text_hash == engine.text_hash(comment.body)
    assert len(bytes(row.vector)) == 2 * engine.DIMS  # float16
    fresh = engine.embed(engine.MATCHER, [comment.body])[0]
    assert float(engine.from_bytes([row.vector])[0] @ fresh) > 0.999
    # the fill released its claim: the next enrichment queues the next fill
    assert vectors.FILL_WAITING.claim(document.consultation_id)


def test_a_fill_computes_only_the_missing_vectors_and_queues_the_rest(
    consultation, document, citizen, embedded, monkeypatch
):
    comments = post_comments(document, citizen, polis_texts(limit=5))
    for c in comments:
        services.enrichment_compute(kind="comment", pk=c.pk)
    vectors.unit_vectors([(f"comment:{comments[0].pk}", comments[0].body)], consultation_id=consultation.pk)
    embedded.clear()
    assert [k.pk for k in vectors.missing(consultation.pk, limit=10)] == [c.pk for c in comments[1:]]
    monkeypatch.setattr(vectors, "FILL_LIMIT", 3)
    queued = []
    monkeypatch.setattr(tasks.vectors_fill, "delay", queued.append)
    assert tasks.vectors_fill(consultation.pk) == 3
    assert queued == [consultation.pk]  # one more waiting: the next fill is queued
    assert len(embedded[engine.MATCHER]) == 3
    queued.clear()
    assert tasks.vectors_fill(consultation.pk) == 1 and queued == []
    assert vectors.missing(consultation.pk, limit=10) == []
    assert UnitVector.objects.filter(consultation=consultation).count() == 5


def test_stored_vectors_are_read_back_and_only_missing_or_stale_ones_computed(
    consultation, document, citizen, embedded, monkeypatch
):
    comments = post_comments(document, citizen, polis_texts(limit=6))
    items = _units(consultation)
    first = vectors.unit_vectors(items, consultation_id=consultation.pk)
    assert len(embedded[engine.MATCHER]) == 6 and UnitVector.objects.count() == 6
    embedded.clear()
    again = vectors.unit_vectors(items, consultation_id=consultation.pk)
    assert embedded == {} and np.array_equal(first, again)  # what was stored, not computed again

    # the text of one response changed: that one alone is computed again, and replaced
    Comment.objects.filter(pk=comments[2].pk).update(body="Clause 2 should not apply to charities at all.")
    vectors.unit_vectors(_units(consultation), consultation_id=consultation.pk)
    assert embedded[engine.MATCHER] == ["Clause 2 should not apply to charities at all."]
    row = UnitVector.objects.get(comment=comments[2])
    assert row.text_hash == engine.text_hash("Clause 2 should not apply to charities at all.")
    assert UnitVector.objects.count() == 6

    # the model was rebuilt: every vector is of the old model, so every one is computed again
    embedded.clear()
    old = engine.model_key(engine.MATCHER)
    monkeypatch.setattr(engine, "model_key", lambda name: old + "-rebuilt")
    vectors.unit_vectors(_units(consultation), consultation_id=consultation.pk)
    assert len(embedded[engine.MATCHER]) == 6
    assert UnitVector.objects.filter(model=old + "-rebuilt").count() == 6


def test_a_campaigns_copies_are_embedded_once(consultation, document, citizen, embedded):
    post_comments(document, citizen, ["Scrap clause 3, it will close village shops."] * 5)
    out = vectors.unit_vectors(_units(consultation), consultation_id=consultation.pk)
    assert embedded[engine.MATCHER] == ["Scrap clause 3, it will close village shops."]
    assert UnitVector.objects.count() == 5 and np.allclose(out, out[0])


def test_the_retrained_tagger_reads_the_stored_vectors_instead_of_embedding_the_responses(
    settings, consultation, analyst, real_comments, decided, embedded, monkeypatch
):
    from policycycle.analysis import resources

    settings.ANALYSIS_DEFAULT_ENGINE = "embeddings"
    a, b, on_clause = decided
    for c in real_comments:  # what enrichment, then the worker's fill, does as each comment arrives
        services.enrichment_compute(kind="comment", pk=c.pk)
    vectors.fill(consultation.pk)
    assert UnitVector.objects.count() == len(real_comments)
    embedded.clear()
    sent = []
    real = resources.embed
    monkeypatch.setattr(resources, "embed", lambda texts, **kw: sent.extend(texts) or real(texts, **kw))
    out = services.tagger_retrain(consultation=consultation, by=analyst)
    assert out["tagged"] == len(on_clause) - 4 and out["tags"]
    assert embedded == {}  # no response embedded again
    assert sorted(sent) == sorted(f"{t.label}. {t.description}" for t in (a, b))  # the themes' texts only

    # the same tags as a tagger that embeds every response itself (float16 storage changes no decision)
    stored = set(ThemeAssignment.objects.filter(source="machine").values_list("comment_id", "theme_id"))
    monkeypatch.setattr(vectors, "unit_vectors", lambda *a, **k: None)
    services.tagger_retrain(consultation=consultation, by=analyst)
    fresh = set(ThemeAssignment.objects.filter(source="machine").values_list("comment_id", "theme_id"))
    assert fresh == stored


def test_missing_count_counts_what_unit_vectors_would_embed(consultation, document, citizen, embedded):
    comments = post_comments(document, citizen, polis_texts(limit=4))
    assert vectors.missing_count(_units(consultation)) == 4 and vectors.missing_count([]) == 0
    vectors.unit_vectors(_units(consultation)[:3], consultation_id=consultation.pk)
    assert vectors.missing_count(_units(consultation)) == 1
    Comment.objects.filter(pk=comments[0].pk).update(body="Clause 2 should not apply to charities at all.")
    assert vectors.missing_count(_units(consultation)) == 2  # a changed text's vector is stale
    assert len(embedded[engine.MATCHER]) == 3  # counting embeds nothing


def test_past_the_run_size_cut_off_the_tagger_reads_the_stored_vectors_rather_than_take_basic(
    settings, consultation, analyst, real_comments, decided, monkeypatch
):
    """A run past EMBEDDINGS_MAX_RESPONSES takes `basic` to stay within budget, but the tagger reads the
    vectors the worker stored after enrichment: it takes `embeddings` when they leave at most that many to
    embed, and `basic` only when more are missing, or when the setting names `basic`."""
    from insights import tagger

    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    used = []
    real = tagger._engine_for
    monkeypatch.setattr(tagger, "_engine_for", lambda *a, **k: used.append(real(*a, **k)) or used[-1])
    monkeypatch.setattr("policycycle.analysis.EMBEDDINGS_MAX_RESPONSES", 2)  # every scope is past it
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert used == ["basic"]  # no vector stored yet: all of them would be embedded
    for c in real_comments:
        services.enrichment_compute(kind="comment", pk=c.pk)
    vectors.fill(consultation.pk)
    a, b, on_clause = decided  # the tagged scope: the clause's comments
    UnitVector.objects.filter(comment__in=on_clause[4:6]).delete()  # 2 missing: within it
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert used[-1] == "embeddings"
    UnitVector.objects.filter(comment__in=on_clause[4:7]).delete()  # 3 missing: past it
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert used[-1] == "basic"
    vectors.fill(consultation.pk)
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"  # one engine named for every run: the tagger follows it
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert used[-1] == "basic"


def test_past_the_run_size_cut_off_a_run_reads_the_stored_vectors_rather_than_take_basic(
    settings, consultation, real_comments, monkeypatch
):
    """Past EMBEDDINGS_MAX_RESPONSES a run that names no engine takes `basic`, unless the stored vectors
    leave at most that many to embed: then it takes `embeddings` and reads them, embedding only the
    missing responses (and stores them) and the themes' keywords."""
    from insights import engines
    from insights.models import AnalysisRun
    from policycycle.analysis import resources

    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    monkeypatch.setattr("policycycle.analysis.EMBEDDINGS_MAX_RESPONSES", 3)
    items = _units(consultation)
    assert len(items) > 3 and engines.default_engine(consultation.pk) == "basic"  # nothing stored yet
    vectors.unit_vectors(items[:-3], consultation_id=consultation.pk)
    assert vectors.stored_count(consultation.pk) == len(items) - 3
    assert engines.default_engine(consultation.pk) == "embeddings"
    run = services.analysis_run_start(consultation=consultation, queue=False)
    assert run.engine == "embeddings"
    sent = []
    real = resources.embed
    monkeypatch.setattr(resources, "embed", lambda texts, **kw: sent.extend(texts) or real(texts, **kw))
    services.analysis_run_execute(run.pk)
    run.refresh_from_db()
    assert run.state == AnalysisRun.State.DONE and run.themes.exists()
    responses = {t for _, t in items}
    assert {t for t in sent if t in responses} <= {t for _, t in items[-3:]}  # only the missing ones
    assert vectors.missing_count(items) == 0  # and those are stored now
    settings.ANALYSIS_DEFAULT_ENGINE = "basic"  # one engine named for every run: it is used
    assert engines.default_engine(consultation.pk) == "basic"


def test_a_run_cancelled_while_it_embeds_missing_vectors_stops_between_batches(
    settings, consultation, real_comments, monkeypatch
):
    """A run past the cut-off embeds the responses with no stored vector (up to 30,000, minutes of work)
    before it analyses: it says so in its step, and a cancel stops it before the next batch, with nothing
    saved but the batches of vectors already stored."""
    from insights import runs
    from insights.models import AnalysisRun

    settings.ANALYSIS_DEFAULT_ENGINE = "auto"
    monkeypatch.setattr("policycycle.analysis.EMBEDDINGS_MAX_RESPONSES", 3)
    monkeypatch.setattr(vectors, "BATCH", 2)
    monkeypatch.setattr(runs, "CANCEL_CHECK_EVERY_S", 0)
    monkeypatch.setattr(runs, "WRITE_EVERY_S", 0)
    items = _units(consultation)
    vectors.unit_vectors(items[:-3], consultation_id=consultation.pk)  # 3 left to embed: two batches
    run = services.analysis_run_start(consultation=consultation, queue=False)
    assert run.engine == "embeddings"
    steps = []

    def seen(step, pct):
        steps.append(step)
        if step.startswith("embedding responses with no stored vector"):  # the official cancels here
            AnalysisRun.objects.filter(pk=run.pk).update(cancel_requested=True)

    runs.analysis_run_execute(run.pk, on_progress=seen)
    run.refresh_from_db()
    assert run.state == AnalysisRun.State.CANCELLED and not run.themes.exists()
    assert steps[-1] == "embedding responses with no stored vector (2 of 3)"
    assert vectors.missing_count(items) == 1  # the first batch stays stored; the second was never embedded


def test_the_stance_refit_stores_the_packaged_vectors_once(
    consultation, document, citizen, analyst, embedded
):
    data = build(consultation, document, citizen, comments=12, answers=0)
    Enrichment.objects.update(stance_logit=1.0)
    for i, c in enumerate(data["comments"][:6]):
        stances.stance_correct(
            consultation=consultation, unit=f"comment:{c.pk}", stance=("agree", "disagree")[i % 2], by=analyst
        )
    stances.stance_adapt(consultation_id=consultation.pk)
    assert len(embedded[engine.PACKAGED]) == 12
    assert UnitVector.objects.filter(model=engine.model_key(engine.PACKAGED)).count() == 12
    embedded.clear()
    stances.stance_adapt(consultation_id=consultation.pk)
    assert embedded == {}


class FakeStanceModel:
    def logits(self, proposals, texts, batch_size=32):
        return np.array([2.0 if "not" in t else -2.0 for t in texts])


def test_waiting_stances_are_read_with_one_query_per_kind(
    consultation, document, citizen, monkeypatch, django_assert_max_num_queries
):
    data = build(consultation, document, citizen, comments=40, answers=10)
    document.sections.filter(kind="clause").update(text="A local authority must meet the needs.")
    Enrichment.objects.update(stance_pending=True)
    monkeypatch.setattr(stances.engine.StanceModel, "load", classmethod(lambda cls: FakeStanceModel()))
    with django_assert_max_num_queries(8):  # 50 responses: rows, comments, answers, the bulk update
        read = stances.stance_score_pending(consultation.pk)
    assert read == 50
    assert not Enrichment.objects.filter(stance_pending=True).exists()
    row = Enrichment.objects.get(comment=data["comments"][0])
    assert row.stance_logit in (2.0, -2.0)


def test_load_many_reads_what_load_reads(consultation, document, citizen):
    from insights import units

    data = build(consultation, document, citizen, comments=4, answers=3)
    keys = [UnitKey("comment", c.pk) for c in data["comments"]] + [
        UnitKey("answer", a.pk) for a in data["answers"]
    ]
    many = units.load_many(keys + [UnitKey("comment", 10**9)])
    assert set(many) == set(keys)
    assert all(many[k] == units.get(k.kind).load(k.pk) for k in keys)


def test_erased_text_takes_its_stored_vectors_with_it(consultation, document, citizen):
    from insights.privacy import forget_units

    comments = post_comments(document, citizen, polis_texts(limit=2))
    vectors.unit_vectors(_units(consultation), consultation_id=consultation.pk)
    forget_units(
        None, kind="comment", pks=[comments[0].pk], texts=[comments[0].body], consultations={consultation.pk}
    )
    assert list(UnitVector.objects.values_list("comment_id", flat=True)) == [comments[1].pk]


def test_tags_deleted_in_bulk_keep_a_deletion_record_each(
    consultation, document, citizen, analyst, django_assert_max_num_queries
):
    from dhdigital.lib import history

    comments = post_comments(document, citizen, polis_texts(limit=30))
    theme = Theme.objects.create(consultation=consultation, scope="consultation", label="Wages")
    ThemeAssignment.objects.bulk_create(
        [ThemeAssignment(theme=theme, comment=c, confidence=0.5) for c in comments]
    )
    keep = ThemeAssignment.objects.filter(comment=comments[0])
    keep.update(confirmed=True)
    with django_assert_max_num_queries(8):  # not one INSERT per deleted row
        n = history.bulk_delete(
            ThemeAssignment.objects.filter(confirmed=False),
            by=analyst,
            reason="replaced by the retrained tagger",
        )
    assert n == 29 and list(ThemeAssignment.objects.values_list("comment_id", flat=True)) == [comments[0].pk]
    gone = ThemeAssignment.history.filter(history_type="-")
    assert gone.count() == 29
    assert set(gone.values_list("history_user", "history_change_reason")) == {
        (analyst.pk, "replaced by the retrained tagger")
    }
    assert set(gone.values_list("comment_id", flat=True)) == {c.pk for c in comments[1:]}
