"""Issue 20, item 1: who is told when a consultation closes, its response is published, a new version of
its document appears or an idea's status changes: everyone who took part or follows, each once; nobody who
unsubscribed, cannot see the consultation, or has a closed account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comments.models import Subscription
from consultations import invitations, services
from consultations.models import Consultation, Document, Invitation, Section
from notices import services as notice_services
from notices.models import Event, Mute, Notice, Preference
from outcomes.models import LedgerEntry
from responses import ideas
from responses.models import Idea, Response
from tests.factories import ConsultationFactory, UserFactory, make_document

from .conftest import comment_on, sent_to

pytestmark = pytest.mark.django_db(transaction=True)  # the fan-out is queued on commit


def _close(consultation, publisher):
    return services.consultation_close_early(consultation=consultation, by=publisher, reason="Timetable")


def test_everyone_who_took_part_is_told_once_when_it_closes(
    publisher, consultation, clause, citizen, other_citizen, superuser
):
    responder, idea_author, follower = (UserFactory() for _ in range(3))
    comment_on(citizen, clause)
    comment_on(citizen, clause)  # two comments: still one notice
    Subscription.objects.create(user=citizen, kind="consultation", consultation=consultation)  # and follows
    Response.objects.create(consultation=consultation, respondent=responder, status=Response.Status.SUBMITTED)
    Idea.objects.create(consultation=consultation, author=idea_author, title="An idea", description="Do it")
    Subscription.objects.create(user=follower, kind="section", section=clause)
    _close(consultation, publisher)

    told = set(Notice.objects.values_list("user__email", flat=True))
    assert told == {citizen.email, responder.email, idea_author.email, follower.email}
    assert Notice.objects.count() == 4
    assert len(mail.outbox) == 4 and len(sent_to(citizen.email)) == 1
    assert other_citizen.email not in told and superuser.email not in told
    notice = Notice.objects.get(user=citizen)
    assert notice.title == f"“{consultation.title}” has closed"
    assert Event.objects.get().recipients == 4


def test_nobody_who_unsubscribed_or_whose_account_is_closed_is_told(publisher, consultation, clause, citizen):
    muted, muted_all, closed, draft_responder = (UserFactory() for _ in range(4))
    closed.is_active = False
    closed.save()
    for user in (citizen, muted, muted_all, closed):
        comment_on(user, clause)
    Response.objects.create(consultation=consultation, respondent=draft_responder)  # never submitted
    Mute.objects.create(user=muted, consultation=consultation)
    Mute.objects.create(user=muted_all, consultation=None)
    _close(consultation, publisher)
    assert list(Notice.objects.values_list("user_id", flat=True)) == [citizen.pk]
    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_nobody_who_cannot_see_the_consultation_is_told(publisher, moderator, consultation, clause, citizen):
    comment_on(citizen, clause)
    Subscription.objects.create(user=moderator, kind="consultation", consultation=consultation)
    Consultation.objects.filter(pk=consultation.pk).update(visibility=Consultation.Visibility.INVITED)
    consultation.refresh_from_db()
    _close(consultation, publisher)
    assert list(Notice.objects.values_list("user_id", flat=True)) == [moderator.pk]


def test_on_an_invitation_only_consultation_only_those_still_invited_are_told(
    publisher, consultation, clause, citizen, other_citizen
):
    Consultation.objects.filter(pk=consultation.pk).update(visibility=Consultation.Visibility.INVITED)
    consultation.refresh_from_db()
    invitations.invitations_create(
        consultation=consultation, emails=[citizen.email, other_citizen.email], by=publisher
    )
    for user in (citizen, other_citizen):
        invitations.invitation_accept(invitation=Invitation.objects.get(email=user.email), user=user)
        comment_on(user, clause)
    invitations.invitation_revoke(invitation=Invitation.objects.get(email=other_citizen.email), by=publisher)
    mail.outbox.clear()  # the invitations themselves
    _close(consultation, publisher)
    assert list(Notice.objects.values_list("user_id", flat=True)) == [citizen.pk]
    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_a_second_close_or_a_rerun_tells_nobody_twice(publisher, consultation, clause, citizen):
    comment_on(citizen, clause)
    _close(consultation, publisher)
    event = Event.objects.get()
    assert notice_services.event_fan_out(event_id=event.pk) == 0
    services.consultations_transition_due(now=timezone.now() + timedelta(days=1))  # beat closing it again
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1


def test_closing_on_schedule_tells_people_too(consultation, clause, citizen):
    comment_on(citizen, clause)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.consultations_transition_due()["closed"] == 1
    assert Notice.objects.get(user=citizen).event.kind == Event.Kind.CLOSED


@pytest.fixture
def concluded(publisher, consultation, document, citizen, other_citizen):
    """Closed with comments by citizen on clauses 2 and 4 and by other_citizen on clause 5, and ledger
    entries for clauses 2 and 5."""
    sections = {s.anchor: s for s in Section.objects.filter(document=document)}
    comment_on(citizen, sections["clause-2-1"])  # a subsection counts for its clause
    comment_on(citizen, sections["clause-4"])
    comment_on(other_citizen, sections["clause-5"])
    _close(consultation, publisher)
    Notice.objects.all().delete()
    mail.outbox = []
    for anchor in ("clause-2", "clause-5"):
        LedgerEntry.objects.create(
            consultation=consultation,
            lineage_key=sections[anchor].lineage_key,
            section=sections[anchor],
            decision="changed",
            you_said="People asked for clarity.",
            we_did="We rewrote it.",
        )
    consultation.refresh_from_db()
    return services.consultation_conclude(
        consultation=consultation, by=publisher, outcome_summary="We listened.", outcome_body=""
    )


def test_the_response_notice_links_to_the_entries_about_their_clauses(
    concluded, document, citizen, other_citizen, settings
):
    clause_2 = f"/consultations/{concluded.slug}/{document.slug}/v{document.version}/clause-2/#we-did"
    mine = Notice.objects.get(user=citizen)
    assert mine.title == f"Government response published: “{concluded.title}”"
    assert [link["url"] for link in mine.links] == [f"/consultations/{concluded.slug}/#outcome", clause_2]
    assert mine.links[1]["text"] == "You said, we did: Clause 2: Clause heading 2"  # clause 4 has no entry
    theirs = Notice.objects.get(user=other_citizen)
    assert theirs.links[1]["url"].endswith("/clause-5/#we-did")
    email = sent_to(citizen.email)[0]
    assert settings.SITE_URL.rstrip("/") + clause_2 in email.body


def test_a_new_version_notice_links_to_the_changes_to_their_clauses(
    publisher, consultation, document, citizen
):
    comment_on(citizen, Section.objects.get(document=document, anchor="clause-3"))
    new = make_document(consultation=consultation, clauses=3, slug="next")
    Document.objects.filter(pk=new.pk).update(
        slug=document.slug, version=2, previous_version=document, state=Document.State.DRAFT
    )
    new.refresh_from_db()
    services.document_publish_version(document=new, by=publisher)
    notice = Notice.objects.get(user=citizen)
    assert notice.title == f"New version of {new.title} (version 2)"
    assert notice.links[-1] == {
        "text": "Changes to Clause 3: Clause heading 3",
        "url": f"/consultations/{consultation.slug}/{new.slug}/v2/clause-3/",
    }


def test_an_idea_author_is_told_of_a_new_status(publisher, team, citizen, other_citizen):
    c = ConsultationFactory(team=team, kind=Consultation.Kind.IDEAS)
    idea = Idea.objects.create(consultation=c, author=citizen, title="Longer opening hours", description="x")
    ideas.idea_set_status(idea=idea, by=publisher, status="accepted", note="We will trial it.")
    notice = Notice.objects.get()
    assert notice.user == citizen
    assert notice.title == "Your idea “Longer opening hours”: Accepted"
    assert "We will trial it." in notice.body
    ideas.idea_set_status(idea=idea, by=publisher, status="accepted", note="Same status")  # no change
    ideas.idea_set_status(idea=idea, by=publisher, status="done")
    assert Notice.objects.filter(user=citizen).count() == 2


def test_a_daily_digest_is_one_email_and_no_emails_means_none(
    publisher, consultation, clause, citizen, other_citizen
):
    Preference.objects.create(user=citizen, email=Preference.Email.DAILY)
    Preference.objects.create(user=other_citizen, email=Preference.Email.NONE)
    comment_on(citizen, clause)
    comment_on(other_citizen, clause)
    _close(consultation, publisher)
    assert mail.outbox == []
    assert Notice.objects.count() == 2  # both on the activity page
    assert notice_services.digests_send() == 1
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert "has closed" in mail.outbox[0].body
    assert notice_services.digests_send() == 0  # nothing twice


def test_the_request_only_queues_the_fan_out(client, publisher, consultation, clause, citizen, monkeypatch):
    """Closing is one task queued on commit: no notice is written and no email sent in the request."""
    from notices import tasks

    queued = []
    monkeypatch.setattr(tasks.fan_out, "delay", lambda *a: queued.append(a))
    comment_on(citizen, clause)
    client.force_login(publisher)
    response = client.post(f"/staff/consultations/{consultation.slug}/close/", {"reason": "Timetable"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert queued == [(event.pk,)]
    assert Notice.objects.count() == 0 and mail.outbox == []
