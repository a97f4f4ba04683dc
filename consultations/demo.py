"""Demo data for `make run`: real bills and real public comments from ../shared/data.

Idempotent: running it twice leaves the same data. Demo accounts come only from here, never from migrations.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dhdigital.accounts.models import Role, Team, TeamMembership, User

from .importers import parse
from .importers.save import document_import
from .models import Consultation

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed by `make run`; demo accounts only
DEMO_USERS = [
    ("admin@example.org", "Demo admin", None),
    ("publisher@example.org", "Priya Publisher", Role.PUBLISHER),
    ("moderator@example.org", "Morgan Moderator", Role.MODERATOR),
    ("analyst@example.org", "Alex Analyst", Role.ANALYST),
    ("citizen@example.org", "Casey Citizen", None),
]
SAF_BILL = "bills/akn/sustainable-aviation-fuel-bill.xml"

PRIVACY = (
    "We process your comments and responses to inform the development of this policy, under the public "
    "task basis. We keep your email address private and never publish it. Comments you publish show your "
    "display name. We keep responses for two years after the government response is published. You can "
    "download or erase your data from your profile at any time."
)
USE = (
    "Every comment and response is read. We analyse them by clause and by theme, publish a summary of what "
    "people said, and explain clause by clause what we changed in the government response, due within 12 "
    "weeks of closing."
)


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
    if superuser and not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _consultation(slug: str, team: Team, **fields) -> tuple[Consultation, bool]:
    now = timezone.now()
    today = timezone.localtime(now).replace(second=0, microsecond=0)
    defaults = {
        "team": team,
        # opened at 9am a fortnight ago; closes at 11:59pm, as real consultations do
        "opens_at": (today - timedelta(days=14)).replace(hour=9, minute=0),
        "closes_at": (today + timedelta(weeks=11)).replace(hour=23, minute=59),
        "contact_email": f"{slug}@example.gov.uk",
        "postal_address": "Consultation Team\n33 Horseferry Road\nLondon\nSW1P 4DR",
        "accessible_formats_email": "alternative.formats@example.gov.uk",
        "privacy_notice": PRIVACY,
        "how_responses_used": USE,
        "state": Consultation.State.OPEN,
        "published_at": now,
        **fields,
    }
    return Consultation.objects.get_or_create(slug=slug, defaults=defaults)


@transaction.atomic
def load_demo_consultations(*, stdout=None) -> dict[str, object]:
    """The demo team, users and consultations, and the real bill as the draft bill's document (idempotent).
    The other apps' demo content is loaded on top by policycycle.demo.load_demo."""
    say = stdout.write if stdout else (lambda s: None)
    admin = _user("admin@example.org", "Demo admin", superuser=True)
    team, _ = Team.objects.get_or_create(
        slug="aviation-fuels",
        defaults={"name": "Sustainable Aviation Fuel Bill team", "department": "Department for Transport"},
    )
    for email, name, role in DEMO_USERS[1:]:
        user = _user(email, name)
        if role:
            TeamMembership.objects.get_or_create(team=team, user=user, role=role)

    bill, created = _consultation(
        "sustainable-aviation-fuel-bill",
        team,
        title="Draft Sustainable Aviation Fuel Bill",
        kind=Consultation.Kind.DRAFT_BILL,
        summary="Comment clause by clause on the draft bill that creates a revenue certainty mechanism for "
        "sustainable aviation fuel producers.",
        body="The Sustainable Aviation Fuel Bill makes provision for a revenue certainty mechanism to "
        "support "
        "the production of sustainable aviation fuel.\n\nWe are publishing the bill as amended in Public "
        "Bill Committee so that anyone can read it clause by clause and tell us about the drafting and how "
        "it would work in practice.",
        moderation_mode=Consultation.Moderation.POST,
    )
    document = bill.documents.first()
    if document is None:
        path = settings.DATA_DIR / SAF_BILL
        parsed = parse(path.read_bytes(), fmt="akn", filename=path.name)
        result = document_import(
            consultation=bill,
            parsed=parsed,
            slug="draft-bill",
            source_name=path.name,
            title="Sustainable Aviation Fuel Bill",
        )
        document = result.document
        document.state = document.State.PUBLISHED
        document.published_at = timezone.now()
        document.save(update_fields=["state", "published_at"])
        say(f"Imported {path.name}: {result.counts}\n")

    formal, _ = _consultation(
        "regulatory-reform-initiatives",
        team,
        title="Identifying regulatory reform initiatives",
        kind=Consultation.Kind.FORMAL,
        summary="Tell us which rules are outdated, unnecessary or ineffective, and what should replace them.",
        body="We are asking the public, businesses and organisations which regulations should be repealed, "
        "replaced or modified, and why.",
        moderation_mode=Consultation.Moderation.PRE,
    )
    ideas, _ = _consultation(
        "youth-scrutiny-of-policing",
        team,
        title="Ideas: engaging young people in local scrutiny of policing",
        kind=Consultation.Kind.IDEAS,
        summary="What is the best way to engage more young people in local scrutiny of policing? Share ideas "
        "and vote on others'.",
        body="Ideas in this exercise start from a real public conversation run with Polis (The Computational "
        "Democracy Project, CC BY 4.0).",
    )
    return {"admin": admin, "bill": bill, "document": document, "formal": formal, "ideas": ideas}
