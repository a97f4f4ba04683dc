"""Data protection: download everything we hold about a person, erase an account, retention after a
consultation concludes.

The download (a ZIP of my-data.json and the files the person attached to responses) walks every
foreign key to the user, so a new model's rows are included without a change here, and adds what is
held about them without one: answers and attachments of their responses, earlier versions of edited
comments, what the analysis derived from their comments, answers and ideas (scores, stance, theme
tags), their signed-in sessions, and the failed sign-ins django-axes holds for the lockout.

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
    attachment_model = _model("responses.ResponseAttachment")
    units: dict[str, dict[int, dict]] = {"comment": {}, "answer": {}, "idea": {}}
    for model, field in _user_foreign_keys():
        rows = list(model._default_manager.filter(**{field.name: user}).order_by("pk"))
        if not rows:
            continue
        key = f"{model._meta.app_label}.{model.__name__}"
        section = export["records"].setdefault(key, {})
        out = section.setdefault(field.name, [])
        for obj in rows:
            item = _row(obj)
            if key == "responses.Response" and field.name == "respondent":
                if answer_model is not None:
                    item["answers"] = []
                    for a in answer_model.objects.filter(response=obj).select_related("question"):
                        answer = {"question": a.question.text, "choices": a.choices, "text": a.text}
                        units["answer"][a.pk] = answer
                        item["answers"].append(answer)
                if attachment_model is not None:
                    item["attachments"] = [
                        {"name": f.original_name, "kind": f.kind, "size": f.size, "file": _archive_name(f)}
                        for f in attachment_model.objects.filter(response=obj).order_by("pk")
                    ]
            if key == "comments.Comment" and field.name == "author":
                item["where"] = _comment_place(obj)
                item["earlier_versions"] = _comment_versions(obj)
                units["comment"][obj.pk] = item
            if key == "responses.Idea" and field.name == "author":
                units["idea"][obj.pk] = item
            out.append(item)
    _add_analysis(units)
    export["sessions"] = _sessions_of(user)
    export["sign_in_attempts"] = _sign_in_attempts(user.email)
    bulletin_model = _model("notices.Bulletin")  # email alerts are held by address, not by account
    if bulletin_model is not None:
        export["email_alerts"] = [
            _row(b) for b in bulletin_model.objects.filter(email__iexact=user.email).order_by("pk")
        ]
    return export


def personal_data_archive(*, user) -> bytes:
    """The download: `my-data.json` (personal_data_export) and a copy of every file the person attached
    to a response, in one ZIP file."""
    import io
    import json
    import zipfile

    data = personal_data_export(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        attachment_model = _model("responses.ResponseAttachment")
        if attachment_model is not None:
            for f in attachment_model.objects.filter(response__respondent=user).select_related("response"):
                try:
                    with f.file.open("rb") as fh:
                        archive.writestr(_archive_name(f), fh.read())
                except OSError:
                    logger.warning("Attachment missing from storage", extra={"attachment_id": f.pk})
    return buffer.getvalue()


def _archive_name(attachment) -> str:
    from django.utils.text import get_valid_filename

    name = get_valid_filename(attachment.original_name) or f"file-{attachment.pk}"
    return f"attachments/{attachment.response.reference}/{attachment.pk}-{name}"


def _comment_versions(comment) -> list[dict[str, Any]]:
    """Earlier texts of an edited comment, as the edit history keeps them."""
    history = getattr(type(comment), "history", None)
    if history is None:
        return []
    versions = []
    seen = {comment.body}
    for h in history.filter(id=comment.pk).order_by("history_date"):
        if h.body and h.body not in seen:
            seen.add(h.body)
            versions.append({"saved_at": _value(h.history_date), "body": h.body, "status": h.status})
    return versions


def _add_analysis(units: dict[str, dict[int, dict]]) -> None:
    """What the analysis derived from each comment, answer and idea: scores, stance and theme tags."""
    enrichment_model = _model("insights.Enrichment")
    assignment_model = _model("insights.ThemeAssignment")
    for kind, items in units.items():
        if not items:
            continue
        for item in items.values():
            item["analysis"] = {"scores": None, "themes": []}
        ids = {f"{kind}_id__in": list(items)}
        if enrichment_model is not None:
            for e in enrichment_model.objects.filter(**ids):
                items[getattr(e, f"{kind}_id")]["analysis"]["scores"] = {
                    "language": e.language,
                    "keywords": e.keywords,
                    "sentiment": e.sentiment,
                    "stance": e.stance,
                    "evidence_rich": e.evidence_rich,
                    "spam_score": e.spam_score,
                    "toxicity_score": e.toxicity_score,
                    "scored_at": _value(e.enriched_at),
                }
        if assignment_model is not None:
            for a in assignment_model.objects.filter(**ids).select_related("theme"):
                items[getattr(a, f"{kind}_id")]["analysis"]["themes"].append(
                    {
                        "theme": a.theme.label,
                        "by": "an official" if a.source == "human" else "the analysis",
                        "confidence": a.confidence,
                        "confirmed": a.confirmed,
                        "rejected": a.rejected,
                    }
                )


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
    counts["notices_deleted"] = _delete(_model("notices.Notice"), user=user)
    _delete(_model("notices.Preference"), user=user)
    _delete(_model("notices.Mute"), user=user)
    counts["appeals_wiped"] = _update(_model("comments.Appeal"), {"user": user}, text="")
    counts["flag_notes_wiped"] = _update(_model("comments.Flag"), {"user": user}, note="")
    counts["api_tokens_deleted"] = _delete(_model("api.ApiToken"), user=user)
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
    counts["email_alerts_deleted"] = _delete(_model("notices.Bulletin"), email__iexact=old_email)
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
    texts = [t for t in wipe.values_list("body", flat=True) if t]
    places = set(wipe.values_list("consultation_id", flat=True))
    wipe.update(body="", body_html="", quote_exact="", quote_prefix="", quote_suffix="")
    _forget_unit_analysis("comment", wipe_ids, texts, places)
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
    texts = [t for pair in wipe.values_list("title", "description") for t in pair if t]
    places = set(wipe.values_list("consultation_id", flat=True))
    wipe.update(title="Removed at its author's request", description="", status=idea_model.Status.HIDDEN)
    _forget_unit_analysis("idea", wipe_ids, texts, places)
    history = getattr(idea_model, "history", None)
    if history is not None:
        history.filter(id__in=wipe_ids).update(title="Removed at its author's request", description="")
        history.filter(author_id=user.pk).update(author=None)
    count = mine.update(author=None)
    return {"ideas_anonymised": count - len(wipe_ids), "ideas_text_removed": len(wipe_ids)}


def _forget_unit_analysis(kind: str, ids: list[int], texts: list[str], consultations: set[int]) -> None:
    """Removed text leaves no copy in the analysis: its scores and keywords, theme tags, campaign
    membership (with the person's own added words), themes' representative quotes and summary
    sentences taken from it."""
    if not ids:
        return
    for label in ("insights.Enrichment", "insights.ThemeAssignment", "insights.CampaignMember"):
        _delete(_model(label), **{f"{kind}_id__in": ids})
    wiped = set(ids)
    theme_model = _model("insights.Theme")
    if theme_model is not None:
        managers = [theme_model._default_manager]
        if getattr(theme_model, "history", None) is not None:
            managers.append(theme_model.history)
        for manager in managers:
            for theme in manager.filter(consultation_id__in=consultations).only("pk", "quotes"):
                kept = [q for q in theme.quotes if not (q.get("unit") == kind and q.get("id") in wiped)]
                if len(kept) != len(theme.quotes):
                    manager.filter(pk=theme.pk).update(quotes=kept)
    summary_model = _model("insights.Summary")
    if summary_model is not None and texts:

        def _copied(sentence: dict) -> bool:
            text = (sentence.get("text") or "").strip()
            return bool(text) and any(text in t for t in texts)

        summaries = summary_model._default_manager.filter(consultation_id__in=consultations)
        for summary in summaries.only("pk", "sentences"):
            kept = [x for x in summary.sentences if not _copied(x)]
            if len(kept) != len(summary.sentences):
                summary_model._default_manager.filter(pk=summary.pk).update(sentences=kept)


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
        return {"responses_wiped": 0, "consultations": 0, "sign_in_attempts_deleted": 0}
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
    attempts = _forget_expired_sign_in_attempts(now)
    result = {"responses_wiped": wiped, "consultations": consultations, "sign_in_attempts_deleted": attempts}
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
