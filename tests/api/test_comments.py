"""Comments through the API: only what the public pages show; posting under the web form's own rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from comments import services
from comments.demo import polis_comments
from comments.models import Comment
from consultations.models import Consultation, Section
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db
LIST = "/api/v1/comments/"


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:20]


@pytest.fixture
def clause(document):
    return Section.objects.get(document=document, anchor="clause-3")


def post(author, clause, text, **kw) -> Comment:
    return services.comment_create(
        author=author,
        consultation=clause.document.consultation,
        document=clause.document,
        section=clause,
        body=text,
        **kw,
    )


def ids(response) -> set[int]:
    return {c["id"] for c in response.json()["results"]}


@pytest.fixture
def every_status(citizen, other_citizen, clause, texts):
    made = {}
    for n, state in enumerate(["published", "pending", "rejected", "hidden", "withdrawn"]):
        comment = post(citizen if n % 2 else other_citizen, clause, texts[n])
        Comment.objects.filter(pk=comment.pk).update(status=state)
        made[state] = comment.pk
    return made


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "moderator", "outsider_official"])
def test_only_published_comments_come_out_of_the_public_list(request, api_as, persona, every_status):
    user = request.getfixturevalue(persona)
    response = api_as(user if persona != "anonymous" else None).get(LIST)
    assert ids(response) == {every_status["published"]}


@pytest.mark.parametrize("state", ["pending", "rejected", "hidden", "withdrawn"])
def test_an_unpublished_comment_is_a_404_even_for_its_author(
    api_as, citizen, other_citizen, every_status, state
):
    for user in (None, citizen, other_citizen):
        assert api_as(user).get(f"{LIST}{every_status[state]}/").status_code == 404


def test_comments_carry_the_public_name_and_never_an_email(api, citizen, clause, texts):
    post(citizen, clause, texts[0])
    body = api.get(LIST).content.decode()
    assert "Jo Citizen" in body and "citizen@example.org" not in body and "spam_score" not in body


def test_comments_of_an_invitation_only_consultation_are_for_its_team_only(
    api_as, team, citizen, moderator, texts
):
    invited = ConsultationFactory(team=team, visibility="invited")
    clause = make_document(consultation=invited, clauses=1).sections.get(anchor="clause-1")
    comment = Comment.objects.create(
        consultation=invited,
        document=clause.document,
        section=clause,
        author=citizen,
        body=texts[1],
        status="published",
        path="x/",
    )
    assert comment.pk not in ids(api_as(None).get(LIST))
    assert comment.pk in ids(api_as(moderator).get(LIST))


def test_comments_filter_by_clause_lineage_and_quote_is_exposed(api, citizen, clause, document, texts):
    quoted = post(
        citizen,
        clause,
        texts[2],
        quote={"exact": "meet the adult's needs", "prefix": "must ", "suffix": " for care"},
    )
    other = post(citizen, document.sections.get(anchor="clause-1"), texts[3])
    response = api.get(LIST, {"lineage_key": clause.lineage_key})
    assert ids(response) == {quoted.pk}
    assert response.json()["results"][0]["quote"] == {
        "exact": "meet the adult's needs",
        "prefix": "must ",
        "suffix": " for care",
    }
    assert other.pk in ids(api.get(LIST, {"document": document.pk}))


# --- posting ----------------------------------------------------------------------------------------------


def body_for(clause, text, **extra):
    return {
        "consultation": clause.document.consultation.slug,
        "document": clause.document_id,
        "section": clause.pk,
        "body": text,
        "category": "drafting",
        **extra,
    }


def test_anonymous_posting_is_refused_with_401(api, clause, texts):
    response = api.post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 401
    assert Comment.objects.count() == 0


def test_a_verified_citizen_posts_with_a_token_and_gets_201(api, citizen, clause, texts):
    _, key = ApiToken.issue(user=citizen, name="app")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 201, response.json()
    saved = Comment.objects.get()
    assert response.json()["id"] == saved.pk and response.json()["status"] == "published"
    assert saved.author == citizen and saved.section == clause


def test_the_same_idempotency_key_never_posts_twice(api_as, citizen, clause, texts):
    client = api_as(citizen)
    first = client.post(LIST, body_for(clause, texts[0]), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    again = client.post(LIST, body_for(clause, texts[0]), format="json", HTTP_IDEMPOTENCY_KEY="k-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Comment.objects.count() == 1


def test_reusing_a_key_for_a_different_comment_is_a_409(api_as, citizen, clause, texts):
    client = api_as(citizen)
    client.post(LIST, body_for(clause, texts[0]), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post(LIST, body_for(clause, texts[1]), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Comment.objects.count() == 1


def test_an_unverified_citizen_gets_the_web_forms_message(api_as, unverified_citizen, clause, texts):
    response = api_as(unverified_citizen).post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["error"]["message"]
    assert Comment.objects.count() == 0


def test_posting_to_a_closed_consultation_is_refused_and_nothing_is_saved(api_as, citizen, clause, texts):
    consultation = clause.document.consultation
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.opens_at = timezone.now() - timedelta(days=10)
    consultation.save()
    response = api_as(citizen).post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 400 and "closed" in response.json()["error"]["message"]
    assert Comment.objects.count() == 0


def test_html_and_bad_quotes_are_refused_naming_the_field(api_as, citizen, clause, texts):
    client = api_as(citizen)
    html = client.post(LIST, body_for(clause, "<script>alert(1)</script> " + texts[0]), format="json")
    assert html.status_code == 400 and "body" in html.json()["error"]["fields"]
    quote = client.post(
        LIST, body_for(clause, texts[0], quote_exact="words that are not there"), format="json"
    )
    assert quote.status_code == 400 and "quote_exact" in quote.json()["error"]["fields"]
    missing = client.post(LIST, {"consultation": clause.document.consultation.slug}, format="json")
    assert missing.status_code == 400 and "body" in missing.json()["error"]["fields"]
    assert Comment.objects.count() == 0


def test_a_pre_moderated_comment_waits_and_is_not_public(api, api_as, citizen, clause, texts):
    consultation = clause.document.consultation
    consultation.moderation_mode = "pre"
    consultation.save()
    response = api_as(citizen).post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert api.get(LIST).json()["results"] == []


def test_replies_only_to_published_comments_on_the_same_consultation(
    api_as, citizen, other_citizen, clause, texts
):
    parent = post(other_citizen, clause, texts[0])
    ok = api_as(citizen).post(
        LIST,
        {"consultation": clause.document.consultation.slug, "parent": parent.pk, "body": texts[1]},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["parent"] == parent.pk and ok.json()["section"] == clause.pk
    Comment.objects.filter(pk=parent.pk).update(status="rejected")
    refused = api_as(citizen).post(
        LIST,
        {"consultation": clause.document.consultation.slug, "parent": parent.pk, "body": texts[2]},
        format="json",
    )
    assert refused.status_code == 400 and "parent" in refused.json()["error"]["fields"]


def test_the_web_forms_rate_limit_applies_through_the_api(api_as, citizen, clause, texts, settings):
    settings.COMMENT_RATE_PER_USER = "1/600"
    client = api_as(citizen)
    assert client.post(LIST, body_for(clause, texts[0]), format="json").status_code == 201
    limited = client.post(LIST, body_for(clause, texts[1]), format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Comment.objects.count() == 1


def test_posting_to_a_draft_consultation_is_a_404(api_as, citizen, team, texts):
    draft = ConsultationFactory(team=team, state="draft")
    response = api_as(citizen).post(LIST, {"consultation": draft.slug, "body": texts[0]}, format="json")
    assert response.status_code == 404 and Comment.objects.count() == 0


def test_a_clause_of_a_draft_or_invitation_only_consultation_is_a_404_to_outsiders(
    api_as, citizen, team, texts
):
    for consultation in (
        ConsultationFactory(team=team, state="draft"),
        ConsultationFactory(team=team, visibility="invited"),
    ):
        clause = make_document(consultation=consultation, clauses=1).sections.get(anchor="clause-1")
        response = api_as(citizen).post(LIST, body_for(clause, texts[0]), format="json")
        assert response.status_code == 404, consultation.slug
    assert Comment.objects.count() == 0


def test_a_clause_named_with_the_wrong_document_or_consultation_is_refused_by_name(
    api_as, citizen, clause, team, texts
):
    other = make_document(consultation=ConsultationFactory(team=team), clauses=1)
    wrong_document = body_for(clause, texts[0], document=other.pk)
    response = api_as(citizen).post(LIST, wrong_document, format="json")
    assert response.status_code == 400 and "document" in response.json()["error"]["fields"]
    wrong_section = body_for(clause, texts[0], section=other.sections.get(anchor="clause-1").pk)
    response = api_as(citizen).post(LIST, wrong_section, format="json")
    assert response.status_code == 400 and "section" in response.json()["error"]["fields"]
    assert Comment.objects.count() == 0


def test_a_draft_document_of_a_public_consultation_is_not_open_to_comment(api_as, citizen, clause, texts):
    clause.document.state = "draft"
    clause.document.save()
    response = api_as(citizen).post(LIST, body_for(clause, texts[0]), format="json")
    assert response.status_code == 400 and "document" in response.json()["error"]["fields"]
    assert Comment.objects.count() == 0


# --- officials -------------------------------------------------------------------------------------------


def staff_url(consultation, what):
    return f"/api/v1/staff/consultations/{consultation.slug}/{what}/"


def test_moderators_list_every_status_of_their_consultations(api_as, moderator, every_status, consultation):
    response = api_as(moderator).get(staff_url(consultation, "comments"), {"status": "pending"})
    assert ids(response) == {every_status["pending"]}
    assert "hold_reason" in response.json()["results"][0]


@pytest.mark.parametrize("persona,code", [("citizen", 403), ("outsider_official", 403), ("analyst", 403)])
def test_others_cannot_see_the_moderation_list(request, api_as, persona, code, every_status, consultation):
    response = api_as(request.getfixturevalue(persona)).get(staff_url(consultation, "comments"))
    assert response.status_code == code


def test_moderating_through_the_api_uses_the_house_rules(api, api_as, moderator, every_status, consultation):
    url = staff_url(consultation, "moderation")
    pending = every_status["pending"]
    refused = api_as(moderator).post(url, {"comment_ids": [pending], "decision": "reject"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    assert Comment.objects.get(pk=pending).status == "pending"
    approved = api_as(moderator).post(url, {"comment_ids": [pending], "decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()[0]["status"] == "published"
    assert pending in ids(api.get(LIST))


def test_a_citizen_cannot_moderate(api_as, citizen, every_status, consultation):
    response = api_as(citizen).post(
        staff_url(consultation, "moderation"),
        {"comment_ids": [every_status["pending"]], "decision": "approve"},
        format="json",
    )
    assert response.status_code == 403
    assert Comment.objects.get(pk=every_status["pending"]).status == "pending"


def test_the_comment_list_answers_304_until_a_new_comment_is_published(api, citizen, clause, texts):
    post(citizen, clause, texts[0])
    first = api.get(LIST, {"section": clause.pk})
    etag = first["ETag"]
    assert api.get(LIST, {"section": clause.pk}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    held = post(citizen, clause, texts[1])
    Comment.objects.filter(pk=held.pk).update(status="pending")  # a held comment changes nothing public
    assert api.get(LIST, {"section": clause.pk}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    post(citizen, clause, texts[2])
    changed = api.get(LIST, {"section": clause.pk}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and len(changed.json()["results"]) == 2


# --- a publisher's change and the next post ----------------------------------------------------------


@pytest.mark.parametrize(
    "change,code",
    [
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, 400),
        ({"state": "draft"}, 404),
        ({"visibility": "invited"}, 404),
    ],
)
def test_a_publishers_change_applies_to_the_very_next_post(api_as, citizen, clause, texts, change, code):
    client = api_as(citizen)
    assert client.post(LIST, body_for(clause, texts[0]), format="json").status_code == 201
    consultation = clause.document.consultation
    for name, value in change.items():
        setattr(consultation, name, value)
    consultation.save()  # as the staff pages and the admin save it
    response = client.post(LIST, body_for(clause, texts[1]), format="json")
    assert response.status_code == code, response.json()
    assert Comment.objects.count() == 1


def test_a_document_taken_back_to_draft_is_closed_to_the_very_next_post(api_as, citizen, clause, texts):
    client = api_as(citizen)
    assert client.post(LIST, body_for(clause, texts[0]), format="json").status_code == 201
    clause.document.state = "draft"
    clause.document.save()
    response = client.post(LIST, body_for(clause, texts[1]), format="json")
    assert response.status_code == 400 and "document" in response.json()["error"]["fields"]
    assert Comment.objects.count() == 1


def test_a_change_written_straight_to_the_database_applies_to_the_next_post(api_as, citizen, clause, texts):
    """No signal, no cache to clear: whether the consultation is open is read afresh for every post."""
    client = api_as(citizen)
    assert client.post(LIST, body_for(clause, texts[0]), format="json").status_code == 201
    Consultation.objects.filter(pk=clause.document.consultation_id).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(LIST, body_for(clause, texts[1]), format="json")
    assert response.status_code == 400 and "closed" in response.json()["error"]["message"]
    assert Comment.objects.count() == 1


def test_comment_serializers_build_their_fields_once_and_never_share_them(citizen, clause, texts):
    from api.serializers_participation import CommentSerializer, OwnCommentSerializer, StaffCommentSerializer

    comment = post(citizen, clause, texts[0])
    one, two = OwnCommentSerializer(comment), OwnCommentSerializer(comment, context={"request": None})
    assert one.fields["body"] is not two.fields["body"]
    assert one.fields["html_url"].parent is one and two.fields["html_url"].parent is two
    # each class its own fields: the staff shape's extra columns never reach the public or own shapes
    assert "spam_score" in StaffCommentSerializer(comment).data
    assert "spam_score" not in OwnCommentSerializer(comment).data
    assert "status" not in CommentSerializer(comment).data and "status" in OwnCommentSerializer(comment).data
    assert OwnCommentSerializer(comment).data["body"] == comment.body
