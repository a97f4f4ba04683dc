"""Comments on clauses (threaded), reactions, reader flags, follows, appeals and user sanctions.

A comment's place in its thread is a materialised path of zero-padded ids ("0000000012/0000000034/"), so
a whole thread is one range query in display order and a comment's ancestors are read from the path
without touching the database. Denormalised counts (replies, agree, disagree, flags) are changed only
with F() updates inside the services' transactions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from dhdigital.lib.reports import Report

from .querysets import CommentQuerySet

PATH_WIDTH = 10


class Comment(models.Model):
    class Category(models.TextChoices):
        DRAFTING = "drafting", "The drafting (wording) of the text"
        PRACTICAL_EFFECT = "practical_effect", "How it would work in practice"
        GENERAL = "general", "General comment"
        QUESTION = "question", "A question"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        HIDDEN = "hidden", "Removed by a moderator"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    class Hold(models.TextChoices):
        NONE = "", "Not held"
        PRE_MODERATION = "pre_moderation", "Pre-moderated consultation"
        NEW_ACCOUNT_LINK = "new_account_link", "New account posting a link"
        SCORE = "score", "Spam or toxicity score"
        FLAGS = "flags", "Flagged by readers"

    # consultation and document: no index of their own, the (consultation, status) and (document, section,
    # status) indexes below lead with them. Each index is written on every new comment.
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    document = models.ForeignKey(
        "consultations.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,
    )
    section = models.ForeignKey(
        "consultations.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # A comment on an idea of an `ideas` consultation (then no document or section).
    idea = models.ForeignKey(
        "responses.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # W3C Web Annotation TextQuoteSelector for a comment on a phrase of the section's text.
    quote_exact = models.CharField(max_length=500, blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    path = models.CharField(max_length=255, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.GENERAL)
    body = models.TextField(help_text="As written (plain text or limited Markdown, no HTML).")
    body_html = models.TextField(blank=True, help_text="Sanitised rendering of the body.")
    is_official = models.BooleanField(default=False, help_text="A reply from the department.")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    hold_reason = models.CharField(max_length=20, choices=Hold.choices, blank=True, default="")
    moderation_reason = models.CharField(max_length=40, blank=True, help_text="A house rule code.")
    moderation_note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reviewed_kept = models.BooleanField(
        default=False, help_text="A moderator reviewed the flags and kept it."
    )

    reply_count = models.PositiveIntegerField(default=0, help_text="Published replies at any depth.")
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0, help_text="Distinct readers who flagged it.")

    spam_score = models.FloatField(null=True, blank=True)
    toxicity_score = models.FloatField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    source_credit = models.CharField(
        max_length=250, blank=True, help_text="Where demo text came from, with its licence."
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    # The history is read by comment (id) and by author (erasure, dhdigital/accounts/privacy.py) only:
    # no index for the other columns, which every new comment would otherwise write to.
    history = HistoricalRecords(
        excluded_fields=["reply_count", "agree_count", "disagree_count", "flag_count", "body_html", "path"],
        no_db_index=[
            "consultation",
            "document",
            "section",
            "idea",
            "parent",
            "moderated_by",
            "status",
            "created_at",
        ],
    )
    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="comment_idempotency_per_author",
            ),
            models.CheckConstraint(
                condition=Q(idea__isnull=True) | Q(document__isnull=True, section__isnull=True),
                name="idea_comment_has_no_document",
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            models.Index(fields=["document", "section", "status"]),
            # status alone (every moderation queue), without the LIKE index db_index=True adds on PostgreSQL
            models.Index(fields=["status"], name="comment_status"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse("comments:comment-detail", kwargs={"pk": self.pk})

    @property
    def author_name(self) -> str:
        if not self.author_id:
            return "Deleted account"
        if "author_display_name" in self.__dict__:  # annotated by the thread selector: no User row loaded
            return self.author_display_name or "Anonymous participant"
        return self.author.public_name

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @staticmethod
    def thread_path(parent: Comment | None, pk: int) -> str:
        """The path of comment `pk` replying to `parent` (None: it starts a thread)."""
        return (parent.path if parent else "") + f"{pk:0{PATH_WIDTH}d}/"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.split("/") if p][:-1]

    @property
    def root_id(self) -> int:
        return int(self.path[:PATH_WIDTH]) if self.path else self.pk


class Reaction(models.Model):
    class Value(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    value = models.CharField(max_length=8, choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_reaction_per_user")]

    def __str__(self) -> str:
        return f"{self.value} on {self.comment_id}"


class Flag(Report):
    class Resolution(models.TextChoices):
        OPEN = "", "Not reviewed yet"
        UPHELD = "upheld", "Upheld: the comment was removed"
        DISMISSED = "dismissed", "Dismissed: reviewed and kept"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_flags")
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_flag_per_reader")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.comment_id}"


class Subscription(models.Model):
    """Following a consultation, a document or a clause; or (kind replies) being told of replies."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        DOCUMENT = "document", "Document"
        SECTION = "section", "Clause"
        REPLIES = "replies", "Replies to my comments"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away"
        DAILY = "daily", "Once a day (digest)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    consultation = models.ForeignKey(
        "consultations.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "consultations.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(
        "consultations.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    active = models.BooleanField(default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "consultation", "document", "section"],
                name="one_subscription_per_target",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind}"

    @property
    def target(self):
        return {"consultation": self.consultation, "document": self.document, "section": self.section}.get(
            self.kind
        )


class Appeal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        UPHELD = "upheld", "Upheld: the comment was restored"
        DISMISSED = "dismissed", "Dismissed: the decision stands"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="appeals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_appeal_per_comment")]

    def __str__(self) -> str:
        return f"Appeal on {self.comment_id}"


class Sanction(models.Model):
    """A suspension or ban a moderator imposed (the audit record; the user row carries the status)."""

    class Kind(models.TextChoices):
        SUSPEND = "suspend", "Suspended"
        BAN = "ban", "Banned"
        LIFT = "lift", "Restored"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions")
    consultation = models.ForeignKey(
        "consultations.Consultation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    until = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}"
