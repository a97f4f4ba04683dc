"""A reader's report that something breaks the house rules: why, and what the moderator decided. One
list of reasons and one set of fields for reports of comments and of ideas; each app's model adds what is
reported, the reporter and the wording of its decisions."""

from django.conf import settings
from django.db import models


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    OFFENSIVE = "offensive", "Offensive, abusive or discriminatory"
    OFF_TOPIC = "off_topic", "Off-topic"
    PERSONAL_INFORMATION = "personal_information", "Contains personal information"


class Report(models.Model):
    """The fields every report has. A subclass adds the reported object, `user` (the reader, with a
    related name of its own), a `Resolution` with its own wording and the `resolution` field, and
    HistoricalRecords."""

    Reason = ReportReason

    reason = models.CharField(max_length=24, choices=ReportReason.choices)
    note = models.TextField(blank=True, max_length=1000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
