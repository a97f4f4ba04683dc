"""Against a real Celery worker on Redis (CI: .ci/run starts one on the test database)."""

from __future__ import annotations

import time

import pytest

from comments.models import Comment
from insights.models import AnalysisRun, Enrichment, Theme
from insights.tasks import enrich_unit

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT_S = 180


def wait_for(check, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s")


def test_the_worker_enriches_a_real_comment(document, citizen):
    from tests.insights.conftest import polis_texts

    section = document.sections.filter(kind="clause").first()
    comment = Comment.objects.create(
        consultation=document.consultation,
        document=document,
        section=section,
        author=citizen,
        body=polis_texts(limit=1)[0],
        status="published",
    )
    enrich_unit.delay("comment", comment.pk)
    enrichment = wait_for(lambda: Enrichment.objects.filter(comment=comment).first())
    assert enrichment.language == "en" and enrichment.keywords and enrichment.text_hash


def test_the_worker_runs_a_full_analysis_and_marks_it_done(consultation, analyst, real_comments):
    from insights import services

    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic")
    done = wait_for(lambda: AnalysisRun.objects.filter(pk=run.pk, state__in=["done", "failed"]).first())
    assert done.state == "done", done.error
    assert done.progress == 100 and done.attempts == 1 and done.task_id
    themes = Theme.objects.filter(run=done)
    assert themes.exists() and all(t.quotes for t in themes)


def test_a_comment_posted_through_the_service_is_enriched_by_the_worker(document, citizen):
    """A post queues one follow-up message on commit (comments.tasks.comment_posted): the worker enriches."""
    from comments.services import comment_create
    from tests.insights.conftest import polis_texts

    section = document.sections.filter(kind="clause").first()
    comment = comment_create(
        author=citizen,
        consultation=document.consultation,
        document=document,
        section=section,
        body=polis_texts(limit=2)[1],
    )
    enrichment = wait_for(lambda: Enrichment.objects.filter(comment=comment).first())
    assert enrichment.language == "en" and enrichment.text_hash
