"""A field's hint is text: markup in it (a question's hint is written by an official and shown on the
public response form) is shown escaped, for every kind of field, never rendered as links, images or forms
(issue 16, finding 7)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

MARKUP = '<a href="https://evil.example/">Click</a><img src="x" onerror="alert(1)"><form action="/x">'


class EveryKind(forms.Form):
    text = forms.CharField(help_text=MARKUP)
    long = forms.CharField(help_text=MARKUP, widget=forms.Textarea)
    agree = forms.BooleanField(help_text=MARKUP, required=False)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], help_text=MARKUP, widget=forms.CheckboxSelectMultiple
    )
    one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text=MARKUP, widget=forms.RadioSelect)
    pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text=MARKUP)


@pytest.mark.parametrize("name", list(EveryKind.base_fields))
def test_a_hint_with_markup_is_shown_as_text(name):
    html = Template("{% load govuk %}{% govuk_field field %}").render(Context({"field": EveryKind()[name]}))
    assert "govuk-hint" in html
    assert "<a href" not in html and "<img" not in html and "<form" not in html
    assert "&lt;a href=&quot;https://evil.example/&quot;&gt;Click&lt;/a&gt;" in html
