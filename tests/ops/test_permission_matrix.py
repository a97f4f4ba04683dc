"""Every URL pattern against every persona.

1. Every URL the project serves (a walk of the resolver) is requested by every persona: none answers 500.
2. Every staff, analysis and private API URL has an entry in PROTECTED saying who may use it; for each
   persona the test checks that those who may are let in (not 401/403/login) and those who may not are
   kept out (401/403/404 or a redirect to sign in). A new staff URL without an entry fails
   `test_every_staff_url_has_an_expectation`.

Officials act only on their own team's consultations: `outsider_official` is a publisher of another team.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dhdigital.accounts.models import Role

PERSONAS = ["anonymous", "citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"]

# Who may: a team role in the consultation's team (publisher implies moderator and analyst; superusers
# may everything), any official of any team, anyone signed in, or superusers only.
MODERATOR, ANALYST, PUBLISHER = Role.MODERATOR, Role.ANALYST, Role.PUBLISHER
TEAM = "any team role"
OFFICIAL = "any official"
PUBLISHER_ANYWHERE = "publisher of any team"
SIGNED_IN = "signed in"
SELF_SERVICE = "signed in, not a superuser"  # superusers are removed by another administrator

ALLOWED: dict[str, set[str]] = {
    MODERATOR: {"moderator", "publisher", "superuser"},
    ANALYST: {"analyst", "publisher", "superuser"},
    PUBLISHER: {"publisher", "superuser"},
    TEAM: {"moderator", "analyst", "publisher", "superuser"},
    OFFICIAL: {"moderator", "analyst", "publisher", "outsider_official", "superuser"},
    PUBLISHER_ANYWHERE: {"publisher", "outsider_official", "superuser"},
    SIGNED_IN: {"citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"},
    SELF_SERVICE: {"citizen", "moderator", "analyst", "publisher", "outsider_official"},
}

# url name -> (who may, HTTP method[, consultation state]). POST for actions whose GET is refused whatever
# the role; a state where the page depends on the lifecycle (the consultation is open otherwise).
PROTECTED: dict[str, tuple] = {
    # consultations: the staff area
    "staff:index": (OFFICIAL, "GET"),
    "staff:consultation-create": (PUBLISHER_ANYWHERE, "GET"),
    "staff:consultation-manage": (TEAM, "GET"),
    "staff:consultation-edit": (PUBLISHER, "GET"),
    "staff:document-import": (PUBLISHER, "GET", "draft"),  # only before the consultation opens
    "staff:consultation-check": (TEAM, "GET"),
    "staff:consultation-preview": (TEAM, "GET"),
    "staff:version-upload": (PUBLISHER, "GET"),
    "staff:version-publish": (PUBLISHER, "POST"),
    "staff:ledger": (ANALYST, "GET"),
    "staff:ledger-entry": (ANALYST, "GET"),
    "staff:ledger-question": (ANALYST, "GET"),
    "staff:outcome-publish": (PUBLISHER, "GET"),
    "staff:consultation-transition": (PUBLISHER, "POST"),
    # comments: moderation
    "comments:moderation-queue": (MODERATOR, "GET"),
    "comments:appeal-decide": (MODERATOR, "POST"),
    "comments:user-sanction": (MODERATOR, "GET"),
    # responses: the team's side
    "responses:staff-question-list": (PUBLISHER, "GET"),
    "responses:staff-question-create": (PUBLISHER, "GET"),
    "responses:staff-question-edit": (PUBLISHER, "GET"),
    "responses:staff-question-action": (PUBLISHER, "POST"),
    "responses:staff-response-list": (ANALYST, "GET"),
    "responses:staff-response-enter": (ANALYST, "GET"),
    "responses:staff-import-upload": (ANALYST, "GET"),
    "responses:staff-import-template": (ANALYST, "GET"),
    "responses:staff-import-preview": (ANALYST, "GET"),
    "responses:staff-response-detail": (ANALYST, "GET"),
    "responses:staff-attachment-download": (ANALYST, "GET"),
    "responses:staff-publication": (PUBLISHER, "GET"),
    "responses:staff-event-manage": (TEAM, "GET"),
    "responses:staff-event-detail": (TEAM, "GET"),
    "responses:staff-idea-list": (TEAM, "GET"),
    "responses:staff-idea-detail": (TEAM, "GET"),
    # insights: analysis
    "insights:run-list": (ANALYST, "GET"),
    "insights:run-detail": (ANALYST, "GET"),
    "insights:run-progress": (ANALYST, "GET"),
    "insights:run-cancel": (ANALYST, "POST"),
    "insights:run-rerun": (ANALYST, "POST"),
    "insights:theme-list": (ANALYST, "GET"),
    "insights:theme-detail": (ANALYST, "GET"),
    "insights:theme-action": (ANALYST, "POST"),
    "insights:tag-action": (ANALYST, "POST"),
    "insights:tagger-retrain": (ANALYST, "POST"),
    "insights:campaign-list": (ANALYST, "GET"),
    # policy: team-only evaluation of a consultation
    "policycycle:consultation-evaluation": (TEAM, "GET"),
    # API: staff endpoints and personal tokens
    "api:staff-comment-list": (MODERATOR, "GET"),
    "api:staff-moderate": (MODERATOR, "POST"),
    "api:staff-response-list": (ANALYST, "GET"),
    "api:run-list": (ANALYST, "GET"),
    "api:run-detail": (ANALYST, "GET"),
    "api:run-cancel": (ANALYST, "POST"),
    "api:theme-list": (ANALYST, "GET"),
    "api:theme-detail": (ANALYST, "GET"),
    "api:tag-list": (ANALYST, "GET"),
    "api:tag-decide": (ANALYST, "POST"),
    "api:webhook-list": (SIGNED_IN, "GET"),  # lists only the webhooks of teams the user publishes for
    "api:webhook-deliveries": (PUBLISHER_ANYWHERE, "GET"),
    "api:token-list": (SIGNED_IN, "GET"),
    # the person's own account
    "accounts:profile": (SIGNED_IN, "GET"),
    "accounts:data-export": (SIGNED_IN, "GET"),
    "accounts:data-erase": (SELF_SERVICE, "GET"),
}

# Known disagreements between the code and the roles in DESIGN.md, as strict xfails (none at present).
KNOWN_GAPS: dict[tuple[str, str], str] = {}
# A URL is "staff" (and needs an entry) when its route says so.
STAFF_ROUTE = re.compile(r"(^|/)(staff|analysis)/|/evaluation/$")
# Routes without an entry that match STAFF_ROUTE on purpose (public pages despite the word).
STAFF_ROUTE_EXCEPTIONS: set[str] = {"policycycle:project-evaluation", "policycycle:evaluation-compare"}


def url_patterns() -> list[tuple[str, str]]:
    """(name, route) of every named URL pattern, Django admin left out (it has its own permissions)."""

    def walk(resolver, prefix="", namespace=None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)

    return [(n, r) for n, r in walk(get_resolver()) if not r.startswith("django-admin")]


ALL_URLS = url_patterns()


@pytest.fixture(autouse=True)
def _no_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(consultation, document, citizen, moderator, analyst, publisher, outsider_official, superuser):
    """One of everything a URL may point at, in `team`'s open consultation."""
    from comments.demo import polis_comments
    from comments.services import comment_create
    from consultations.models import Section
    from responses.models import EngagementEvent, Idea, Question, Response

    text = next(c["body"] for c in polis_comments(limit=30) if len(c["body"]) > 60)
    clause = Section.objects.get(document=document, anchor="clause-1")
    comment = comment_create(
        author=citizen,
        consultation=consultation,
        document=document,
        section=clause,
        body=text,
        category="drafting",
    )
    question = Question.objects.create(consultation=consultation, text="Do you agree with clause 1?")
    response = Response.objects.create(
        consultation=consultation, respondent=citizen, status=Response.Status.SUBMITTED
    )
    idea = Idea.objects.create(consultation=consultation, author=citizen, title=text[:60], description=text)
    from django.utils import timezone

    event = EngagementEvent.objects.create(
        consultation=consultation,
        title="Public meeting",
        starts_at=timezone.now(),
        organiser="Care Bill Team",
    )
    objects = {
        "comment": comment,
        "question": question,
        "response": response,
        "idea": idea,
        "event": event,
        "clause": clause,
    }
    try:
        from insights.models import AnalysisRun, Theme

        objects["run"] = AnalysisRun.objects.create(consultation=consultation)
        objects["theme"] = Theme.objects.create(
            consultation=consultation, scope="consultation", label="Funding"
        )
    except Exception:  # noqa: BLE001, S110 - the analysis app's models may change; its URLs then 404 for all
        pass
    return {"consultation": consultation, "document": document, "citizen": citizen, **objects}


MISSING = 999_999_999  # an id nothing has: such URLs can only be checked for denial


def build_url(name: str, route: str, world: dict) -> tuple[str, bool]:
    """The URL with real objects where the test has them. Returns (url, has_real_object)."""
    kwargs: dict = {}
    real = True
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        value, ok = _value(name, kwarg, world)
        kwargs[kwarg] = value
        real = real and ok
    if "(?P<" in route:  # regex routes (allauth's keyed links): placeholders
        for kwarg in re.findall(r"\(\?P<(\w+)>", route):
            kwargs[kwarg] = "x0"
        real = False
    return reverse(name, kwargs=kwargs), real


def _value(name: str, kwarg: str, w: dict):
    c, d = w["consultation"], w["document"]
    if kwarg == "slug":
        if name.startswith("policycycle:") and name != "policycycle:consultation-evaluation":
            return "no-such-thing", False
        return c.slug, True
    if kwarg == "doc":
        return d.slug, True
    if kwarg == "version":
        return d.version, True
    if kwarg == "anchor":
        return "clause-1", True
    if kwarg == "lineage":
        return w["clause"].lineage_key, True
    if kwarg == "action":
        return {
            "staff:consultation-transition": "close",
            "responses:staff-question-action": "delete",
            "insights:theme-action": "confirm",
        }.get(name, "x"), True
    if kwarg == "user_id":
        return w["citizen"].pk, True
    if kwarg == "reference":
        return w["response"].reference, True
    if kwarg == "position":
        return 1, True
    if kwarg == "pk":
        for key, obj in (
            ("comment", "comment"),
            ("question", "question"),
            ("idea", "idea"),
            ("event", "event"),
            ("run", "run"),
            ("theme", "theme"),
        ):
            if key in name.split(":")[1] and obj in w:
                return w[obj].pk, True
        if name.startswith("comments:comment-"):
            return w["comment"].pk, True
        if name in ("api:document-detail", "api:document-akn", "api:document-annotations"):
            return d.pk, True
        if name == "api:section-detail":
            return w["clause"].pk, True
        return MISSING, False
    return "x0", False


def request(client, method: str, url: str):
    if method == "POST":
        return client.post(url, {})
    return client.get(url, HTTP_ACCEPT="text/html,application/json")


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", "")


def sign_in(client, request_fixture, persona: str):
    if persona != "anonymous":
        client.force_login(request_fixture.getfixturevalue(persona))


# --- 1. nothing answers 500 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "route"), ALL_URLS, ids=[n for n, _ in ALL_URLS])
def test_no_url_answers_500_to_any_persona(name, route, world, client, request):
    url, _ = build_url(name, route, world)
    method = PROTECTED.get(name, (None, "GET"))[1]
    failures = []
    for persona in PERSONAS:
        client.logout()
        sign_in(client, request, persona)
        status = globals()["request"](client, method, url).status_code
        if status >= 500:
            failures.append(f"{persona}: {status}")
    assert failures == [], f"{method} {url}"


# --- 2. staff URLs: who is let in ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PROTECTED))
def test_staff_urls_admit_exactly_their_roles(name, persona, world, client, request):
    if (name, persona) in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[name, persona], strict=True))
    route = dict(ALL_URLS)[name]
    rule, method, *state = PROTECTED[name]
    if state:
        type(world["consultation"]).objects.filter(pk=world["consultation"].pk).update(state=state[0])
    url, real = build_url(name, route, world)
    sign_in(client, request, persona)
    response = globals()["request"](client, method, url)
    status = response.status_code
    if persona in ALLOWED[rule]:
        assert status not in (401, 403) and not is_login_redirect(response), (
            f"{persona} refused {method} {url}"
        )
        if real:
            assert status != 404, f"{persona} got 404 for {method} {url}"
    else:
        refused = status in (401, 403, 404) or is_login_redirect(response)
        assert refused, f"{persona} was let in: {method} {url} answered {status}"


def test_every_staff_url_has_an_expectation():
    staff = {n for n, r in ALL_URLS if STAFF_ROUTE.search(r) or n.startswith("insights:")}
    missing = sorted(staff - set(PROTECTED) - STAFF_ROUTE_EXCEPTIONS)
    assert missing == [], f"add these to PROTECTED in {__file__}: {missing}"


def test_the_expectation_table_names_only_real_urls():
    assert sorted(set(PROTECTED) - {n for n, _ in ALL_URLS}) == []
