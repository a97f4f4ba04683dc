"""The response ledger: what a team did with what people said about each clause and question, behind
the government response ("you said, we did")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LedgerEntry(models.Model):
    """What the team did with what people said about one clause (by lineage key) or one question:
    the response ledger behind "you said, we did"."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted: we made the change people asked for"
        CHANGED = "changed", "Changed: we changed the clause in another way"
        NOT_CHANGED = "not_changed", "Not changed: we kept the clause, and say why"
        OUT_OF_SCOPE = "out_of_scope", "Out of scope: the comments were about something else"

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="ledger_entries"
    )
    lineage_key = models.CharField(max_length=200, blank=True, help_text="The clause, across versions.")
    section = models.ForeignKey(
        "consultations.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_entries",
        help_text="The clause as it was commented on.",
    )
    question = models.ForeignKey(
        "responses.Question", null=True, blank=True, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    decision = models.CharField(max_length=14, choices=Decision.choices)
    you_said = models.TextField(help_text="A fair summary of what people said.")
    we_did = models.TextField(help_text="What we did and why.")
    themes = models.ManyToManyField("insights.Theme", blank=True, related_name="ledger_entries")
    comments = models.ManyToManyField(
        "comments.Comment", blank=True, related_name="ledger_entries", help_text="Comments behind it."
    )
    answers = models.ManyToManyField(
        "responses.Answer", blank=True, related_name="ledger_entries", help_text="Answers behind it."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Moved from the consultations app (issue 18): its tables keep their names.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="consultations_historicalledgerentry"
    )

    class Meta:
        db_table = "consultations_ledgerentry"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "lineage_key"],
                condition=~models.Q(lineage_key=""),
                name="ledger_one_per_clause",
            ),
            models.UniqueConstraint(
                fields=["consultation", "question"],
                condition=models.Q(question__isnull=False),
                name="ledger_one_per_question",
            ),
            models.CheckConstraint(
                condition=~models.Q(lineage_key="") | models.Q(question__isnull=False),
                name="ledger_has_a_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.section or self.question})"

    @property
    def decision_short(self) -> str:
        return self.get_decision_display().split(":", 1)[0]
