"""Saved explorer views, officials' review marks on response units, and the export log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named set of explorer filters (the query string), private to the official who saved it."""

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="saved_views"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "owner", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class UnitReview(models.Model):
    """An official read this comment or answer ("human-checked" in the explorer)."""

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)
    unit_id = models.PositiveBigIntegerField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "unit_id"], name="unit_review_unique")]
        indexes = [models.Index(fields=["consultation", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} reviewed"


class ExportLog(models.Model):
    """Who downloaded what, when, and how many rows: every export, with or without personal data."""

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dataset = models.CharField(max_length=20)
    format = models.CharField(max_length=5)
    personal_data = models.BooleanField(default=False)
    row_count = models.PositiveIntegerField(null=True, blank=True, help_text="Filled in once streamed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format} ({'personal' if self.personal_data else 'anonymised'})"


class ResultsVersion(models.Model):
    """Which state of a consultation's responses the dashboard's cached counts were counted from
    (dashboards.selectors.Tallies). On PostgreSQL, triggers on every table the counts read give it a new
    random token in the same transaction as any insert, update or delete, whatever wrote it (a service, a
    bulk import, a run, an update through a queryset, the admin): `token` for the responses, answers,
    campaigns and their members, themes and their tags (migration 0004), `activity` for the comments,
    letters on clauses, events and their notes, attached files' text, ideas and enrichment (migration
    0005), so that a comment or a stance leaves the responses' costly counts in the cache. A token is
    never given twice, so a count kept under one is of one state only, even when the change that made it
    was rolled back; `n` counts the changes. Not a foreign key: a consultation being deleted deletes its
    responses after its other rows, and their triggers write here again."""

    consultation_id = models.BigIntegerField(primary_key=True)
    n = models.BigIntegerField()
    token = models.UUIDField()
    activity = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"consultation {self.consultation_id}: change {self.n}"
