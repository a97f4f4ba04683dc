"""Data protection: download everything we hold about a person, erase an account, retention after a
consultation concludes. The policy these functions carry out is explained to users on the erase page
and in the privacy notice (templates/pages/privacy.html); change them together.

Erasure policy (docs/adr/0008-account-erasure.md):
- The account: email, display name and organisation are wiped, the password made unusable and the
  account deactivated, so nobody can sign in with it again. Verified email addresses, team memberships,
  follows (subscriptions) and sessions are deleted.
- Published comments and listed ideas stay in the public record of the consultation, attributed to
  "Deleted account" (replies to them would otherwise make no sense), unless the person chooses
  "remove the text", in which case their text is removed and they show as withdrawn. Comments and ideas
  that were never published (pending, rejected, hidden, withdrawn) always lose their text.
- Consultation responses are kept for the analysis but anonymised: name, email and postal address are
  wiped, named publication consent becomes anonymous, the link to the account is cut, drafts are deleted
  and attachments of individual responses (which often carry a name and address) are deleted.
- Reactions, votes and flags are kept (counts stay right), now tied to an account that identifies no one.
- The edit history (django-simple-history) of their comments loses the text too when the text goes, and
  no history row keeps the account as "changed by".
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
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
    for field in obj._meta.concrete_fields:
        if field.name in hidden:
            continue
        data[field.attname] = _value(getattr(obj, field.attname))
    return data


def _user_foreign_keys() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) pointing at the user model, historical copies excluded (their originals
    are exported)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        if model is user_model or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                found.append((model, field))
    return found


def personal_data_export(*, user) -> dict[str, Any]:
    """Everything the portal holds about `user`, as JSON-ready data.

    Walks every foreign key to the user model, so rows of apps added later are included without a
    change here. Responses carry their answers; comments carry where they were made.
    """
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
    answer_model = _model("responses.Answer")
    for model, field in _user_foreign_keys():
        rows = list(model._default_manager.filter(**{field.name: user}).order_by("pk"))
        if not rows:
            continue
        key = f"{model._meta.app_label}.{model.__name__}"
        section = export["records"].setdefault(key, {})
        out = section.setdefault(field.name, [])
        for obj in rows:
            item = _row(obj)
            if key == "responses.Response" and answer_model is not None:
                item["answers"] = [
                    {"question": a.question.text, "choices": a.choices, "text": a.text}
                    for a in answer_model.objects.filter(response=obj).select_related("question")
                ]
            if key == "comments.Comment":
                item["where"] = _comment_place(obj)
            out.append(item)
    return export


def _comment_place(comment) -> dict[str, str]:
    place = {"consultation": comment.consultation.title if comment.consultation_id else ""}
    if getattr(comment, "section_id", None):
        place["clause"] = f"{comment.section.number} {comment.section.heading}".strip()
    return place


class ErasureRefused(Exception):
    """The account may not be erased this way (superusers are removed by another superuser)."""


@transaction.atomic
def account_erase(*, user, comments_policy: str = KEEP_PUBLISHED) -> dict[str, int]:
    """Erase `user`'s account as the module docstring describes. Returns counts of what changed."""
    if comments_policy not in (KEEP_PUBLISHED, REMOVE_TEXT):
        raise ValueError(f"unknown comments policy {comments_policy!r}")
    if user.is_superuser:
        raise ErasureRefused("A superuser account is removed by another administrator.")
    counts: dict[str, int] = {}
    counts.update(_erase_comments(user, comments_policy))
    counts.update(_erase_ideas(user, comments_policy))
    counts.update(_anonymise_responses(user))
    counts["subscriptions_deleted"] = _delete(_model("comments.Subscription"), user=user)
    counts["appeals_wiped"] = _update(_model("comments.Appeal"), {"user": user}, text="")
    counts["memberships_deleted"] = _delete(_model("accounts.TeamMembership"), user=user)
    _delete(_model("account.EmailAddress"), user=user)
    _delete(_model("mfa.Authenticator"), user=user)
    _forget_history(user)
    _end_sessions(user)
    old_email = user.email
    user.email = f"deleted-{user.pk}-{secrets.token_hex(4)}@{ERASED_DOMAIN}"
    user.display_name = ""
    user.organisation = ""
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


def _update(model, filters: dict, **values) -> int:
    if model is None:
        return 0
    return model._default_manager.filter(**filters).update(**values)


def _erase_comments(user, policy: str) -> dict[str, int]:
    comment_model = _model("comments.Comment")
    if comment_model is None:
        return {}
    mine = comment_model._default_manager.filter(author=user)
    published = comment_model.Status.PUBLISHED
    wipe = mine if policy == REMOVE_TEXT else mine.exclude(status=published)
    wipe_ids = list(wipe.values_list("pk", flat=True))
    kept = mine.exclude(pk__in=wipe_ids).count()
    # Visible or queued ones become "withdrawn" through the comments app (keeps reply counts right);
    # rejected and hidden ones keep their moderation status. All lose their text.
    from comments.services import set_status

    showing = [comment_model.Status.PUBLISHED, comment_model.Status.PENDING]
    for comment in wipe.filter(status__in=showing).select_for_update():
        set_status(comment, comment_model.Status.WITHDRAWN)
        comment._change_reason = "account erased"
        comment.save(update_fields=["status", "published_at"])
    wipe.update(body="", body_html="", quote_exact="", quote_prefix="", quote_suffix="")
    history = getattr(comment_model, "history", None)
    if history is not None:
        history.filter(id__in=wipe_ids).update(body="", quote_exact="", quote_prefix="", quote_suffix="")
        history.filter(author_id=user.pk).update(author=None)
    mine.update(author=None, idempotency_key="")
    return {"comments_kept_anonymous": kept, "comments_text_removed": len(wipe_ids)}


def _erase_ideas(user, policy: str) -> dict[str, int]:
    idea_model = _model("responses.Idea")
    if idea_model is None:
        return {}
    mine = idea_model._default_manager.filter(author=user)
    hidden = [idea_model.Status.HIDDEN]
    wipe = mine if policy == REMOVE_TEXT else mine.filter(status__in=hidden)
    wipe_ids = list(wipe.values_list("pk", flat=True))
    wipe.update(title="Removed at its author's request", description="", status=idea_model.Status.HIDDEN)
    history = getattr(idea_model, "history", None)
    if history is not None:
        history.filter(id__in=wipe_ids).update(title="Removed at its author's request", description="")
        history.filter(author_id=user.pk).update(author=None)
    count = mine.update(author=None)
    return {"ideas_anonymised": count - len(wipe_ids), "ideas_text_removed": len(wipe_ids)}


def _anonymise_responses(user) -> dict[str, int]:
    response_model = _model("responses.Response")
    if response_model is None:
        return {}
    mine = response_model._default_manager.filter(respondent=user)
    drafts = mine.filter(status=response_model.Status.DRAFT)
    drafts_deleted = drafts.count()
    drafts.delete()
    attachment_model = _model("responses.ResponseAttachment")
    attachments_deleted = 0
    if attachment_model is not None:
        individual = attachment_model._default_manager.filter(response__in=mine).exclude(
            response__respondent_type=response_model.RespondentType.ORGANISATION
        )
        for attachment in individual:
            attachment.file.delete(save=False)
        attachments_deleted = individual.delete()[0]
    mine.filter(consent=response_model.Consent.NAMED).update(consent=response_model.Consent.ANONYMOUS)
    anonymised = mine.update(respondent=None, respondent_name="", email="", address="")
    return {
        "responses_anonymised": anonymised,
        "response_drafts_deleted": drafts_deleted,
        "attachments_deleted": attachments_deleted,
    }


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
    """Wipe respondents' names, emails and postal addresses from responses to consultations that
    concluded (government response published) or were withdrawn more than
    PERSONAL_DATA_RETENTION_DAYS ago. Idempotent: a second run changes nothing."""
    response_model = _model("responses.Response")
    consultation_model = _model("consultations.Consultation")
    if response_model is None or consultation_model is None:
        return {"responses_wiped": 0, "consultations": 0}
    cutoff = retention_cutoff(now)
    state = consultation_model.State
    due = consultation_model._default_manager.filter(
        Q(state=state.CONCLUDED, outcome_published_at__lte=cutoff)
        | Q(state=state.WITHDRAWN, withdrawn_at__lte=cutoff)
    )
    holding = response_model._default_manager.filter(consultation__in=due).exclude(
        respondent_name="", email="", address=""
    )
    consultations = holding.values("consultation").distinct().count()
    wiped = holding.update(respondent_name="", email="", address="")
    logger.info(
        "Personal data retention run", extra={"responses_wiped": wiped, "consultations": consultations}
    )
    return {"responses_wiped": wiped, "consultations": consultations}
