import re

from django import template
from django.utils.safestring import mark_safe

from dhdigital.lib.markdown import render_markdown
from dhdigital.lib.time import govuk_datetime

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> str:
    return mark_safe(render_markdown(value))  # noqa: S308 - nh3 has sanitised it


_LEADING_NUMBER = re.compile(r"^([“‘\"']*)(\([0-9A-Za-z]{1,6}\))\s+(.*)$")
_QUOTE_MARKS = "“‘\"'"


@register.filter(name="outline_lines")
def outline_lines(text: str) -> list[dict]:
    """Lines of a quoted amendment's text with their outline depth (leading spaces, two a level, as the
    importers write them). A line that the next, deeper line belongs to and that is not a numbered
    provision ("(1) ...") is a heading: "44A Power to ...", "Chapter 2 ...", a cross-heading."""
    rows: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.lstrip(" ")
        if not line.strip():
            continue
        depth = (len(raw) - len(line)) // 2
        match = _LEADING_NUMBER.match(line)
        rows.append(
            {
                "depth": min(depth, 6),
                "level": depth,
                "text": line,
                "quote": match.group(1) if match else "",
                "number": match.group(2) if match else "",
                "rest": match.group(3) if match else line,
                "heading": False,
            }
        )
    for row, following in zip(rows, rows[1:], strict=False):
        if (
            following["level"] > row["level"]
            and not row["number"]
            and not row["text"].lstrip(_QUOTE_MARKS).startswith("(")
        ):
            row["heading"] = True
    return rows


@register.filter(name="govuk_datetime")
def govuk_datetime_filter(value) -> str:
    return govuk_datetime(value)


@register.filter(name="depth_from")
def depth_from(depth: int, base: int | str | None) -> int:
    """A section's depth below the first one a page shows (a clause page shows a clause's children)."""
    return max(0, int(depth) - int(base or 0))


@register.filter(name="heading_level")
def heading_level(depth: int) -> int:
    """h2 for what sits at the top of the page's text, one level lower per level of nesting (h6 at most),
    so headings nest as the bill does: Part (h2) > Chapter (h3) > cross-heading (h4) > clause (h5)."""
    return min(6, int(depth) + 2)
