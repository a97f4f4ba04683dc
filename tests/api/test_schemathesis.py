"""schemathesis against the app itself (in-process WSGI) with real data loaded: no server errors, and
every response (status, content type, headers, body) matches the published OpenAPI schema.

Three passes over the schema:
- anonymous, with generated path parameters (mostly unknown objects: the 404s and 401/403s);
- as a publisher of the team (token auth), with path parameters and body references pointed at real
  objects, so the staff operations (moderation, runs, themes, tags, webhooks, exports, tokens) and comment
  posting run their services on generated input rather than stopping at a permission check;
- stateful: chains of calls that feed one response's ids into the next operation (links that schemathesis
  infers from the schema), as the same publisher.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken, Webhook, hash_key
from comments.demo import polis_comments
from comments.models import Appeal, Comment
from consultations.models import Section
from insights.models import AnalysisRun, Theme, ThemeAssignment
from responses.models import Answer, Idea, Question, Response
from tests.conftest import make_persona, shared_rows
from tests.factories import ConsultationFactory, TeamFactory, make_document

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
QUIET = list(HealthCheck)


@pytest.fixture
def in_process_requests():
    """As Django's test client does: requests must not close the test's database connection (the
    WSGI handler would, on PostgreSQL, since the test runs inside a transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module; each test (one operation's examples) runs in a savepoint rolled back
    after it, so what one operation writes never reaches the next."""
    with shared_rows(django_db_blocker, tmp_path_factory.mktemp("schemathesis-media")):
        yield build_rows()


@pytest.fixture
def loaded(db, settings, _rows, in_process_requests):
    """The rows below, with throttling out of the way. Returns the ids an official's requests may point
    at."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "ip", "bulk"), "100000/min"),
    }
    settings.COMMENT_RATE_PER_USER = settings.COMMENT_RATE_PER_IP = "100000/60"
    return _rows


def build_rows() -> dict:
    """Real comments, a reply, a held comment, questions and a response, an ideas exercise, a run, a theme
    with a tag, a webhook and a spare token, in a team's open consultation."""
    team = TeamFactory()
    citizen, other_citizen = make_persona("citizen"), make_persona("other_citizen")
    publisher = make_persona("publisher", team=team)
    document = make_document(consultation=ConsultationFactory(team=team), clauses=5)
    texts = [c["body"] for c in polis_comments() if len(c["body"]) > 60][:8]
    clause = Section.objects.get(document=document, anchor="clause-1")
    consultation = document.consultation
    # Rows written directly (not through the services) to keep set-ups cheap; services are tested elsewhere.
    first = Comment.objects.create(
        consultation=consultation,
        document=document,
        section=clause,
        author=citizen,
        body=texts[0],
        status="published",
        published_at=timezone.now(),
    )
    Comment.objects.filter(pk=first.pk).update(path=f"{first.pk:010d}/")
    reply = Comment.objects.create(
        consultation=consultation,
        document=document,
        section=clause,
        parent=first,
        author=other_citizen,
        body=texts[1],
        status="published",
        depth=1,
        published_at=timezone.now(),
    )
    Comment.objects.filter(pk=reply.pk).update(path=f"{first.pk:010d}/{reply.pk:010d}/")
    held = Comment.objects.create(
        consultation=consultation, document=document, section=clause, author=other_citizen, body=texts[3]
    )
    Comment.objects.filter(pk=held.pk).update(path=f"{held.pk:010d}/")
    refused = Comment.objects.create(
        consultation=consultation,
        document=document,
        section=clause,
        author=citizen,
        body=texts[5],
        status="rejected",
        moderation_reason="on_topic",
    )
    appeal = Appeal.objects.create(comment=refused, user=citizen, text=texts[6])
    question = Question.objects.create(
        consultation=consultation, position=1, kind="scale", text="Clause 1 is clear."
    )
    answer_to = Response.objects.create(
        consultation=consultation,
        status="submitted",
        consent="named",
        respondent_type="individual",
        respondent_name="Respondent Name",
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=answer_to, question=question, choices=["Agree"], text=texts[4])
    ideas = ConsultationFactory(team=consultation.team, kind="ideas")
    Idea.objects.create(consultation=ideas, author=citizen, title="Publish the data", description=texts[2])
    run = AnalysisRun.objects.create(consultation=consultation, engine="basic", state="done", progress=100)
    theme = Theme.objects.create(
        consultation=consultation, scope="consultation", label="Clarity of duties", keywords=["duty"]
    )
    other_theme = Theme.objects.create(consultation=consultation, scope="consultation", label="Funding")
    tag = ThemeAssignment.objects.create(theme=theme, comment=first, confidence=0.7)
    hook = Webhook.objects.create(
        team=consultation.team, url="https://hooks.example.net/x", events=["consultation.state_changed"]
    )
    spare, _ = ApiToken.issue(user=publisher, name="spare")
    _, key = ApiToken.issue(user=publisher, name="schemathesis")
    return {
        "key": key,
        "slug": consultation.slug,
        "ideas_slug": ideas.slug,
        "team": consultation.team.slug,
        "documents": document.pk,
        "sections": clause.pk,
        "comments": first.pk,
        "runs": run.pk,
        "themes": theme.pk,
        "other_theme": other_theme.pk,
        "tags": tag.pk,
        "webhooks": hook.pk,
        "tokens": spare.pk,
        "held": held.pk,
        "appeals": appeal.pk,
        "citizen": citizen.pk,
    }


def _point_at_real_objects(case, ids: dict) -> None:
    """Path parameters and references in the body name real objects; the other fields stay generated."""
    path = case.operation.path
    params = dict(case.path_parameters or {})
    if "slug" in params:
        params["slug"] = ids["ideas_slug"] if path.endswith("/ideas/") else ids["slug"]
    if "id" in params:
        segments = path.split("/")
        params["id"] = ids[segments[segments.index("{id}") - 1]]
    case.path_parameters = params
    body = case.body
    if isinstance(body, dict):
        refs = {
            "consultation": ids["slug"],
            "team": ids["team"],
            "document": ids["documents"],
            "parent": ids["comments"],
            "comment_ids": [ids["held"], ids["comments"]],
            "sources": [ids["other_theme"]],
            "target": ids["other_theme"],
            "user": ids["citizen"],
        }
        for name, value in refs.items():
            if name in body:
                body[name] = value
        if "section" in body and "document" in body:
            body["section"] = ids["sections"]


# The schema is generated by the app itself (no database needed for that).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


# Anonymous, generated input only: the schema's explicit examples (about 45 calls an operation) are sent by
# the publisher's pass below, where they reach real objects; sent anonymously they would only meet the same
# 401s and 403s again.
@schema.parametrize()
@hsettings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=QUIET, phases=[Phase.generate]
)
def test_every_operation_matches_its_schema_and_never_fails_with_5xx(case, loaded):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@hsettings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=QUIET,
    phases=[Phase.explicit, Phase.generate],
)
def test_every_operation_on_real_objects_as_a_team_publisher_matches_its_schema(case, loaded):
    _point_at_real_objects(case, loaded)
    response = case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {loaded['key']}"})
    mapped = case.path_parameters and set(case.path_parameters) <= {"slug", "id"}
    paging = {"cursor", "page"} & set(case.query or {})  # a page past the end is a fair 404
    if case.operation.method.upper() == "GET" and mapped and not paging:
        # Reaching the object is the point of this pass: a 404 here would mean the mapping went stale.
        assert response.status_code != 404, (case.operation.path, case.path_parameters)


def test_chains_of_linked_calls_as_a_team_publisher_match_the_schema(loaded):
    # A schema of its own: the stateless passes above must not change what this one learns or runs.
    machine = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).as_state_machine()
    links = [name for name in dir(machine) if "__200_" in name]
    assert len(links) > 20  # links were inferred (list -> detail -> actions)
    publisher = ApiToken.objects.get(name="schemathesis").user
    headers = {"Authorization": f"Token {loaded['key']}"}
    reached: set[tuple[str, str]] = set()

    class Workflow(machine):
        # Every scenario starts from the same data: what a chain wrote (a webhook deleted, a token
        # revoked) is rolled back after it. Otherwise a link's value depends on the scenarios before it
        # (a list that is empty now), and Hypothesis, drawing differently for the same choices, stops
        # with FlakyStrategyDefinition. The requests run in-process on the test's connection.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            # A chain may revoke the very token it runs with (GET /tokens/ -> DELETE): then issue another.
            # The very token in use: the publisher may hold others, which would not let this chain in.
            key = headers["Authorization"].removeprefix("Token ")
            if not ApiToken.objects.active().filter(user=publisher, key_hash=hash_key(key)).exists():
                headers["Authorization"] = f"Token {ApiToken.issue(user=publisher, name='again')[1]}"
            return {"headers": headers}

        def after_call(self, response, case):
            if 200 <= response.status_code < 300:
                reached.add((case.operation.method.upper(), case.operation.path))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(
        settings=hsettings(
            max_examples=60,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=QUIET,
            phases=[Phase.generate],
        )
    )
    # The chains went past the lists: details and actions on the objects the lists returned.
    assert len([op for op in reached if "{" in op[1]]) >= 4, sorted(reached)
