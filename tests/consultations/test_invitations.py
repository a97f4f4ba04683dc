"""Invitation-only consultations (issue 20, item 5): a team invites people by email (one address or a CSV),
the worker sends each their link, they accept it signed in with the invited address, and then, and only
then, the one visibility rule lets them in; revoking closes every door again. Everyone else gets 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comments.access import may_see
from comments.models import Comment
from consultations import invitations, visibility
from consultations.models import Consultation, Invitation
from dhdigital.lib.logging import scrub
from tests.factories import ConsultationFactory, UserFactory, make_document

from .test_visibility import _api, _client, _zip_table
from .test_visibility import world as world  # noqa: F401 - a fixture, used by name

pytestmark = pytest.mark.django_db

STAFF = "/staff/consultations/{slug}/invitations/"


@pytest.fixture
def private(team):
    c = ConsultationFactory(team=team, slug="private-one", visibility=Consultation.Visibility.INVITED)
    make_document(consultation=c, clauses=2)
    return c


@pytest.fixture
def invitee(db):
    return UserFactory(email="invitee@example.org", display_name="Ina Vited")


def _link(message) -> str:
    return re.search(r"https?://\S+(/consultations/invitations/\S+/)", message.body).group(1)


def _invite(client, publisher, consultation, email, django_capture_on_commit_callbacks):
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(STAFF.format(slug=consultation.slug), {"invite": "1", "one-email": email})
    assert response.status_code == 302
    client.logout()
    return _link(mail.outbox[-1])


def test_an_invited_person_accepts_and_only_then_sees_the_consultation(
    client, settings, publisher, private, invitee, other_citizen, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://consult.example.gov.uk/"
    link = _invite(client, publisher, private, "Invitee@Example.org ", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert invitation.email == "invitee@example.org" and invitation.sent_at is not None
    message = mail.outbox[-1]
    assert message.to == ["invitee@example.org"] and private.title in message.subject
    assert "https://consult.example.gov.uk/consultations/invitations/" in message.body

    # before accepting: nothing, through any door
    client.force_login(invitee)
    assert client.get(private.get_absolute_url()).status_code == 404
    client.logout()
    # signed out, the link asks them to sign in or create an account and come back
    page = client.get(link).content.decode()
    assert f"/accounts/login/?next={link.replace(':', '%3A')}" in page and "/accounts/signup/?next=" in page
    assert "i…@example.org" in page and "invitee@example.org" not in page
    # someone else signed in cannot use it
    client.force_login(other_citizen)
    assert client.get(link).status_code == 403
    assert Invitation.objects.get().user is None
    # the invited person can
    client.force_login(invitee)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == private.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.user == invitee and invitation.accepted_at is not None
    assert client.get(private.get_absolute_url()).status_code == 200
    assert client.get(f"{private.get_absolute_url()}draft-bill/clause-1/").status_code == 200
    assert client.get(f"/responses/{private.slug}/respond/").status_code == 200
    assert _api(invitee).get(f"/api/v1/consultations/{private.slug}/").status_code == 200
    # still nothing for anyone else
    client.force_login(other_citizen)
    assert client.get(private.get_absolute_url()).status_code == 404
    assert [r.history_change_reason for r in invitation.history.order_by("history_date")] == [
        "invited",
        "accepted",
    ]


def test_revoking_closes_every_door_and_the_link(
    client, publisher, private, invitee, django_capture_on_commit_callbacks
):
    link = _invite(client, publisher, private, invitee.email, django_capture_on_commit_callbacks)
    client.force_login(invitee)
    client.get(link)
    assert client.get(private.get_absolute_url()).status_code == 200
    invitation = Invitation.objects.get()
    client.force_login(publisher)
    response = client.post(
        reverse("staff:invitation-revoke", args=[private.slug, invitation.pk]), {"reason": "Sent in error"}
    )
    assert response.status_code == 302
    client.force_login(invitee)
    assert client.get(private.get_absolute_url()).status_code == 404
    assert _api(invitee).get(f"/api/v1/consultations/{private.slug}/").status_code == 404
    assert client.get(link).status_code == 404
    assert not visibility.may_view(invitee, private)
    last = invitation.history.order_by("-history_date").first()
    assert last.history_change_reason == "revoked: Sent in error" and last.history_user == publisher


def test_a_csv_invites_everyone_or_nobody(client, publisher, private, django_capture_on_commit_callbacks):
    client.force_login(publisher)
    url = STAFF.format(slug=private.slug)
    bad = b"name,email\nAna,ana@example.org\nX,not-an-address\n\nBob,bob@example.org\nCarol,\n"
    response = client.post(
        url, {"upload": "1", "csv-file": SimpleUploadedFile("people.csv", bad, content_type="text/csv")}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nobody was invited" in html and "line 3" in html and "line 6: no email address" in html
    assert not Invitation.objects.exists() and not mail.outbox

    good = b"name,email\nAna,ana@example.org\nBob,BOB@example.org\nBob again,bob@example.org\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"upload": "1", "csv-file": SimpleUploadedFile("people.csv", good, content_type="text/csv")}
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ana@example.org",
        "bob@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bob@example.org"]
    # uploading again invites nobody twice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "upload": "1",
                "csv-file": SimpleUploadedFile("p.csv", b"ana@example.org\n", content_type="text/csv"),
            },
            follow=True,
        )
    assert "1 address was already invited" in response.content.decode()
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_a_revoked_address_can_be_invited_again_with_a_new_link(
    client, publisher, private, invitee, django_capture_on_commit_callbacks
):
    old = _invite(client, publisher, private, invitee.email, django_capture_on_commit_callbacks)
    invitations.invitation_revoke(invitation=Invitation.objects.get(), by=publisher)
    new = _invite(client, publisher, private, invitee.email, django_capture_on_commit_callbacks)
    assert old != new
    client.force_login(invitee)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 302
    assert visibility.may_view(invitee, private)


@pytest.mark.parametrize("who", ["citizen", "moderator", "outsider_official"])
def test_only_the_teams_publishers_invite(client, request, who, private):
    client.force_login(request.getfixturevalue(who))
    response = client.post(STAFF.format(slug=private.slug), {"invite": "1", "one-email": "x@example.org"})
    assert response.status_code == (403 if who == "moderator" else 404)
    assert not Invitation.objects.exists()


def test_a_public_consultation_has_nobody_to_invite(client, publisher, consultation):
    client.force_login(publisher)
    response = client.post(
        STAFF.format(slug=consultation.slug), {"invite": "1", "one-email": "x@example.org"}
    )
    assert response.status_code == 400 and "open to everyone" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_to_a_draft_shows_nothing_until_it_is_published(publisher, team, invitee):
    draft = ConsultationFactory(team=team, state="draft", visibility="invited", published_at=None)
    invitations.invitations_create(consultation=draft, emails=[invitee.email], by=publisher)
    invitations.invitation_accept(invitation=Invitation.objects.get(), user=invitee)
    assert not visibility.may_view(invitee, draft)
    assert not Consultation.objects.visible_to(invitee).filter(pk=draft.pk).exists()
    assert not get_user_model().objects.filter(visibility.viewers_q(draft), pk=invitee.pk).exists()
    Consultation.objects.filter(pk=draft.pk).update(state="open")
    draft.refresh_from_db()
    assert visibility.may_view(invitee, draft)


def test_the_rules_forms_agree_for_an_invited_person_without_repeating_rows(
    publisher, team, private, invitee
):
    public = ConsultationFactory(team=team)
    for n in range(3):  # other people's invitations must not repeat a consultation in a list
        invitations.invitations_create(consultation=private, emails=[f"p{n}@example.org"], by=publisher)
    invitations.invitations_create(consultation=private, emails=[invitee.email], by=publisher)
    invitation = Invitation.objects.get(email=invitee.email)
    invitations.invitation_accept(invitation=invitation, user=invitee)
    listed = list(Consultation.objects.visible_to(invitee).values_list("pk", flat=True))
    assert sorted(listed) == sorted([public.pk, private.pk])
    assert visibility.may_view(invitee, private)
    users = get_user_model().objects.filter(visibility.viewers_q(private))
    assert invitee in users and not users.filter(email="other.citizen@example.org").exists()


@pytest.fixture
def invited_persona(world, team, publisher):
    """A person who accepted an invitation to the world's invitation-only consultation."""
    person = UserFactory(email="guest@example.org")
    invited = next(c for c in world["consultations"] if c.visibility == "invited")
    invitations.invitations_create(consultation=invited, emails=[person.email], by=publisher)
    invitations.invitation_accept(invitation=Invitation.objects.get(email=person.email), user=person)
    return person


def test_every_door_agrees_for_an_invited_person(world, invited_persona, citizen):
    cache.clear()
    for user, expected in ((invited_persona, {"public-one", "invited-one"}), (citizen, {"public-one"})):
        page, api = _client(user), _api(user)
        slugs = [c.slug for c in world["consultations"]]
        by_page = {s for s in slugs if page.get(f"/consultations/{s}/").status_code == 200}
        by_api = {s for s in slugs if api.get(f"/api/v1/consultations/{s}/").status_code == 200}
        listed = {row["slug"] for row in api.get("/api/v1/consultations/?limit=100").json()["results"]}
        assert by_page == by_api == (listed & set(slugs)) == expected
        # the list of consultations shows the invited person theirs, marked as such, and nobody else
        html = page.get("/consultations/").content.decode()
        assert {s for s in slugs if f'href="/consultations/{s}/"' in html} == expected
        assert ("Invitation only" in html) is ("invited-one" in expected)
        # the public's doors (feed, open data, search) never show an invitation-only consultation
        feed = page.get("/api/feeds/new.atom").content.decode()
        assert "/consultations/invited-one/" not in feed
        assert _zip_table(api, "invited-one", "consultation") is None
        assert "/consultations/invited-one/" not in page.get("/search/", {"q": "Bill"}).content.decode()
        comment = world["comments"]["zinvited"]
        seen = page.get(f"/comments/{comment.pk}/").status_code == 200
        assert (
            seen is may_see(user, comment) is Comment.objects.visible_to(user).filter(pk=comment.pk).exists()
        )
        assert seen is ("invited-one" in expected)
    assert not visibility.may_view(AnonymousUser(), world["consultations"][1])


def test_the_request_log_never_holds_a_working_invitation_link():
    line = scrub("GET /consultations/invitations/eyJpIjo1fQ:1tK:abc/ 200")
    assert line == "GET /consultations/invitations/[secret]/ 200"


def test_the_home_page_lists_an_accepted_invitation_but_never_a_teams_draft(
    client, publisher, team, private, invitee
):
    """The lists show what the person was invited to (issue: invitees could open it but never find it);
    the team's own drafts and invitation-only consultations stay on its staff pages."""
    draft = ConsultationFactory(team=team, state="draft", title="Unpublished draft", published_at=None)
    invitations.invitations_create(consultation=private, emails=[invitee.email], by=publisher)
    client.force_login(invitee)
    assert private.title not in client.get("/").content.decode()  # not accepted yet
    invitations.invitation_accept(invitation=Invitation.objects.get(), user=invitee)
    home = client.get("/").content.decode()
    assert private.title in home and "Invitation only" in home
    client.force_login(publisher)
    home, listed = client.get("/").content.decode(), client.get("/consultations/").content.decode()
    assert draft.title not in home and draft.title not in listed
    assert private.title not in listed  # the team finds it on its staff pages, not in the public list
