"""Analysis runs against the database: start, execute with the basic engine, re-run, cancel, recover."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import Comment
from insights import services
from insights.models import AnalysisRun, Campaign, Summary, Theme, ThemeAssignment
from insights.units import UnitKey

pytestmark = pytest.mark.django_db


def run_now(consultation, analyst, **kw) -> AnalysisRun:
    run = services.analysis_run_start(
        consultation=consultation, by=analyst, engine="basic", queue=False, **kw
    )
    return services.analysis_run_execute(run.pk)


def test_a_basic_run_drafts_themes_per_clause_with_quotes_from_real_comments(
    consultation, analyst, real_comments
):
    run = run_now(consultation, analyst)
    assert run.state == "done" and run.progress == 100, run.error
    assert run.units_total == len(real_comments)
    themes = list(Theme.objects.filter(consultation=consultation, run=run))
    assert themes and {t.scope for t in themes} == {
        c.section.lineage_key and f"clause:{c.section.lineage_key}" for c in real_comments
    }
    ids = {c.pk for c in real_comments}
    for t in themes:
        assert t.label and t.keywords and t.quotes
        for q in t.quotes:
            assert q["unit"] == "comment" and q["id"] in ids
            assert q["text"][:20] in Comment.objects.get(pk=q["id"]).body
    tagged = set(ThemeAssignment.objects.filter(theme__run=run).values_list("comment_id", flat=True))
    assert tagged <= ids and len(tagged) >= 0.9 * len(ids)
    summaries = Summary.objects.filter(run=run)
    assert summaries.exists()
    for s in summaries:
        for sentence in s.sentences:
            assert sentence["citations"], "no sentence without a source"
            for uid in sentence["citations"]:
                assert UnitKey.parse(uid).pk in ids
    assert {"read", "total", "save"} <= set(run.timings)


def test_a_second_active_run_for_a_consultation_is_refused(consultation, analyst, real_comments):
    first = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    with pytest.raises(services.RunRefused, match=f"Run {first.pk} is already queued"):
        services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    assert AnalysisRun.objects.count() == 1


def test_unknown_engine_or_scope_is_refused_and_nothing_is_saved(consultation, analyst):
    with pytest.raises(services.RunRefused, match="Unknown engine"):
        services.analysis_run_start(consultation=consultation, by=analyst, engine="gpt", queue=False)
    with pytest.raises(services.RunRefused, match="Unknown scope"):
        services.analysis_run_start(consultation=consultation, by=analyst, scope="clause:nope", queue=False)
    assert not AnalysisRun.objects.exists()


def test_the_database_refuses_done_without_full_progress(consultation):
    run = AnalysisRun.objects.create(consultation=consultation, engine="basic")
    with pytest.raises(IntegrityError), transaction.atomic():
        AnalysisRun.objects.filter(pk=run.pk).update(state="done", progress=60)


def test_human_edits_survive_a_rerun(consultation, analyst, real_comments):
    run = run_now(consultation, analyst)
    themes = list(Theme.objects.filter(run=run).order_by("pk"))
    kept, other = themes[0], themes[-1]
    services.theme_update(theme=kept, by=analyst, label="Wages and prices", description="Named by an analyst")
    services.theme_confirm(theme=kept, by=analyst)
    confirmed = ThemeAssignment.objects.filter(theme=kept).first()
    services.tag_decide(tag=confirmed, by=analyst, confirm=True)
    human = services.theme_create(consultation=consultation, by=analyst, scope=other.scope, label="Robots")
    added = services.tag_add(theme=human, by=analyst, unit=f"comment:{real_comments[0].pk}")
    untouched = [t.pk for t in themes if t.pk not in (kept.pk,)]

    again = run_now(consultation, analyst)
    assert again.state == "done", again.error
    kept.refresh_from_db()
    assert kept.label == "Wages and prices" and kept.approved_by == analyst and kept.is_active
    assert ThemeAssignment.objects.filter(pk=confirmed.pk, confirmed=True).exists()
    assert Theme.objects.filter(pk=human.pk).exists() and ThemeAssignment.objects.filter(pk=added.pk).exists()
    assert not Theme.objects.filter(pk__in=untouched).exclude(pk=human.pk).exists()
    assert Theme.objects.filter(run=again).exists()
    # The re-run found the kept theme again: it re-tagged into it rather than drafting a twin beside it.
    fresh = ThemeAssignment.objects.filter(theme=kept, source="machine", confirmed=False)
    assert fresh.exists()
    kept_units = set(ThemeAssignment.objects.filter(theme=kept).values_list("comment_id", flat=True))
    for twin in Theme.objects.filter(run=again, scope=kept.scope):
        twin_units = set(ThemeAssignment.objects.filter(theme=twin).values_list("comment_id", flat=True))
        assert len(twin_units & kept_units) < 0.5 * min(len(twin_units), len(kept_units)), twin.label


def test_a_rerun_keeps_an_officials_rejection_and_adds_one_tag_per_unit(consultation, analyst, real_comments):
    run = run_now(consultation, analyst)
    kept = Theme.objects.filter(run=run).order_by("pk").first()
    services.theme_confirm(theme=kept, by=analyst)
    wrong = ThemeAssignment.objects.filter(theme=kept).first()
    services.tag_decide(tag=wrong, by=analyst, confirm=False)

    again = run_now(consultation, analyst)
    assert again.state == "done", again.error
    on_kept = ThemeAssignment.objects.filter(theme=kept)
    wrong_unit = {"comment_id": wrong.comment_id} if wrong.comment_id else {"answer_id": wrong.answer_id}
    assert list(on_kept.filter(**wrong_unit).values_list("rejected", flat=True)) == [True]
    units = list(on_kept.values_list("comment_id", flat=True))
    assert len(units) == len(set(units))  # the unique constraint holds: one tag per unit


def test_an_engine_error_mid_run_fails_the_run_with_its_error_and_saves_nothing(
    consultation, analyst, real_comments
):
    previous = run_now(consultation, analyst)
    before = set(Theme.objects.values_list("pk", flat=True))
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)

    def explode(*args, **kwargs):
        kwargs["progress"]("vectorising", 40)
        raise MemoryError("out of memory while clustering")

    with mock.patch("policycycle.analysis.themes.run_analysis", side_effect=explode):
        run = services.analysis_run_execute(run.pk)
    assert run.state == "failed" and "out of memory while clustering" in run.error
    assert run.progress < 100
    assert set(Theme.objects.values_list("pk", flat=True)) == before
    assert not Theme.objects.filter(run=run).exists() and previous.state == "done"


def test_a_save_error_rolls_back_every_result_and_the_run_is_not_done(consultation, analyst, real_comments):
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    with mock.patch("insights.saving._save_summaries", side_effect=RuntimeError("disk full")):
        run = services.analysis_run_execute(run.pk)
    assert run.state == "failed" and "disk full" in run.error
    assert not Theme.objects.exists() and not ThemeAssignment.objects.exists()


def test_cancel_stops_a_running_run_without_saving(consultation, analyst, real_comments):
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)

    def cancel_midway(step, pct):
        if pct >= 10:
            services.analysis_run_cancel(run=AnalysisRun.objects.get(pk=run.pk), by=analyst)

    with mock.patch("insights.runs.CANCEL_CHECK_EVERY_S", 0):
        run = services.analysis_run_execute(run.pk, on_progress=cancel_midway)
    assert run.state == "cancelled"
    assert not Theme.objects.exists()


def test_cancelling_a_queued_run_stops_it_before_it_starts(consultation, analyst, real_comments):
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    assert services.analysis_run_cancel(run=run, by=analyst).state == "cancelled"
    assert services.analysis_run_execute(run.pk).state == "cancelled"
    assert not Theme.objects.exists()
    assert services.analysis_run_start(consultation=consultation, by=analyst, queue=False).state == "queued"


def test_a_run_with_a_stale_heartbeat_is_requeued_then_failed_after_three_attempts(
    consultation, analyst, real_comments
):
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    old = timezone.now() - timedelta(hours=1)
    AnalysisRun.objects.filter(pk=run.pk).update(state="running", heartbeat_at=old, attempts=1, progress=40)
    with mock.patch("insights.runs._send") as send:
        assert services.runs_recover_stale() == {"requeued": 1, "failed": 0}
    send.assert_called_once_with(run.pk)
    run.refresh_from_db()
    assert run.state == "queued" and run.progress == 0
    assert services.analysis_run_execute(run.pk).state == "done"

    stuck = AnalysisRun.objects.create(
        consultation=consultation, engine="basic", state="running", heartbeat_at=old, attempts=3, progress=55
    )
    assert services.runs_recover_stale() == {"requeued": 0, "failed": 1}
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "stopped responding 3 times" in stuck.error and stuck.progress == 55


def test_a_fresh_heartbeat_is_left_alone(consultation, analyst):
    AnalysisRun.objects.create(
        consultation=consultation, engine="basic", state="running", heartbeat_at=timezone.now(), attempts=1
    )
    assert services.runs_recover_stale() == {"requeued": 0, "failed": 0}


def test_campaign_copies_are_recorded_never_dropped(consultation, analyst, document, citizen, real_comments):
    from tests.insights.conftest import post_comments

    letter = real_comments[0].body + " " + real_comments[1].body + " " + real_comments[2].body
    copies = post_comments(
        document, citizen, [letter] * 5 + [letter + " My own words: rent is rising fast."], clauses=1
    )
    run = run_now(consultation, analyst)
    assert run.state == "done", run.error
    campaign = Campaign.objects.get(consultation=consultation)
    members = {m.comment_id: m for m in campaign.members.all()}
    assert campaign.size == len(members) and {c.pk for c in copies} <= set(members)
    assert any("rent" in " ".join(m.added_words) for m in members.values())
    tagged = set(ThemeAssignment.objects.filter(theme__run=run).values_list("comment_id", flat=True))
    assert {c.pk for c in copies} <= tagged


def test_a_worker_whose_run_was_taken_over_saves_nothing(consultation, analyst, real_comments):
    """Recovery re-queued the run (the heartbeat looked stale) while the first worker was still going."""
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)

    def taken_over(step, pct):
        if pct >= 50:
            AnalysisRun.objects.filter(pk=run.pk).update(state="queued", heartbeat_at=None)

    run = services.analysis_run_execute(run.pk, on_progress=taken_over)
    assert run.state == "queued" and not Theme.objects.exists()
    assert services.analysis_run_execute(run.pk).state == "done"


def test_a_clause_run_replaces_only_that_clauses_machine_themes(consultation, analyst, real_comments):
    first = run_now(consultation, analyst)
    scopes = sorted(set(Theme.objects.filter(run=first).values_list("scope", flat=True)))
    assert len(scopes) == 2
    other_before = set(Theme.objects.filter(scope=scopes[1]).values_list("pk", flat=True))
    clause_run = run_now(consultation, analyst, scope=scopes[0])
    assert clause_run.state == "done", clause_run.error
    assert set(Theme.objects.filter(run=clause_run).values_list("scope", flat=True)) == {scopes[0]}
    assert not Theme.objects.filter(run=first, scope=scopes[0]).exists()
    assert set(Theme.objects.filter(scope=scopes[1]).values_list("pk", flat=True)) == other_before
    assert Campaign.objects.filter(run=clause_run).count() == 0
