"""Consultations, their commentable documents, and the clause tree of each document."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .querysets import ConsultationQuerySet, SectionQuerySet

TWELVE_WEEKS = timedelta(weeks=12)


class Topic(models.Model):
    """What a consultation is about (health and social care, transport...): people subscribe to email
    bulletins of new consultations on a topic (notices.Bulletin)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    class Kind(models.TextChoices):
        FORMAL = "formal", "Formal consultation"
        DRAFT_BILL = "draft_bill", "Draft bill for comment"
        ENGAGEMENT = "engagement", "Engagement exercise"
        IDEAS = "ideas", "Ideas exercise"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        CONCLUDED = "concluded", "Concluded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Moderation(models.TextChoices):
        PRE = "pre", "Pre-moderation: comments wait for approval"
        POST = "post", "Post-moderation: comments appear at once"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        INVITED = "invited", "Invited participants only"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=250)
    summary = models.TextField(blank=True, help_text="One or two sentences, shown in lists and search.")
    body = models.TextField(blank=True, help_text="Markdown: background, what we are asking and why.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FORMAL)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="consultations")
    project = models.ForeignKey(
        "policycycle.PolicyProject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True, help_text="Defaults to 12 weeks after closing.")
    short_period_reason = models.TextField(
        blank=True, help_text="Why the consultation runs for less than 12 weeks, if it does."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="consultations")
    moderation_mode = models.CharField(max_length=4, choices=Moderation.choices, default=Moderation.POST)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)

    # Ways to respond and who to contact.
    respond_online = models.BooleanField(default=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    accessible_formats_email = models.EmailField(
        blank=True,
        help_text="Where to ask for the documents in another format (large print, audio, Braille).",
    )
    privacy_notice = models.TextField(blank=True, help_text="Markdown: how personal data is handled.")
    how_responses_used = models.TextField(blank=True, help_text="Markdown: what happens to responses.")

    # Outcome: the government response.
    outcome_summary = models.TextField(blank=True)
    outcome_body = models.TextField(blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True)

    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "title"]
        indexes = [models.Index(fields=["state", "closes_at"]), models.Index(fields=["state", "opens_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:consultation-detail", kwargs={"slug": self.slug})

    # Lifecycle, always derived from the dates so a late beat never leaves a consultation open.
    def phase(self, now: datetime | None = None) -> str:
        """What the public should be told: draft, upcoming, open, closed, concluded or withdrawn. The one
        date rule (ConsultationQuerySet.open_now, upcoming and closed say the same in SQL): open from
        `opens_at` until `closes_at`; a published consultation missing either date is not open yet."""
        now = now or timezone.now()
        if self.state in (self.State.DRAFT, self.State.WITHDRAWN, self.State.CONCLUDED):
            return self.state
        if self.state == self.State.CLOSED:
            return "closed"
        if self.opens_at and now < self.opens_at:
            return "upcoming"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if self.opens_at is None or self.closes_at is None:
            return "upcoming"
        return "open"

    def is_open(self, now: datetime | None = None) -> bool:
        """Accepting comments and responses right now."""
        return self.phase(now) == "open"

    @property
    def is_published(self) -> bool:
        return self.state != self.State.DRAFT

    @property
    def response_due_date(self):
        if self.response_due:
            return self.response_due
        if self.closes_at:
            return (timezone.localtime(self.closes_at) + TWELVE_WEEKS).date()
        return None

    @property
    def duration(self) -> timedelta | None:
        if self.opens_at and self.closes_at:
            return self.closes_at - self.opens_at
        return None


class Document(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    class SourceFormat(models.TextChoices):
        AKN = "akn", "Akoma Ntoso"
        CLML = "clml", "legislation.gov.uk CLML"
        USLM = "uslm", "US Legislative Markup"
        MARKDOWN = "md", "Markdown"
        DOCX = "docx", "Word document"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    slug = models.SlugField(max_length=120)
    title = models.CharField(max_length=250)
    long_title = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    source_format = models.CharField(max_length=6, choices=SourceFormat.choices)
    source_file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    source_name = models.CharField(max_length=250, blank=True)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "slug", "version"], name="unique_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse(
            "consultations:document-detail", kwargs={"slug": self.consultation.slug, "doc": self.slug}
        )


class Section(models.Model):
    """One node of a document's tree. Stored in document order (`position`, pre-order) with the
    position of its last descendant, so a subtree is one range query."""

    class Kind(models.TextChoices):
        PREAMBLE = "preamble", "Preamble"
        PART = "part", "Part"
        CHAPTER = "chapter", "Chapter"
        CROSSHEADING = "crossheading", "Cross-heading"
        CLAUSE = "clause", "Clause"
        SUBSECTION = "subsection", "Subsection"
        PARAGRAPH = "paragraph", "Paragraph"
        SUBPARAGRAPH = "subparagraph", "Sub-paragraph"
        SCHEDULE = "schedule", "Schedule"
        AMENDMENT = "amendment", "Amendment"
        QUOTED = "quoted", "Quoted text (amendment)"
        OTHER = "other", "Other text"

    COMMENTABLE = (Kind.CLAUSE, Kind.SCHEDULE, Kind.AMENDMENT)
    GROUPING = (Kind.PART, Kind.CHAPTER, Kind.CROSSHEADING)
    # what a publisher may explain with a note: the clauses and schedules and the parts that group them
    NOTABLE = (Kind.CLAUSE, Kind.SCHEDULE, Kind.PART, Kind.CHAPTER, Kind.CROSSHEADING)

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    number = models.CharField(max_length=40, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True, help_text="This node's own words, not its children's.")
    position = models.PositiveIntegerField()
    last_descendant = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField(default=0)
    anchor = models.SlugField(max_length=120, help_text="URL and fragment id, e.g. clause-12.")
    lineage_key = models.CharField(
        max_length=200,
        help_text="Stable id across versions: Lawmaker's GUID, else the source's eId, else generated.",
    )
    eid = models.CharField(
        max_length=200, blank=True, help_text="The source's structural id (Akoma Ntoso eId)."
    )
    explanatory_note = models.TextField(
        blank=True,
        help_text="Markdown: what this clause or part does, in plain English. Shown to readers beside the "
        "text and marked as explanation: it is not part of the document.",
    )
    # An amendment (or a provision it inserts): where it applies in the amended bill, as the source says
    # it ("/us/bill/116/hr/1865/s7", "end"), and that bill's section when the bill is on the portal.
    amends_place = models.CharField(max_length=200, blank=True)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="amended_by"
    )

    history = HistoricalRecords()
    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="unique_section_position"),
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_section_anchor"),
            models.UniqueConstraint(fields=["document", "lineage_key"], name="unique_section_lineage"),
        ]
        indexes = [models.Index(fields=["document", "kind", "position"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        doc = self.document
        return reverse(
            "consultations:section-detail",
            kwargs={"slug": doc.consultation.slug, "doc": doc.slug, "anchor": self.anchor},
        )

    @property
    def label(self) -> str:
        """Human label such as "Clause 3: Interpretation" or "Part 2"."""
        name = {
            "clause": "Clause",
            "schedule": "Schedule",
            "part": "Part",
            "chapter": "Chapter",
            "amendment": "Amendment",
        }.get(self.kind)
        prefix = f"{name} {self.number}".strip() if name else self.number
        if prefix and self.heading:
            return f"{prefix}: {self.heading}"
        if name and not self.number and not self.heading and self.text:
            # an unnumbered provision (a resolution's opening "That upon adoption ..."): its first words
            words = self.text.split()
            return f"{name}: {' '.join(words[:8])}{'…' if len(words) > 8 else ''}"
        return prefix or self.heading or self.get_kind_display()

    @property
    def amended_number(self) -> str:
        """The number of the section an amendment applies to, from its place (".../hr/1865/s7": "7")."""
        last = self.amends_place.rsplit("/", 1)[-1]
        return last[1:] if last.startswith("s") and last[1:2].isdigit() else ""

    @property
    def is_commentable(self) -> bool:
        return self.kind in self.COMMENTABLE

    @property
    def is_notable(self) -> bool:
        return self.kind in self.NOTABLE


__all__ = [
    "Consultation",
    "ConsultationUpdate",
    "Invitation",
    "Document",
    "DocumentImport",
    "Section",
    "Topic",
    "settings",
]


class ConsultationUpdate(models.Model):
    """A public change note on a consultation page, as GOV.UK shows under a page's history: first
    published, closing date extended (with the reason), closed early, withdrawn, response published.
    Written only by the lifecycle services; the audit trail of who did it stays in the history."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "First published"
        EXTENDED = "extended", "Closing date extended"
        CLOSED_EARLY = "closed_early", "Closed early"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OUTCOME = "outcome", "Government response published"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["consultation", "at"], name="consultation_update_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.consultation_id}"


class Invitation(models.Model):
    """An invitation to an invitation-only consultation, sent to one email address. Its link is the
    invited person's way in: once they accept it signed in with that address, `visibility` lets them see
    the published consultation and take part. Revoking ends that at once. Every change is in the history
    (who invited, who accepted, who revoked and why)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Where the invitation was sent (lower case).")
    secret = models.CharField(max_length=43, help_text="The random part of the link; a new one on resend.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="Who accepted it.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "email"], name="one_invitation_per_address"),
        ]
        indexes = [models.Index(fields=["user", "consultation"], name="invitation_user")]

    def __str__(self) -> str:
        return f"Invitation to {self.consultation_id} for {self.email}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "Revoked"
        return "Accepted" if self.accepted_at else "Invited"


class DocumentImport(models.Model):
    """An uploaded document waiting to be read, being read, or read: the upload request only checks and
    stores the file; the worker reads it within time and memory limits and saves the document
    (consultations.importers.jobs). Its page shows the progress, the error, or what was only partly
    understood, for the publisher to confirm."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be read"
        RUNNING = "running", "Being read"
        CONFIRM = "confirm", "Waiting for you to confirm"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"
        CANCELLED = "cancelled", "Cancelled"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="imports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    upload = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=250)
    source_format = models.CharField(max_length=6, blank=True)
    title = models.CharField(max_length=250, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    confirmed = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    skipped = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A revised draft: the version it follows (the new document is its next version).
    previous_version = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def waiting(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
