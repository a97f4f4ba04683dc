"""Form helpers shared by every app.

`GovukDateWidget` is the GOV.UK date input (three boxes: day, month, year). Use it with a plain
`forms.DateField`: the widget hands the field an ISO date string, so the field's own validation
("Enter a valid date.") applies:

    closes_on = forms.DateField(widget=GovukDateWidget(), label="Closing date",
                                help_text="For example, 27 3 2026")

`includes/field.html` renders it as the GOV.UK date-input component; the error summary links to the
day box. The posted names are `<name>_day`, `<name>_month`, `<name>_year`.

`GovukDateTimeWidget` adds a fourth box, the time ("17:00", "9:30am", "5pm"), for a `forms.DateTimeField`
with `input_formats=[DATETIME_FORMAT]`; the boxes are read as local time (settings.TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class GovukDateWidget(forms.Widget):
    """Three text boxes (day, month, year) posted as one ISO date string."""

    parts_names = ("day", "month", "year")

    def value_from_datadict(self, data, files, name) -> str | None:
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip() for part in ("day", "month", "year"))
        if not (day or month or year):
            return None
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        # Keep what was typed so the form can show it again; DateField will reject it.
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name) -> bool:
        return not any(f"{name}_{part}" in data for part in self.parts_names)

    def parts(self, value: Any) -> tuple[str, str, str]:
        """(day, month, year) strings to show in the boxes, from a date or a posted string."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return str(value.day), str(value.month), str(value.year)
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return day.lstrip("0") or day, month.lstrip("0") or month, year
        return "", "", ""

    def part_specs(self, value: Any) -> list[tuple[str, str, int, str]]:
        """(name, label, width, value) of each box, for the GOV.UK date-input component."""
        day, month, year = self.parts(value)
        return [("day", "Day", 2, day), ("month", "Month", 2, month), ("year", "Year", 4, year)]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        """Bare boxes, for `{{ form.field }}`; includes/field.html renders the full component."""
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or name
        day, month, year = self.parts(value)
        return format_html_join(
            "",
            '<label for="{0}_{1}">{2}</label> '
            '<input id="{0}_{1}" name="{3}_{1}" type="text" inputmode="numeric" value="{4}"> ',
            (
                (base_id, part, part.title(), name, val)
                for part, val in zip(self.parts_names, (day, month, year), strict=True)
            ),
        ) or format_html("")


def parse_time(text: str) -> str | None:
    """ "17:00", "9:30am", "5pm", "9.30" as "HH:MM", or None when it is not a time of day."""
    match = TIME_RE.match(text.strip())
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


class GovukDateTimeWidget(GovukDateWidget):
    """The GOV.UK date input with a fourth box for the time of day, posted as one "YYYY-MM-DD HH:MM"."""

    parts_names = ("day", "month", "year", "time")

    def value_from_datadict(self, data, files, name) -> str | None:
        date = super().value_from_datadict(data, files, name)
        time_text = str(data.get(f"{name}_time", "")).strip()
        if date is None and not time_text:
            return None
        time = parse_time(time_text) if time_text else None
        # An unreadable or missing time keeps what was typed: DateTimeField rejects it.
        return f"{date or '--'} {time or time_text or '?'}"

    def parts(self, value: Any) -> tuple[str, str, str]:
        return super().parts(self._local(value)[0])

    def time_part(self, value: Any) -> str:
        return self._local(value)[1]

    @staticmethod
    def _local(value: Any) -> tuple[Any, str]:
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.date(), value.strftime("%H:%M")
        if isinstance(value, str) and " " in value:
            date, _, time = value.partition(" ")
            return (date if date != "--" else ""), ("" if time == "?" else time)
        return value, ""

    def part_specs(self, value: Any) -> list[tuple[str, str, int, str]]:
        return super().part_specs(value) + [("time", "Time", 5, self.time_part(value))]

    def render(self, name, value, attrs=None, renderer=None):
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or name
        return format_html_join(
            "",
            '<label for="{0}_{1}">{2}</label> <input id="{0}_{1}" name="{3}_{1}" type="text" value="{4}"> ',
            ((base_id, part, label, name, val) for part, label, _, val in self.part_specs(value)),
        )
