"""Data protection: download everything we hold about a person, erase an account, retention after a
consultation concludes.

Privacy by registry: each app registers a `Holder` (in its `privacy.py`, imported by its
`AppConfig.ready()`) saying which foreign keys to the user are the person's own rows (`subject`: exported
whole), which record what the person did as an official about other people's data (`acts`: only the
listed columns, never the others' words, names or notes), how to add details to its rows (`extend`), the
files to put in the download (`files`), how to erase the person's rows (`erase`) and what to wipe after a
consultation's retention period (`retain`). This module orchestrates them, in one transaction for an
erasure, and knows no app's models: it holds the account itself, its email addresses, two-step
authenticators, team memberships, signed-in sessions and the failed sign-ins django-axes holds.
`tests/ops/test_privacy.py` checks that every foreign key to the user is declared by exactly one holder.

The policy these functions carry out is explained to users on the erase page and in the privacy
notice (templates/pages/privacy.html); change them together.

Erasure policy (docs/adr/0008-account-erasure.md):
- The account: email, display name and organisation are wiped, the password made unusable and the
  account deactivated, so nobody can sign in with it again. Verified email addresses, team memberships,
  follows (subscriptions), notices, email preferences, email alerts (bulletins) to the address and
  sessions are deleted.
- Published comments and listed ideas stay in the public record of the consultation, attributed to
  "Deleted account" (replies to them would otherwise make no sense), unless the person chooses
  "remove the text", in which case their text is removed and they show as withdrawn. Comments and ideas
  that were never published (pending, rejected, hidden, withdrawn) always lose their text.
- Consultation responses are kept for the analysis but anonymised: name, email and postal address are
  wiped, named publication consent becomes anonymous, the link to the account is cut, drafts are deleted
  and attachments of individual responses (which often carry a name and address) are deleted.
- Reactions, votes and flags are kept (counts stay right), now tied to an account that identifies no one;
  the notes written with flags are wiped. API tokens and two-step authenticators are deleted.
- Text that is removed leaves no copy in the analysis: its scores and keywords, theme tags, campaign
  membership, themes' representative quotes and summary sentences taken from it are deleted. Reports
  already frozen (and perhaps published) are a record of their date and are not rewritten.
- The edit history (django-simple-history) of their comments loses the text too when the text goes, and
  no history row keeps the account as "changed by".
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

KEEP_PUBLISHED = "keep"
REMOVE_TEXT = "remove"
ERASED_DOMAIN = "erased.invalid"
# Never exported: credentials and tokens, not data about the person.
SECRET_FIELDS = {"password", "resume_secret", "key", "token", "token_hash", "secret"}
# Per model: fields that hold secrets under an ordinary name (a TOTP secret and recovery-code seed).
SECRET_FIELDS_BY_MODEL = {"mfa.Authenticator": {"data"}}


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, bytes):
        return None
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    hidden = SECRET_FIELDS | SECRET_FIELDS_BY_MODEL.get(obj._meta.label, set())
    for f in obj._meta.concrete_fields:
        if f.name in hidden:
            continue
        data[f.attname] = _value(getattr(obj, f.attname))
    return data


# --- the registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """What one app holds about a person, and how it is exported, erased and retained.

    `subject`: "app.Model.field" foreign keys to the user whose rows are the person's own (exported whole,
    secrets left out). `acts`: "app.Model.field" -> the columns exported of what the person did as an
    official (moderated a comment, entered a paper response, banned someone): never the other people's
    words, names or notes. `extend(user, records)` adds details to the exported rows (a comment's place,
    a response's answers); `files(user)` gives (name in the ZIP, file) pairs; `erase(user, policy)`
    erases the person's rows and returns counts; `retain(cutoff)` wipes what is past its retention."""

    name: str
    subject: tuple[str, ...] = ()
    acts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extend: Callable[[Any, dict], None] | None = None
    files: Callable[[Any], Iterable[tuple[str, Any]]] | None = None
    erase: Callable[[Any, str], dict[str, int]] | None = None
    retain: Callable[[dt.datetime], dict[str, int]] | None = None


HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> Holder:
    HOLDERS[holder.name] = holder
    return holder


def declared_keys() -> list[str]:
    """Every "app.Model.field" a holder declares (a key declared twice appears twice)."""
    return [k for h in HOLDERS.values() for k in (*h.subject, *h.acts)]


def _split(key: str) -> tuple[type[models.Model] | None, str]:
    label, _, name = key.rpartition(".")
    return _model(label), name


def row(obj: models.Model) -> dict[str, Any]:
    """One row as JSON-ready data, without credentials (for the apps' `extend`)."""
    return _row(obj)


def value(v: Any) -> Any:
    return _value(v)


# The kernel's own: the account's email addresses (exported apart), authenticators, memberships, and
# what the person did in the admin site (which object, when; not the object's name).
register(
    Holder(
        name="accounts",
        subject=("account.EmailAddress.user", "mfa.Authenticator.user", "accounts.TeamMembership.user"),
        acts={"admin.LogEntry.user": ("id", "action_time", "content_type_id", "object_id", "action_flag")},
    )
)
NOT_IN_RECORDS = {"account.EmailAddress.user"}  # exported as "email_addresses"


def personal_data_export(*, user) -> dict[str, Any]:
    """Everything the portal holds about `user`, as JSON-ready data: the rows each app declares as the
    person's own, the columns of what they did as an official, and what each app adds to them."""
    export: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
        "about": "Everything this portal holds about your account, by kind of record.",
        "account": _row(user),
        "records": {},
    }
    export["account"].pop("is_superuser", None)
    email_model = _model("account.EmailAddress")
    if email_model is not None:
        export["email_addresses"] = [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in email_model.objects.filter(user=user)
        ]
    records = export["records"]
    for holder in HOLDERS.values():
        for key in holder.subject:
            model, name = _split(key)
            if model is None or key in NOT_IN_RECORDS:
                continue
            rows = [_row(o) for o in model._default_manager.filter(**{name: user}).order_by("pk")]
            if rows:
                records.setdefault(model._meta.label, {})[name] = rows
        for key, columns in holder.acts.items():
            model, name = _split(key)
            if model is None:
                continue
            rows = [
                {c: _value(v) for c, v in r.items()}
                for r in model._default_manager.filter(**{name: user}).order_by("pk").values(*columns)
            ]
            if rows:
                records.setdefault(model._meta.label, {})[name] = rows
    for holder in HOLDERS.values():
        if holder.extend is not None:
            holder.extend(user, export)
    export["sessions"] = _sessions_of(user)
    export["sign_in_attempts"] = _sign_in_attempts(user.email)
    return export


def personal_data_archive(*, user) -> bytes:
    """The download: `my-data.json` (personal_data_export) and the files each app gives (what the person
    attached to responses), in one ZIP file."""
    import io
    import json
    import zipfile

    data = personal_data_export(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for holder in HOLDERS.values():
            for name, stored in holder.files(user) if holder.files else ():
                try:
                    with stored.open("rb") as fh:
                        archive.writestr(name, fh.read())
                except OSError:
                    logger.warning("File missing from storage", extra={"file": name})
    return buffer.getvalue()


def _sessions_of(user) -> list[dict[str, Any]]:
    """Signed-in sessions that have not expired (when they expire; never their keys)."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return []
    user_id = str(user.pk)
    return [
        {"expires": _value(s.expire_date)}
        for s in Session.objects.filter(expire_date__gt=timezone.now()).order_by("expire_date")
        if s.get_decoded().get("_auth_user_id") == user_id
    ]


def _sign_in_attempts(email: str) -> list[dict[str, Any]]:
    """Failed sign-ins to the account that django-axes still holds (for the lockout)."""
    attempt_model = _model("axes.AccessAttempt")
    if attempt_model is None or not email:
        return []
    return [
        {
            "last_attempt": _value(a.attempt_time),
            "failures": a.failures_since_start,
            "ip_address": a.ip_address,
            "browser": a.user_agent,
        }
        for a in attempt_model._default_manager.filter(username__iexact=email).order_by("attempt_time")
    ]


class ErasureRefused(Exception):
    """The account may not be erased this way (superusers are removed by another superuser)."""


@transaction.atomic
def account_erase(*, user, comments_policy: str = KEEP_PUBLISHED) -> dict[str, int]:
    """Erase `user`'s account as the module docstring describes: each app erases its rows (in one
    transaction with the account's own), then the account is wiped. Returns counts of what changed."""
    if comments_policy not in (KEEP_PUBLISHED, REMOVE_TEXT):
        raise ValueError(f"unknown comments policy {comments_policy!r}")
    if user.is_superuser:
        raise ErasureRefused("A superuser account is removed by another administrator.")
    counts: dict[str, int] = {}
    for holder in HOLDERS.values():
        if holder.erase is not None:
            counts.update(holder.erase(user, comments_policy))
    counts["memberships_deleted"] = _delete(_model("accounts.TeamMembership"), user=user)
    _delete(_model("account.EmailAddress"), user=user)
    _delete(_model("mfa.Authenticator"), user=user)
    _forget_history(user)
    _end_sessions(user)
    old_email = user.email
    user.email = f"deleted-{user.pk}-{secrets.token_hex(4)}@{ERASED_DOMAIN}"
    user.display_name = ""
    user.organisation = ""
    user.respondent_type = user.organisation_type = user.region = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    _forget_login_attempts(old_email)
    logger.info("Account erased", extra={"user_id": user.pk, "policy": comments_policy, **counts})
    return counts


def _delete(model, **filters) -> int:
    if model is None:
        return 0
    return model._default_manager.filter(**filters).delete()[0]


def _forget_history(user) -> None:
    """No historical row keeps the account as the one who made a change."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and any(
            f.name == "history_user" for f in model._meta.concrete_fields
        ):
            model._default_manager.filter(history_user_id=user.pk).update(history_user=None)


def _end_sessions(user) -> None:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    user_id = str(user.pk)
    stale = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if s.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()


def _forget_login_attempts(email: str) -> None:
    attempt_model = _model("axes.AccessAttempt")
    if attempt_model is not None:
        attempt_model._default_manager.filter(username__iexact=email).delete()


# --- retention after a consultation concludes --------------------------------------------------------


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def personal_data_retention(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Wipe what each app keeps only for a while (respondents' names, emails and postal addresses once a
    consultation concluded or was withdrawn more than PERSONAL_DATA_RETENTION_DAYS ago), and failed
    sign-ins that no longer count. Idempotent: a second run changes nothing."""
    cutoff = retention_cutoff(now)
    result: dict[str, int] = {}
    for holder in HOLDERS.values():
        if holder.retain is not None:
            result.update(holder.retain(cutoff))
    result["sign_in_attempts_deleted"] = _forget_expired_sign_in_attempts(now)
    logger.info("Personal data retention run", extra=result)
    return result


def _forget_expired_sign_in_attempts(now: dt.datetime | None) -> int:
    """Failed sign-ins (with their IP address and browser) are kept only while they can still count
    towards a lockout; django-axes deletes them lazily, this daily run makes sure."""
    attempt_model = _model("axes.AccessAttempt")
    if attempt_model is None or settings.AXES_COOLOFF_TIME is None:
        return 0
    cutoff = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return attempt_model._default_manager.filter(attempt_time__lte=cutoff).delete()[0]
