"""The consultation's own stance head: officials' corrections re-estimate the responses nobody checked."""

from __future__ import annotations

import numpy as np
import pytest

from insights.models import Enrichment
from insights.services import stance_adapt, stance_checked, stance_correct
from tests.dashboards.conftest import build

pytestmark = pytest.mark.django_db


def test_corrections_teach_the_consultations_head_and_leave_officials_answers_alone(
    consultation, document, citizen, analyst, django_capture_on_commit_callbacks
):
    data = build(consultation, document, citizen, comments=12, answers=0)
    truth = ["agree" if i % 2 else "disagree" for i in range(12)]
    rows = {e.comment_id: e for e in Enrichment.objects.filter(comment__isnull=False)}
    for i, c in enumerate(data["comments"]):  # a general model that reads this proposal wrong way round
        e = rows[c.pk]
        e.stance_logit = 2.0 if truth[i] == "disagree" else -2.0
        e.stance = e.stance_machine = "agree" if e.stance_logit > 0 else "disagree"
        e.save()
    with django_capture_on_commit_callbacks(execute=True):
        for i, c in enumerate(data["comments"][:6]):
            stance_correct(consultation=consultation, unit=f"comment:{c.pk}", stance=truth[i], by=analyst)
    # The corrections queued the refit (tasks run in-process here): the other six now read right.
    after = {e.comment_id: e for e in Enrichment.objects.filter(comment__isnull=False)}
    assert [after[c.pk].stance for c in data["comments"]] == truth
    assert all(after[c.pk].stance_source == "official" for c in data["comments"][:6])
    assert all(after[c.pk].stance_machine != truth[i] for i, c in enumerate(data["comments"]))
    assert stance_checked(consultation) == {"checked": 6, "agreed": 0}
    assert stance_adapt(consultation_id=consultation.pk) == 0  # already up to date


def test_without_logits_or_enough_corrections_nothing_changes(consultation, document, citizen, analyst):
    data = build(consultation, document, citizen, comments=8, answers=0)
    first = data["comments"][0]
    stance_correct(consultation=consultation, unit=f"comment:{first.pk}", stance="disagree", by=analyst)
    before = dict(Enrichment.objects.values_list("pk", "stance"))
    assert stance_adapt(consultation_id=consultation.pk) == 0  # rule-based rows carry no logit
    assert dict(Enrichment.objects.values_list("pk", "stance")) == before
    Enrichment.objects.update(stance_logit=1.0)
    Enrichment.objects.filter(stance_source="machine").update(stance="agree")
    # One correction is too few: the general model (agree) stands, and the official's answer too.
    assert stance_adapt(consultation_id=consultation.pk) == 0
    assert set(Enrichment.objects.filter(stance_source="machine").values_list("stance", flat=True)) == {
        "agree"
    }
    assert Enrichment.objects.get(comment=first).stance == "disagree"
    assert before[Enrichment.objects.get(comment=first).pk] == "disagree"


def test_a_run_of_corrections_queues_one_refit_until_it_starts(
    consultation, document, citizen, analyst, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.cache import cache

    from insights import tasks

    cache.clear()
    data = build(consultation, document, citizen, comments=6, answers=0)
    queued = []
    monkeypatch.setattr(tasks.stance_adapt, "delay", lambda cid: queued.append(cid))
    with django_capture_on_commit_callbacks(execute=True):
        for c in data["comments"][:5]:
            stance_correct(consultation=consultation, unit=f"comment:{c.pk}", stance="agree", by=analyst)
    assert queued == [consultation.pk]  # five corrections, one refit waiting (it reads all five)
    tasks.stance_adapt(consultation.pk)  # the refit starts: the next correction queues another
    with django_capture_on_commit_callbacks(execute=True):
        c = data["comments"][5]
        stance_correct(consultation=consultation, unit=f"comment:{c.pk}", stance="disagree", by=analyst)
    assert queued == [consultation.pk, consultation.pk]


def test_a_refit_that_could_not_be_queued_is_queued_by_the_next_correction(
    consultation, document, citizen, analyst, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.cache import cache

    from insights import tasks

    cache.clear()
    data = build(consultation, document, citizen, comments=2, answers=0)
    calls = []

    def broker_down(cid):
        calls.append(cid)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.stance_adapt, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        for c in data["comments"]:
            stance_correct(consultation=consultation, unit=f"comment:{c.pk}", stance="agree", by=analyst)
    assert calls == [consultation.pk, consultation.pk]


def test_with_the_learned_model_enrichment_leaves_stance_to_one_batched_refit(
    consultation, document, citizen, django_capture_on_commit_callbacks, monkeypatch, tmp_path
):
    from django.core.cache import cache

    from insights import services, tasks
    from policycycle.analysis import stance as engine

    cache.clear()
    data = build(consultation, document, citizen, comments=4, answers=0)
    Enrichment.objects.all().delete()
    seen = []

    class Model:  # the general model: agrees with every response that mentions "yes"
        def logits(self, proposals, texts, batch_size=64):
            seen.append(list(texts))
            return np.array([3.0 if "yes" in t else -3.0 for t in texts])

    monkeypatch.setattr(engine, "stance_path", lambda: tmp_path)
    monkeypatch.setattr(engine.StanceModel, "load", classmethod(lambda cls, path=None: Model()))
    queued = []
    monkeypatch.setattr(tasks.stance_adapt, "delay", lambda cid: queued.append(cid))
    comments = data["comments"]
    document.sections.filter(kind="clause").update(text="Buses should be free in the town centre.")
    for i, c in enumerate(comments):
        c.body = f"{'yes' if i % 2 else 'no'}, I have thought about clause {c.section.number}."
        c.save(update_fields=["body"])
    with django_capture_on_commit_callbacks(execute=True):
        for c in comments:
            services.enrichment_compute(kind="comment", pk=c.pk)
    rows = {e.comment_id: e for e in Enrichment.objects.all()}
    # Enrichment did not ask the model; the rows wait for one refit, queued once.
    assert seen == [] and queued == [consultation.pk]
    assert all(rows[c.pk].stance_pending and rows[c.pk].stance_logit is None for c in comments)
    tasks.stance_adapt(consultation.pk)
    assert len(seen) == 1 and len(seen[0]) == 4  # one batch
    rows = {e.comment_id: e for e in Enrichment.objects.all()}
    assert [rows[c.pk].stance for c in comments] == ["disagree", "agree", "disagree", "agree"]
    assert [rows[c.pk].stance_logit for c in comments] == [-3.0, 3.0, -3.0, 3.0]
    assert not any(rows[c.pk].stance_pending for c in comments)
    assert queued == [consultation.pk]  # nothing left waiting: no further refit
