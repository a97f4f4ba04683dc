"""Every URL pattern against every persona.

Every pattern the project serves (a walk of the resolver: named or not, the API and the Django admin
included) must have an entry saying who may use it, and each test below requests one pattern as every
persona:

- nobody gets a 5xx;
- those the rule admits are let in (not 401/403 or sent to sign in; not 404 when the URL points at a
  real object), and everyone else is kept out (401/403/404, or sent to sign in).

A new URL pattern without an entry fails `test_every_url_pattern_has_an_expectation`, so a new page or
endpoint cannot ship without its permission being stated and checked here.

Officials act only on their own team's consultations: `outsider_official` is a publisher of another team.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dhdigital.accounts.models import Role
from tests.conftest import shared_rows

PERSONAS = ["anonymous", "citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"]

# Who may: a team role in the consultation's team (publisher implies moderator and analyst; superusers
# may everything), any official of any team, anyone signed in, the author of the object, or superusers.
MODERATOR, ANALYST, PUBLISHER = Role.MODERATOR, Role.ANALYST, Role.PUBLISHER
PUBLIC = "anyone"
TEAM = "any team role"
OFFICIAL = "any official"
PUBLISHER_ANYWHERE = "publisher of any team"
SIGNED_IN = "signed in"
SELF_SERVICE = "signed in, not a superuser"  # superusers are removed by another administrator
AUTHOR = "its author"  # the world's comment, idea, response and API token belong to `citizen`
LINK_HOLDER = "the emailed link's holder"  # anyone not signed in, or its owner (`citizen`) signed in
SUPERUSER = "superusers only"
NOBODY = "nobody"  # links with a key nobody holds in this test (e.g. a password-reset key): all refused

ALLOWED: dict[str, set[str]] = {
    PUBLIC: set(PERSONAS),
    MODERATOR: {"moderator", "publisher", "superuser"},
    ANALYST: {"analyst", "publisher", "superuser"},
    PUBLISHER: {"publisher", "superuser"},
    TEAM: {"moderator", "analyst", "publisher", "superuser"},
    OFFICIAL: {"moderator", "analyst", "publisher", "outsider_official", "superuser"},
    PUBLISHER_ANYWHERE: {"publisher", "outsider_official", "superuser"},
    SIGNED_IN: {"citizen", "moderator", "analyst", "publisher", "outsider_official", "superuser"},
    SELF_SERVICE: {"citizen", "moderator", "analyst", "publisher", "outsider_official"},
    AUTHOR: {"citizen"},
    LINK_HOLDER: {"anonymous", "citizen"},
    SUPERUSER: {"superuser"},
    NOBODY: set(),
}

# url name (or route, for unnamed patterns) -> (who may, HTTP method[, consultation state]). POST for
# actions whose GET is refused whatever the role; a state where the page depends on the lifecycle (the
# consultation is open otherwise).
EXPECTED: dict[str, tuple] = {
    # site pages and health checks
    "home": (PUBLIC, "GET"),
    "search": (PUBLIC, "GET"),
    "accessibility": (PUBLIC, "GET"),
    "privacy": (PUBLIC, "GET"),
    "cookies": (PUBLIC, "GET"),
    "security": (PUBLIC, "GET"),
    "security-txt": (PUBLIC, "GET"),
    "healthz": (PUBLIC, "GET"),
    "readyz": (PUBLIC, "GET"),
    # sign-in, sign-up and the account (allauth); signed-in visitors of the sign-in pages are sent on
    "account_login": (PUBLIC, "GET"),
    "account_logout": (PUBLIC, "GET"),
    "account_inactive": (PUBLIC, "GET"),
    "account_signup": (PUBLIC, "GET"),
    "account_reauthenticate": (SIGNED_IN, "GET"),
    # allauth's steps that do not apply to someone (login by code is off; nobody in the world has an
    # authenticator) send them on elsewhere; visitors who are not signed in are sent to sign in
    "account_request_reauthentication_code": (SIGNED_IN, "GET"),
    "account_confirm_reauthentication_code": (SIGNED_IN, "GET"),
    "account_email": (SIGNED_IN, "GET"),
    "account_email_verification_sent": (PUBLIC, "GET"),
    "account_change_password": (SIGNED_IN, "GET"),
    "account_set_password": (SIGNED_IN, "GET"),
    "account_reset_password": (PUBLIC, "GET"),
    "account_confirm_login_code": (SIGNED_IN, "GET"),
    "account_confirm_email": (PUBLIC, "GET"),  # a bad key shows "this link has expired or is invalid"
    "account_reset_password_from_key_done": (PUBLIC, "GET"),
    "account_reset_password_from_key": (PUBLIC, "GET"),  # the same for a bad key
    "account_reset_password_done": (PUBLIC, "GET"),
    "mfa_index": (SIGNED_IN, "GET"),
    "mfa_authenticate": (SIGNED_IN, "GET"),
    "mfa_reauthenticate": (SIGNED_IN, "GET"),
    "mfa_activate_totp": (SIGNED_IN, "GET"),
    "mfa_deactivate_totp": (NOBODY, "GET"),  # nobody in the world has one to deactivate
    "mfa_view_recovery_codes": (NOBODY, "GET"),
    "mfa_generate_recovery_codes": (SIGNED_IN, "GET"),
    "mfa_download_recovery_codes": (NOBODY, "GET"),
    "accounts:profile": (SIGNED_IN, "GET"),
    "accounts:data-export": (SIGNED_IN, "GET"),
    "accounts:data-erase": (SELF_SERVICE, "GET"),
    "accounts:data-erased": (PUBLIC, "GET"),
    # public reading
    "consultations:consultation-list": (PUBLIC, "GET"),
    "consultations:consultation-detail": (PUBLIC, "GET"),
    "consultations:document-detail": (PUBLIC, "GET"),
    "consultations:document-version": (PUBLIC, "GET"),
    "consultations:document-changes": (PUBLIC, "GET"),
    "consultations:section-version": (PUBLIC, "GET"),
    "consultations:section-detail": (PUBLIC, "GET"),
    # consultations: the staff area
    "staff:index": (OFFICIAL, "GET"),
    "staff:consultation-create": (PUBLISHER_ANYWHERE, "GET"),
    "staff:consultation-manage": (TEAM, "GET"),
    "staff:consultation-edit": (PUBLISHER, "GET"),
    "staff:document-import": (PUBLISHER, "GET", "draft"),  # only before the consultation opens
    "staff:document-import-progress": (PUBLISHER, "GET"),
    "staff:consultation-check": (TEAM, "GET"),
    "staff:consultation-preview": (TEAM, "GET"),
    "staff:version-upload": (PUBLISHER, "GET"),
    "staff:document-publish": (PUBLISHER, "POST"),
    "staff:version-publish": (PUBLISHER, "POST"),
    "staff:document-notes": (PUBLISHER, "GET"),
    "staff:section-note-edit": (PUBLISHER, "GET"),
    "staff:invitation-list": (PUBLISHER, "GET"),
    "staff:invitation-revoke": (NOBODY, "POST"),  # the world has no invitation: 404 for everyone
    "staff:ledger": (ANALYST, "GET"),
    "staff:ledger-entry": (ANALYST, "GET"),
    "staff:ledger-question": (ANALYST, "GET"),
    "staff:outcome-publish": (PUBLISHER, "GET"),
    "staff:consultation-transition": (PUBLISHER, "POST"),
    # comments: taking part
    "comments:house-rules": (PUBLIC, "GET"),
    "comments:follow": (SIGNED_IN, "POST"),
    "comments:unsubscribe": (PUBLIC, "GET"),  # the signed token in the email is the permission
    "notices:activity": (SIGNED_IN, "GET"),
    "notices:follow-stop": (SIGNED_IN, "POST"),  # only the person's own follow (404 for another's)
    "notices:unmute": (SIGNED_IN, "POST"),
    "notices:unsubscribe": (PUBLIC, "GET"),  # the signed token in the email is the permission
    "notices:bulletin-subscribe": (PUBLIC, "GET"),
    "notices:bulletin-confirm": (PUBLIC, "GET"),  # as above
    "notices:bulletin-unsubscribe": (PUBLIC, "GET"),  # as above
    "comments:comment-create": (SIGNED_IN, "POST"),
    "comments:comment-detail": (PUBLIC, "GET"),
    "comments:comment-reply": (SIGNED_IN, "POST"),
    "comments:comment-react": (SIGNED_IN, "POST"),
    "comments:comment-flag": (SIGNED_IN, "GET"),
    "comments:comment-edit": (AUTHOR, "GET"),
    "comments:comment-withdraw": (AUTHOR, "GET"),
    "comments:comment-appeal": (AUTHOR, "GET"),
    # comments: moderation
    "comments:moderation-queue": (MODERATOR, "GET"),
    "comments:appeal-decide": (MODERATOR, "POST"),
    "comments:user-sanction": (MODERATOR, "GET"),
    "comments:comment-moderate": (MODERATOR, "GET"),
    # responses: responding
    "responses:response-resume": (LINK_HOLDER, "GET"),
    "responses:response-continue": (SIGNED_IN, "GET"),  # the signed token in the email is the permission
    "responses:response-start": (PUBLIC, "GET"),
    # an invitation's link: the world's token is not one, so it is 404 for everyone
    # (tests/consultations/test_invitations.py follows real ones)
    "consultations:invitation": (NOBODY, "GET"),
    "responses:response-about": (SIGNED_IN, "GET"),
    "responses:response-organisation": (SIGNED_IN, "GET"),
    "responses:response-region": (SIGNED_IN, "GET"),
    "responses:response-consent": (SIGNED_IN, "GET"),
    "responses:response-question": (SIGNED_IN, "GET"),
    "responses:response-check": (SIGNED_IN, "GET"),
    "responses:response-saved": (SIGNED_IN, "GET"),
    "responses:response-receipt": (AUTHOR, "GET"),
    "responses:published-list": (PUBLIC, "GET"),
    "responses:event-list": (PUBLIC, "GET"),
    "responses:idea-list": (PUBLIC, "GET"),
    "responses:idea-create": (SIGNED_IN, "GET"),
    "responses:idea-detail": (PUBLIC, "GET"),
    "responses:idea-vote": (SIGNED_IN, "POST"),
    "responses:idea-flag": (SIGNED_IN, "POST"),
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
    "insights:theme-delete": (ANALYST, "GET"),
    "insights:tag-action": (ANALYST, "POST"),
    "insights:tagger-retrain": (ANALYST, "POST"),
    "insights:campaign-list": (ANALYST, "GET"),
    # dashboards: responses with personal data, exports and reports
    "dashboards:dashboard": (ANALYST, "GET"),
    "dashboards:explorer": (ANALYST, "GET"),
    "dashboards:explorer-bulk": (ANALYST, "POST"),
    "dashboards:explorer-stance": (ANALYST, "POST"),
    "dashboards:saved-view-create": (ANALYST, "POST"),
    "dashboards:saved-view-delete": (ANALYST, "POST"),  # only its owner's is deleted; others are told so
    "dashboards:respondent": (ANALYST, "GET"),
    "dashboards:export-list": (ANALYST, "GET"),
    "dashboards:export-download": (ANALYST, "GET"),
    "dashboards:report-list": (ANALYST, "GET"),
    "dashboards:report-detail": (ANALYST, "GET"),
    "dashboards:report-html": (ANALYST, "GET"),
    "dashboards:report-pdf": (ANALYST, "GET"),
    "dashboards:report-publish": (PUBLISHER, "POST"),
    "dashboards:report-withdraw": (PUBLISHER, "GET"),
    "consultations:report": (PUBLIC, "GET"),
    "consultations:report-pdf": (PUBLIC, "GET"),
    # policy: the toolkit (public; editing for publishers of any team), projects and evaluation
    "policycycle:toolkit-index": (PUBLIC, "GET"),
    "policycycle:chooser": (PUBLIC, "GET"),
    "policycycle:stage-detail": (PUBLIC, "GET"),
    "policycycle:stage-edit": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:stage-history": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:activity-create": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:activity-edit": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:technique-create": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:technique-detail": (PUBLIC, "GET"),
    "policycycle:technique-edit": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:technique-history": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:casestudy-list": (PUBLIC, "GET"),
    "policycycle:casestudy-create": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:casestudy-detail": (PUBLIC, "GET"),
    "policycycle:casestudy-edit": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:casestudy-history": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:testimonial-create": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:testimonial-edit": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:testimonial-remove": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:project-list": (PUBLIC, "GET"),
    "policycycle:project-create": (PUBLISHER_ANYWHERE, "GET"),
    "policycycle:project-detail": (PUBLIC, "GET"),
    "policycycle:project-team": (TEAM, "GET"),
    "policycycle:project-edit": (PUBLISHER, "GET"),
    "policycycle:project-move": (PUBLISHER, "POST"),
    "policycycle:project-event-create": (TEAM, "GET"),
    "policycycle:decision-create": (ANALYST, "GET"),
    "policycycle:project-evaluation": (TEAM, "GET"),
    "policycycle:consultation-evaluation": (TEAM, "GET"),
    "policycycle:evaluation-compare": (OFFICIAL, "GET"),
    "policycycle:capability-index": (OFFICIAL, "GET"),
    "policycycle:capability-team": (TEAM, "GET"),
    "policycycle:capability-create": (TEAM, "GET"),
    # API: open data and participation
    "api:index": (PUBLIC, "GET"),
    "api:schema": (PUBLIC, "GET"),
    "api:docs": (PUBLIC, "GET"),
    "api:consultation-list": (PUBLIC, "GET"),
    "api:consultation-detail": (PUBLIC, "GET"),
    "api:document-list": (PUBLIC, "GET"),
    "api:document-detail": (PUBLIC, "GET"),
    "api:document-akn": (PUBLIC, "GET"),
    "api:section-list": (PUBLIC, "GET"),
    "api:section-detail": (PUBLIC, "GET"),
    "api:consultation-zip": (PUBLIC, "GET"),
    "api:document-annotations": (PUBLIC, "GET"),
    "api:comment-list": (PUBLIC, "GET"),
    "api:comment-detail": (PUBLIC, "GET"),
    "api:question-list": (PUBLIC, "GET"),
    "api:response-list": (PUBLIC, "GET"),
    "api:idea-list": (PUBLIC, "GET"),
    "api:ledger-list": (PUBLIC, "GET"),
    "api:report-list": (PUBLIC, "GET"),
    "api:feed-new": (PUBLIC, "GET"),
    "api:feed-closing": (PUBLIC, "GET"),
    "api:feed-outcomes": (PUBLIC, "GET"),
    "api/v1/^[\\s\\S]*$": (NOBODY, "GET"),  # unknown API paths: a JSON 404 for everyone
    # API: staff endpoints and personal tokens
    "api:staff-comment-list": (MODERATOR, "GET"),
    "api:staff-moderate": (MODERATOR, "POST"),
    "api:staff-appeal-list": (MODERATOR, "GET"),
    "api:staff-appeal-decide": (MODERATOR, "POST"),
    "api:staff-sanction-list": (MODERATOR, "GET"),
    "api:staff-export-list": (ANALYST, "GET"),
    "api:staff-export": (ANALYST, "GET"),
    "api:staff-response-list": (ANALYST, "GET"),
    "api:run-list": (ANALYST, "GET"),
    "api:question-results": (ANALYST, "GET"),
    "api:run-detail": (ANALYST, "GET"),
    "api:run-cancel": (ANALYST, "POST"),
    "api:theme-list": (ANALYST, "GET"),
    "api:theme-detail": (ANALYST, "GET"),
    "api:theme-confirm": (ANALYST, "POST"),
    "api:theme-merge": (ANALYST, "POST"),  # an empty body is a 400 for the team, refused for others
    "api:theme-split": (ANALYST, "POST"),
    "api:tag-remove": (ANALYST, "DELETE"),  # destructive: checked for denial on an id nobody has
    "api:tag-move": (ANALYST, "POST"),
    "api:tag-list": (ANALYST, "GET"),
    "api:tag-decide": (ANALYST, "POST"),
    "api:webhook-list": (SIGNED_IN, "GET"),  # lists only the webhooks of teams the user publishes for
    "api:webhook-deliveries": (PUBLISHER, "GET"),
    "api:webhook-detail": (PUBLISHER, "GET"),
    "api:token-list": (SIGNED_IN, "GET"),
    "api:token-revoke": (AUTHOR, "DELETE"),
    "api:token-list-page": (SIGNED_IN, "GET"),
    "api:token-revoke-page": (AUTHOR, "POST"),
    # Django admin: its sign-in goes through the site's (lockout, two-step); everything else is staff only
    "admin:login": (SUPERUSER, "GET"),  # anonymous visitors are sent to the site's sign-in page
    "admin:logout": (PUBLIC, "POST"),
    "admin:autocomplete": (NOBODY, "GET"),  # without a field to complete it refuses even superusers
    # sign-in records are written by django-axes only, never added by hand
    "admin:axes_accessattempt_add": (NOBODY, "GET"),
    "admin:axes_accesslog_add": (NOBODY, "GET"),
    "admin:axes_accessfailurelog_add": (NOBODY, "GET"),
}
# Every other pattern under the Django admin: superusers only (officials are not Django staff).
ADMIN_PREFIX = "django-admin/"

# Known disagreements between the code and the roles in DESIGN.md, as strict xfails (none at present).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """(key, route, pattern) of every URL pattern: its name, or its route when it has none."""

    def walk(resolver, prefix="", namespace=None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if p.name:
                    yield (f"{namespace}:{p.name}" if namespace else p.name), route, p
                else:
                    yield route, route, p

    return list(walk(get_resolver()))


ALL_URLS = url_patterns()


def expectation(key: str, route: str) -> tuple | None:
    if key in EXPECTED:
        return EXPECTED[key]
    if route.startswith(ADMIN_PREFIX):
        return (SUPERUSER, "GET")
    return None


@pytest.fixture(autouse=True)
def _no_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (it is the same for every URL); each test runs in a savepoint rolled
    back after it, so what one URL's requests change (a POST, a state) never reaches the next test."""
    media_root = tmp_path_factory.mktemp("matrix-media")
    with shared_rows(django_db_blocker, media_root):
        yield {**build_world(), "media_root": media_root}


@pytest.fixture
def world(db, _world, settings):
    settings.MEDIA_ROOT = _world["media_root"]  # where the world's attachment was saved
    return _world


def build_world() -> dict:
    """One of everything a URL may point at, in `team`'s open consultation; `citizen` is the author."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from api.models import ApiToken
    from api.webhooks import webhook_create
    from comments.demo import polis_comments
    from comments.models import Subscription
    from comments.notifications import unsubscribe_token
    from comments.services import comment_create
    from consultations.models import DocumentImport, Section
    from dashboards.models import SavedView
    from dashboards.services import report_create, report_publish
    from insights.models import AnalysisRun, Theme, ThemeAssignment
    from policycycle.models import Activity, CaseStudy, PolicyProject, Stage, Technique, Testimonial
    from responses.models import EngagementEvent, Idea, Question, Response
    from responses.services import attachment_add, resume_token
    from tests.conftest import make_persona
    from tests.factories import ConsultationFactory, TeamFactory, make_document

    team, other_team = TeamFactory(), TeamFactory()
    users = {
        persona: make_persona(persona, team=team, other_team=other_team)
        for persona in PERSONAS
        if persona != "anonymous"
    }
    citizen, analyst, publisher = users["citizen"], users["analyst"], users["publisher"]
    consultation = ConsultationFactory(team=team)
    document = make_document(consultation=consultation, clauses=5)
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
    question = Question.objects.create(
        consultation=consultation, position=1, text="Do you agree with clause 1?"
    )
    response = Response.objects.create(
        consultation=consultation,
        respondent=citizen,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    attachment = attachment_add(
        response=response,
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
        by=analyst,
    )
    ideas = ConsultationFactory(team=consultation.team, kind="ideas")
    idea = Idea.objects.create(consultation=ideas, author=citizen, title=text[:60], description=text)
    event = EngagementEvent.objects.create(
        consultation=consultation,
        title="Public meeting",
        starts_at=timezone.now(),
        organiser="Care Bill Team",
    )
    run = AnalysisRun.objects.create(consultation=consultation)
    theme = Theme.objects.create(consultation=consultation, scope="consultation", label="Funding")
    tag = ThemeAssignment.objects.create(theme=theme, comment=comment, confidence=0.9)
    stage = Stage.objects.create(slug="exploring", number=1, name="Exploring", summary="Find out.")
    technique = Technique.objects.create(
        slug="online-consultation", name="Online consultation", summary="Ask.", when_to_use="Often."
    )
    case_study = CaseStudy.objects.create(
        slug="care-bill-2012",
        title="Draft Care and Support Bill",
        summary="Clause-by-clause comment.",
        source="Draft Care and Support Bill",
        source_url="https://www.gov.uk/",
    )
    activity = Activity.objects.create(stage=stage, slug="asking-questions", name="Asking questions")
    testimonial = Testimonial.objects.create(
        case_study=case_study,
        quote="Comments came in clause by clause.",
        person="A policy lead",
        source="Draft Care and Support Bill",
        source_url="https://www.gov.uk/",
    )
    project = PolicyProject.objects.create(team=consultation.team, slug="care-reform", title="Care reform")
    saved_view = SavedView.objects.create(
        consultation=consultation, owner=analyst, name="Clause 1", query="clause=1"
    )
    subscription = Subscription.objects.create(
        user=citizen, kind=Subscription.Kind.CONSULTATION, consultation=consultation
    )
    token, _key = ApiToken.issue(user=citizen, name="notebook")
    webhook = webhook_create(
        team=consultation.team, url="https://hooks.example.org/dhd", events=["analysis.finished"]
    )
    report = report_create(consultation=consultation, by=analyst, title="Interim analysis")
    published_report = report_publish(
        report=report_create(consultation=consultation, by=analyst, title="Published analysis"), by=publisher
    )
    document_import = DocumentImport.objects.create(
        consultation=consultation, requested_by=publisher, filename="bill.xml", state="failed", error="Bad."
    )
    sessions = {}  # a signed-in session per persona, as the test client's force_login makes it
    for persona, user in users.items():
        signed_in = Client()
        signed_in.force_login(user)
        sessions[persona] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "users": users,
        "sessions": sessions,
        "consultation": consultation,
        "document": document,
        "citizen": citizen,
        "clause": clause,
        "comment": comment,
        "question": question,
        "response": response,
        "attachment": attachment,
        "idea": idea,
        "ideas": ideas,
        "event": event,
        "run": run,
        "document_import": document_import,
        "theme": theme,
        "tag": tag,
        "stage": stage,
        "technique": technique,
        "casestudy": case_study,
        "activity": activity,
        "testimonial": testimonial,
        "saved_view": saved_view,
        "project": project,
        "token": token,
        "webhook": webhook,
        "report": report,
        "published_report": published_report,
        "unsubscribe": unsubscribe_token(subscription),
        "resume": resume_token(response),
    }


MISSING = 999_999_999  # an id nothing has: such URLs can only be checked for denial
# Pages whose object the world does not have (a 404 for everyone is then right, a 403 or 500 is not).
NOT_IN_WORLD = {"consultations:document-changes"}  # needs a second version of the document

# url name -> which object of the world its <pk> is
PK_OF: dict[str, str] = {
    "comments:comment-detail": "comment",
    "comments:comment-reply": "comment",
    "comments:comment-react": "comment",
    "comments:comment-flag": "comment",
    "comments:comment-edit": "comment",
    "comments:comment-withdraw": "comment",
    "comments:comment-appeal": "comment",
    "comments:comment-moderate": "comment",
    "policycycle:testimonial-edit": "testimonial",
    "policycycle:testimonial-remove": "testimonial",
    "dashboards:saved-view-delete": "saved_view",
    "responses:staff-question-edit": "question",
    "responses:staff-question-action": "question",
    "responses:staff-attachment-download": "attachment",
    "responses:staff-event-detail": "event",
    "responses:staff-idea-detail": "idea",
    "responses:idea-detail": "idea",
    "responses:idea-vote": "idea",
    "responses:idea-flag": "idea",
    "insights:run-detail": "run",
    "insights:run-progress": "run",
    "insights:run-cancel": "run",
    "insights:run-rerun": "run",
    "staff:document-import-progress": "document_import",
    "insights:theme-detail": "theme",
    "insights:theme-action": "theme",
    "insights:theme-delete": "theme",
    "insights:tag-action": "tag",
    "dashboards:report-detail": "report",
    "dashboards:report-html": "report",
    "dashboards:report-pdf": "report",
    "dashboards:report-publish": "report",
    "dashboards:report-withdraw": "published_report",
    "consultations:report": "published_report",
    "consultations:report-pdf": "published_report",
    "api:document-detail": "document",
    "api:document-akn": "document",
    "api:document-annotations": "document",
    "api:section-detail": "clause",
    "api:comment-detail": "comment",
    "api:run-detail": "run",
    "api:run-cancel": "run",
    "api:theme-detail": "theme",
    "api:tag-list": "theme",
    "api:tag-decide": "tag",
    "api:tag-move": "tag",
    "api:theme-confirm": "theme",
    "api:theme-merge": "theme",
    "api:theme-split": "theme",
    "api:webhook-detail": "webhook",
    "api:token-revoke-page": "token",
    "api:token-revoke": "token",
    "api:webhook-deliveries": "webhook",
}
# url name prefix -> which object of the world its <slug> is (the consultation otherwise)
SLUG_OF: dict[str, str] = {
    "policycycle:stage-": "stage",
    "policycycle:technique-": "technique",
    "policycycle:casestudy-": "casestudy",
    "policycycle:activity-": "stage",
    "policycycle:testimonial-": "casestudy",
    "policycycle:project-": "project",
    "policycycle:decision-": "project",
    "responses:idea-": "ideas",
    "responses:staff-idea-": "ideas",
}
# POST bodies for actions that refuse an empty form whoever sends it
POST_DATA = {"comments:follow": lambda w: {"kind": "consultation", "consultation": w["consultation"].slug}}
OTHER_KWARGS: dict[tuple[str, str], str] = {
    ("staff:consultation-transition", "action"): "close",
    ("responses:staff-question-action", "action"): "down",  # every persona posts it: nothing destructive
    ("insights:theme-action", "action"): "confirm",
    ("dashboards:export-download", "dataset"): "comments",
    ("dashboards:export-download", "fmt"): "csv",
    ("api:staff-export", "dataset"): "comments",
    ("api:staff-export", "fmt"): "csv",
}


def build_url(key: str, route: str, pattern: URLPattern, world: dict) -> tuple[str, bool]:
    """The URL with real objects where the test has them. Returns (url, has_real_object)."""
    if key == route:  # an unnamed pattern: admin's object-id redirects, the API's catch-all
        return _unnamed_url(route, pattern)
    kwargs: dict = {}
    real = True
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        value, ok = _value(key, kwarg, pattern, world)
        kwargs[kwarg] = value
        real = real and ok
    if "(?P<" in route:  # regex routes (allauth's keyed links, the admin's app index)
        for kwarg in re.findall(r"\(\?P<(\w+)>", route):
            value = "accounts" if kwarg == "app_label" else "x0"
            kwargs[kwarg] = value
        real = route.startswith(ADMIN_PREFIX)
    if "/history/([^/]+)/" in route:  # django-simple-history's admin: one historical version
        return _admin_history_url(key, pattern)
    return reverse(key, kwargs=kwargs), real and key not in NOT_IN_WORLD


def _model_admin(pattern: URLPattern):
    """The ModelAdmin behind an admin URL (Django's own views, or one a package added to it)."""
    callback = pattern.callback
    found = getattr(callback, "model_admin", None)
    if found is None:
        found = getattr(getattr(callback, "__wrapped__", None), "__self__", None)
    return found if hasattr(found, "model") else None


def _first_object(pattern: URLPattern):
    model_admin = _model_admin(pattern)
    return model_admin.model._default_manager.order_by("pk").first() if model_admin else None


def _admin_history_url(key: str, pattern: URLPattern) -> tuple[str, bool]:
    obj = _first_object(pattern)
    version = obj.history.order_by("history_id").first() if obj is not None else None
    if version is None:
        return reverse(key, args=[MISSING, MISSING]), False
    return reverse(key, args=[obj.pk, version.history_id]), True


def _unnamed_url(route: str, pattern: URLPattern) -> tuple[str, bool]:
    if route.startswith(ADMIN_PREFIX):
        obj = _first_object(pattern)
        if "<path:object_id>" in route:
            return "/" + route.replace("<path:object_id>", str(obj.pk if obj else MISSING)), obj is not None
        return f"/{ADMIN_PREFIX}no-such-page/", False  # the admin's catch-all
    return "/api/v1/no-such-endpoint/", False


def _value(name: str, kwarg: str, pattern: URLPattern, w: dict):
    c = w["consultation"]
    if kwarg == "slug":
        for prefix, obj in SLUG_OF.items():
            if name.startswith(prefix):
                return w[obj].slug, True
        if name.startswith("policycycle:capability-"):
            return c.team.slug, True
        return c.slug, True
    if kwarg == "doc":
        return w["document"].slug, True
    if kwarg == "version":
        return w["document"].version, True
    if kwarg == "anchor":
        return "clause-1", True
    if kwarg == "activity":
        return w["activity"].slug, True
    if kwarg == "lineage":
        return w["clause"].lineage_key, True
    if kwarg == "user_id":
        return w["citizen"].pk, True
    if kwarg == "reference":
        return w["response"].reference, True
    if kwarg == "position":
        return 1, True
    if kwarg == "token":
        return w["unsubscribe" if name.startswith("comments:") else "resume"], True
    if kwarg == "key" and name == "dashboards:respondent":
        return w["response"].reference, True
    if kwarg == "object_id":  # the admin's change, delete and history pages
        obj = _first_object(pattern)
        return (obj.pk, True) if obj else (MISSING, False)
    if kwarg == "content_type_id":  # the admin's "view on site" shortcut
        return 1, False
    if kwarg == "pk":
        if name in PK_OF:
            return w[PK_OF[name]].pk, True
        return MISSING, False
    if (name, kwarg) in OTHER_KWARGS:
        return OTHER_KWARGS[name, kwarg], True
    return "x0", False


def send(client, method: str, url: str, data: dict | None = None):
    if method == "POST":
        return client.post(url, data or {})
    if method == "DELETE":
        return client.delete(url)
    return client.get(url, HTTP_ACCEPT="text/html,application/json")


def is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (301, 302) and ("/accounts/login/" in location or "/login/?" in location)


def sign_in(client, world: dict, persona: str):
    """As client.logout() then client.force_login(): no cookies but the persona's session (made with the
    world; what a request does to it is rolled back with the test)."""
    client.cookies = SimpleCookie()
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][persona]


KEYS = [key for key, _, _ in ALL_URLS]


@pytest.mark.parametrize(("key", "route", "pattern"), ALL_URLS, ids=KEYS)
def test_url_admits_exactly_its_roles_and_never_fails(key, route, pattern, world, client):
    expected = expectation(key, route)
    assert expected is not None, f"no entry for {key!r} ({route}) in EXPECTED"
    rule, method, *state = expected
    if state:
        type(world["consultation"]).objects.filter(pk=world["consultation"].pk).update(state=state[0])
    url, real = build_url(key, route, pattern, world)
    problems = []
    for persona in PERSONAS:
        if (key, persona) in KNOWN_GAPS:
            continue
        sign_in(client, world, persona)
        response = send(client, method, url, POST_DATA[key](world) if key in POST_DATA else None)
        status = response.status_code
        # a page (GET) that sends someone elsewhere shows them nothing: a refusal as good as a 403
        redirected = method == "GET" and 300 <= status < 400
        refused = status in (401, 403, 404) or is_login_redirect(response) or redirected
        if status >= 500:
            problems.append(f"{persona}: {status}")
        elif persona in ALLOWED[rule]:
            if status in (401, 403) or is_login_redirect(response) or (real and status == 404):
                problems.append(f"{persona} refused ({status})")
        elif not refused:
            problems.append(f"{persona} let in ({status})")
    assert problems == [], f"{method} {url} [{rule}]: {problems}"


def test_every_url_pattern_has_an_expectation():
    missing = sorted(key for key, route, _ in ALL_URLS if expectation(key, route) is None)
    assert missing == [], f"add these to EXPECTED in {__file__}: {missing}"


def test_the_expectation_table_names_only_real_urls():
    assert sorted(set(EXPECTED) - set(KEYS)) == []


def test_the_matrix_covers_the_api_and_the_django_admin():
    routes = [route for _, route, _ in ALL_URLS]
    assert sum(r.startswith("api/v1/staff/") for r in routes) >= 10
    assert sum(r.startswith(ADMIN_PREFIX) for r in routes) >= 100
    assert any(key == route for key, route, _ in ALL_URLS)  # unnamed patterns are in too
