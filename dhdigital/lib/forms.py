"""Form helpers shared by every app.

`GovukDateWidget` is the GOV.UK date input (three boxes: day, month, year). Use it with a plain
`forms.DateField`: the widget hands the field an ISO date string, so the field's own validation
("Enter a valid date.") applies:

    closes_on = forms.DateField(widget=GovukDateWidget(), label="Closing date",
                                help_text="For example, 27 3 2026")

`includes/field.html` renders it as the GOV.UK date-input component; the error summary links to the
day box. The posted names are `<name>_day`, `<name>_month`, `<name>_year`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join


class GovukDateWidget(forms.Widget):
    """Three text boxes (day, month, year) posted as one ISO date string."""

    parts_names = ("day", "month", "year")

    def value_from_datadict(self, data, files, name) -> str | None:
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip() for part in self.parts_names)
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
