"""Telling people what happened: an Event (a consultation closed, its response was published, a new
version of a document, an idea's new status, a new consultation) is fanned out once, in the worker, to a
Notice per person who took part or follows it, shown on their activity page and emailed straight away
or in a daily digest as they chose. Bulletins are email subscriptions without an account to new
consultations from a department (team) or on a topic, confirmed by a link before anything is sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Event(models.Model):
    class Kind(models.TextChoices):
        CLOSED = "closed", "Consultation closed"
        OUTCOME = "outcome", "Government response published"
        VERSION = "version", "New version of a document"
        IDEA_STATUS = "idea_status", "An idea's status changed"
        NEW_CONSULTATION = "new_consultation", "New consultation published"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # One event per happening: a second close (beat after "close early") or a retried task finds it.
    key = models.CharField(max_length=120, unique=True)
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="notice_events"
    )
    document = models.ForeignKey(
        "consultations.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "responses.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True, help_text="The idea's new status, for example.")
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["fanned_out_at", "created_at"], name="notice_event_pending")]

    def __str__(self) -> str:
        return self.key


class Notice(models.Model):
    """What one person is told about one event: on their activity page, and by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # [{"text": ..., "url": ...}]: the consultation, and the entries about the clauses they commented on.
    links = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when emailed (straight away or in a digest), or when the person gets no emails: never twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_notice_per_event")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_user_recent"),
            models.Index(fields=["emailed_at"], condition=Q(emailed_at__isnull=True), name="notice_unsent"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", "Straight away"
        DAILY = "daily", "Once a day (digest)"
        NONE = "none", "No emails: only on my activity page"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class Mute(models.Model):
    """No more emails about one consultation (its unsubscribe link), or about any (consultation empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_mutes")
    consultation = models.ForeignKey(
        "consultations.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "consultation"], name="one_mute", nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return f"{self.user_id} muted {self.consultation_id or 'all'}"


class Bulletin(models.Model):
    """An email address that asked to hear of new consultations from a team or on a topic."""

    email = models.EmailField()
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "consultations.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="bulletins"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "team", "topic"], name="one_bulletin_per_subject", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=False, topic__isnull=True)
                | Q(team__isnull=True, topic__isnull=False),
                name="bulletin_is_for_a_team_or_a_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"

    @property
    def subject(self):
        return self.team or self.topic

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
