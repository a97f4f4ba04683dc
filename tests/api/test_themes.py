"""Editing themes and tags through the API: the theme pages' actions, through the same audited services,
for the team's analysts only; bad input is a 400 naming the field and changes nothing."""

from __future__ import annotations

import pytest

from comments.demo import polis_comments
from comments.models import Comment
from insights.models import Theme, ThemeAssignment
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:6]


@pytest.fixture
def comments(consultation, document, citizen, texts):
    return [
        Comment.objects.create(
            consultation=consultation, document=document, author=citizen, body=t, status="published"
        )
        for t in texts[:4]
    ]


@pytest.fixture
def themes(consultation, comments):
    a = Theme.objects.create(consultation=consultation, scope="consultation", label="Taxes")
    b = Theme.objects.create(consultation=consultation, scope="consultation", label="Public spending")
    for c in comments[:3]:
        ThemeAssignment.objects.create(theme=a, comment=c, confidence=0.6)
    ThemeAssignment.objects.create(theme=b, comment=comments[3], confidence=0.9)
    return a, b


def api_url(path: str) -> str:
    return f"/api/v1/staff/{path}"


def test_an_analyst_names_a_new_theme_for_a_clause(api_as, analyst, consultation, document):
    clause = document.sections.get(anchor="clause-2")
    response = api_as(analyst).post(
        api_url(f"consultations/{consultation.slug}/themes/"),
        {"scope": f"clause:{clause.lineage_key}", "label": "  Carers'   breaks ", "description": "Respite."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    theme = Theme.objects.get(pk=response.json()["id"])
    assert (theme.label, theme.source, theme.approved_by) == ("Carers' breaks", "human", analyst)
    assert theme.history.first().history_user == analyst


@pytest.mark.parametrize(
    "body,field",
    [({"scope": "clause:nowhere", "label": "X"}, "non_field_errors"), ({"scope": "consultation"}, "label")],
)
def test_a_theme_with_a_bad_scope_or_no_name_is_refused(api_as, analyst, consultation, body, field):
    response = api_as(analyst).post(
        api_url(f"consultations/{consultation.slug}/themes/"), body, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error.get("fields", {}) or (field == "non_field_errors" and error["message"])
    assert Theme.objects.count() == 0


def test_confirming_and_deleting_a_theme(api_as, analyst, consultation, themes):
    a, b = themes
    client = api_as(analyst)
    confirmed = client.post(api_url(f"themes/{a.pk}/confirm/"))
    assert confirmed.status_code == 200 and confirmed.json()["approved_at"]
    assert client.delete(api_url(f"themes/{b.pk}/")).status_code == 204
    listed = client.get(api_url(f"consultations/{consultation.slug}/themes/")).json()["results"]
    assert [t["label"] for t in listed] == ["Taxes"]
    b.refresh_from_db()
    assert not b.is_active and b.history.first().history_change_reason == "deleted"
    again = client.delete(api_url(f"themes/{b.pk}/"))
    assert again.status_code == 400 and "deleted or merged" in again.json()["error"]["message"]


def test_merging_moves_the_tags_and_marks_the_source_merged(api_as, analyst, themes, comments):
    a, b = themes
    response = api_as(analyst).post(api_url(f"themes/{a.pk}/merge/"), {"sources": [b.pk]}, format="json")
    assert response.status_code == 200 and response.json()["tags"] == 4
    b.refresh_from_db()
    assert (b.is_active, b.merged_into) == (False, a)
    assert ThemeAssignment.objects.filter(theme=a, comment=comments[3], rejected=False).exists()


def test_merging_a_theme_of_another_consultation_changes_nothing(api_as, analyst, team, themes):
    a, _ = themes
    elsewhere = Theme.objects.create(
        consultation=ConsultationFactory(team=team), scope="consultation", label="Elsewhere"
    )
    response = api_as(analyst).post(
        api_url(f"themes/{a.pk}/merge/"), {"sources": [elsewhere.pk]}, format="json"
    )
    assert response.status_code == 400 and "sources" in response.json()["error"]["fields"]
    elsewhere.refresh_from_db()
    assert elsewhere.is_active and a.assignments.count() == 3


def test_splitting_moves_the_chosen_responses_to_a_new_theme(api_as, analyst, themes):
    a, b = themes
    tags = list(a.assignments.order_by("pk"))
    response = api_as(analyst).post(
        api_url(f"themes/{a.pk}/split/"), {"tags": [tags[0].pk], "label": "Tax credits"}, format="json"
    )
    assert response.status_code == 201 and response.json()["label"] == "Tax credits"
    new = Theme.objects.get(pk=response.json()["id"])
    assert new.assignments.filter(comment_id=tags[0].comment_id, rejected=False).exists()
    foreign = api_as(analyst).post(
        api_url(f"themes/{a.pk}/split/"),
        {"tags": [b.assignments.get().pk], "label": "Not mine"},
        format="json",
    )
    assert foreign.status_code == 400 and "tags" in foreign.json()["error"]["fields"]
    assert not Theme.objects.filter(label="Not mine").exists()


def test_tags_list_with_their_words_and_an_analyst_adds_removes_and_moves_them(
    api_as, analyst, themes, comments, texts
):
    a, b = themes
    client = api_as(analyst)
    listed = client.get(api_url(f"themes/{a.pk}/tags/")).json()["results"]
    assert {t["text"] for t in listed} == set(texts[:3])
    added = client.post(api_url(f"themes/{b.pk}/tags/"), {"unit": f"comment:{comments[0].pk}"}, format="json")
    assert added.status_code == 201 and added.json()["source"] == "human" and added.json()["confirmed"]
    assert client.delete(api_url(f"tags/{added.json()['id']}/")).status_code == 204
    assert not ThemeAssignment.objects.filter(pk=added.json()["id"]).exists()  # an official's tag: gone
    machine = a.assignments.order_by("pk").first()
    assert client.delete(api_url(f"tags/{machine.pk}/")).status_code == 204
    machine.refresh_from_db()
    assert machine.rejected  # a machine tag is kept, as rejected, to train the tagger
    second = a.assignments.filter(rejected=False).order_by("pk").first()
    moved = client.post(api_url(f"tags/{second.pk}/move/"), {"target": b.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["id"] == b.pk
    assert b.assignments.filter(comment_id=second.comment_id, rejected=False).exists()


def test_a_response_of_another_consultation_cannot_be_tagged(api_as, analyst, team, themes, citizen):
    a, _ = themes
    other = ConsultationFactory(team=team)
    stranger = Comment.objects.create(
        consultation=other, author=citizen, body="Elsewhere.", status="published"
    )
    client = api_as(analyst)
    response = client.post(api_url(f"themes/{a.pk}/tags/"), {"unit": f"comment:{stranger.pk}"}, format="json")
    assert response.status_code == 400
    bad = client.post(api_url(f"themes/{a.pk}/tags/"), {"unit": "comment twelve"}, format="json")
    assert bad.status_code == 400 and "unit" in bad.json()["error"]["fields"]
    assert a.assignments.count() == 3


@pytest.mark.parametrize("persona", ["moderator", "outsider_official", "citizen"])
def test_only_the_teams_analysts_edit_themes_and_tags(request, api_as, persona, consultation, themes):
    a, b = themes
    tag = a.assignments.first()
    client = api_as(request.getfixturevalue(persona))
    calls = [
        client.post(
            api_url(f"consultations/{consultation.slug}/themes/"),
            {"scope": "consultation", "label": "X"},
            format="json",
        ),
        client.delete(api_url(f"themes/{a.pk}/")),
        client.post(api_url(f"themes/{a.pk}/confirm/")),
        client.post(api_url(f"themes/{a.pk}/merge/"), {"sources": [b.pk]}, format="json"),
        client.post(api_url(f"themes/{a.pk}/split/"), {"tags": [tag.pk], "label": "X"}, format="json"),
        client.get(api_url(f"themes/{a.pk}/tags/")),
        client.delete(api_url(f"tags/{tag.pk}/")),
        client.post(api_url(f"tags/{tag.pk}/move/"), {"target": b.pk}, format="json"),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert Theme.objects.filter(is_active=True).count() == 2 and a.assignments.count() == 3
    assert not ThemeAssignment.objects.filter(rejected=True).exists()
