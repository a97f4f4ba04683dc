"""factory_boy factories shared by every test module."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from consultations.models import Consultation, Document, Section
from dhdigital.accounts.models import Role, Team, TeamMembership, User

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Participant {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Policy team {n}")
    slug = factory.Sequence(lambda n: f"policy-team-{n}")
    department = "Department of Health and Social Care"


def add_member(user: User, team: Team, role: str) -> User:
    TeamMembership.objects.get_or_create(user=user, team=team, role=role)
    user.__dict__.pop("_team_roles", None)
    return user


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open, post-moderated, public consultation that passes the minimum digital standard."""

    class Meta:
        model = Consultation

    slug = factory.Sequence(lambda n: f"consultation-{n}")
    title = factory.Sequence(lambda n: f"Draft Care and Support Bill {n}")
    summary = "We want your views on the draft bill, clause by clause."
    body = "The draft bill reforms the law on adult social care."
    kind = Consultation.Kind.DRAFT_BILL
    state = Consultation.State.OPEN
    team = factory.SubFactory(TeamFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(weeks=12))
    contact_email = "care.bill@example.gov.uk"
    postal_address = "Care Bill Team, 39 Victoria Street, London SW1H 0EU"
    accessible_formats_email = "accessible.formats@example.gov.uk"
    privacy_notice = "We process your response under the public task basis."
    how_responses_used = "Every response is read and analysed; we publish a summary."
    published_at = factory.LazyFunction(timezone.now)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    consultation = factory.SubFactory(ConsultationFactory)
    slug = "draft-bill"
    title = "Draft Care and Support Bill"
    state = Document.State.PUBLISHED
    source_format = Document.SourceFormat.MARKDOWN


def make_document(
    *, consultation: Consultation | None = None, clauses: int = 5, slug: str = "draft-bill"
) -> Document:
    """A published document with `clauses` clauses, each with two subsections, in document order."""
    doc = DocumentFactory(consultation=consultation or ConsultationFactory(), slug=slug)
    pos = 0
    for n in range(1, clauses + 1):
        clause = Section.objects.create(
            document=doc,
            kind="clause",
            number=str(n),
            heading=f"Clause heading {n}",
            text="",
            position=pos,
            last_descendant=pos + 2,
            depth=0,
            anchor=f"clause-{n}",
            lineage_key=f"sec_{n}",
        )
        for s in (1, 2):
            Section.objects.create(
                document=doc,
                parent=clause,
                kind="subsection",
                number=f"({s})",
                text=f"A local authority must meet the adult's needs for care and support ({n}.{s}).",
                position=pos + s,
                last_descendant=pos + s,
                depth=1,
                anchor=f"clause-{n}-{s}",
                lineage_key=f"sec_{n}__subsec_{s}",
            )
        pos += 3
    return doc


def datetime_boxes(name: str, when) -> dict[str, str]:
    """The GOV.UK date input's boxes (day, month, year, time) for a date and time, as a form posts them."""
    from django.utils import timezone

    when = timezone.localtime(when)
    return {
        f"{name}_day": str(when.day),
        f"{name}_month": str(when.month),
        f"{name}_year": str(when.year),
        f"{name}_time": when.strftime("%H:%M"),
    }


def edit_form_data(consultation: Consultation, **overrides) -> dict:
    """What the staff edit form posts for `consultation` unchanged, with `overrides`."""
    c = consultation
    data = {
        name: getattr(c, name)
        for name in (
            "title",
            "slug",
            "kind",
            "summary",
            "body",
            "short_period_reason",
            "moderation_mode",
            "visibility",
            "contact_email",
            "contact_phone",
            "postal_address",
            "accessible_formats_email",
            "privacy_notice",
            "how_responses_used",
        )
    }
    data["team"] = c.team_id
    if c.respond_online:
        data["respond_online"] = "on"
    for name in ("opens_at", "closes_at"):
        if getattr(c, name):
            data.update(datetime_boxes(name, getattr(c, name)))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


__all__ = [
    "edit_form_data",
    "datetime_boxes",
    "PASSWORD",
    "Role",
    "UserFactory",
    "TeamFactory",
    "ConsultationFactory",
    "DocumentFactory",
    "add_member",
    "make_document",
]
