"""The Django side of analysis: enrichment of every response, analysis runs (the job table), campaigns,
themes and their assignments, summaries and frozen reports. The engine itself is `policycycle.analysis`."""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .units import KINDS, UnitKey


class UnitRef(models.Model):
    """Points at exactly one response unit: one foreign key per kind of the registry (insights.units), named
    as the kind's `field`; a new kind adds its key here."""

    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "responses.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "responses.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    letter = models.ForeignKey(
        "responses.LetterPart", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event_note = models.ForeignKey(
        "responses.EventNote", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    attachment = models.ForeignKey(
        "responses.ResponseAttachment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def unit_key(self) -> UnitKey:
        return UnitKey.of(self)

    @property
    def unit_kind(self) -> str:
        return self.unit_key.kind

    @property
    def unit_id(self) -> int:
        return self.unit_key.pk


def unique_unit(prefix: str, *also: str) -> list[models.UniqueConstraint]:
    """One unit at most once (with `also`): a partial unique constraint per kind, named `<prefix>_<field>`."""
    return [
        models.UniqueConstraint(
            fields=[*also, k.field], condition=Q(**{f"{k.field}__isnull": False}), name=f"{prefix}_{k.field}"
        )
        for k in KINDS.values()
    ]


def one_unit(name: str) -> models.CheckConstraint:
    """Exactly one of the kinds' foreign keys is set."""
    fields = [k.field for k in KINDS.values()]
    is_set = {f: Q(**{f"{f}__isnull": False}) for f in fields}
    only = [
        functools.reduce(operator.and_, [is_set[g] if g == f else ~is_set[g] for g in fields]) for f in fields
    ]
    return models.CheckConstraint(condition=functools.reduce(operator.or_, only), name=name)


class Enrichment(UnitRef):
    """Per-response signals, computed once on commit (idempotent) and caught up by a periodic sweep."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="enrichments"
    )
    language = models.CharField(max_length=8, blank=True)
    language_confidence = models.FloatField(default=0)
    keywords = models.JSONField(default=list)
    sentiment = models.FloatField(default=0)
    stance = models.CharField(max_length=10, default="unclear")
    stance_machine = models.CharField(
        max_length=10, default="unclear", help_text="The machine's estimate, kept after a correction."
    )
    stance_logit = models.FloatField(
        null=True, blank=True, help_text="The general stance model's logit of agree (None: rule-based)."
    )
    stance_source = models.CharField(
        max_length=8, choices=[("machine", "Machine"), ("official", "Official")], default="machine"
    )
    stance_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance_decided_at = models.DateTimeField(null=True, blank=True)
    stance_pending = models.BooleanField(
        default=False,
        help_text="The learned model has still to read this response (in the worker, several at a time).",
    )
    evidence_rich = models.BooleanField(default=False)
    evidence_score = models.FloatField(default=0)
    spam_score = models.FloatField(default=0)
    toxicity_score = models.FloatField(default=0)
    signature = models.BinaryField(blank=True, default=b"")
    link_count = models.PositiveIntegerField(default=0)
    text_hash = models.CharField(max_length=64, help_text="Re-enrich only when the text changed.")
    enriched_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            one_unit("enrichment_one_unit"),
            *unique_unit("enrichment_unique"),
        ]
        indexes = [
            models.Index(fields=["consultation", "stance"]),
            models.Index(fields=["consultation", "evidence_rich"]),
        ]

    def __str__(self) -> str:
        return f"Enrichment of {self.unit_kind} {self.unit_id}"


class UnitVector(UnitRef):
    """A response's sentence vector from one model (`policycycle.analysis.vectors`: float16 bytes), computed
    once, in batches by the worker after enrichment (`insights.vectors.fill`) or by the first reader
    (`insights.vectors.unit_vectors`), and reused by the retrained tagger and the stance refit instead of
    embedding every response again. It stands while its model key and the hash of the unit's text are
    today's; otherwise it is computed again."""

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=64, help_text="The model key (policycycle.analysis.vectors).")
    text_hash = models.CharField(max_length=64, help_text="The sha256 of the text it is the vector of.")
    vector = models.BinaryField()

    class Meta:
        constraints = [
            one_unit("unitvector_one_unit"),
            *unique_unit("unitvector_unique", "model"),
        ]
        indexes = [models.Index(fields=["consultation", "model"])]

    def __str__(self) -> str:
        return f"Vector of {self.unit_kind} {self.unit_id} ({self.model})"


class AnalysisRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Engine(models.TextChoices):
        BASIC = "basic", "Basic (TF-IDF, no model)"
        EMBEDDINGS = "embeddings", "Sentence embeddings (offline model)"
        LLM = "llm", "Language model endpoint"

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="analysis_runs"
    )
    engine = models.CharField(max_length=12, choices=Engine.choices, default=Engine.EMBEDDINGS)
    scope = models.CharField(
        max_length=60, default="consultation", help_text="consultation, clause:<key> or question:<id>"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    units_total = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="run_progress_0_100"
            ),
            models.CheckConstraint(condition=~Q(state="done") | Q(progress=100), name="run_done_means_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_engine_display()} run {self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class Campaign(models.Model):
    """A detected form letter or organised campaign. Members are never dropped, only grouped."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="campaigns"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    canonical_text = models.TextField()
    size = models.PositiveIntegerField()
    mean_similarity = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"Campaign of {self.size}: {self.canonical_text[:60]}"


class CampaignMember(UnitRef):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    is_canonical = models.BooleanField(default=False)
    added_words = models.JSONField(
        default=list, blank=True, help_text="The member's own words beyond the canonical text."
    )

    class Meta:
        constraints = [one_unit("campaign_member_one_unit")]

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.unit_id} in campaign {self.campaign_id}"


class Theme(models.Model):
    class Source(models.TextChoices):
        MACHINE = "machine", "Drafted by the analysis"
        HUMAN = "human", "Created by an official"

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="themes"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="themes"
    )
    scope = models.CharField(max_length=60, help_text="consultation, clause:<lineage key> or question:<id>")
    section = models.ForeignKey(
        "consultations.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="themes"
    )
    question = models.ForeignKey(
        "responses.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="themes"
    )
    key = models.CharField(max_length=80, blank=True, help_text="The engine's key within its run.")
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    quotes = models.JSONField(default=list, blank=True, help_text="[{unit, id, text}] representative quotes.")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MACHINE)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "label"]
        indexes = [models.Index(fields=["consultation", "scope", "is_active"])]

    def __str__(self) -> str:
        return self.label


class ThemeAssignment(UnitRef):
    class Source(models.TextChoices):
        MACHINE = "machine", "Machine"
        HUMAN = "human", "Official"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    confidence = models.FloatField(default=1.0)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MACHINE)
    confirmed = models.BooleanField(default=False, help_text="Checked by an official.")
    rejected = models.BooleanField(default=False, help_text="An official said this tag is wrong.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            one_unit("assignment_one_unit"),
            *unique_unit("assignment_unique", "theme"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.unit_id} on theme {self.theme_id} ({self.source})"


class Summary(models.Model):
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="summaries"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.CASCADE, related_name="summaries"
    )
    scope = models.CharField(max_length=80)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="summaries"
    )
    method = models.CharField(max_length=12, default="extractive")
    sentences = models.JSONField(
        default=list, help_text="[{text, citations: [unit ids]}]; no sentence without a source."
    )
    minority = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return f"Summary of {self.scope}"


class Report(models.Model):
    """A frozen snapshot of a run's analysis: later edits to themes do not change it."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="reports"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    title = models.CharField(max_length=250)
    snapshot = models.JSONField(default=dict)
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
