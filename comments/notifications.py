"""Who is told about what, and the emails themselves. Called from Celery tasks (tasks.py)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consultations.models import Section
from dhdigital.lib.site import absolute_url

from . import house_rules
from .models import Comment, Subscription
from .selectors import section_place

UNSUBSCRIBE_SALT = "comments.unsubscribe"
DIGEST_SIZE = 50  # comments listed in one daily email; the subject gives the full number


absolute = absolute_url  # the site's own address (settings.SITE_URL), never the request's host


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).select_related("consultation", "document", "section").first()


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}))


def _send(*, to: str, subject: str, template: str, context: dict, subscription: Subscription | None = None):
    headers = {}
    if subscription is not None:
        url = unsubscribe_url(subscription)
        context = {**context, "unsubscribe_url": url}
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    body = render_to_string(template, {**context, "SITE_NAME": settings.SITE_NAME})
    EmailMessage(subject=f"[{settings.SITE_NAME}] {subject}", body=body, to=[to], headers=headers).send(
        fail_silently=False
    )


def _where(comment: Comment) -> str:
    if comment.section_id:
        return f"{section_place(comment.section)[0]} of {comment.document.title}"
    if comment.document_id:
        return comment.document.title
    if comment.idea_id:
        return f"the idea “{comment.idea.title}”"
    return comment.consultation.title


def _reply_subscription(user) -> Subscription:
    sub, _ = Subscription.objects.get_or_create(user=user, kind=Subscription.Kind.REPLIES)
    return sub


def notify_new_comment(comment_id: int) -> int:
    """A comment was published: tell the parent's author (reply) and immediate followers. Returns the
    number of emails sent."""
    comment = (
        Comment.objects.select_related(
            "author", "consultation", "document", "section", "idea", "parent__author"
        )
        .filter(pk=comment_id, status=Comment.Status.PUBLISHED)
        .first()
    )
    if comment is None:
        return 0
    link = absolute(comment.get_absolute_url())
    told: set[int] = {comment.author_id} if comment.author_id else set()
    sent = 0
    parent_author = comment.parent.author if comment.parent_id else None
    if parent_author and parent_author.pk not in told and parent_author.may_participate:
        sub = _reply_subscription(parent_author)
        if sub.active:
            _send(
                to=parent_author.email,
                subject="Someone replied to your comment",
                template="comments/email/reply.txt",
                context={"comment": comment, "where": _where(comment), "link": link},
                subscription=sub,
            )
            sent += 1
        told.add(parent_author.pk)
    for sub in (
        followers(comment).filter(frequency=Subscription.Frequency.IMMEDIATE).exclude(user_id__in=told)
    ):
        if sub.user_id in told:
            continue
        told.add(sub.user_id)
        _send(
            to=sub.user.email,
            subject=f"New comment on {_where(comment)}",
            template="comments/email/new_comment.txt",
            context={"comment": comment, "where": _where(comment), "link": link},
            subscription=sub,
        )
        sent += 1
    return sent


def followers(comment: Comment):
    """Active subscriptions that cover this comment: its consultation, document, or clause (a comment on
    a subsection counts for the clause that contains it)."""
    q = Q(kind=Subscription.Kind.CONSULTATION, consultation_id=comment.consultation_id)
    if comment.document_id:
        q |= Q(kind=Subscription.Kind.DOCUMENT, document_id=comment.document_id)
    if comment.section_id:
        containing = Section.objects.filter(
            document_id=comment.document_id,
            position__lte=comment.section.position,
            last_descendant__gte=comment.section.position,
        ).values("pk")
        q |= Q(kind=Subscription.Kind.SECTION, section_id__in=containing)
    return Subscription.objects.filter(q, active=True).select_related("user").order_by("user_id", "pk")


def notify_decision(comment_id: int) -> bool:
    """Tell the author what a moderator decided, with the house rule and an appeal link."""
    comment = Comment.objects.select_related("author", "consultation", "document", "section").get(
        pk=comment_id
    )
    if comment.author is None:
        return False
    rule = house_rules.BY_CODE.get(comment.moderation_reason)
    context = {
        "comment": comment,
        "where": _where(comment),
        "rule": rule,
        "link": absolute(comment.get_absolute_url()),
        "appeal_link": absolute(reverse("comments:comment-appeal", kwargs={"pk": comment.pk})),
        "rules_link": absolute(reverse("comments:house-rules")),
    }
    subject = {
        Comment.Status.PUBLISHED: "Your comment has been published",
        Comment.Status.REJECTED: "Your comment was not published",
        Comment.Status.HIDDEN: "Your comment has been removed",
    }.get(comment.status)
    if subject is None:
        return False
    subscription = None
    if comment.status == Comment.Status.PUBLISHED:
        # "Your comment is published" comes once per comment, and someone who comments a lot under
        # pre-moderation gets many: it is optional, like replies, with one-click unsubscribe (RFC 8058).
        # A rejection or removal is the moderator's statement of reasons with the right to appeal: it is
        # always sent and carries no List-Unsubscribe (docs/email.md).
        subscription = _reply_subscription(comment.author)
        if not subscription.active:
            return False
    _send(
        to=comment.author.email,
        subject=subject,
        template="comments/email/decision.txt",
        context=context,
        subscription=subscription,
    )
    return True


def send_daily_digests(now=None) -> int:
    """One email per daily follow with the comments published since the last digest."""
    now = now or timezone.now()
    sent = 0
    subs = Subscription.objects.filter(
        active=True,
        frequency=Subscription.Frequency.DAILY,
        kind__in=[Subscription.Kind.CONSULTATION, Subscription.Kind.DOCUMENT, Subscription.Kind.SECTION],
    ).select_related("user", "consultation", "document", "section")
    for sub in subs:
        since = sub.last_digest_at or sub.created_at
        qs = (
            Comment.objects.published()
            .visible_to(sub.user)
            .filter(published_at__gt=since, published_at__lte=now)
        )
        if sub.kind == Subscription.Kind.CONSULTATION:
            qs = qs.filter(consultation_id=sub.consultation_id)
        elif sub.kind == Subscription.Kind.DOCUMENT:
            qs = qs.filter(document_id=sub.document_id)
        else:
            qs = qs.for_section_subtree(sub.section)
        qs = qs.exclude(author=sub.user)
        comments = list(qs.select_related("author", "section", "document")[:DIGEST_SIZE])
        if comments:
            total = len(comments) if len(comments) < DIGEST_SIZE else qs.count()
            _send(
                to=sub.user.email,
                subject=f"{total} new comment{'s' if total != 1 else ''} on {sub.target}",
                template="comments/email/digest.txt",
                context={
                    "items": [(c, absolute(c.get_absolute_url())) for c in comments],
                    "more": total - len(comments),
                    "target": sub.target,
                    "target_link": absolute(sub.target.get_absolute_url()),
                },
                subscription=sub,
            )
            sent += 1
        Subscription.objects.filter(pk=sub.pk).update(last_digest_at=now)
    return sent
