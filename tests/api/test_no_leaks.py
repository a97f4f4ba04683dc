"""Every GET endpoint of the schema, for every persona without a role on the team, with every path
parameter filled with every real object: nothing unpublished, pending, rejected, hidden, withdrawn,
non-consented, draft or invitation-only ever appears, and no email address of a person."""

from __future__ import annotations

import itertools
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from comments.models import Comment
from responses.models import Answer, Idea, Question, Response
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db

SECRETS = {
    "pending": "SECRET-PENDING-COMMENT",
    "rejected": "SECRET-REJECTED-COMMENT",
    "hidden": "SECRET-HIDDEN-COMMENT",
    "withdrawn": "SECRET-WITHDRAWN-COMMENT",
    "no consent": "SECRET-UNCONSENTED-ANSWER",
    "draft response": "SECRET-DRAFT-RESPONSE",
    "hidden idea": "SECRET-HIDDEN-IDEA",
    "comment on a hidden idea": "SECRET-COMMENT-ON-HIDDEN-IDEA",
    "draft consultation": "SECRET-DRAFT-CONSULTATION",
    "invited consultation": "SECRET-INVITED-CONSULTATION",
    "draft document": "SECRET-DRAFT-DOCUMENT",
}


@pytest.fixture
def world(team, citizen, other_citizen):
    now = timezone.now()
    closed = ConsultationFactory(
        team=team,
        slug="closed-one",
        kind="ideas",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
    )
    doc = make_document(consultation=closed, clauses=2)
    clause = doc.sections.get(anchor="clause-1")
    shown = Comment.objects.create(
        consultation=closed,
        document=doc,
        section=clause,
        author=citizen,
        body="A published comment.",
        status="published",
        published_at=now,
    )
    for n, state in enumerate(["pending", "rejected", "hidden", "withdrawn"]):
        Comment.objects.create(
            consultation=closed,
            document=doc,
            section=clause,
            author=other_citizen,
            parent=shown if n % 2 else None,
            body=SECRETS[state],
            status=state,
        )
    question = Question.objects.create(consultation=closed, position=1, text="Your view?")
    for consent, state, text in [
        ("named", "submitted", "A consented answer."),
        ("none", "submitted", SECRETS["no consent"]),
        ("named", "draft", SECRETS["draft response"]),
    ]:
        r = Response.objects.create(
            consultation=closed,
            status=state,
            consent=consent,
            respondent_type="individual",
            respondent_name="Respondent Name",
            email="respondent@example.net",
            address="3 Station Road",
            submitted_at=now,
        )
        Answer.objects.create(response=r, question=question, text=text)
    Idea.objects.create(consultation=closed, author=citizen, title="Visible idea", description="Shown.")
    hidden_idea = Idea.objects.create(
        consultation=closed, author=citizen, title=SECRETS["hidden idea"], description="x", status="hidden"
    )
    Comment.objects.create(  # published while the idea was listed; hidden with it
        consultation=closed,
        idea=hidden_idea,
        author=other_citizen,
        body=SECRETS["comment on a hidden idea"],
        status="published",
        published_at=now,
    )
    draft = ConsultationFactory(team=team, slug="draft-c", state="draft", title=SECRETS["draft consultation"])
    make_document(consultation=draft, clauses=1, slug="d")
    invited = ConsultationFactory(
        team=team, slug="invited-c", visibility="invited", title=SECRETS["invited consultation"]
    )
    make_document(consultation=invited, clauses=1, slug="i")
    hidden_doc = make_document(consultation=closed, clauses=1, slug="next-version")
    hidden_doc.state = "draft"
    hidden_doc.title = SECRETS["draft document"]
    hidden_doc.save()
    return closed


def _bodies(client, path: str) -> bytes:
    response = client.get(path)
    if response.streaming:
        data = b"".join(response.streaming_content)
        if response["Content-Type"] == "application/zip" and response.status_code == 200:
            archive = zipfile.ZipFile(BytesIO(data))
            return b"".join(archive.read(n) for n in archive.namelist())
        return data
    return response.content


def _urls(client, world) -> list[str]:
    from consultations.models import Consultation, Document, Section

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    values = {
        "slug": list(Consultation.objects.values_list("slug", flat=True)),
        "id": sorted(
            {
                *Document.objects.values_list("id", flat=True),
                *Section.objects.values_list("id", flat=True),
                *Comment.objects.values_list("id", flat=True),
            }
        ),
    }
    from dashboards.exports import DATASETS, FORMATS

    values["dataset"], values["fmt"] = list(DATASETS), list(FORMATS)
    urls = []
    for path, ops in schema["paths"].items():
        if "get" not in ops:
            continue
        names = [n for n in values if "{" + n + "}" in path]
        for combo in itertools.product(*(values[n] for n in names)):
            url = path
            for name, value in zip(names, combo, strict=True):
                url = url.replace("{" + name + "}", str(value))
            urls.append(url)
    urls += ["/api/feeds/new.atom", "/api/feeds/closing.atom", "/api/feeds/outcomes.atom"]
    return urls


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "other_citizen", "outsider_official"])
def test_no_endpoint_or_export_leaks_what_the_public_may_not_see(request, api_as, persona, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "ip", "bulk"), "100000/min"),
    }
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api_as(user)
    urls = _urls(client, world)
    assert len(urls) > 100
    seen_public = False
    for url in urls:
        body = _bodies(client, url).decode(errors="replace")
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} leaked through {url} to {persona}"
        for personal in ("example.net", "Station Road", "@example.org"):
            assert personal not in body, f"personal data ({personal}) in {url} for {persona}"
        seen_public = seen_public or "A consented answer." in body
    assert seen_public  # the walk did reach the published material


def test_a_moderator_of_the_team_never_gets_respondents_personal_data_or_unconsented_answers(
    api_as, moderator, world, settings
):
    """Moderators see every comment of their consultations, but responses and their personal data are
    for the team's analysts and publishers only."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "ip", "bulk"), "100000/min"),
    }
    client = api_as(moderator)
    urls = _urls(client, world)
    urls += [u + "?personal=true" for u in urls if "/exports/" in u]
    saw_pending = False
    for url in urls:
        body = _bodies(client, url).decode(errors="replace")
        for secret in (SECRETS["no consent"], SECRETS["draft response"], "example.net", "Station Road"):
            assert secret not in body, f"{secret} reached a moderator through {url}"
        saw_pending = saw_pending or SECRETS["pending"] in body
    assert saw_pending  # the walk did reach the moderation list
