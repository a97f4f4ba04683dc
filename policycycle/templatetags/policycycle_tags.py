"""`{{ text|govuk_markdown }}`: the shared safe Markdown rendering, with GOV.UK typography classes."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import mark_safe

from dhdigital.lib.markdown import render_markdown

register = template.Library()

# The sanitiser leaves these tags without attributes (links keep only href, title and rel), so adding
# a class to the opening tag is safe.
CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "table": "govuk-table",
    "blockquote": "govuk-inset-text",
}
OPENING = re.compile("<(" + "|".join(CLASSES) + ")>")


@register.filter(name="govuk_markdown")
def govuk_markdown(value: str) -> str:
    html = render_markdown(value)
    html = OPENING.sub(lambda m: f'<{m.group(1)} class="{CLASSES[m.group(1)]}">', html)
    html = html.replace("<a ", '<a class="govuk-link" ')
    return mark_safe(html)  # noqa: S308 - sanitised by render_markdown; only class attributes added
