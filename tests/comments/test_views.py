"""Commenting, replying, reacting and moderating through the pages, as browsers and crafted POSTs do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment, Reaction, Subscription
from consultations.models import Consultation
from tests.factories import ConsultationFactory, make_document

from .conftest import post, reply

pytestmark = pytest.mark.django_db


def create_url(clause):
    return reverse("comments:comment-create", kwargs={"slug": clause.document.consultation.slug})


def form_data(clause, body, **extra):
    return {
        "document": clause.document.pk,
        "section": clause.pk,
        "target": clause.pk,
        "category": "drafting",
        "body": body,
        "idempotency_key": extra.pop("key", "key-1"),
        **extra,
    }


def test_citizen_posts_a_comment_and_stays_in_the_thread_at_it(client, citizen, clause, real_texts):
    client.force_login(citizen)
    response = client.post(create_url(clause), form_data(clause, real_texts[0]))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{clause.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(clause.get_absolute_url())
    assert real_texts[0][:40] in page.content.decode()
    assert f'id="comment-{comment.pk}"' in page.content.decode()


def test_comment_on_a_subsection_through_the_target_choice(client, citizen, clause, subsection, real_texts):
    client.force_login(citizen)
    client.post(create_url(clause), form_data(clause, real_texts[0], target=subsection.pk))
    assert Comment.objects.get().section == subsection


def test_a_double_submit_creates_one_comment(client, citizen, clause, real_texts):
    client.force_login(citizen)
    first = client.post(create_url(clause), form_data(clause, real_texts[0], key="same"))
    second = client.post(create_url(clause), form_data(clause, real_texts[0], key="same"))
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter your comment"),
        ("x" * 5001, "5,000 characters or fewer"),
        ('<script>alert("x")</script>', "Remove the HTML"),
        ("Invalid \ufffd bytes", "characters we could not read"),
    ],
)
def test_bad_input_shows_the_error_summary_and_saves_nothing(client, citizen, clause, body, message):
    client.force_login(citizen)
    response = client.post(create_url(clause), form_data(clause, body))
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and message in html
    assert 'href="#comments-body"' in html or 'href="#id_body"' in html or "#" in html
    assert "<title>Error:" in html
    assert not Comment.objects.exists()


def test_invalid_utf8_bytes_in_a_raw_post_are_refused(client, citizen, clause):
    client.force_login(citizen)
    raw = (
        f"document={clause.document.pk}&section={clause.pk}&category=drafting&idempotency_key=k&body="
    ).encode()
    # Browsers percent-encode form bytes: %E9 and %FF are not valid UTF-8.
    response = client.post(
        create_url(clause),
        data=raw + b"caf%E9+%FF%FE+clause",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "characters we could not read" in response.content.decode()
    assert not Comment.objects.exists()


def test_missing_category_is_an_error(client, citizen, clause, real_texts):
    client.force_login(citizen)
    data = form_data(clause, real_texts[0])
    del data["category"]
    response = client.post(create_url(clause), data)
    assert response.status_code == 400 and "Choose what your comment is about" in response.content.decode()


def test_honeypot_filled_saves_nothing(client, citizen, clause, real_texts):
    client.force_login(citizen)
    response = client.post(
        create_url(clause), form_data(clause, real_texts[0], website="http://spam.example")
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_anonymous_post_is_sent_to_sign_in(client, clause, real_texts):
    response = client.post(create_url(clause), form_data(clause, real_texts[0]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_crafted_post_to_a_closed_consultation_is_refused(client, citizen, clause, real_texts):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(citizen)
    response = client.post(create_url(clause), form_data(clause, real_texts[0]))
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_crafted_post_to_an_unpublished_consultation_is_not_found(client, citizen, team, real_texts):
    draft = ConsultationFactory(team=team, state="draft", published_at=None)
    doc = make_document(consultation=draft, clauses=1)
    section = doc.sections.get(anchor="clause-1")
    client.force_login(citizen)
    response = client.post(
        reverse("comments:comment-create", kwargs={"slug": draft.slug}), form_data(section, real_texts[0])
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_crafted_post_with_a_section_from_another_document_is_not_found(
    client, citizen, clause, team, real_texts
):
    other = make_document(consultation=ConsultationFactory(team=team), clauses=1)
    foreign = other.sections.get(anchor="clause-1")
    client.force_login(citizen)
    data = form_data(clause, real_texts[0], section=foreign.pk, target=foreign.pk)
    response = client.post(create_url(clause), data)
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_rate_limit_gives_a_429_page(client, citizen, clause, real_texts, settings):
    settings.COMMENT_RATE_PER_USER = "2/600"
    client.force_login(citizen)
    for i in range(2):
        assert (
            client.post(create_url(clause), form_data(clause, real_texts[i], key=f"k{i}")).status_code == 302
        )
    response = client.post(create_url(clause), form_data(clause, real_texts[2], key="k3"))
    assert response.status_code == 429
    assert "too often" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.count() == 2


def test_rate_limit_per_ip_covers_several_accounts(
    client, citizen, other_citizen, clause, real_texts, settings
):
    settings.COMMENT_RATE_PER_IP = "1/600"
    client.force_login(citizen)
    client.post(create_url(clause), form_data(clause, real_texts[0], key="a"))
    client.force_login(other_citizen)
    response = client.post(create_url(clause), form_data(clause, real_texts[1], key="b"))
    assert response.status_code == 429
    assert Comment.objects.count() == 1


def test_reply_without_javascript_and_inline_with_fetch(client, citizen, other_citizen, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    url = reverse("comments:comment-reply", kwargs={"pk": root.pk})
    assert "Reply to Jo Citizen" in client.get(url).content.decode()
    response = client.post(url, {"body": real_texts[1], "idempotency_key": "r1"})
    assert response.status_code == 302
    response = client.post(
        url, {"body": real_texts[2], "idempotency_key": "r2"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published" and real_texts[2][:30] in data["html"]
    root.refresh_from_db()
    assert root.reply_count == 2


def test_inline_reply_error_comes_back_as_an_error_summary_fragment(
    client, citizen, other_citizen, clause, real_texts
):
    root = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    response = client.post(
        reverse("comments:comment-reply", kwargs={"pk": root.pk}), {"body": ""}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.json()["errors"]
    form = response.json()["form"]  # the form itself, each field with its own message, as without JS
    assert "govuk-form-group--error" in form and "Enter your reply" in form
    assert (
        f'id="reply-{root.pk}-body"' in form and f'href="#reply-{root.pk}-body"' in response.json()["errors"]
    )
    assert Comment.objects.count() == 1


def test_reaction_with_and_without_javascript(client, citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    url = reverse("comments:comment-react", kwargs={"pk": comment.pk})
    response = client.post(url, {"value": "agree", "next": clause.get_absolute_url()})
    assert response.status_code == 302 and response["Location"].startswith(clause.get_absolute_url())
    response = client.post(url, {"value": "disagree"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.json() == {"agree": 0, "disagree": 1, "mine": "disagree"}
    page = client.get(clause.get_absolute_url()).content.decode()
    assert (
        'value="disagree" class="govuk-button govuk-button--secondary dhd-react__button" '
        'data-module="govuk-button" aria-pressed="true"'
    ) in page


def test_reaction_on_an_unpublished_comment_is_refused(
    client, citizen, other_citizen, clause, real_texts, moderator
):
    comment = post(citizen, clause, real_texts[0])
    moderation.comment_moderate(comment=comment, by=moderator, decision="hide", reason="civil")
    client.force_login(other_citizen)
    response = client.post(reverse("comments:comment-react", kwargs={"pk": comment.pk}), {"value": "agree"})
    assert response.status_code == 400
    assert "only react to a published comment" in response.content.decode()
    assert not Reaction.objects.exists()


def test_reaction_with_a_crafted_next_url_does_not_redirect_off_site(
    client, citizen, other_citizen, clause, real_texts
):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    response = client.post(
        reverse("comments:comment-react", kwargs={"pk": comment.pk}),
        {"value": "agree", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(comment.get_absolute_url())


def test_pending_comment_is_visible_to_its_author_only(client, citizen, other_citizen, clause, real_texts):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    comment = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    assert client.get(comment.get_absolute_url()).status_code == 404
    assert real_texts[0][:30] not in client.get(clause.get_absolute_url()).content.decode()
    client.force_login(citizen)
    page = client.get(clause.get_absolute_url()).content.decode()
    assert real_texts[0][:30] in page and "Awaiting moderation" in page


def test_hidden_comment_shows_placeholder_and_its_replies(
    client, citizen, other_citizen, moderator, clause, real_texts
):
    root = post(citizen, clause, real_texts[0])
    reply(other_citizen, root, real_texts[1])
    moderation.comment_moderate(comment=root, by=moderator, decision="hide", reason="civil")
    html = client.get(clause.get_absolute_url()).content.decode()
    assert "Comment removed by moderator" in html
    assert real_texts[0][:30] not in html
    assert real_texts[1][:30] in html


def test_closed_consultation_shows_comments_read_only(client, citizen, other_citizen, clause, real_texts):
    post(citizen, clause, real_texts[0])
    Consultation.objects.filter(pk=clause.document.consultation_id).update(state="closed")
    client.force_login(other_citizen)
    html = client.get(clause.get_absolute_url()).content.decode()
    assert real_texts[0][:30] in html
    assert "closed for comments" in html
    assert "data-comment-form" not in html and "data-reply-link" not in html and "data-react-form" not in html


def test_deep_threads_continue_on_the_comments_own_page(client, citizen, other_citizen, clause, real_texts):
    parent = post(citizen, clause, real_texts[0])
    chain = [parent]
    for i in range(1, 7):
        parent = reply(other_citizen if i % 2 else citizen, parent, real_texts[i])
        chain.append(parent)
    html = client.get(clause.get_absolute_url()).content.decode()
    assert "Continue this thread" in html
    assert real_texts[6][:30] not in html
    continued = client.get(chain[3].get_absolute_url()).content.decode()
    assert real_texts[6][:30] in continued


def test_sorting_by_most_agreed(client, citizen, other_citizen, third_citizen, clause, real_texts):
    from comments import services

    a = post(citizen, clause, real_texts[0])
    b = post(other_citizen, clause, real_texts[1])
    services.reaction_set(comment=a, user=third_citizen, value="agree")
    html = client.get(clause.get_absolute_url() + "?sort=agreed").content.decode()
    assert html.index(f'id="comment-{a.pk}"') < html.index(f'id="comment-{b.pk}"')
    html = client.get(clause.get_absolute_url() + "?sort=newest").content.decode()
    assert html.index(f'id="comment-{b.pk}"') < html.index(f'id="comment-{a.pk}"')


def test_flag_page_records_a_flag_and_needs_a_reason(client, citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    url = reverse("comments:comment-flag", kwargs={"pk": comment.pk})
    response = client.post(url, {})
    assert response.status_code == 400 and "Choose why you are reporting" in response.content.decode()
    response = client.post(url, {"reason": "personal_information", "note": "Names a neighbour"})
    assert response.status_code == 302
    assert comment.flags.get().reason == "personal_information"


def test_withdraw_and_edit_pages(client, citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(citizen)
    response = client.post(
        reverse("comments:comment-edit", kwargs={"pk": comment.pk}), {"body": real_texts[1]}
    )
    assert response.status_code == 302
    html = client.get(clause.get_absolute_url()).content.decode()
    assert "edited" in html
    client.post(reverse("comments:comment-withdraw", kwargs={"pk": comment.pk}))
    comment.refresh_from_db()
    assert comment.status == "withdrawn"


def test_someone_elses_comment_cannot_be_edited(client, citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    response = client.post(reverse("comments:comment-edit", kwargs={"pk": comment.pk}), {"body": "changed"})
    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.body == real_texts[0]


def test_house_rules_page_lists_every_rule(client):
    from comments.house_rules import RULES

    html = client.get(reverse("comments:house-rules")).content.decode()
    assert all(rule.title in html for rule in RULES)


def test_follow_and_stop_following_a_clause(client, citizen, clause):
    client.force_login(citizen)
    data = {
        "kind": "section",
        "consultation": clause.document.consultation.slug,
        "document": clause.document.pk,
        "section": clause.pk,
        "frequency": "daily",
    }
    client.post(reverse("comments:follow"), data)
    sub = citizen.subscriptions.get()
    assert (sub.section, sub.frequency, sub.active) == (clause, "daily", True)
    client.post(reverse("comments:follow"), {**data, "stop": "1"})
    sub.refresh_from_db()
    assert sub.active is False


def test_appeal_page_records_an_appeal(client, citizen, moderator, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    moderation.comment_moderate(comment=comment, by=moderator, decision="hide", reason="civil")
    client.force_login(citizen)
    url = reverse("comments:comment-appeal", kwargs={"pk": comment.pk})
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": real_texts[1]}).status_code == 302
    assert comment.appeals.get().text == real_texts[1]


def test_consultation_and_document_pages_show_their_general_comments(client, citizen, document, real_texts):
    from comments import services

    services.comment_create(
        author=citizen, consultation=document.consultation, body=real_texts[0], category="general"
    )
    services.comment_create(
        author=citizen,
        consultation=document.consultation,
        document=document,
        body=real_texts[1],
        category="question",
    )
    consultation_page = client.get(document.consultation.get_absolute_url()).content.decode()
    document_page = client.get(document.get_absolute_url()).content.decode()
    assert real_texts[0][:30] in consultation_page and real_texts[1][:30] not in consultation_page
    assert real_texts[1][:30] in document_page and real_texts[0][:30] not in document_page


def test_document_table_of_contents_counts_comments_per_clause(
    client, citizen, clause, subsection, real_texts
):
    from comments import services

    post(citizen, clause, real_texts[0])
    services.comment_create(
        author=citizen,
        consultation=clause.document.consultation,
        document=clause.document,
        section=subsection,
        body=real_texts[1],
    )
    html = client.get(clause.document.get_absolute_url()).content.decode()
    assert "2 comments" in html  # beside the clause in the reader
    toc = html[html.index("dhd-toc__list") :]
    assert f'href="{clause.get_absolute_url()}"' in toc  # and in the table of contents
    assert '<span class="govuk-body-s dhd-count">2<span class="govuk-visually-hidden"> comments</span>' in toc


def test_daily_digest_is_scheduled_by_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "comments.tasks.send_daily_digests" in tasks


def test_crafted_post_with_a_parent_from_another_clause_is_refused(
    client, citizen, other_citizen, document, real_texts
):
    from consultations.models import Section

    clause_1 = Section.objects.get(document=document, anchor="clause-1")
    clause_2 = Section.objects.get(document=document, anchor="clause-2")
    parent = post(citizen, clause_1, real_texts[0])
    client.force_login(other_citizen)
    response = client.post(create_url(clause_2), form_data(clause_2, real_texts[1], parent=parent.pk))
    assert response.status_code == 400
    assert "You can only reply to a comment on the same clause" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_form_restored_by_back_posts_new_text_even_with_its_old_key(client, citizen, clause, real_texts):
    """Browsers restore a form's hidden fields on Back: the same key with other words is a new comment."""
    client.force_login(citizen)
    first = client.post(create_url(clause), form_data(clause, real_texts[0], key="restored"))
    second = client.post(create_url(clause), form_data(clause, real_texts[1], key="restored"))
    retry = client.post(create_url(clause), form_data(clause, real_texts[1], key="restored"))
    bodies = list(Comment.objects.order_by("pk").values_list("body", flat=True))
    assert bodies == [real_texts[0], real_texts[1]]
    assert first["Location"] != second["Location"]
    assert retry["Location"] == second["Location"]  # a retry of the second post is still one comment


def test_a_reply_form_restored_by_back_posts_new_text_even_with_its_old_key(
    client, citizen, other_citizen, clause, real_texts
):
    root = post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    url = reverse("comments:comment-reply", kwargs={"pk": root.pk})
    client.post(url, {"body": real_texts[1], "idempotency_key": "r"})
    client.post(url, {"body": real_texts[2], "idempotency_key": "r"})
    client.post(url, {"body": real_texts[2], "idempotency_key": "r"})
    assert list(root.replies.order_by("pk").values_list("body", flat=True)) == [real_texts[1], real_texts[2]]


def test_edit_is_offered_only_while_it_can_succeed_and_withdraw_always(client, citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    edit = reverse("comments:comment-edit", kwargs={"pk": comment.pk})
    withdraw = reverse("comments:comment-withdraw", kwargs={"pk": comment.pk})
    client.force_login(citizen)
    html = client.get(clause.get_absolute_url()).content.decode()
    assert edit in html and withdraw in html
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    html = client.get(clause.get_absolute_url()).content.decode()
    assert edit not in html and withdraw in html
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now())
    Consultation.objects.filter(pk=clause.document.consultation_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(minutes=1)
    )
    html = client.get(clause.get_absolute_url()).content.decode()
    assert edit not in html and withdraw in html
    page = client.get(edit).content.decode()
    assert "You can no longer edit this comment" in page


def test_editing_under_pre_moderation_tells_the_author_it_waits_for_a_moderator(
    client, citizen, moderator, clause, real_texts
):
    from comments import moderation

    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    comment = post(citizen, clause, real_texts[0])
    moderation.comment_moderate(comment=comment, by=moderator, decision="approve")
    client.force_login(citizen)
    response = client.post(
        reverse("comments:comment-edit", kwargs={"pk": comment.pk}), {"body": real_texts[1]}, follow=True
    )
    assert "once a moderator has checked them" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_a_post_without_its_security_token_is_refused_plainly_and_saves_nothing(citizen, clause, real_texts):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    response = browser.post(create_url(clause), form_data(clause, real_texts[0]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form could not be sent" in html and "Nothing you sent was saved" in html
    assert "CSRF" not in html  # no jargon, no reason string on the page
    reply = browser.post(
        reverse("comments:comment-react", kwargs={"pk": post(citizen, clause, real_texts[1]).pk}),
        {"value": "agree"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert reply.status_code == 403 and "nothing was saved" in reply.json()["error"]
    assert Comment.objects.count() == 1 and not Reaction.objects.exists()


def test_sorting_oldest_first_and_most_discussed(client, citizen, other_citizen, clause, real_texts):
    a = post(citizen, clause, real_texts[0])
    b = post(other_citizen, clause, real_texts[1])
    reply(citizen, b, real_texts[2])
    order = lambda html: [html.index(f'id="comment-{c.pk}"') for c in (a, b)]  # noqa: E731
    oldest = order(client.get(clause.get_absolute_url() + "?sort=oldest").content.decode())
    discussed = order(client.get(clause.get_absolute_url() + "?sort=discussed").content.decode())
    assert oldest[0] < oldest[1] and discussed[1] < discussed[0]


def test_pre_moderated_consultation_says_so_before_you_post(client, citizen, clause):
    client.force_login(citizen)
    assert "A moderator checks every comment" not in client.get(clause.get_absolute_url()).content.decode()
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    assert "A moderator checks every comment" in client.get(clause.get_absolute_url()).content.decode()


def test_official_reply_is_labelled_on_the_clause_page(client, citizen, moderator, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    official = reply(moderator, root, real_texts[1])
    html = client.get(clause.get_absolute_url()).content.decode()
    start = html.index(f'id="comment-{official.pk}"')
    assert "Official response" in html[start : start + 600]
    assert "dhd-comment--official" in html[start - 80 : start]


def test_a_comment_on_a_subsection_is_named_by_its_full_citation(
    client, citizen, other_citizen, clause, subsection, real_texts, django_capture_on_commit_callbacks
):
    from comments import services

    comment = services.comment_create(
        author=citizen,
        consultation=clause.document.consultation,
        document=clause.document,
        section=subsection,
        body=real_texts[0],
    )
    html = client.get(comment.get_absolute_url()).content.decode()
    assert "Comment on Clause 3(1)</h1>" in html
    assert f'href="{clause.get_absolute_url()}#comment-{comment.pk}"' in html  # back to the clause page
    with django_capture_on_commit_callbacks(execute=True):
        reply(other_citizen, comment, real_texts[1])
    assert "Clause 3(1) of" in mail.outbox[0].body


def test_a_crafted_reply_to_a_removed_comment_is_refused_and_saves_nothing(
    client, citizen, other_citizen, moderator, clause, real_texts
):
    root = post(citizen, clause, real_texts[0])
    moderation.comment_moderate(comment=root, by=moderator, decision="hide", reason="civil")
    client.force_login(other_citizen)
    url = reverse("comments:comment-reply", kwargs={"pk": root.pk})
    assert "You cannot reply to this comment" in client.get(url).content.decode()
    response = client.post(url, {"body": real_texts[1], "idempotency_key": "x"})
    html = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert "cannot reply to a comment that has been removed" in html
    assert Comment.objects.count() == 1


def test_a_reply_without_javascript_lands_in_the_thread_with_a_confirmation(
    client, citizen, other_citizen, clause, real_texts
):
    client.force_login(citizen)
    client.post(create_url(clause), form_data(clause, real_texts[0]))
    parent = Comment.objects.get()
    client.force_login(other_citizen)
    response = client.post(
        f"/comments/{parent.pk}/reply/", {"body": real_texts[1], "idempotency_key": "r-1"}, follow=True
    )
    reply = Comment.objects.get(parent=parent)
    assert response.redirect_chain[-1][0] == f"{clause.get_absolute_url()}#comment-{reply.pk}"
    assert "Your reply has been published." in response.content.decode()


def test_nobody_follows_an_unpublished_document_or_learns_its_address(
    client, citizen, publisher, consultation
):
    """An unpublished version of a document is the team's: a citizen's follow is a 404 that names nothing
    (no redirect to its slug or clause anchors) and records nothing; the team may follow it."""
    draft = make_document(consultation=consultation, clauses=2, slug="secret-next-version")
    draft.state = "draft"
    draft.save(update_fields=["state"])
    section = draft.sections.get(anchor="clause-1")
    for kind, extra in (("document", {}), ("section", {"section": section.pk})):
        client.force_login(citizen)
        response = client.post(
            reverse("comments:follow"),
            {"kind": kind, "consultation": consultation.slug, "document": draft.pk, **extra},
        )
        assert response.status_code == 404
        assert "secret-next-version" not in response.content.decode()
        assert "secret-next-version" not in response.get("Location", "")
        assert not Subscription.objects.filter(user=citizen).exists()
    client.force_login(publisher)
    response = client.post(
        reverse("comments:follow"),
        {"kind": "document", "consultation": consultation.slug, "document": draft.pk},
    )
    assert response.status_code == 302
    assert Subscription.objects.filter(user=publisher, document=draft).exists()
