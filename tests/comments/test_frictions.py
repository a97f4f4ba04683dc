"""Smaller frictions found in the browser (issue 20, item 8): the "following" confirmation is shown where
the person is, agree and disagree are buttons, and which moderation emails carry one-click unsubscribe."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from comments import moderation
from comments.models import Comment, Subscription
from consultations.models import Consultation

from .conftest import post

pytestmark = pytest.mark.django_db

FOLLOWING = "You are following new comments here."


def test_the_following_confirmation_is_shown_beside_the_follow_button(client, citizen, clause):
    client.force_login(citizen)
    page_url = clause.get_absolute_url()
    response = client.post(
        reverse("comments:follow"),
        {
            "kind": "section",
            "consultation": clause.document.consultation.slug,
            "document": clause.document.pk,
            "section": clause.pk,
            "frequency": "immediate",
            "next": f"{page_url}#clause-section",
        },
        follow=True,
    )
    html = response.content.decode()
    assert Subscription.objects.filter(user=citizen, section=clause, active=True).exists()
    assert html.count(FOLLOWING) == 1
    # inside the comments section the person comes back to (the redirect's #fragment), not at the top of
    # the page, above the clause, where it would be out of sight
    section_at = html.index('class="dhd-comments"')
    assert html.index(FOLLOWING) > section_at
    banner_at = html.rindex("govuk-notification-banner--success", 0, html.index(FOLLOWING))
    assert banner_at > section_at and 'role="alert"' in html[banner_at - 200 : html.index(FOLLOWING)]


def test_other_messages_still_show_at_the_top_of_the_page(client, publisher, clause):
    client.force_login(publisher)
    doc = clause.document
    edit = reverse(
        "staff:section-note-edit", args=[doc.consultation.slug, doc.slug, doc.version, clause.anchor]
    )
    html = client.post(edit, {"note": "What it does."}, follow=True).content.decode()
    assert "govuk-notification-banner--success" in html
    assert html.index("Explanatory note for Clause 3") < html.index("<h1")


def test_agree_and_disagree_are_govuk_secondary_buttons(client, citizen, other_citizen, clause, real_texts):
    post(citizen, clause, real_texts[0])
    client.force_login(other_citizen)
    html = client.get(clause.get_absolute_url()).content.decode()
    for value in ("agree", "disagree"):
        assert (
            f'<button type="submit" name="value" value="{value}" '
            'class="govuk-button govuk-button--secondary dhd-react__button" data-module="govuk-button" '
            'aria-pressed="false">'
        ) in html
    assert "dhd-link-button" not in html.split('class="dhd-comments"')[1].split("</form>")[0]


def _pre_moderated(clause):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.moderation_mode = "pre"


def test_published_decision_has_one_click_unsubscribe_and_respects_it(
    citizen, moderator, clause, real_texts, django_capture_on_commit_callbacks
):
    _pre_moderated(clause)
    first = post(citizen, clause, real_texts[0])
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(comment=first, by=moderator, decision="approve")
    told = [m for m in mail.outbox if m.to == [citizen.email] and "published" in m.subject]
    assert len(told) == 1
    headers = told[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].strip("<>") in told[0].body

    Subscription.objects.filter(user=citizen, kind=Subscription.Kind.REPLIES).update(active=False)
    second = post(citizen, clause, real_texts[1])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(comment=second, by=moderator, decision="approve")
    assert not [m for m in mail.outbox if m.to == [citizen.email]]


def test_a_rejection_is_always_sent_and_has_no_unsubscribe(
    citizen, moderator, clause, real_texts, django_capture_on_commit_callbacks
):
    _pre_moderated(clause)
    Subscription.objects.create(user=citizen, kind=Subscription.Kind.REPLIES, active=False)
    comment = post(citizen, clause, real_texts[2])
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(comment=comment, by=moderator, decision="reject", reason="civil")
    told = [m for m in mail.outbox if m.to == [citizen.email]]
    assert len(told) == 1 and "not published" in told[0].subject
    assert "List-Unsubscribe" not in told[0].extra_headers
    assert "appeal" in told[0].body
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REJECTED


def test_a_date_a_publisher_may_not_change_is_a_disabled_group(client, publisher, consultation):
    client.force_login(publisher)
    html = client.get(reverse("staff:consultation-edit", args=[consultation.slug])).content.decode()
    # an open consultation's dates change only through "Extend" or "Close early"
    for name in ("opens_at", "closes_at"):
        group = html[html.index(f'id="id_{name}"') - 600 : html.index(f'id="id_{name}"')]
        fieldset = group[group.rindex("<fieldset") :]
        assert " disabled" in fieldset and 'aria-disabled="true"' in fieldset
