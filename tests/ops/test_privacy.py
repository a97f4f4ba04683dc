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
        {
            "id": Answer.objects.get(response=footprint["response"]).pk,
            "question": "Do you agree with clause 2?",
            "choices": ["Agree"],
            "text": texts[4],
            "analysis": {"scores": None, "themes": []},  # not enriched in this test
        }
    ]
    assert data["email_addresses"] == [{"email": citizen.email, "verified": True, "primary": True}]


def test_export_leaves_out_secrets_and_other_peoples_data(citizen, other_citizen, footprint, texts):
    text = json.dumps(privacy.personal_data_export(user=citizen))
    assert "password" not in json.loads(text)["account"]
    assert footprint["response"].resume_secret not in text
    assert other_citizen.email not in text
    assert texts[1] not in text and texts[2] not in text  # other people's comments


def test_download_is_an_attachment_for_the_signed_in_person_only(client, citizen, footprint):
    assert client.get(reverse("accounts:data-export")).status_code == 302  # sign in first
    client.force_login(citizen)
    response = client.get(reverse("accounts:data-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dhdigital-my-data-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert _read_archive(response.content)[0]["account"]["email"] == citizen.email


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
    assert result == {"responses_wiped": 3, "consultations": 1, "sign_in_attempts_deleted": 0}
    for response in Response.objects.filter(pk__in=[r.pk for r in due]):
        assert (response.respondent_name, response.email, response.address) == ("", "", "")
        assert response.organisation_name == "Age UK"  # an organisation's name is not personal data
    for response in Response.objects.filter(pk__in=[r.pk for r in kept]):
        assert response.email.endswith("@example.org")


def test_retention_is_idempotent(team, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    _response(_concluded(team, days_ago=40), 1)
    assert privacy.personal_data_retention()["responses_wiped"] == 1
    assert privacy.personal_data_retention() == {
        "responses_wiped": 0,
        "consultations": 0,
        "sign_in_attempts_deleted": 0,
    }


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


# --- the download is complete ---------------------------------------------------------------------------


def _read_archive(content: bytes) -> tuple[dict, dict[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("my-data.json")), files


def test_the_download_is_a_zip_with_the_data_and_the_files_the_person_attached(client, citizen, footprint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from responses.services import attachment_add

    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
    attachment_add(
        response=footprint["response"], upload=SimpleUploadedFile("My letter.pdf", pdf), by=citizen
    )
    client.force_login(citizen)
    response = client.get(reverse("accounts:data-export"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    data, files = _read_archive(response.content)
    listed = data["records"]["responses.Response"]["respondent"]
    attached = next(r for r in listed if r["reference"] == footprint["response"].reference)["attachments"]
    assert [(a["name"], a["kind"], a["size"]) for a in attached] == [("My letter.pdf", "pdf", len(pdf))]
    assert files == {attached[0]["file"]: pdf}


def test_the_download_holds_what_the_analysis_derived_from_the_persons_words(citizen, footprint, texts):
    from insights.models import Enrichment, Theme, ThemeAssignment
    from insights.services import enrichment_compute

    comment = footprint["published"]
    enrichment_compute(kind="comment", pk=comment.pk)
    theme = Theme.objects.create(consultation=comment.consultation, scope="consultation", label="Funding")
    ThemeAssignment.objects.create(theme=theme, comment=comment, confidence=0.8)
    stored = Enrichment.objects.get(comment=comment)
    data = privacy.personal_data_export(user=citizen)
    mine = next(c for c in data["records"]["comments.Comment"]["author"] if c["id"] == comment.pk)
    assert mine["analysis"]["scores"]["stance"] == stored.stance
    assert mine["analysis"]["scores"]["spam_score"] == stored.spam_score
    assert mine["analysis"]["themes"] == [
        {"theme": "Funding", "by": "the analysis", "confidence": 0.8, "confirmed": False, "rejected": False}
    ]


def test_the_download_holds_earlier_versions_of_an_edited_comment(citizen, footprint, texts):
    comment = footprint["published"]
    comment.body = texts[5]
    comment.save(update_fields=["body"])
    data = privacy.personal_data_export(user=citizen)
    mine = next(c for c in data["records"]["comments.Comment"]["author"] if c["id"] == comment.pk)
    assert mine["body"] == texts[5]
    assert [v["body"] for v in mine["earlier_versions"]] == [texts[0]]


def test_the_download_lists_sessions_and_failed_sign_ins_without_their_keys(client, citizen, settings):
    client.force_login(citizen)
    other = type(client)()
    other.post(
        reverse("account_login"),
        {"login": citizen.email, "password": "wrong-password-123"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Firefox on a library computer",
    )
    data = privacy.personal_data_export(user=citizen)
    assert len(data["sessions"]) == 1 and set(data["sessions"][0]) == {"expires"}
    assert client.session.session_key not in json.dumps(data)
    [attempt] = data["sign_in_attempts"]
    assert attempt["ip_address"] == "203.0.113.9" and attempt["failures"] == 1
    assert attempt["browser"] == "Firefox on a library computer"


# Models that point at a row that points at the user (one hop further than the foreign keys the export
# walks): each is either exported with its parent or holds nothing about the person. A new model in
# this set fails the test until it is put in one list or the other.
EXPORTED_WITH_PARENT = {
    "responses.Answer": "answers of the person's responses",
    "responses.LetterPart": "what the person's responses say about clauses",
    "responses.ResponseAttachment": "files of the person's responses (listed and in the ZIP)",
    "insights.Enrichment": "scores of the person's comments, answers and ideas",
    "insights.ThemeAssignment": "theme tags of the person's comments, answers and ideas",
}
NOT_ABOUT_THE_PERSON = {
    "account.EmailConfirmation": "a verification key (a secret), sent to the address exported",
    "comments.Comment": "replies by others to the person's comments",
    "comments.Reaction": "other people's reactions to the person's comments",
    "comments.Flag": "other people's reports of the person's comments (moderation, not theirs)",
    "comments.Appeal": "appeals on comments: the person's own appeals are exported by their user key",
    "responses.Idea": "ideas merged into the person's idea, written by others",
    "responses.IdeaVote": "other people's votes on the person's ideas",
    "responses.IdeaFlag": "other people's reports of the person's ideas (moderation, not theirs)",
    "responses.EventNote": "an official's notes of an event",
    "notices.Event": "what happened to a consultation or an idea; the person's notices are exported",
    "insights.CampaignMember": "campaign grouping; the person's text is exported with their comment",
    "insights.Campaign": "a detected form letter, a team's analysis",
    "insights.UnitVector": "a model's vector of a text (numbers, not readable); goes with the text",
    "insights.Theme": "a team's analysis",
    "insights.Summary": "a team's analysis",
    "insights.Report": "a team's analysis",
    "outcomes.LedgerEntry": "a team's record of what it did with a clause",
    "consultations.Consultation": "published consultations",
    "consultations.Section": "published clauses",
    "api.WebhookDelivery": "a team's webhook deliveries",
    "policycycle.CapabilityScore": "a team's self-assessment",
    "accounts.Team": "a team",
    "accounts.TeamMembership": "exported by its user key",
}


def test_every_model_one_hop_from_the_user_is_exported_or_not_about_the_person():
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_model = get_user_model()

    def fks(model):
        return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None]

    concrete = [m for m in apps.get_models() if not m.__name__.startswith("Historical")]
    user_linked = {m for m in concrete if any(f.related_model is user_model for f in fks(m))}
    one_hop = {
        m._meta.label
        for m in concrete
        if m is not user_model and any(f.related_model in user_linked for f in fks(m))
    }
    assert sorted(one_hop - set(EXPORTED_WITH_PARENT) - set(NOT_ABOUT_THE_PERSON)) == []


# --- erasure leaves no copy of removed text, and no keys --------------------------------------------------


def test_removed_text_leaves_no_copy_in_the_analysis(citizen, footprint, texts):
    from insights.models import Enrichment, Summary, Theme, ThemeAssignment
    from insights.services import enrichment_compute

    comment, other = footprint["published"], footprint["theirs"]
    for c in (comment, other):
        enrichment_compute(kind="comment", pk=c.pk)
    theme = Theme.objects.create(
        consultation=comment.consultation,
        scope="consultation",
        label="Funding",
        quotes=[
            {"unit": "comment", "id": comment.pk, "text": texts[0]},
            {"unit": "comment", "id": other.pk, "text": texts[2]},
        ],
    )
    ThemeAssignment.objects.create(theme=theme, comment=comment, confidence=0.8)
    summary = Summary.objects.create(
        consultation=comment.consultation,
        theme=theme,
        scope="consultation",
        sentences=[
            {"text": texts[0][:60], "citations": [str(comment.pk)]},
            {"text": texts[2][:60], "citations": [str(other.pk)]},
        ],
    )
    privacy.account_erase(user=citizen, comments_policy=privacy.REMOVE_TEXT)
    assert not Enrichment.objects.filter(comment=comment).exists()
    assert Enrichment.objects.filter(comment=other).exists()
    assert not ThemeAssignment.objects.filter(comment=comment).exists()
    theme.refresh_from_db()
    assert theme.quotes == [{"unit": "comment", "id": other.pk, "text": texts[2]}]
    assert not Theme.history.filter(id=theme.pk).exclude(quotes=theme.quotes).exists()
    summary.refresh_from_db()
    assert [s["text"] for s in summary.sentences] == [texts[2][:60]]


def test_erasure_wipes_flag_notes_and_deletes_api_tokens(citizen, footprint):
    from api.models import ApiToken

    Flag.objects.filter(user=citizen).update(note="My neighbour at number 4 wrote this")
    ApiToken.issue(user=citizen, name="my notebook")
    counts = privacy.account_erase(user=citizen)
    assert Flag.objects.filter(user_id=citizen.pk).get().note == ""
    assert not ApiToken.objects.filter(user_id=citizen.pk).exists()
    assert counts["flag_notes_wiped"] == 1 and counts["api_tokens_deleted"] == 1


# --- retention, as beat runs it ---------------------------------------------------------------------


def test_retention_forgets_failed_sign_ins_once_they_no_longer_count(client, citizen, settings):
    from axes.models import AccessAttempt

    client.post(reverse("account_login"), {"login": citizen.email, "password": "wrong-password-123"})
    assert AccessAttempt.objects.count() == 1
    assert privacy.personal_data_retention()["sign_in_attempts_deleted"] == 0  # still counts
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    assert privacy.personal_data_retention(now=later)["sign_in_attempts_deleted"] == 1
    assert not AccessAttempt.objects.exists()


def test_beat_schedules_a_registered_task_that_carries_out_retention(team, settings):
    from dhdigital.celery import app

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    app.loader.import_default_modules()  # what beat and the worker do when they start
    entry = app.conf.beat_schedule["privacy-retention"]
    assert entry["task"] in app.tasks  # beat sends it by name: a typo would be sent to nobody
    response = _response(_concluded(team, days_ago=40), 1)
    result = app.tasks[entry["task"]].apply().get()
    assert result["responses_wiped"] == 1
    response.refresh_from_db()
    assert (response.respondent_name, response.email, response.address) == ("", "", "")


@pytest.mark.django_db
def test_the_privacy_notice_describes_the_download_analysis_and_visitor_counts(client):
    page = client.get(reverse("privacy")).content.decode()
    assert "ZIP file with your data in a JSON file and copies of the files you attached" in page
    assert "scores for how likely it is to be spam or abusive" in page  # exported as analysis.scores
    assert "the name of the browser" in page  # axes keeps the user agent with the IP address
    assert "within a day of the pause ending" in page  # the daily retention run deletes them
    assert "random value that changes every day" in page  # policycycle/visitors.py
    assert "API keys" in page and "notes you wrote when reporting comments are deleted" in page


# --- a subject-access download holds the subject's data only ---------------------------------------------


def test_every_foreign_key_to_a_person_is_declared_by_exactly_one_app():
    """Each app registers its personal data (dhdigital.accounts.privacy.Holder): every foreign key to the
    user is the person's own rows or what they did as an official, declared once; a new one fails here
    until its app says which."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    keys = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        if not m.__name__.startswith("Historical")
        for f in m._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    ]
    assert sorted(privacy.declared_keys()) == sorted(keys)


def test_a_staff_members_download_holds_their_own_data_only(moderator, citizen, clause, texts):
    """An official's decisions about other people (a response entered for them, a comment moderated with a
    private note, a ban) are the others' data: the download says what the official did, not what the
    others wrote or who they are."""
    from comments.models import Sanction

    consultation = clause.document.consultation
    Response.objects.create(
        consultation=consultation,
        entered_by=moderator,
        channel=Response.Channel.POST,
        status=Response.Status.SUBMITTED,
        respondent_name="Pat Letterwriter",
        email="pat@example.net",
        address="7 Mill Lane, York",
        respondent_type=Response.RespondentType.INDIVIDUAL,
        submitted_at=timezone.now(),
    )
    comment = _post(citizen, clause, texts[0])
    Comment.objects.filter(pk=comment.pk).update(
        moderated_by=moderator, moderation_note="PRIVATE-MODERATOR-NOTE", moderated_at=timezone.now()
    )
    Sanction.objects.create(
        user=citizen, kind="ban", reason="abuse", note="PRIVATE-SANCTION-NOTE", by=moderator
    )
    text = json.dumps(privacy.personal_data_export(user=moderator))
    for other in (
        "Pat Letterwriter",
        "pat@example.net",
        "Mill Lane",
        texts[0],
        "PRIVATE-MODERATOR-NOTE",
        "PRIVATE-SANCTION-NOTE",
        citizen.email,
        "Jo Citizen",
    ):
        assert other not in text, other
    assert moderator.email in text  # the download is still theirs
