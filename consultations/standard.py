"""The minimum digital standard every consultation must meet before it is scheduled, and keep meeting
while it is scheduled or open (services.consultation_save re-runs it on every edit).

Returns a list of named failures, never a boolean, so the publisher sees exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .models import TWELVE_WEEKS, Consultation, Section


@dataclass(frozen=True)
class Failure:
    code: str
    title: str
    fix: str
    field: str = ""


def check_standard(consultation: Consultation, *, now: datetime | None = None) -> list[Failure]:
    now = now or timezone.now()
    c = consultation
    failures: list[Failure] = []

    def fail(code: str, title: str, fix: str, field: str = "") -> None:
        failures.append(Failure(code, title, fix, field))

    if not c.summary.strip():
        fail(
            "no_summary",
            "No summary",
            "Write one or two sentences saying what the consultation is about.",
            "summary",
        )
    if not c.opens_at:
        fail(
            "no_opening_date", "No opening date", "Set the date and time the consultation opens.", "opens_at"
        )
    if not c.closes_at:
        fail(
            "no_closing_date",
            "No closing date",
            "Set the date and time the consultation closes.",
            "closes_at",
        )
    elif c.closes_at <= now:
        fail("closes_in_past", "Closing date has passed", "Set a closing date in the future.", "closes_at")
    if (
        c.opens_at
        and c.closes_at
        and c.closes_at - c.opens_at < TWELVE_WEEKS
        and not c.short_period_reason.strip()
    ):
        fail(
            "short_without_reason",
            "Shorter than 12 weeks without a reason",
            "Run the consultation for at least 12 weeks, or explain why it is shorter.",
            "short_period_reason",
        )
    if not c.privacy_notice.strip():
        fail(
            "no_privacy_notice",
            "No privacy notice",
            "Say how respondents' personal data will be handled.",
            "privacy_notice",
        )
    if not c.how_responses_used.strip():
        fail(
            "no_use_statement",
            "No statement of how responses will be used",
            "Explain what will happen to responses and when the government response is due.",
            "how_responses_used",
        )
    if not c.respond_online:
        fail(
            "no_online_response",
            "People cannot respond online",
            "Let people respond on this website: select “People can respond online”.",
            "respond_online",
        )
    if not (c.contact_email or c.contact_phone):
        fail(
            "no_contact",
            "No contact details",
            "Give an email address or phone number for questions.",
            "contact_email",
        )
    if not (c.postal_address.strip() or c.contact_email):
        fail(
            "no_alternative_way",
            "No alternative way to respond",
            "Give a postal address or email address for people who cannot respond online.",
            "postal_address",
        )
    if not c.accessible_formats_email:
        fail(
            "no_accessible_format",
            "No accessible format on request",
            "Give an email address where people can ask for the documents in another format.",
            "accessible_formats_email",
        )
    if c.kind == Consultation.Kind.DRAFT_BILL and not _commentable_sections(c).exists():
        fail("no_document", "No draft document to comment on", "Import the draft bill before scheduling.", "")
    if c.kind == Consultation.Kind.FORMAL and not (
        c.pk and (c.questions.exists() or _commentable_sections(c).exists())
    ):
        fail(
            "no_way_to_respond",
            "Nothing to respond to",
            "Add a question, or import a document people can comment on.",
            "",
        )
    return failures


def _commentable_sections(c: Consultation):
    return Section.objects.filter(
        document__consultation=c, document__state__in=["draft", "published"], kind__in=Section.COMMENTABLE
    )
