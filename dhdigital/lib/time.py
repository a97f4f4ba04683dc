"""Dates and times as GOV.UK writes them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def govuk_datetime(value: datetime | None) -> str:
    """ "11:59pm on 17 February 2027", "9am on 1 July 2026", "12pm (midday) on ...", in the site's time
    zone (GOV.UK style guide: times)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute) == (12, 0):
        clock = "12pm (midday)"
    elif (local.hour, local.minute) == (0, 0):
        clock = "12am (midnight)"
    else:
        hour = local.hour % 12 or 12
        minutes = f":{local.minute:02d}" if local.minute else ""
        clock = f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"{clock} on {local.day} {local:%B %Y}"
