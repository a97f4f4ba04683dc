from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def govuk_datetime(value) -> str:
    """A time and date in GOV.UK style: "2:53pm on 17 February 2027", "10am on ...", "midday on ...".
    Midnight names the day it ends, so nobody is a day late: "midnight at the end of 16 February 2027"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute) == (0, 0):
        return f"midnight at the end of {_date(local - timedelta(days=1))}"
    if (local.hour, local.minute) == (12, 0):
        clock = "midday"
    else:
        minutes = f":{local.minute:02d}" if local.minute else ""
        clock = f"{local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"{clock} on {_date(local)}"


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}"
