"""The moderation queue: who may see it (role x state), filters, bulk decisions and their errors."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from consultations.models import Consultation

from .conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(clause, citizen, other_citizen, real_texts):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    return [post(citizen, clause, real_texts[0]), post(other_citizen, clause, real_texts[1])]


def queue_url(clause):
    return reverse("comments:moderation-queue", kwargs={"slug": clause.document.consultation.slug})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("moderator", 200),
        ("publisher", 200),
        ("superuser", 200),
        ("analyst", 403),
        ("citizen", 403),
        ("outsider_official", 403),
    ],
)
@pytest.mark.parametrize("state", ["open", "closed"])
def test_queue_access_by_role_and_state(request, client, held, clause, who, status, state):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(state=state)
    client.force_login(request.getfixturevalue(who))
    assert client.get(queue_url(clause)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, held, clause):
    response = client.get(queue_url(clause))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_queue_of_an_unpublished_consultation_is_hidden_from_outsiders(client, outsider_official, clause):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(state="draft")
    client.force_login(outsider_official)
    assert client.get(queue_url(clause)).status_code == 404


def test_queue_lists_pending_comments(client, moderator, held, clause, real_texts):
    client.force_login(moderator)
    html = client.get(queue_url(clause)).content.decode()
    assert real_texts[0][:30] in html and real_texts[1][:30] in html
    assert "citizen@example.org" not in html


def test_bulk_approve_then_reject_with_reason_emails_authors(
    client, moderator, held, clause, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(queue_url(clause), {"comments": [held[0].pk], "decision": "approve"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(queue_url(clause), {"comments": [held[1].pk], "decision": "reject", "reason": "civil"})
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {held[0].pk: "published", held[1].pk: "rejected"}
    assert {m.to[0] for m in mail.outbox} == {"citizen@example.org", "other.citizen@example.org"}


def test_reject_without_reason_shows_an_error_and_changes_nothing(client, moderator, held, clause):
    client.force_login(moderator)
    response = client.post(queue_url(clause), {"comments": [held[0].pk], "decision": "reject"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "house rule" in html
    assert Comment.objects.get(pk=held[0].pk).status == "pending"


def test_no_selection_is_an_error(client, moderator, held, clause):
    client.force_login(moderator)
    response = client.post(queue_url(clause), {"decision": "approve"})
    assert response.status_code == 400 and "Select at least one comment" in response.content.decode()


def test_moderator_suspends_a_commenter_from_the_queue(client, moderator, held, clause, citizen):
    client.force_login(moderator)
    url = reverse(
        "comments:user-sanction", kwargs={"slug": clause.document.consultation.slug, "user_id": citizen.pk}
    )
    response = client.post(url, {"kind": "suspend", "reason": "civil", "days": "7"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.status == "suspended"


def test_staff_panel_links_to_the_queue(client, publisher, held, clause):
    client.force_login(publisher)
    html = client.get(
        reverse("staff:consultation-manage", kwargs={"slug": clause.document.consultation.slug})
    )
    assert queue_url(clause) in html.content.decode()


def moderate_url(comment):
    return reverse("comments:comment-moderate", kwargs={"slug": comment.consultation.slug, "pk": comment.pk})


@pytest.mark.parametrize(
    ("who", "status"),
    [("moderator", 200), ("publisher", 200), ("analyst", 403), ("citizen", 403), ("outsider_official", 403)],
)
def test_one_comments_moderation_page_is_for_the_teams_moderators(
    request, client, clause, other_citizen, real_texts, who, status
):
    comment = post(other_citizen, clause, real_texts[0])
    client.force_login(request.getfixturevalue(who))
    response = client.get(moderate_url(comment))
    assert response.status_code == status
    if status == 200:
        assert real_texts[0][:30] in response.content.decode()
        assert other_citizen.email not in response.content.decode()


def test_moderator_removes_a_published_unflagged_comment_from_its_page(
    client, moderator, clause, citizen, other_citizen, real_texts, django_capture_on_commit_callbacks
):
    """Nothing flagged it, so it is in no queue: its own page is where a moderator acts on it."""
    comment = post(citizen, clause, real_texts[0])
    client.force_login(moderator)
    html = client.get(comment.get_absolute_url()).content.decode()
    assert moderate_url(comment) in html  # the permalink and the thread lead moderators to it
    response = client.post(moderate_url(comment), {"decision": "hide"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode() and "house rule" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "published"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            moderate_url(comment), {"decision": "hide", "reason": "civil", "note": "Please keep it civil."}
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason, comment.moderated_by) == ("hidden", "civil", moderator)
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert "/appeal/" in mail.outbox[0].body and "Please keep it civil." in mail.outbox[0].body
    page = client.get(moderate_url(comment)).content.decode()
    assert "hide: civil" in page and moderator.public_name in page  # the audit trail: who, when, why
    client.force_login(other_citizen)
    html = client.get(clause.get_absolute_url()).content.decode()
    assert real_texts[0][:30] not in html and moderate_url(comment) not in html


def test_only_the_decisions_a_status_allows_are_offered_and_accepted(
    client, moderator, clause, citizen, real_texts
):
    comment = post(citizen, clause, real_texts[0])
    client.force_login(moderator)
    html = client.get(moderate_url(comment)).content.decode()
    assert 'value="hide"' in html and 'value="keep"' in html
    assert 'value="reject"' not in html and 'value="approve"' not in html
    response = client.post(moderate_url(comment), {"decision": "reject", "reason": "civil"})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.status == "published"


def test_a_comment_of_another_consultation_is_not_found_through_this_one(
    client, moderator, clause, citizen, team, real_texts
):
    from tests.factories import ConsultationFactory

    elsewhere = ConsultationFactory(team=team)
    comment = post(citizen, clause, real_texts[0])
    client.force_login(moderator)
    url = reverse("comments:comment-moderate", kwargs={"slug": elsewhere.slug, "pk": comment.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "hide", "reason": "civil"}).status_code == 404
    comment.refresh_from_db()
    assert comment.status == "published"


def test_the_queue_links_each_held_comment_to_its_moderation_page(client, moderator, held, clause):
    client.force_login(moderator)
    html = client.get(queue_url(clause)).content.decode()
    assert all(moderate_url(c) in html for c in held)
    page = client.get(moderate_url(held[0])).content.decode()
    assert 'value="approve"' in page and 'value="reject"' in page


def _tab(html: str) -> str:
    """The queue tab the page is on (aria-current)."""
    import re

    return re.search(r'href="\?filter=(\w+)" aria-current="page"', html).group(1)


def _decisions(html: str) -> set[str]:
    import re

    return set(re.findall(r'name="decision" type="radio" value="(\w+)"', html))


def test_post_moderated_queue_lists_recently_published_comments_nobody_reviewed(
    client, moderator, clause, citizen, other_citizen, real_texts
):
    """Under post-moderation comments appear at once; the queue lists the ones no moderator has looked at
    yet, newest first, and a "keep" takes one off the list."""
    first = post(citizen, clause, real_texts[0])
    second = post(other_citizen, clause, real_texts[1])
    assert {first.status, second.status} == {"published"}
    client.force_login(moderator)
    html = client.get(queue_url(clause) + "?filter=unreviewed").content.decode()
    assert "Recently published, not yet reviewed" in html
    assert html.index(real_texts[1][:30]) < html.index(real_texts[0][:30])
    response = client.post(
        queue_url(clause) + "?filter=unreviewed", {"comments": [first.pk], "decision": "keep"}
    )
    assert response.status_code == 302
    html = client.get(queue_url(clause) + "?filter=unreviewed").content.decode()
    assert real_texts[1][:30] in html and real_texts[0][:30] not in html


def test_queue_opens_on_the_tab_that_has_items(client, moderator, clause, citizen, other_citizen, real_texts):
    from comments import services

    flagged = post(citizen, clause, real_texts[0])
    services.flag_create(comment=flagged, user=other_citizen, reason="off_topic")
    client.force_login(moderator)
    html = client.get(queue_url(clause)).content.decode()
    assert _tab(html) == "flagged" and real_texts[0][:30] in html
    assert _tab(client.get(queue_url(clause) + "?filter=pending").content.decode()) == "pending"


def test_bulk_decisions_offered_are_those_every_listed_comment_can_take(
    client, moderator, held, clause, citizen, real_texts
):
    client.force_login(moderator)
    pending = _decisions(client.get(queue_url(clause) + "?filter=pending").content.decode())
    assert pending == {"approve", "reject", "hide", "keep"}
    client.post(queue_url(clause), {"comments": [held[0].pk], "decision": "approve"})
    decided = _decisions(client.get(queue_url(clause) + "?filter=decided").content.decode())
    assert decided == {"hide", "keep"}  # a published comment cannot be approved or rejected


def test_queue_rows_name_the_author_opening_words_and_clause(client, moderator, held, clause, document):
    client.force_login(moderator)
    html = client.get(queue_url(clause)).content.decode()
    assert "Select comment " not in html
    words = " ".join(held[0].body.split()[:6])
    assert f"Select the comment by {held[0].author.display_name}: “{words}" in html
    assert f"{clause.label}" in html
    general = Comment.objects.create(
        consultation=document.consultation,
        document=document,
        author=held[0].author,
        body="A general remark on the bill as a whole.",
        status="pending",
        category="general",
    )
    html = client.get(queue_url(clause)).content.decode()
    assert "General · General" not in html and str(general.pk) in html
    assert "The whole document" in html
