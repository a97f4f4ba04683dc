"""The rest of the dashboard's counts (comments, the clause heat map with its stances and themes, top
themes, campaigns and units, moderation, events, the stance caveat) are kept in the cache too, under both
tokens of the consultation's results version (dashboards.selectors.Tallies), which PostgreSQL moves on
whenever a comment, letter, event, event note, attached file's text, idea or enrichment changes
(dashboards/migrations/0005). After each way those rows are written, the dashboard shows what a count made
afresh shows, and not what it showed before; a comment or a stance leaves the responses' costly counts in
the cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments import services as comment_services
from comments.models import Comment
from dashboards import closed
from insights.models import Enrichment
from insights.stances import stance_correct
from responses import services
from responses.models import EngagementEvent, EventNote, Response, ResponseAttachment
from tests.dashboards.conftest import add_closed_answers, build, cached_page_check, postgresql_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(consultation, document, citizen):
    consultation.kind = "formal"
    consultation.opens_at = timezone.now() - timedelta(days=1)
    consultation.closes_at = timezone.now() + timedelta(days=30)
    consultation.save(update_fields=["kind", "opens_at", "closes_at"])
    data = build(consultation, document, citizen, comments=12, answers=20)
    questions = add_closed_answers(consultation, data["responses"])
    return {
        **data,
        "questions": questions,
        "clauses": {s.number: s for s in document.sections.filter(kind="clause")},
    }


def _page(client, consultation) -> dict:
    """What the dashboard shows that is counted from comments, letters, events, files and enrichment."""
    response = client.get(reverse("dashboards:dashboard", args=[consultation.slug]))
    assert response.status_code == 200
    ctx = response.context
    return {
        "total_comments": ctx["total_comments"],
        "over_time": [(r["day"], r["responses"], r["comments"]) for r in ctx["over_time"]],
        "heatmap": [
            (r.section.anchor, r.comments, r.by_kind, r.stances, [(t["label"], t["n"]) for t in r.themes])
            for r in ctx["heatmap"]
        ],
        "top_themes": [
            (t["theme"]["label"], t["count"], t["share"], t["stances"]) for t in ctx["top_themes"]
        ],
        "campaigns": ctx["campaigns"],
        "moderation": ctx["moderation"],
        "events": [(e["title"], e["note_count"]) for e in ctx["events"]],
        "stance_caveat": ctx["stance_caveat"],
        "commenters": (
            ctx["commenters"],
            [(b["key"], [(x.label, x.value) for x in b["bars"]]) for b in ctx["commenter_breakdowns"]],
        ),
    }


@pytest.fixture
def shown(client, analyst, consultation, formal):
    return cached_page_check(client, analyst, consultation, _page)


def test_a_comment_posted_on_a_clause(consultation, formal, citizen, shown):
    clause = formal["clauses"]["3"]
    comment_services.comment_create(
        author=citizen,
        consultation=consultation,
        document=clause.document,
        section=clause,
        body="A new comment about the third clause and what it costs.",
        category=Comment.Category.DRAFTING,
    )
    after = shown()
    assert {a: n for a, n, *_ in after["heatmap"]}["clause-3"] >= 1


def test_a_comment_moderated_then_withdrawn(consultation, formal, citizen, moderator, shown):
    comment = formal["comments"][1]
    moderation.comment_moderate(comment=comment, by=moderator, decision="hide", reason="on_topic")
    assert shown()["moderation"]["hidden"] == 1
    mine = Comment.objects.filter(author=citizen, status=Comment.Status.PUBLISHED).first()
    comment_services.comment_withdraw(comment=mine, by=citizen)
    shown()


def test_a_stance_set_by_an_official(consultation, formal, analyst, shown):
    comment = formal["comments"][0]
    current = Enrichment.objects.get(comment=comment).stance
    stance_correct(
        consultation=consultation,
        unit=f"comment:{comment.pk}",
        stance="agree" if current != "agree" else "disagree",
        by=analyst,
    )
    shown()


def test_an_event_and_its_notes(consultation, formal, analyst, shown):
    event = services.event_create(
        consultation=consultation,
        by=analyst,
        title="Town hall",
        starts_at=timezone.now(),
        organiser="Council",
    )
    assert shown()["events"] == [("Town hall", 0)]
    services.event_note_add(
        event=event, by=analyst, text="People asked about clause two.", section=formal["clauses"]["2"]
    )
    after = shown()
    assert after["events"] == [("Town hall", 1)]
    assert {a: k for a, _, k, *_ in after["heatmap"]}["clause-2"].get("note") == 1


def test_a_letter_recorded_against_a_clause(consultation, formal, analyst, shown):
    services.response_enter_offline(
        consultation=consultation,
        by=analyst,
        channel="post",
        received_at=timezone.localdate(),
        respondent_type="individual",
        region="wales",
        consent="anonymous",
        answers={},
        parts=[(formal["clauses"]["4"], "A posted letter about clause four.")],
    )
    after = shown()
    assert {a: k for a, _, k, *_ in after["heatmap"]}["clause-4"].get("letter") == 1


def test_the_text_of_an_attached_file_read(consultation, formal, shown):
    attachment = ResponseAttachment.objects.create(
        response=formal["responses"][3], original_name="letter.pdf", kind="pdf", size=10, file="x.pdf"
    )
    shown(changed=False)  # a file not read yet is not a unit
    services.attachment_text_save(attachment=attachment, state="done", text="What the letter says.")
    shown()


def test_updates_straight_through_querysets(consultation, formal, shown):
    Enrichment.objects.filter(consultation=consultation, comment__isnull=False).update(stance="mixed")
    shown()
    Comment.objects.filter(consultation=consultation).update(created_at=timezone.now() - timedelta(days=3))
    shown()
    EventNote.objects.create(
        event=EngagementEvent.objects.create(
            consultation=consultation, title="Workshop", starts_at=timezone.now(), organiser="Team"
        ),
        text="A note on the whole bill.",
    )
    shown()


@postgresql_only
def test_a_comment_leaves_the_responses_counts_in_the_cache(
    client, analyst, consultation, formal, citizen, monkeypatch
):
    client.force_login(analyst)
    cache.clear()
    url = reverse("dashboards:dashboard", args=[consultation.slug])
    client.get(url)
    counted = []
    grouped = closed._grouped
    monkeypatch.setattr(closed, "_grouped", lambda *a, **k: counted.append(1) or grouped(*a, **k))
    clause = formal["clauses"]["3"]
    comment_services.comment_create(
        author=citizen,
        consultation=consultation,
        document=clause.document,
        section=clause,
        body="One more comment on the third clause, about its costs.",
        category=Comment.Category.DRAFTING,
    )
    assert (
        client.get(url).context["total_comments"] == Comment.objects.filter(consultation=consultation).count()
    )
    assert counted == []  # the closed answers' grouped counts came from the cache
    Response.objects.filter(pk=formal["responses"][0].pk).update(region="wales")
    client.get(url)
    assert counted == [1]


def test_a_commenter_changes_what_their_profile_says(consultation, formal, citizen, shown):
    citizen.respondent_type = "organisation"
    citizen.organisation_type = "business"
    citizen.region = "wales"
    citizen.save()
    shown()


@postgresql_only
def test_a_login_leaves_the_version_as_it_was(consultation, formal, citizen):
    from dashboards.models import ResultsVersion

    before = ResultsVersion.objects.get(consultation_id=consultation.pk)
    citizen.last_login = timezone.now()
    citizen.save(update_fields=["last_login"])
    after = ResultsVersion.objects.get(consultation_id=consultation.pk)
    assert (after.token, after.activity) == (before.token, before.activity)


def test_readers_reactions_and_flags_leave_the_version_as_it_was(consultation, formal, citizen, analyst):
    """The dashboard reads no reader counter, and a reaction moving the version row could deadlock with a
    reply (the reply holds the version row, then wants the parent's row for its reply count)."""
    from dashboards.models import ResultsVersion

    comment = Comment.objects.filter(consultation=consultation, status=Comment.Status.PUBLISHED).first()
    before = ResultsVersion.objects.get(consultation_id=consultation.pk)
    comment_services.reaction_set(comment=comment, user=analyst, value="agree")
    Comment.objects.filter(pk=comment.pk).update(reply_count=F("reply_count") + 1)
    after = ResultsVersion.objects.get(consultation_id=consultation.pk)
    assert (after.token, after.activity) == (before.token, before.activity)
    # a change the dashboard reads still moves it
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    assert ResultsVersion.objects.get(consultation_id=consultation.pk).activity != before.activity
