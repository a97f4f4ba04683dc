"""Every comment, answer and idea is enriched on commit, once per text; the sweep catches up the rest."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from comments.models import Comment
from insights import services
from insights.models import Enrichment

pytestmark = pytest.mark.django_db

REAL_COMMENT = (
    "I run a small airline fuel depot. The levy in clause 6 would cost us about 4% of turnover in the first "
    "year, based on our 2023 accounts, and we would have to pass that on to customers."
)


def make_comment(document, author, body=REAL_COMMENT, **kw):
    section = document.sections.filter(kind="clause").order_by("position").first()
    return Comment.objects.create(
        consultation=document.consultation,
        document=document,
        section=section,
        author=author,
        body=body,
        status=kw.pop("status", "published"),
        **kw,
    )


def test_enrichment_records_the_engine_signals_for_a_comment(document, citizen):
    comment = make_comment(document, citizen)
    e = services.enrichment_compute(kind="comment", pk=comment.pk)
    assert e.consultation_id == document.consultation_id
    assert e.language == "en"
    assert e.stance in {"agree", "disagree", "mixed", "unclear"}
    assert 0 <= e.spam_score <= 1 and 0 <= e.toxicity_score <= 1
    assert e.keywords and len(bytes(e.signature)) > 0
    comment.refresh_from_db()
    assert comment.spam_score == pytest.approx(e.spam_score)


def test_enrichment_is_idempotent_and_recomputed_only_when_text_changes(document, citizen):
    comment = make_comment(document, citizen)
    first = services.enrichment_compute(kind="comment", pk=comment.pk)
    with mock.patch("policycycle.analysis.enrich.enrich") as engine:
        again = services.enrichment_compute(kind="comment", pk=comment.pk)
        engine.assert_not_called()
    assert again.pk == first.pk and Enrichment.objects.count() == 1
    Comment.objects.filter(pk=comment.pk).update(body="This clause is unclear and should be removed.")
    changed = services.enrichment_compute(kind="comment", pk=comment.pk)
    assert changed.pk == first.pk and changed.text_hash != first.text_hash


def test_queue_enrichment_never_raises_when_the_broker_is_down(document, citizen):
    comment = make_comment(document, citizen)
    with mock.patch("insights.tasks.enrich_unit.delay", side_effect=OperationalError("connection refused")):
        assert services.queue_enrichment("comment", comment.pk) is False
    assert not Enrichment.objects.exists()
    assert services.enrichment_sweep()["comment"] == 1
    assert Enrichment.objects.filter(comment=comment).exists()
    assert services.enrichment_sweep()["comment"] == 0


def test_queue_enrichment_runs_the_task(document, citizen):
    comment = make_comment(document, citizen)
    assert services.queue_enrichment("comment", comment.pk) is True
    assert Enrichment.objects.filter(comment=comment).exists()


def test_deleted_or_empty_units_are_skipped(document, citizen):
    assert services.enrichment_compute(kind="comment", pk=999999) is None
    with pytest.raises(ValueError):
        services.enrichment_compute(kind="tweet", pk=1)


def test_an_enrichment_failure_never_breaks_posting_and_the_sweep_catches_up(
    document, citizen, django_capture_on_commit_callbacks
):
    from comments.services import comment_create

    section = document.sections.filter(kind="clause").first()
    with (
        mock.patch("policycycle.analysis.enrich.enrich", side_effect=RuntimeError("model file missing")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        comment = comment_create(
            author=citizen,
            consultation=document.consultation,
            document=document,
            section=section,
            body=REAL_COMMENT,
        )
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert not Enrichment.objects.filter(comment=comment).exists()
    assert services.enrichment_sweep()["comment"] == 1
    assert Enrichment.objects.filter(comment=comment).exists()


def test_ideas_and_answers_are_enriched_on_commit(team, citizen, django_capture_on_commit_callbacks):
    from responses.ideas import idea_create
    from tests.factories import ConsultationFactory

    ideas = ConsultationFactory(team=team, kind="ideas")
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_create(
            consultation=ideas,
            author=citizen,
            title="Longer library opening hours",
            description="Open the central library until 9pm on weekdays so people who work "
            "during the day can use it.",
        )
    e = Enrichment.objects.get(idea=idea)
    assert e.consultation_id == ideas.pk and e.language == "en"
