"""A citizen downloads everything the portal holds about them and erases their account; personal data
in responses is wiped after a consultation's retention period. Comment text is real (Polis, CC BY 4.0)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments import services as comment_services
from comments.demo import polis_comments
from comments.models import Comment, Flag, Reaction, Subscription
from consultations.models import Consultation, Section
from dhdigital.accounts import privacy
from dhdigital.accounts.models import User
from responses.models import Answer, Question, Response
from tests.factories import PASSWORD, ConsultationFactory


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [c["body"] for c in polis_comments(limit=40) if len(c["body"]) > 40]


@pytest.fixture
def clause(document):
    return Section.objects.get(document=document, anchor="clause-2")


def _post(author, clause, text, parent=None) -> Comment:
    return comment_services.comment_create(
        author=author,
        consultation=clause.document.consultation,
        document=clause.document,
        section=clause,
        parent=parent,
        body=text,
        category=Comment.Category.DRAFTING,
    )


@pytest.fixture
def footprint(citizen, other_citizen, clause, texts):
    """A citizen who has commented, been replied to, reacted, flagged, followed and responded."""
    consultation = clause.document.consultation
    published = _post(citizen, clause, texts[0])
    reply = _post(other_citizen, clause, texts[1], parent=published)
    theirs = _post(other_citizen, clause, texts[2])
    pending = _post(citizen, clause, texts[3])
    Comment.objects.filter(pk=pending.pk).update(status=Comment.Status.PENDING)
    comment_services.reaction_set(comment=theirs, user=citizen, value=Reaction.Value.AGREE)
    comment_services.flag_create(comment=theirs, user=citizen, reason=Flag.Reason.OFF_TOPIC)
    Subscription.objects.create(user=citizen, kind=Subscription.Kind.CONSULTATION, consultation=consultation)
    question = Question.objects.create(consultation=consultation, text="Do you agree with clause 2?")
    response = Response.objects.create(
        consultation=consultation,
        respondent=citizen,
        status=Response.Status.SUBMITTED,
        respondent_name="Jo Citizen",
        email=citizen.email,
        address="1 High Street, Leeds LS1 1AA",
        consent=Response.Consent.NAMED,
        respondent_type=Response.RespondentType.INDIVIDUAL,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=response, question=question, text=texts[4], choices=["Agree"])
    other_consultation = ConsultationFactory(team=consultation.team)
    draft = Response.objects.create(
        consultation=other_consultation,
        respondent=citizen,
        status=Response.Status.DRAFT,
        respondent_name="Jo Citizen",
    )
    return {
        "published": published,
        "reply": reply,
        "theirs": theirs,
        "pending": pending,
        "response": response,
        "draft": draft,
    }


# --- download -----------------------------------------------------------------------------------------


def test_export_holds_every_kind_of_record_about_the_person(citizen, footprint, texts):
    data = privacy.personal_data_export(user=citizen)
    assert data["account"]["email"] == citizen.email
    assert data["account"]["display_name"] == "Jo Citizen"
    records = data["records"]
    bodies = {c["body"] for c in records["comments.Comment"]["author"]}
    assert bodies == {texts[0], texts[3]}
    assert records["comments.Reaction"]["user"][0]["value"] == "agree"
    assert records["comments.Flag"]["user"][0]["reason"] == "off_topic"
    assert records["comments.Subscription"]["user"][0]["kind"] == "consultation"
    responses = {r["reference"]: r for r in records["responses.Response"]["respondent"]}
    submitted = responses[footprint["response"].reference]
    assert submitted["address"] == "1 High Street, Leeds LS1 1AA"
    assert submitted["answers"] == [
        {"question": "Do you agree with clause 2?", "choices": ["Agree"], "text": texts[4]}
    ]
    assert data["email_addresses"] == [{"email": citizen.email, "verified": True, "primary": True}]


def test_export_leaves_out_secrets_and_other_peoples_data(citizen, other_citizen, footprint, texts):
    text = json.dumps(privacy.personal_data_export(user=citizen))
    assert "password" not in json.loads(text)["account"]
    assert footprint["response"].resume_secret not in text
    assert other_citizen.email not in text
    assert texts[1] not in text and texts[2] not in text  # other people's comments


def test_download_is_a_json_attachment_for_the_signed_in_person_only(client, citizen, footprint):
    assert client.get(reverse("accounts:data-export")).status_code == 302  # sign in first
    client.force_login(citizen)
    response = client.get(reverse("accounts:data-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="dhdigital-my-data-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert json.loads(response.content)["account"]["email"] == citizen.email


# --- erase ---------------------------------------------------------------------------------------------


def test_erasing_wipes_the_account_and_stops_sign_in(client, citizen, footprint):
    pk = citizen.pk
    privacy.account_erase(user=citizen, comments_policy=privacy.KEEP_PUBLISHED)
    user = User.objects.get(pk=pk)
    assert user.email.endswith("@erased.invalid") and "citizen" not in user.email
    assert user.display_name == "" and user.organisation == ""
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Subscription.objects.filter(user_id=pk).exists()
    response = client.post(reverse("account_login"), {"login": "citizen@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_keep_policy_leaves_published_comments_as_deleted_account(citizen, footprint, texts):
    privacy.account_erase(user=citizen, comments_policy=privacy.KEEP_PUBLISHED)
    published = Comment.objects.get(pk=footprint["published"].pk)
    assert published.status == Comment.Status.PUBLISHED and published.body == texts[0]
    assert published.author is None and published.author_name == "Deleted account"
    pending = Comment.objects.get(pk=footprint["pending"].pk)
    assert pending.body == "" and pending.body_html == ""
    assert pending.status == Comment.Status.WITHDRAWN
    # other people's replies and comments are untouched
    assert Comment.objects.get(pk=footprint["reply"].pk).body == texts[1]
    assert Comment.objects.get(pk=footprint["reply"].pk).author is not None


def test_remove_policy_takes_the_text_of_published_comments_too(citizen, footprint, texts):
    privacy.account_erase(user=citizen, comments_policy=privacy.REMOVE_TEXT)
    published = Comment.objects.get(pk=footprint["published"].pk)
    assert published.body == "" and published.status == Comment.Status.WITHDRAWN
    reply = Comment.objects.get(pk=footprint["reply"].pk)
    assert reply.body == texts[1] and reply.parent_id == published.pk  # the reply stays in its thread


def test_the_edit_history_forgets_the_person_and_removed_text(citizen, footprint, texts):
    pk = citizen.pk
    privacy.account_erase(user=citizen, comments_policy=privacy.REMOVE_TEXT)
    history = Comment.history.filter(id__in=[footprint["published"].pk, footprint["pending"].pk])
    assert history.exists()
    assert not history.exclude(body="").exists()
    assert not Comment.history.filter(history_user_id=pk).exists()
    assert not Comment.history.filter(author_id=pk).exists()


def test_reactions_and_flags_still_count_but_identify_no_one(citizen, footprint):
    pk = citizen.pk
    privacy.account_erase(user=citizen)
    theirs = Comment.objects.get(pk=footprint["theirs"].pk)
    assert theirs.agree_count == 1 and theirs.flag_count == 1
    assert Reaction.objects.get(comment=theirs).user.email.endswith("@erased.invalid")
    assert Flag.objects.filter(comment=theirs, user_id=pk).exists()


def test_responses_are_kept_for_analysis_but_anonymised(citizen, footprint, texts):
    privacy.account_erase(user=citizen)
    response = Response.objects.get(pk=footprint["response"].pk)
    assert (response.respondent_id, response.respondent_name, response.email, response.address) == (
        None,
        "",
        "",
        "",
    )
    assert response.consent == Response.Consent.ANONYMOUS
    assert response.answers.get().text == texts[4]
    assert not Response.objects.filter(pk=footprint["draft"].pk).exists()


def test_after_erasure_the_export_holds_nothing_personal(citizen, footprint, texts):
    privacy.account_erase(user=citizen)
    text = json.dumps(privacy.personal_data_export(user=User.objects.get(pk=citizen.pk)))
    assert "citizen@example.org" not in text and "Jo Citizen" not in text and "High Street" not in text


def test_a_superuser_cannot_erase_their_own_account(superuser):
    with pytest.raises(privacy.ErasureRefused):
        privacy.account_erase(user=superuser)
    assert User.objects.get(pk=superuser.pk).is_active


def test_the_erase_page_explains_the_policy(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("accounts:data-erase")).content.decode()
    assert "Deleted account" in page
    assert "You cannot undo this" in page
    assert reverse("accounts:data-export") in page


def test_a_wrong_password_erases_nothing(client, citizen, footprint):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:data-erase"),
        {"comments_policy": privacy.KEEP_PUBLISHED, "password": "not-my-password", "confirm": "on"},
    )
    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    assert User.objects.get(pk=citizen.pk).email == "citizen@example.org"


def test_erasing_needs_the_confirmation_and_a_choice(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:data-erase"), {"password": PASSWORD})
    page = response.content.decode()
    assert "Confirm that you understand your account will be deleted" in page
    assert "Select what should happen to your published comments and ideas" in page
    assert User.objects.get(pk=citizen.pk).is_active


def test_erasing_from_the_page_signs_the_person_out(client, citizen, footprint, texts):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:data-erase"),
        {"comments_policy": privacy.REMOVE_TEXT, "password": PASSWORD, "confirm": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:data-erased")
    assert "_auth_user_id" not in client.session
    assert Comment.objects.get(pk=footprint["published"].pk).body == ""
    assert client.get(reverse("accounts:data-export")).status_code == 302


# --- retention --------------------------------------------------------------------------------------


def _concluded(team, days_ago: int) -> Consultation:
    now = timezone.now()
    return ConsultationFactory(
        team=team,
        state=Consultation.State.CONCLUDED,
        opens_at=now - timedelta(days=days_ago + 120),
        closes_at=now - timedelta(days=days_ago + 30),
        outcome_published_at=now - timedelta(days=days_ago),
    )


def _response(consultation, n: int) -> Response:
    return Response.objects.create(
        consultation=consultation,
        status=Response.Status.SUBMITTED,
        respondent_name=f"Respondent {n}",
        email=f"respondent{n}@example.org",
        address=f"{n} Station Road",
        organisation_name="Age UK",
        respondent_type=Response.RespondentType.ORGANISATION,
        channel=Response.Channel.POST,
    )


def test_retention_wipes_contact_details_once_the_period_is_over(team, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    old, recent = _concluded(team, days_ago=91), _concluded(team, days_ago=89)
    open_now = ConsultationFactory(team=team)
    due = [_response(old, n) for n in range(3)]
    kept = [_response(recent, 10), _response(open_now, 11)]
    result = privacy.personal_data_retention()
    assert result == {"responses_wiped": 3, "consultations": 1}
    for response in Response.objects.filter(pk__in=[r.pk for r in due]):
        assert (response.respondent_name, response.email, response.address) == ("", "", "")
        assert response.organisation_name == "Age UK"  # an organisation's name is not personal data
    for response in Response.objects.filter(pk__in=[r.pk for r in kept]):
        assert response.email.endswith("@example.org")


def test_retention_is_idempotent(team, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    _response(_concluded(team, days_ago=40), 1)
    assert privacy.personal_data_retention()["responses_wiped"] == 1
    assert privacy.personal_data_retention() == {"responses_wiped": 0, "consultations": 0}


def test_retention_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "dhdigital.accounts.tasks.personal_data_retention"
    assert entry["schedule"] == 24 * 60 * 60.0
    from dhdigital.accounts.tasks import personal_data_retention

    assert personal_data_retention.name == entry["task"]


# --- the notice says what the code does ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_privacy_notice_quotes_the_retention_and_lockout_settings(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    page = client.get(reverse("privacy")).content.decode()
    assert "180 days after the government publishes its response" in page
    assert f"pause sign-in for 15 minutes after {settings.AXES_FAILURE_LIMIT} wrong passwords" in page
    assert "‘Deleted account’" in page
    assert "remove any email or IP address" in page.replace("removes", "remove")
