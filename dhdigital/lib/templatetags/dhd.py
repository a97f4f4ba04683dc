from django import template
from django.utils.safestring import mark_safe

from dhdigital.lib.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> str:
    return mark_safe(render_markdown(value))  # noqa: S308 - nh3 has sanitised it
