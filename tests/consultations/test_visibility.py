"""One visibility rule (consultations.visibility, comments' visible_to): its forms agree with each other for
every role, state and visibility, and every door (pages, API, feeds, open data, search) shows the same."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from comments.access import may_see
from comments.models import Comment
from consultations import visibility
from consultations.models import Consultation, Document
from responses.models import Idea
from tests.conftest import make_persona
from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"]
STATES = [s for s, _ in Consultation.State.choices]
VISIBILITIES = [v for v, _ in Consultation.Visibility.choices]


@pytest.fixture
def people(team, other_team):
    people = {"anonymous": AnonymousUser()}
    for name in PERSONAS[1:]:
        people[name] = make_persona(name, team=team, other_team=other_team)
    people["former_moderator"] = add_member(UserFactory(is_active=False), team, "moderator")
    return people


def test_may_view_and_the_querysets_agree_for_every_role_state_and_visibility(team, people):
    consultations = [
        ConsultationFactory(team=team, state=state, visibility=vis)
        for state, vis in itertools.product(STATES, VISIBILITIES)
    ]
    docs = [make_document(consultation=c, clauses=1, slug="d") for c in consultations]
    for doc in docs[::2]:
        doc.state = Document.State.DRAFT
        doc.save(update_fields=["state"])
    User = get_user_model()
    for name, user in people.items():
        listed = set(Consultation.objects.visible_to(user).values_list("pk", flat=True))
        docs_listed = set(Document.objects.filter(visibility.document_q(user)).values_list("pk", flat=True))
        for c in consultations:
            expected = (
                c.state != "draft"
                and c.visibility == "public"
                or name
                in (
                    "moderator",
                    "analyst",
                    "publisher",
                    "superuser",
                )
            )
            assert visibility.may_view(user, c) is expected, (name, c.state, c.visibility)
            assert (c.pk in listed) is expected, (name, c.state, c.visibility)
            if user.pk:
                as_viewer = User.objects.filter(visibility.viewers_q(c), pk=user.pk, is_active=True).exists()
                assert as_viewer is (expected and user.is_active), (name, c.state, c.visibility)
        for d in docs:
            expected = visibility.may_view(user, d.consultation) and (
                d.state != "draft" or name in ("moderator", "analyst", "publisher", "superuser")
            )
            assert visibility.may_view_document(user, d) is expected, (name, d.consultation.state, d.state)
            assert (d.pk in docs_listed) is expected, (name, d.consultation.state, d.state)
    assert Consultation.objects.published().count() == sum(visibility.is_public(c) for c in consultations)


@pytest.fixture
def world(team, citizen, other_citizen):
    """Published comments in every place a rule could hide them, each with its own search word."""
    now = timezone.now()
    public = ConsultationFactory(team=team, slug="public-one", kind="ideas")
    doc = make_document(consultation=public, clauses=1, slug="bill")
    draft_doc = make_document(consultation=public, clauses=1, slug="next")
    draft_doc.state = Document.State.DRAFT
    draft_doc.save(update_fields=["state"])
    listed = Idea.objects.create(consultation=public, author=citizen, title="Listed", description="x")
    hidden = Idea.objects.create(
        consultation=public, author=citizen, title="Hidden", description="x", status="hidden"
    )
    invited = ConsultationFactory(team=team, slug="invited-one", visibility="invited")
    drafted = ConsultationFactory(team=team, slug="draft-one", state="draft")

    def comment(word, consultation, **where):
        return Comment.objects.create(
            consultation=consultation,
            author=other_citizen,
            body=f"About {word} here.",
            status="published",
            published_at=now,
            **where,
        )

    section = doc.sections.get(anchor="clause-1")
    comments = {
        "zclause": comment("zclause", public, document=doc, section=section),
        "zgeneral": comment("zgeneral", public),
        "zidea": comment("zidea", public, idea=listed),
        "zhiddenidea": comment("zhiddenidea", public, idea=hidden),
        "zdraftdoc": comment("zdraftdoc", public, document=draft_doc, section=draft_doc.sections.first()),
        "zinvited": comment("zinvited", invited),
        "zdrafted": comment("zdrafted", drafted),
    }
    return {"consultations": [public, invited, drafted], "comments": comments}


def _client(user):
    from django.test import Client

    client = Client()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    if user is not None and user.is_authenticated:
        client.force_authenticate(user)
    return client


def _zip_table(client, slug: str, table: str) -> list[dict] | None:
    response = client.get(f"/api/v1/consultations/{slug}/open-data.zip")
    if response.status_code == 404:
        return None
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return list(csv.DictReader(io.StringIO(archive.read(f"{table}.csv").decode("utf-8-sig"))))


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "moderator", "outsider_official", "superuser"])
def test_every_door_shows_the_same_comments(request, persona, world):
    cache.clear()
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    page, api = _client(user), _api(user)
    comments = world["comments"]
    by_page = {w for w, c in comments.items() if page.get(f"/comments/{c.pk}/").status_code == 200}
    by_api = {w for w, c in comments.items() if api.get(f"/api/v1/comments/{c.pk}/").status_code == 200}
    listed = {row["id"] for row in api.get("/api/v1/comments/?limit=100").json()["results"]}
    by_api_list = {w for w, c in comments.items() if c.pk in listed}
    by_rule = {w for w, c in comments.items() if may_see(user, c)}
    by_queryset = {
        w for w, c in comments.items() if Comment.objects.visible_to(user).filter(pk=c.pk).exists()
    }
    assert by_page == by_api == by_api_list == by_rule == by_queryset

    public = {"zclause", "zgeneral", "zidea"}
    in_csv = set()
    for c in world["consultations"]:
        rows = _zip_table(api, c.slug, "comments") or []
        in_csv |= {w for w, cm in comments.items() if str(cm.pk) in {r["id"] for r in rows}}
    by_search = {w for w in comments if f"About {w} here." in page.get(f"/search/?q={w}").content.decode()}
    # Open data and the search are the public's view, whoever asks.
    assert in_csv == by_search == public
    if persona in ("moderator", "superuser"):
        assert by_page == set(comments)  # the team sees its drafts, invitation-only and hidden ideas
    else:
        assert by_page == public


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "publisher", "outsider_official"])
def test_every_door_shows_the_same_consultations(request, persona, world):
    cache.clear()
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    page, api = _client(user), _api(user)
    slugs = [c.slug for c in world["consultations"]]
    by_page = {s for s in slugs if page.get(f"/consultations/{s}/").status_code == 200}
    by_api = {s for s in slugs if api.get(f"/api/v1/consultations/{s}/").status_code == 200}
    listed = {row["slug"] for row in api.get("/api/v1/consultations/?limit=100").json()["results"]}
    by_rule = {c.slug for c in world["consultations"] if visibility.may_view(user, c)}
    assert by_page == by_api == (listed & set(slugs)) == by_rule

    feed = page.get("/api/feeds/new.atom").content.decode()
    by_feed = {s for s in slugs if f"/consultations/{s}/" in feed}
    by_zip = {s for s in slugs if _zip_table(api, s, "consultation") is not None}
    by_search = {
        c.slug
        for c in world["consultations"]
        if f"/consultations/{c.slug}/" in page.get("/search/", {"q": c.title}).content.decode()
    }
    assert by_feed == by_zip == by_search == {"public-one"}
    assert by_page == ({"public-one"} if persona != "publisher" else set(slugs))
