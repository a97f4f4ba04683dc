"""Analysis pages through the client: who may see them, and what each does."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from insights import services
from insights.models import AnalysisRun, Campaign, Theme, ThemeAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_run(consultation, analyst, real_comments):
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    return services.analysis_run_execute(run.pk)


def page_urls(consultation, run, theme, tag):
    slug = consultation.slug
    return [
        reverse("insights:run-list", args=[slug]),
        reverse("insights:theme-list", args=[slug]),
        reverse("insights:campaign-list", args=[slug]),
        reverse("insights:run-detail", args=[run.pk]),
        reverse("insights:run-progress", args=[run.pk]),
        reverse("insights:theme-detail", args=[theme.pk]),
        reverse("insights:theme-delete", args=[theme.pk]),
    ]


def post_urls(consultation, run, theme, tag):
    return [
        reverse("insights:run-cancel", args=[run.pk]),
        reverse("insights:run-rerun", args=[run.pk]),
        reverse("insights:theme-action", args=[theme.pk, "confirm"]),
        reverse("insights:theme-delete", args=[theme.pk]),
        reverse("insights:tag-action", args=[tag.pk]),
        reverse("insights:tagger-retrain", args=[consultation.slug]),
    ]


@pytest.mark.parametrize(
    "persona,expected", [("citizen", 403), ("moderator", 403), ("outsider_official", 403)]
)
def test_people_outside_the_analysis_team_are_refused_every_page_and_action(
    request, client, consultation, done_run, persona, expected
):
    theme = Theme.objects.filter(run=done_run).first()
    tag = ThemeAssignment.objects.filter(theme=theme).first()
    client.force_login(request.getfixturevalue(persona))
    for url in page_urls(consultation, done_run, theme, tag):
        assert client.get(url).status_code == expected, url
    for url in post_urls(consultation, done_run, theme, tag):
        assert client.post(url, {"decision": "reject"}).status_code == expected, url
    theme.refresh_from_db()
    assert theme.is_active and not theme.approved_by_id
    assert AnalysisRun.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, consultation, done_run):
    theme = Theme.objects.filter(run=done_run).first()
    response = client.get(reverse("insights:theme-detail", args=[theme.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_outsiders_get_404_for_an_unpublished_consultation(client, consultation, done_run, outsider_official):
    consultation.state = "draft"
    consultation.save(update_fields=["state"])
    client.force_login(outsider_official)
    assert client.get(reverse("insights:run-list", args=[consultation.slug])).status_code == 404
    assert client.get(reverse("insights:run-detail", args=[done_run.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["analyst", "publisher", "superuser"])
def test_analysts_and_publishers_see_every_page(request, client, consultation, done_run, persona):
    theme = Theme.objects.filter(run=done_run).first()
    tag = ThemeAssignment.objects.filter(theme=theme).first()
    client.force_login(request.getfixturevalue(persona))
    for url in page_urls(consultation, done_run, theme, tag):
        response = client.get(url)
        assert response.status_code == 200, url
    themes_page = client.get(reverse("insights:theme-list", args=[consultation.slug])).content.decode()
    assert theme.label in themes_page and theme.quotes[0]["text"][:30] in themes_page


def test_starting_a_run_from_the_page_runs_it_and_shows_its_progress(
    client, consultation, analyst, real_comments, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    url = reverse("insights:run-list", args=[consultation.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"engine": "basic", "scope": "consultation"})
    run = AnalysisRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "insights:run-detail", args=[run.pk]
    )
    assert run.state == "done" and run.requested_by == analyst  # tasks run in-process without Redis
    data = json.loads(client.get(reverse("insights:run-progress", args=[run.pk])).content)
    assert data == {
        "id": run.pk,
        "state": "done",
        "state_label": "Done",
        "progress": 100,
        "step": run.step,
        "error": "",
        "done": True,
        "active": False,
    }
    page = client.get(reverse("insights:run-detail", args=[run.pk])).content.decode()
    assert 'value="100"' in page and "Run again" in page


def test_a_second_run_while_one_is_active_is_refused_with_a_message(client, consultation, analyst):
    services.analysis_run_start(consultation=consultation, by=analyst, queue=False)
    client.force_login(analyst)
    response = client.post(
        reverse("insights:run-list", args=[consultation.slug]), {"engine": "basic", "scope": "consultation"}
    )
    assert response.status_code == 400
    assert "is already queued" in response.content.decode() and AnalysisRun.objects.count() == 1


def test_bad_engine_is_answered_with_an_error_summary(client, consultation, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("insights:run-list", args=[consultation.slug]), {"engine": "gpt-9", "scope": "consultation"}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_a_queued_run_shows_a_refresh_link_and_can_be_cancelled(client, consultation, analyst):
    run = services.analysis_run_start(consultation=consultation, by=analyst, queue=False)
    client.force_login(analyst)
    page = client.get(reverse("insights:run-detail", args=[run.pk])).content.decode()
    assert "Refresh" in page and "analysis-progress.js" in page and "<script>" not in page
    client.post(reverse("insights:run-cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == "cancelled"


def test_renaming_a_theme_is_audited_and_shown_as_what_changed(client, done_run, analyst):
    theme = Theme.objects.filter(run=done_run).first()
    old = theme.label
    client.force_login(analyst)
    url = reverse("insights:theme-action", args=[theme.pk, "edit"])
    assert (
        client.post(url, {"label": "Minimum wage and jobs", "description": "Jobs lost or kept"}).status_code
        == 302
    )
    theme.refresh_from_db()
    assert theme.label == "Minimum wage and jobs"
    latest = theme.history.first()
    assert latest.history_user == analyst and f"renamed from “{old}”" in latest.history_change_reason
    page = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    assert "renamed from" in page and "Minimum wage and jobs" in page


def test_an_empty_name_is_refused_with_an_error_and_nothing_changes(client, done_run, analyst):
    theme = Theme.objects.filter(run=done_run).first()
    client.force_login(analyst)
    response = client.post(reverse("insights:theme-action", args=[theme.pk, "edit"]), {"label": " "})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert Theme.objects.get(pk=theme.pk).label == theme.label


def test_merge_split_and_tag_through_the_pages(client, done_run, analyst, real_comments):
    themes = list(Theme.objects.filter(run=done_run).order_by("scope", "pk"))
    a, b = [t for t in themes if t.scope == themes[0].scope][:2]
    client.force_login(analyst)
    client.post(reverse("insights:theme-action", args=[a.pk, "merge"]), {"sources": [b.pk]})
    b.refresh_from_db()
    assert not b.is_active and b.merged_into == a
    assert not ThemeAssignment.objects.filter(theme=b, rejected=False, source="human").exists()
    moved = ThemeAssignment.objects.filter(theme=a, rejected=False)[:2]
    response = client.post(
        reverse("insights:theme-action", args=[a.pk, "split"]),
        {"label": "Split off", "tags": [t.pk for t in moved]},
    )
    new = Theme.objects.get(label="Split off")
    assert response["Location"] == reverse("insights:theme-detail", args=[new.pk])
    assert new.source == "human" and new.assignments.count() == 2
    bad = client.post(reverse("insights:theme-action", args=[new.pk, "tag"]), {"unit": "tweet:5"})
    assert bad.status_code == 400 and "Enter a response reference" in bad.content.decode()
    client.post(
        reverse("insights:theme-action", args=[new.pk, "tag"]), {"unit": f"comment:{real_comments[-1].pk}"}
    )
    assert new.assignments.filter(comment=real_comments[-1], source="human").exists()
    foreign = client.post(reverse("insights:theme-action", args=[new.pk, "tag"]), {"unit": "comment:999999"})
    page = foreign.content.decode()
    assert foreign.status_code == 400 and 'href="#id_unit"' in page
    assert 'id="id_unit-error"' in page and "Choose a response of this consultation" in page
    assert not new.assignments.filter(comment_id=999999).exists()


def test_what_changed_names_the_official_not_a_user_id(client, done_run, analyst):
    theme = Theme.objects.filter(run=done_run).first()
    client.force_login(analyst)
    client.post(reverse("insights:theme-action", args=[theme.pk, "confirm"]))
    page = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    assert f"{analyst.public_name}</span> · theme: confirmed" in page
    assert "approved_by" not in page


def test_unknown_theme_action_is_404(client, done_run, analyst):
    theme = Theme.objects.filter(run=done_run).first()
    client.force_login(analyst)
    assert client.post(reverse("insights:theme-action", args=[theme.pk, "explode"])).status_code == 404


def test_campaign_page_counts_campaigns_separately_from_unique_responses(
    client, consultation, analyst, document, citizen, real_comments
):
    from tests.insights.conftest import post_comments

    letter = " ".join(c.body for c in real_comments[:3])
    post_comments(document, citizen, [letter] * 4, clauses=1)
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    services.analysis_run_execute(run.pk)
    client.force_login(analyst)
    response = client.get(reverse("insights:campaign-list", args=[consultation.slug]))
    ctx = response.context
    assert ctx["responses"] == len(real_comments) + 4
    size = sum(c.size for c in ctx["campaigns"])
    assert ctx["unique"] == ctx["responses"] - size + len(ctx["campaigns"])
    page = response.content.decode()
    assert "Campaign of" in page
    # members are named as a person would read them, linked to their pages, never "comment:12"
    assert f"Comment on {real_comments[0].section.label} by {citizen.public_name}" in page
    assert not re.search(r"\b(comment|answer|idea|letter|note|file):\d+", re.sub(r"<[^>]+>", " ", page))


def test_the_themes_page_counts_campaign_copies_apart_from_unique_responses(
    client, consultation, analyst, document, citizen, real_comments
):
    from tests.insights.conftest import post_comments

    letter = " ".join(c.body for c in real_comments[:3])
    copies = post_comments(document, citizen, [letter] * 4, clauses=1)
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    assert services.analysis_run_execute(run.pk).state == "done"
    client.force_login(analyst)
    response = client.get(reverse("insights:theme-list", args=[consultation.slug]))
    rows = [row for _, _, scope_rows in response.context["scopes"] for row in scope_rows]
    campaign = Campaign.objects.get(consultation=consultation)
    n_copies = campaign.members.filter(is_canonical=False).count()
    assert n_copies >= len(copies) - 1
    holding = [r for r in rows if r.copies]
    assert holding and sum(r.copies for r in holding) >= n_copies  # a copy may sit on two themes
    assert all(r.unique == r.count - r.copies for r in rows)
    first = holding[0]
    assert f"{first.count}: {first.unique} unique, {first.copies} campaign cop" in response.content.decode()


def test_the_campaign_page_lists_the_largest_but_counts_every_campaign(
    client, consultation, analyst, document, citizen, real_comments, monkeypatch
):
    from tests.insights.conftest import post_comments

    first = " ".join(c.body for c in real_comments[:3])
    second = " ".join(c.body for c in real_comments[10:13])
    post_comments(document, citizen, [first] * 5 + [second] * 3, clauses=1)
    run = services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)
    assert services.analysis_run_execute(run.pk).state == "done"
    monkeypatch.setattr("insights.selectors.CAMPAIGNS_SHOWN", 1)
    monkeypatch.setattr("insights.selectors.MEMBERS_SHOWN", 2)
    client.force_login(analyst)
    response = client.get(reverse("insights:campaign-list", args=[consultation.slug]))
    ctx, page = response.context, response.content.decode()
    sizes = sorted(Campaign.objects.filter(consultation=consultation).values_list("size", flat=True))
    assert len(sizes) == 2 and ctx["campaigns_total"] == 2 and len(ctx["campaigns"]) == 1
    assert ctx["in_campaigns"] == sum(sizes) and sizes[0] >= 3
    assert ctx["unique"] == len(real_comments) + 8 - sum(sizes) + 2
    shown = ctx["campaigns"][0]
    assert shown.size == sizes[-1] and len(shown.shown_members) == 2 and shown.shown_members[0].is_canonical
    assert f"and {sizes[-1] - 2} more" in page and "The 1 largest campaigns are shown" in page


def test_the_staff_consultation_page_links_to_the_analysis_pages(client, consultation, publisher):
    client.force_login(publisher)
    page = client.get(reverse("staff:consultation-manage", args=[consultation.slug])).content.decode()
    assert reverse("insights:run-list", args=[consultation.slug]) in page
    assert reverse("insights:campaign-list", args=[consultation.slug]) in page


def test_deleting_a_theme_asks_first_and_can_be_undone(client, consultation, done_run, analyst):
    theme = Theme.objects.filter(run=done_run, is_active=True).first()
    client.force_login(analyst)
    detail = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    confirm_url = reverse("insights:theme-delete", args=[theme.pk])
    assert f'href="{confirm_url}"' in detail  # the button leads to a question, it does not delete
    page = client.get(confirm_url).content.decode()
    theme.refresh_from_db()
    assert theme.is_active and f"Delete the theme “{theme.label}”?" in page
    response = client.post(confirm_url)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert not theme.is_active
    client.post(reverse("insights:theme-action", args=[theme.pk, "restore"]))
    theme.refresh_from_db()
    assert theme.is_active
    reasons = list(theme.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["deleted", "restored"]


def test_the_theme_page_offers_the_least_sure_tags_first_and_the_agreement_figure_moves(
    client, analyst, done_run
):
    theme = Theme.objects.filter(run=done_run).first()
    tags = list(ThemeAssignment.objects.filter(theme=theme, source="machine")[:3])
    assert len(tags) == 3
    for tag, conf in zip(tags, (0.97, 0.52, 0.2), strict=True):
        ThemeAssignment.objects.filter(pk=tag.pk).update(confidence=conf)
    ThemeAssignment.objects.filter(theme=theme, source="machine").exclude(
        pk__in=[t.pk for t in tags]
    ).delete()
    client.force_login(analyst)
    url = reverse("insights:theme-detail", args=[theme.pk])
    html = client.get(url).content.decode()
    offered = html.split("data-check-next")[1].split("</ul>")[0]
    units = [part.split('"')[1] for part in offered.split("data-unit=")[1:]]
    assert units == [str(tags[1].unit_key), str(tags[2].unit_key), str(tags[0].unit_key)]
    assert "no response checked yet" in html
    client.post(reverse("insights:tag-action", args=[tags[1].pk]), {"decision": "confirm"})
    html = client.get(url).content.decode()
    figure = html.split("data-agreement>")[1].split("</p>")[0]
    assert "on 1 checked response" in figure and "F1 <strong>1.00</strong>" in figure
    offered = html.split("data-check-next")[1].split("</ul>")[0]
    assert str(tags[1].unit_key) not in offered


def test_confirming_a_tag_can_set_the_responses_stance_in_the_same_step(client, analyst, done_run):
    """The check-next list offers the response's stance beside Confirm: both are saved, the stance as an
    official's; a stance that cannot be set (the response not analysed yet) confirms nothing either."""
    from insights.models import Enrichment

    theme = Theme.objects.filter(run=done_run).first()
    first, second = ThemeAssignment.objects.filter(theme=theme, source="machine", confirmed=False)[:2]
    client.force_login(analyst)
    html = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    offered = html.split("data-check-next")[1].split("</ul>")[0]
    assert f'id="stance-{first.pk}-disagree"' in offered and "Its stance toward the proposal" in offered
    services.enrichment_compute(kind="comment", pk=first.comment_id)
    client.post(
        reverse("insights:tag-action", args=[first.pk]), {"decision": "confirm", "stance": "disagree"}
    )
    first.refresh_from_db()
    row = Enrichment.objects.get(comment_id=first.comment_id)
    assert first.confirmed and (row.stance, row.stance_source, row.stance_decided_by) == (
        "disagree",
        "official",
        analyst,
    )

    Enrichment.objects.filter(comment_id=second.comment_id).delete()
    response = client.post(
        reverse("insights:tag-action", args=[second.pk]),
        {"decision": "confirm", "stance": "agree"},
        follow=True,
    )
    second.refresh_from_db()
    assert not second.confirmed and "has not been analysed yet" in response.content.decode()
    client.post(reverse("insights:tag-action", args=[second.pk]), {"decision": "confirm", "stance": "maybe"})
    second.refresh_from_db()
    assert not second.confirmed
    client.post(reverse("insights:tag-action", args=[second.pk]), {"decision": "confirm"})  # no stance: fine
    second.refresh_from_db()
    assert second.confirmed


def test_the_theme_page_names_each_response_as_a_person_would_never_by_its_kind_id_reference(
    client, done_run, analyst, real_comments
):
    """A theme page shows "Comment on Clause 1 by ..., 4 Mar 2026" (linked to the comment), never the
    internal "comment:12" reference, in its text, its hidden button text or its history; and an official
    labels an example with the kind and number the explorer shows ("Comment 12")."""
    theme = Theme.objects.filter(run=done_run).first()
    tag = ThemeAssignment.objects.filter(theme=theme).first()
    client.force_login(analyst)
    client.post(reverse("insights:tag-action", args=[tag.pk]), {"decision": "confirm"})
    added = client.post(
        reverse("insights:theme-action", args=[theme.pk, "tag"]), {"unit": f"Comment {real_comments[-1].pk}"}
    )
    assert added.status_code == 302
    assert theme.assignments.filter(comment=real_comments[-1], source="human").exists()
    page = client.get(reverse("insights:theme-detail", args=[theme.pk])).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)  # what is read: text nodes (and hidden text), not attributes
    leak = re.search(r".{80}\b(comment|answer|idea|letter|note|file):\d+.{40}", text, re.S)
    assert not leak, leak.group(0)
    themes_page = client.get(reverse("insights:theme-list", args=[theme.consultation.slug])).content.decode()
    leak = re.search(r"\b(comment|answer|idea|letter|note|file):\d+", re.sub(r"<[^>]+>", " ", themes_page))
    assert not leak, leak.group(0)  # the themes page's quotes say whose and when, too
    comment = tag.comment
    heading = f"Comment on {comment.section.label} by {comment.author.public_name}"
    assert heading in text and f'href="{comment.get_absolute_url()}"' in page
    assert "the machine tags" in text.lower() and f"{heading}, " in text
