"""Invitations to an invitation-only consultation: a team invites people by email (one at a time or a CSV
of addresses), the worker sends each a link, the invited person accepts it signed in with that address,
and `visibility` then lets them see and take part. A team can revoke an invitation at any time. Every
change is recorded in the invitation's history with who did it and why."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dhdigital.lib import history
from dhdigital.lib.site import absolute_url

from . import tasks
from .models import Consultation, Invitation

TOKEN_SALT = "consultations.invitation"  # noqa: S105 - a signing salt, not a password
MAX_ADDRESSES = 5_000  # in one CSV upload
MAX_CSV_BYTES = 1_000_000
BATCH = 200  # invitations per sending task


def _secret() -> str:
    return secrets.token_urlsafe(32)


def token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "s": invitation.secret}, salt=TOKEN_SALT, compress=True)


def from_token(value: str) -> Invitation | None:
    """The invitation a link names, or None if it is forged, revoked or was replaced by a resend."""
    try:
        data = signing.loads(value, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("consultation", "consultation__team")
        .filter(pk=data.get("i"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        return None
    if not secrets.compare_digest(invitation.secret, str(data.get("s", ""))):
        return None
    return invitation


def normalise(address: str) -> str:
    return (address or "").strip().lower()


def _queue(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        transaction.on_commit(lambda chunk=chunk: tasks.send_invitations.delay(chunk))


@dataclass
class Invited:
    created: list[Invitation] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # addresses invited before (not revoked)
    renewed: list[str] = field(default_factory=list)  # revoked before, invited again


def _require_invitation_only(consultation: Consultation) -> None:
    if consultation.visibility != Consultation.Visibility.INVITED:
        raise ValidationError(
            "This consultation is open to everyone. "
            "Make it invitation-only (edit its details) to invite people."
        )
    if consultation.state in (Consultation.State.CONCLUDED, Consultation.State.WITHDRAWN):
        raise ValidationError("This consultation has ended: nobody new can be invited.")


@transaction.atomic
def invitations_create(*, consultation: Consultation, emails: list[str], by) -> Invited:
    """Invite each address (already validated and normalised); an address invited before is left alone,
    one whose invitation was revoked is invited again with a new link. All or nothing."""
    _require_invitation_only(consultation)
    result = Invited()
    existing = {i.email: i for i in Invitation.objects.select_for_update().filter(consultation=consultation)}
    for email in dict.fromkeys(emails):  # in order, each once
        current = existing.get(email)
        if current is not None and current.revoked_at is None:
            result.already.append(email)
            continue
        if current is not None:  # revoked: a new link, and the person must accept it again
            current.revoked_at = current.accepted_at = current.user = current.sent_at = None
            current.secret = _secret()
            current.invited_by = by
            history.save(current, by=by, reason="invited again")
            result.renewed.append(email)
            result.created.append(current)
            continue
        invitation = Invitation(consultation=consultation, email=email, secret=_secret(), invited_by=by)
        history.save(invitation, by=by, reason="invited")
        result.created.append(invitation)
    _queue([i.pk for i in result.created])
    return result


def invitation_create(*, consultation: Consultation, email: str, by) -> Invited:
    email = normalise(email)
    validate_email(email)
    return invitations_create(consultation=consultation, emails=[email], by=by)


def parse_csv(data: bytes) -> list[str]:
    """The addresses of a CSV upload: one a row, in the column headed "email" (or the first column when
    there is no such heading). Every problem is reported with its line number; nothing is returned
    unless every row is right, so nothing partial is ever saved."""
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(f"The file must be smaller than {MAX_CSV_BYTES // 1_000_000} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file must be a CSV file saved as UTF-8.") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise ValidationError("The file is empty. Nobody was invited.")
    header = [cell.strip().lower() for cell in rows[0]]
    column, start = (header.index("email"), 1) if "email" in header else (0, 0)
    emails: list[str] = []
    problems: list[str] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        value = normalise(row[column] if column < len(row) else "")
        try:
            validate_email(value)
        except ValidationError:
            problems.append(
                f"line {number}: “{value[:80]}” is not an email address"
                if value
                else f"line {number}: no email address"
            )
            continue
        emails.append(value)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise ValidationError(f"Nobody was invited. Correct the file and upload it again: {shown}.")
    if len(set(emails)) > MAX_ADDRESSES:
        raise ValidationError(f"Upload at most {MAX_ADDRESSES:,} addresses at a time. Nobody was invited.")
    return emails


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by, reason: str = "") -> Invitation:
    """The link stops working and, if it was accepted, the person no longer sees the consultation."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at = timezone.now()
    history.save(current, by=by, reason=f"revoked: {reason.strip()}" if reason.strip() else "revoked")
    return current


class WrongAddress(PermissionDenied):
    pass


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Invitation:
    """Accept signed in with the invited address (a verified one: sign-in needs a verified address).
    Someone signed in with another address is refused: the link is not theirs to use."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.revoked_at is not None:
        raise PermissionDenied("This invitation has been withdrawn.")
    addresses = {normalise(user.email)}
    addresses |= {normalise(e.email) for e in user.emailaddress_set.filter(verified=True)}
    if current.email not in addresses:
        raise WrongAddress(current.email)
    if current.user_id == user.pk:
        return current
    if current.user_id is not None:
        raise PermissionDenied("This invitation has already been accepted.")
    current.user = user
    current.accepted_at = timezone.now()
    try:
        with transaction.atomic():
            history.save(current, by=user, reason="accepted")
    except IntegrityError:  # pragma: no cover - the row is locked above
        raise PermissionDenied("This invitation has already been accepted.") from None
    return current


def link(invitation: Invitation) -> str:
    return absolute_url(reverse("consultations:invitation", kwargs={"token": token(invitation)}))


def send(ids: list[int]) -> int:
    """Email each invitation still waiting (not revoked, not accepted) its link, over one connection.
    Returns how many were sent. Run by the worker (tasks.send_invitations), never in a request."""
    invitations = list(
        Invitation.objects.select_related("consultation", "consultation__team").filter(
            pk__in=ids, revoked_at__isnull=True, accepted_at__isnull=True
        )
    )
    messages = []
    for invitation in invitations:
        c = invitation.consultation
        body = render_to_string(
            "consultations/email/invitation.txt",
            {"consultation": c, "link": link(invitation), "SITE_NAME": settings.SITE_NAME},
        )
        messages.append(
            EmailMessage(
                subject=f"[{settings.SITE_NAME}] You are invited to take part: {c.title}",
                body=body,
                to=[invitation.email],
            )
        )
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(sent_at=timezone.now())
    return len(messages)
