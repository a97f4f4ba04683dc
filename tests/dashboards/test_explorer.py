"""The response explorer: filters, search, bulk tag/untag/review (audited), saved views, respondent view,
and a query count that does not grow with page size or data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.models import SavedView, UnitReview
from insights.models import ThemeAssignment
from tests.dashboards.conftest import PRIVATE_EMAIL, build

pytestmark = pytest.mark.django_db


def url(consultation, **params):
    from urllib.parse import urlencode

    return reverse("dashboards:explorer", args=[consultation.slug]) + (
        "?" + urlencode(params) if params else ""
    )


def unit_ids(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-unit="([a-z]+:\d+)"', html))


def test_clause_five_disagree_evidence_rich_filter_lists_exactly_those_comments(
    client, analyst, consultation, data
):
    client.force_login(analyst)
    html = client.get(
        url(consultation, type="comment", clause=data["clause5"].pk, stance="disagree", evidence="yes")
    ).content.decode()
    # on clause 5: even indexes; disagree: index % 4 == 0; evidence-rich: index % 3 == 0 -> 0 and 12..
    expected = {
        f"comment:{c.pk}" for i, c in enumerate(data["comments"]) if i % 2 == 0 and i % 4 == 0 and i % 3 == 0
    }
    assert expected and unit_ids(html) == expected


def test_draft_bill_explorer_defaults_to_comments_and_formal_to_answers(client, analyst, consultation, data):
    client.force_login(analyst)
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    html = client.get(url(consultation)).content.decode()
    assert unit_ids(html) == {f"answer:{a.pk}" for a in data["answers"]}
    consultation.kind = "draft_bill"
    consultation.save(update_fields=["kind"])
    html = client.get(url(consultation)).content.decode()
    assert unit_ids(html) == {f"comment:{c.pk}" for c in data["comments"]}


def test_search_finds_comments_containing_every_word(client, analyst, consultation, data):
    client.force_login(analyst)
    target = data["comments"][3]
    import re

    words = re.findall(r"[A-Za-z]{6,}", target.body)[:2]
    html = client.get(url(consultation, type="comment", q=" ".join(words))).content.decode()
    found = unit_ids(html)
    assert f"comment:{target.pk}" in found
    # Every hit holds every word; PostgreSQL stems ("costs" finds "cost"): compare the words' first letters.
    assert all(
        all(w[:5].lower() in c.body.lower() for w in words)
        for c in data["comments"]
        if f"comment:{c.pk}" in found
    )
    assert len(found) < len(data["comments"])


def test_answer_filters_by_channel_and_region(client, analyst, consultation, data):
    client.force_login(analyst)
    html = client.get(url(consultation, type="answer", channel="email")).content.decode()
    assert unit_ids(html) == {f"answer:{a.pk}" for i, a in enumerate(data["answers"]) if i % 3 == 0}
    html = client.get(url(consultation, type="answer", region="wales")).content.decode()
    assert unit_ids(html) == {f"answer:{data['answers'][-1].pk}"}


def test_theme_and_checked_filters(client, analyst, consultation, data):
    client.force_login(analyst)
    html = client.get(url(consultation, type="comment", theme=data["costs"].pk)).content.decode()
    assert unit_ids(html) == {f"comment:{c.pk}" for c in data["comments"][:4]}
    UnitReview.objects.create(consultation=consultation, kind="comment", unit_id=data["comments"][5].pk)
    html = client.get(url(consultation, type="comment", checked="yes")).content.decode()
    assert unit_ids(html) == {f"comment:{data['comments'][5].pk}"}


def test_bad_dates_are_reported_with_a_clear_message(client, analyst, consultation, data):
    client.force_login(analyst)
    response = client.get(url(consultation, since="2026-05-01", until="2026-04-01"))
    assert response.status_code == 400
    assert "The end date must be on or after the start date" in response.content.decode()


def test_bulk_tag_adds_officials_tags_with_an_audit_reason(client, analyst, consultation, data):
    client.force_login(analyst)
    picked = data["comments"][6:9]
    response = client.post(
        reverse("dashboards:explorer-bulk", args=[consultation.slug]),
        {
            "action": "tag",
            "theme": data["costs"].pk,
            "units": [f"comment:{c.pk}" for c in picked],
            "query": "type=comment",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?type=comment")
    tags = ThemeAssignment.objects.filter(theme=data["costs"], comment__in=picked)
    assert tags.count() == 3 and set(tags.values_list("source", flat=True)) == {"human"}
    history = ThemeAssignment.history.filter(comment_id__in=[c.pk for c in picked])
    assert history.count() == 3 and all(h.history_user_id == analyst.pk for h in history)


def test_bulk_untag_rejects_machine_tags_and_review_confirms_them(client, analyst, consultation, data):
    client.force_login(analyst)
    bulk = reverse("dashboards:explorer-bulk", args=[consultation.slug])
    first, second = data["comments"][0], data["comments"][1]
    client.post(bulk, {"action": "untag", "theme": data["costs"].pk, "units": [f"comment:{first.pk}"]})
    client.post(bulk, {"action": "review", "units": [f"comment:{second.pk}"]})
    assert ThemeAssignment.objects.get(theme=data["costs"], comment=first).rejected is True
    assert ThemeAssignment.objects.get(theme=data["costs"], comment=second).confirmed is True
    assert UnitReview.objects.filter(kind="comment", unit_id=second.pk, reviewed_by=analyst).exists()


def test_bulk_action_with_a_unit_of_another_consultation_changes_nothing(client, analyst, consultation, data):
    from tests.factories import ConsultationFactory, make_document

    other = ConsultationFactory(team=consultation.team)
    other_data = build(
        other, make_document(consultation=other), data["comments"][0].author, comments=2, answers=1
    )
    client.force_login(analyst)
    response = client.post(
        reverse("dashboards:explorer-bulk", args=[consultation.slug]),
        {
            "action": "tag",
            "theme": data["costs"].pk,
            "units": [f"comment:{data['comments'][7].pk}", f"comment:{other_data['comments'][0].pk}"],
        },
        follow=True,
    )
    assert "Choose responses of this consultation." in response.content.decode()
    assert not ThemeAssignment.objects.filter(theme=data["costs"], source="human").exists()


def test_moderator_may_not_bulk_tag(client, moderator, consultation, data):
    client.force_login(moderator)
    response = client.post(
        reverse("dashboards:explorer-bulk", args=[consultation.slug]),
        {"action": "tag", "theme": data["costs"].pk, "units": [f"comment:{data['comments'][7].pk}"]},
    )
    assert response.status_code == 403
    assert not ThemeAssignment.objects.filter(source="human").exists()


def test_saved_view_keeps_the_filters_and_refuses_a_duplicate_name(client, analyst, consultation, data):
    client.force_login(analyst)
    create = reverse("dashboards:saved-view-create", args=[consultation.slug])
    client.post(create, {"name": "Clause 5 objections", "query": "type=comment&stance=disagree"})
    response = client.post(create, {"name": "Clause 5 objections", "query": "x=1"}, follow=True)
    assert "You already have a view with that name" in response.content.decode()
    view = SavedView.objects.get(owner=analyst)
    assert view.query == "type=comment&stance=disagree"
    assert 'href="?type=comment&amp;stance=disagree"' in client.get(url(consultation)).content.decode()


def test_respondent_view_shows_everything_one_person_said_with_their_contact(
    client, analyst, consultation, data
):
    client.force_login(analyst)
    ref = data["responses"][0].reference
    html = client.get(reverse("dashboards:respondent", args=[consultation.slug, ref])).content.decode()
    assert PRIVATE_EMAIL in html
    assert unit_ids(html) == {f"answer:{data['answers'][0].pk}"}
    author = data["comments"][0].author
    html = client.get(
        reverse("dashboards:respondent", args=[consultation.slug, f"user-{author.pk}"])
    ).content.decode()
    assert unit_ids(html) == {f"comment:{c.pk}" for c in data["comments"]}


def test_respondent_view_is_refused_to_a_moderator(client, moderator, consultation, data):
    client.force_login(moderator)
    ref = data["responses"][0].reference
    assert client.get(reverse("dashboards:respondent", args=[consultation.slug, ref])).status_code == 403


def _queries(client, link) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(link).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("kind", ["comment", "answer"])
def test_explorer_queries_do_not_grow_with_page_size_or_data(
    client, analyst, consultation, document, citizen, kind
):
    client.force_login(analyst)
    build(consultation, document, citizen, comments=10, answers=10)
    small = _queries(client, url(consultation, type=kind, per_page=25))
    build(consultation, document, citizen, comments=120, answers=120)
    assert _queries(client, url(consultation, type=kind, per_page=100)) == small
    assert (
        _queries(client, url(consultation, type=kind, per_page=100, stance="agree", evidence="yes")) == small
    )
    clause5 = document.sections.get(anchor="clause-5").pk
    with_clause = _queries(client, url(consultation, type=kind, clause=clause5, per_page=25))
    assert with_clause <= small + 2  # the clause and its versions, whatever the data
    build(consultation, document, citizen, comments=60, answers=60)
    assert _queries(client, url(consultation, type=kind, clause=clause5, per_page=100)) == with_clause


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")
def test_full_text_search_matches_the_gin_index_expression(consultation, data):
    """The explorer's `@@` expression is the indexed one (dashboards/migrations/0002_fulltext_indexes),
    so the planner can use the index once a table is large; with this test's few rows it need not."""
    import re

    from dashboards.explorer import unit_queryset

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'dhd_%%_fts'")
        defs = dict(cursor.fetchall())
        assert set(defs) == {"dhd_answer_text_fts", "dhd_comment_body_fts"}
        for kind, index in (("answer", "dhd_answer_text_fts"), ("comment", "dhd_comment_body_fts")):
            _, qs = unit_queryset(consultation, {"type": kind, "q": "minimum wage"})
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            used = re.search(r"\((to_tsvector\('english'::regconfig, COALESCE\(\w+, ''::text\)\)) @@", plan)
            assert used, plan
            assert "USING gin" in defs[index] and used.group(1) in defs[index], (used.group(1), defs[index])


def test_an_official_deletes_their_own_saved_view_but_not_someone_elses(
    client, analyst, publisher, consultation, data
):
    mine = SavedView.objects.create(consultation=consultation, owner=analyst, name="Mine", query="q=wage")
    theirs = SavedView.objects.create(consultation=consultation, owner=publisher, name="Theirs", query="")
    client.force_login(analyst)
    page = client.get(url(consultation)).content.decode()
    assert reverse("dashboards:saved-view-delete", args=[consultation.slug, mine.pk]) in page
    assert "Theirs" not in page
    gone = client.post(
        reverse("dashboards:saved-view-delete", args=[consultation.slug, mine.pk]), follow=True
    )
    assert "Saved view deleted" in gone.content.decode() and not SavedView.objects.filter(pk=mine.pk).exists()
    refused = client.post(
        reverse("dashboards:saved-view-delete", args=[consultation.slug, theirs.pk]), follow=True
    )
    assert "That saved view does not exist" in refused.content.decode()
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    delete_theirs = reverse("dashboards:saved-view-delete", args=[consultation.slug, theirs.pk])
    assert client.get(delete_theirs).status_code == 405


def test_bad_filter_values_are_reported_not_ignored(client, analyst, consultation, data):
    client.force_login(analyst)
    response = client.get(url(consultation, type="comment", clause="abc", stance="angry", per_page=7))
    html = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert html.count("Select a valid choice") >= 3


def _shown_kind(html: str) -> str:
    """The option the "Show" control displays as selected."""
    import re

    select = re.search(r'<select[^>]*name="type"[^>]*>(.*?)</select>', html, re.S).group(1)
    selected = re.findall(r'<option value="(\w*)"[^>]*selected', select)
    return selected[0] if selected else re.findall(r'<option value="(\w*)"', select)[0]


def test_show_control_displays_the_kind_it_lists_and_a_filter_keeps_it(client, analyst, consultation, data):
    """A formal consultation opens on answers: the "Show" control says so, and a filter applied without
    choosing a kind (or with the form's own value) keeps answers instead of switching to comments."""
    client.force_login(analyst)
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    html = client.get(url(consultation)).content.decode()
    assert _shown_kind(html) == "answer"
    assert unit_ids(html) == {f"answer:{a.pk}" for a in data["answers"]}
    for params in ({"stance": "disagree"}, {"type": "", "stance": "disagree"}):
        html = client.get(url(consultation, **params)).content.decode()
        expected = {f"answer:{a.pk}" for i, a in enumerate(data["answers"]) if i % 4 == 0}
        assert unit_ids(html) == expected and _shown_kind(html) == "answer"
        assert f"{len(expected)} answer" in html
    html = client.get(url(consultation, type="comment")).content.decode()
    assert _shown_kind(html) == "comment"
