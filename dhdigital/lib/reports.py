"""Why a reader reports something as breaking the house rules: one list for comments and ideas."""

from django.db import models


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    OFFENSIVE = "offensive", "Offensive, abusive or discriminatory"
    OFF_TOPIC = "off_topic", "Off-topic"
    PERSONAL_INFORMATION = "personal_information", "Contains personal information"
