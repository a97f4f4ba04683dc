"""Officials in the loop: curation services, the agreement figure against hand counts, tagger retraining."""

from __future__ import annotations

import numpy as np
import pytest

from insights import services
from insights.models import Theme, ThemeAssignment
from insights.selectors import agreement_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_themes(consultation, document, real_comments):
    """Two machine themes on clause 1 with hand-placed machine tags on six comments."""
    section = real_comments[0].section
    scope = f"clause:{section.lineage_key}"
    a = Theme.objects.create(consultation=consultation, scope=scope, label="Wages", section=section)
    b = Theme.objects.create(consultation=consultation, scope=scope, label="Prices", section=section)
    c = [x for x in real_comments if x.section_id == section.pk][:6]
    tags = {}
    for i, comment in enumerate(c):
        tags[i] = ThemeAssignment.objects.create(theme=a if i < 4 else b, comment=comment, confidence=0.7)
    return a, b, c, tags


def test_agreement_is_zero_checked_before_any_decision(consultation, two_themes):
    assert agreement_for(consultation).n == 0


def test_agreement_figure_matches_a_hand_count(consultation, analyst, two_themes):
    a, b, c, tags = two_themes
    # Officials: confirm tags 0, 1, 4; reject 2 and 3; add a human tag of comment 5 on Wages (machine missed).
    for i in (0, 1, 4):
        services.tag_decide(tag=tags[i], by=analyst, confirm=True)
    for i in (2, 3):
        services.tag_decide(tag=tags[i], by=analyst, confirm=False)
    services.tag_add(theme=a, by=analyst, unit=f"comment:{c[5].pk}")
    # Hand count: judged machine tags 5 (TP 3, FP 2) -> precision 3/5 = 0.6.
    # Officials' truth: 3 confirmed + 1 added = 4 -> recall 3/4 = 0.75. F1 = 2*.6*.75/1.35 = 0.6667.
    # Checked responses: comments 0, 1, 2, 3, 4, 5 = 6.
    fig = agreement_for(consultation)
    assert (fig.precision, fig.recall, fig.f1, fig.n) == (0.6, 0.75, 0.6667, 6)


def test_moving_a_machine_tag_counts_as_a_correction(consultation, analyst, two_themes):
    a, b, c, tags = two_themes
    services.tag_move(tag=tags[0], target=b, by=analyst)
    tags[0].refresh_from_db()
    assert tags[0].rejected and tags[0].theme == a
    human = ThemeAssignment.objects.get(theme=b, comment=c[0])
    assert human.source == "human" and human.confirmed
    fig = agreement_for(consultation)
    assert (fig.precision, fig.recall, fig.n) == (0.0, 0.0, 1)


def test_merge_moves_tags_and_keeps_history(analyst, two_themes):
    a, b, c, tags = two_themes
    services.theme_merge(target=a, sources=[b], by=analyst)
    b.refresh_from_db()
    assert not b.is_active and b.merged_into == a
    kept = ThemeAssignment.objects.filter(theme=a, rejected=False)
    assert set(kept.values_list("comment_id", flat=True)) == {x.pk for x in c}
    assert b.history.first().history_change_reason == "merged into “Wages”"
    with pytest.raises(services.CurationError, match="deleted or merged"):
        services.theme_update(theme=b, by=analyst, label="Zombie")


def test_split_needs_chosen_responses_and_saves_nothing_otherwise(analyst, two_themes):
    a, *_ = two_themes
    with pytest.raises(services.CurationError, match="Choose the responses"):
        services.theme_split(theme=a, by=analyst, tag_ids=[], label="New")
    assert Theme.objects.count() == 2


def test_labelling_a_response_from_another_consultation_is_refused(analyst, two_themes, other_team):
    from comments.models import Comment
    from tests.factories import ConsultationFactory, make_document

    a, *_ = two_themes
    other = make_document(consultation=ConsultationFactory(team=other_team), clauses=1)
    foreign = Comment.objects.create(
        consultation=other.consultation, document=other, author=analyst, body="Not yours", status="published"
    )
    with pytest.raises(services.CurationError, match="response of this consultation"):
        services.tag_add(theme=a, by=analyst, unit=f"comment:{foreign.pk}")
    assert not ThemeAssignment.objects.filter(comment=foreign).exists()


def test_retraining_tags_the_unchecked_rest_and_leaves_decisions_alone(
    consultation, analyst, two_themes, real_comments
):
    a, b, c, tags = two_themes
    services.tag_decide(tag=tags[0], by=analyst, confirm=True)
    services.tag_decide(tag=tags[4], by=analyst, confirm=True)
    services.tag_decide(tag=tags[1], by=analyst, confirm=False)
    out = services.tagger_retrain(consultation=consultation, by=analyst)
    scope_comments = [x for x in real_comments if x.section_id == c[0].section_id]
    assert out["scopes"] == 1 and out["tagged"] == len(scope_comments) - 3
    for i in (0, 4):
        assert ThemeAssignment.objects.filter(pk=tags[i].pk, confirmed=True).exists()
    assert ThemeAssignment.objects.filter(pk=tags[1].pk, rejected=True).exists()
    new = ThemeAssignment.objects.filter(theme__in=[a, b], source="machine", confirmed=False, rejected=False)
    assert new.exists() and not new.filter(comment__in=[c[0], c[1], c[4]]).exists()
    assert new.first().history.first().history_change_reason == "tagged by the retrained tagger"


@pytest.fixture
def tagger_inputs(monkeypatch):
    """What the retrained tagger is given (tag_responses' texts and keyword arguments), on each call."""
    from policycycle.analysis import tagging

    seen = {}
    real = tagging.tag_responses

    def spy(texts, examples, **kwargs):
        seen.update(kwargs, texts=texts)
        return real(texts, examples, **kwargs)

    monkeypatch.setattr(tagging, "tag_responses", spy)
    return seen


def test_a_rejected_tag_teaches_its_theme_only_and_the_response_is_left_alone(
    consultation, analyst, two_themes, real_comments, tagger_inputs
):
    """Rejecting tag a on a response says it does not make point a, nothing about b: the tagger gets it
    as a negative of a only (not as a checked response, a negative of every theme), and does not re-tag it."""
    a, b, c, tags = two_themes
    services.tag_decide(tag=tags[0], by=analyst, confirm=True)
    services.tag_decide(tag=tags[4], by=analyst, confirm=True)
    services.tag_decide(tag=tags[1], by=analyst, confirm=False)
    seen = tagger_inputs
    out = services.tagger_retrain(consultation=consultation, by=analyst)
    from insights.runs import iter_units

    row = {u.id: i for i, u in enumerate(iter_units(consultation.pk, a.scope))}
    unit = {i: row[str(tags[i].unit_key)] for i in (0, 1, 4)}
    assert seen["rejected"] == {str(a.pk): [unit[1]]}
    assert sorted(seen["checked"]) == sorted([unit[0], unit[4]])
    assert not ThemeAssignment.objects.filter(comment=c[1], rejected=False).exists()
    assert out["tagged"] == len(seen["texts"]) - 3


def test_retraining_without_examples_on_two_themes_is_refused(consultation, analyst, two_themes):
    with pytest.raises(services.TaggerError, match="at least two themes"):
        services.tagger_retrain(consultation=consultation, by=analyst)


def test_nightly_beat_starts_one_run_per_open_consultation(consultation, real_comments, monkeypatch):
    from insights import runs

    monkeypatch.setattr(runs, "_send", lambda pk: None)
    started = runs.analysis_runs_nightly()
    assert len(started) == 1
    assert runs.analysis_runs_nightly() == []  # still active: not started twice


def test_the_retrained_tagger_gets_each_responses_side_where_it_is_known(
    consultation, analyst, two_themes, real_comments, tagger_inputs
):
    """A response's side steers its tags (a theme's side is its confirmed responses'): an official's
    stance and the learned model's are passed on; the rule-based stance (no model logit), "mixed" and
    "unclear" are not."""
    from insights.models import Enrichment
    from insights.runs import iter_units

    a, b, c, tags = two_themes
    for i in (0, 4):
        services.tag_decide(tag=tags[i], by=analyst, confirm=True)
    base = {"consultation": consultation, "text_hash": "x"}
    Enrichment.objects.create(comment=c[0], stance="agree", stance_logit=1.2, **base)  # learned model
    Enrichment.objects.create(comment=c[1], stance="disagree", stance_source="official", **base)
    Enrichment.objects.create(comment=c[2], stance="agree", **base)  # rule-based: no logit
    Enrichment.objects.create(comment=c[3], stance="mixed", stance_source="official", **base)
    Enrichment.objects.create(comment=c[4], stance="disagree", stance_logit=-0.4, **base)
    seen = tagger_inputs
    services.tagger_retrain(consultation=consultation, by=analyst)
    row = {u.id: i for i, u in enumerate(iter_units(consultation.pk, a.scope))}
    side = {i: seen["stances"][row[f"comment:{c[i].pk}"]] for i in range(6)}
    assert side[0] == 1.0 and side[1] == 0.0 and side[4] == 0.0
    assert np.isnan([side[2], side[3], side[5]]).all()
    assert len(seen["stances"]) == len(seen["texts"])


def test_without_any_known_side_the_tagger_is_trained_as_before(
    consultation, analyst, two_themes, real_comments, tagger_inputs
):
    a, b, c, tags = two_themes
    for i in (0, 4):
        services.tag_decide(tag=tags[i], by=analyst, confirm=True)
    services.tagger_retrain(consultation=consultation, by=analyst)
    assert tagger_inputs["stances"] is None
