"""Figures the privacy notice quotes, read from settings so the notice says what the code does."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def retention_days() -> int:
    """Days after a consultation concludes before respondents' contact details are wiped."""
    return settings.PERSONAL_DATA_RETENTION_DAYS


@register.simple_tag
def lockout_minutes() -> int:
    """How long sign-in to an account pauses after repeated wrong passwords."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@register.simple_tag
def lockout_failures() -> int:
    return settings.AXES_FAILURE_LIMIT
