"""Every way the public responds besides clause comments: questions and responses (online, assisted
and imported), engagement events and their feedback, and crowd-sourced ideas with votes."""

from __future__ import annotations

import math
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from dhdigital.accounts import about
from dhdigital.lib.reports import Report

from .querysets import IdeaQuerySet, ResponseQuerySet

# Crockford-style alphabet without look-alikes (0/O, 1/I/L, U): easy to read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """An unguessable, human-friendly receipt reference such as DHD-7K3M-Q9TX (about 39 bits)."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"DHD-{body[:4]}-{body[4:]}"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        SCALE = "scale", "Agree–disagree scale"

    SCALE_CHOICES = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text = models.CharField(max_length=500, help_text="The question, as the respondent reads it.")
    hint = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="Options for single and multiple choice.")
    required = models.BooleanField(default=False)
    ask_why = models.BooleanField(default=False, help_text="Scale questions: also ask why (optional).")
    section = models.ForeignKey(
        "consultations.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "position", "id"]
        indexes = [models.Index(fields=["consultation", "position"])]

    def __str__(self) -> str:
        return self.text

    @property
    def options(self) -> list[str]:
        if self.kind == self.Kind.SCALE:
            return list(self.SCALE_CHOICES)
        return [str(c) for c in self.choices or []]

    @property
    def column(self) -> str:
        """Its column in the CSV import template."""
        return f"q{self.position}"


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        EMAIL = "email", "Email"
        POST = "post", "Post"
        PHONE = "phone", "Phone"
        EVENT = "event", "At an event"

    class Status(models.TextChoices):
        DRAFT = "draft", "Saved, not submitted"
        SUBMITTED = "submitted", "Submitted"

    # The same choices as a commenter's profile (dhdigital.accounts.about), so dashboards agree.
    RespondentType = about.RespondentType
    OrganisationType = about.OrganisationType
    Region = about.Region

    class Consent(models.TextChoices):
        NAMED = "named", "Publish my response with my name"
        ANONYMOUS = "anonymous", "Publish my response anonymously"
        NONE = "none", "Do not publish my response"

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="responses"
    )
    reference = models.CharField(max_length=13, unique=True, default=new_reference, editable=False)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The official who entered a response that arrived offline.",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    imported = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    respondent_type = models.CharField(max_length=12, choices=RespondentType.choices, blank=True)
    # Personal data: never shown on public pages or in public exports.
    respondent_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    consent = models.CharField(max_length=10, choices=Consent.choices, blank=True)
    received_at = models.DateField(null=True, blank=True, help_text="When an offline response arrived.")
    resume_secret = models.CharField(max_length=40, default=new_secret, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    changed_since_submit = models.BooleanField(default=False)
    credit = models.CharField(
        max_length=300, blank=True, help_text="Source credit for demo or imported text."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="one_response_per_respondent",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status", "consent"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_organisation(self) -> bool:
        return self.respondent_type == self.RespondentType.ORGANISATION

    @property
    def public_label(self) -> str:
        """How a published response is attributed: never an email or address."""
        if self.consent == self.Consent.NAMED:
            if self.is_organisation and self.organisation_name:
                return self.organisation_name
            name = self.respondent_name or (self.respondent.display_name if self.respondent else "")
            if name:
                return name
        return f"Respondent {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True, help_text="Free-text answer, or the 'why' of a scale answer.")
    choices = models.JSONField(
        default=list, blank=True, help_text="Chosen options (one for single and scale)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        parts = [", ".join(self.choices)] if self.choices else []
        if self.text:
            parts.append(self.text)
        return " — ".join(parts)

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.text.strip()


class LetterPart(models.Model):
    """What a response received offline (a letter, an email, a phone call, a note taken at an event) says
    about one clause of the document. A letter about several clauses has one part per clause: each part is
    one response unit (insights/units.py), counted, themed and summarised with that clause's comments. The
    respondent, channel and consent are the response's; a part is published only with the response, and
    only when its author consented, never as a public comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="letter_parts")
    section = models.ForeignKey(
        "consultations.Section", on_delete=models.CASCADE, related_name="letter_parts"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "section__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "section"], name="one_letter_part_per_clause")
        ]
        indexes = [models.Index(fields=["section"])]

    def __str__(self) -> str:
        return self.text[:60]


class ResponseAttachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        ODT = "odt", "OpenDocument text"

    class Extraction(models.TextChoices):
        PENDING = "pending", "Waiting to be read"
        DONE = "done", "Text read"
        NEEDS_READING = "needs_reading", "Needs reading: no text layer (a scan?)"
        TOO_LARGE = "too_large", "Needs reading: too large to read automatically"
        FAILED = "failed", "Needs reading: the file could not be read"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="response_attachments/%Y/%m/")
    original_name = models.CharField(max_length=250)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Read by the worker (responses.extraction); analysed with the response as one unit.
    text = models.TextField(blank=True)
    extraction = models.CharField(
        max_length=14, choices=Extraction.choices, default=Extraction.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def needs_reading(self) -> bool:
        """A person must read it: the worker found no text to analyse."""
        return self.extraction in (
            self.Extraction.NEEDS_READING,
            self.Extraction.TOO_LARGE,
            self.Extraction.FAILED,
        )

    @property
    def download_name(self) -> str:
        """The uploaded name, with the extension of what the file really is."""
        stem, dot, ext = self.original_name.rpartition(".")
        if dot and ext.lower() == self.kind:
            return self.original_name
        return f"{stem or ext or 'attachment'}.{self.kind}"


class EngagementEvent(models.Model):
    """A meeting, workshop or online session linked to a consultation or a policy project."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="engagement_events",
    )
    project = models.ForeignKey(
        "policycycle.PolicyProject",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="engagement_events",
    )
    title = models.CharField(max_length=250)
    starts_at = models.DateTimeField()
    online = models.BooleanField(default=False)
    location = models.CharField(
        max_length=300, blank=True, help_text="Venue and town, or the online platform."
    )
    organiser = models.CharField(max_length=200)
    attendees = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=False) | models.Q(project__isnull=False),
                name="event_has_consultation_or_project",
            )
        ]

    def __str__(self) -> str:
        return self.title


class EventNote(models.Model):
    """Notes and feedback from an event, recorded against the consultation, one of its clauses or one of
    its questions: a response unit (insights/units.py), analysed with the comments and answers."""

    event = models.ForeignKey(EngagementEvent, on_delete=models.CASCADE, related_name="notes")
    section = models.ForeignKey(
        "consultations.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="event_notes"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_notes"
    )
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class IdeaCategory(models.Model):
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="idea_categories"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "idea categories"
        constraints = [models.UniqueConstraint(fields=["consultation", "slug"], name="unique_idea_category")]

    def __str__(self) -> str:
        return self.name


def wilson_lower_bound(up: int, down: int, z: float = 1.96) -> float:
    """Lower bound of the 95% Wilson score interval for the share of up votes: an idea with 3 of 3 up
    votes does not outrank one with 90 of 100."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    return (centre - spread) / (1 + z * z / n)


class Idea(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        NEW = "new", "New"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DECLINED = "declined", "Not taken forward"
        MERGED = "merged", "Merged into another idea"
        HIDDEN = "hidden", "Hidden by a moderator"

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="ideas"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    title = models.CharField(max_length=150)
    description = models.TextField()
    category = models.ForeignKey(
        IdeaCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW, db_index=True)
    status_note = models.TextField(blank=True, help_text="Public note explaining the status.")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    up_votes = models.PositiveIntegerField(default=0)
    down_votes = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0, db_index=True)
    credit = models.CharField(
        max_length=300, blank=True, help_text="Source credit for demo or imported text."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["up_votes", "down_votes", "score"])
    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("responses:idea-detail", kwargs={"slug": self.consultation.slug, "pk": self.pk})

    @property
    def is_listed(self) -> bool:
        return self.status not in (self.Status.MERGED, self.Status.HIDDEN, self.Status.PENDING)


class IdeaVote(models.Model):
    UP, DOWN = 1, -1

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes")
    value = models.SmallIntegerField(choices=[(UP, "For"), (DOWN, "Against")])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_idea"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_is_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on {self.idea_id}"


class IdeaFlag(Report):
    """A reader's report of an idea that breaks the house rules, as comments are flagged: it puts the
    idea in the team's moderation queue until a moderator hides the idea (upheld) or keeps it
    (dismissed)."""

    class Resolution(models.TextChoices):
        OPEN = "", "Not reviewed yet"
        UPHELD = "upheld", "Upheld: the idea was hidden"
        DISMISSED = "dismissed", "Dismissed: reviewed and kept"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_flags")
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_flag_per_idea_and_user")]
        indexes = [models.Index(fields=["idea", "resolution"], name="idea_flag_open")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on idea {self.idea_id}"


class ResponsePublication(models.Model):
    """A publisher's decision on publishing a closed consultation's consented responses. Without a row,
    consented responses are published as soon as the consultation closes; a publisher may withhold them
    (for example while checking them for defamatory content) and publish them again."""

    consultation = models.OneToOneField(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="response_publication"
    )
    published_at = models.DateTimeField()
    withheld = models.BooleanField(default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Responses to {self.consultation_id} published {self.published_at:%Y-%m-%d}"
