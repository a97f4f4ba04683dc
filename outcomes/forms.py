from __future__ import annotations

from django import forms
from django.utils.text import Truncator


class LedgerEntryForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accepted", "Accepted: we made the change people asked for"),
            ("changed", "Changed: we changed the clause in another way"),
            ("not_changed", "Not changed: we kept it, and say why"),
            ("out_of_scope", "Out of scope: the comments were about something else"),
        ],
        widget=forms.RadioSelect,
        label="What did you do?",
    )
    you_said = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        label="You said",
        help_text="A fair summary of what people said, including minority views.",
    )
    we_did = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        label="We did",
        help_text="What you did and why.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes behind this decision",
    )
    comments = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Comments behind this decision",
        help_text="Readers see links to the comments you choose. The most agreed-with are listed first.",
    )
    answers = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Answers behind this decision",
        help_text="Readers see how many answers you cite, never who gave them.",
    )

    # A clause can have hundreds of comments: this many are offered (plus any already chosen); any of
    # them can still be cited, since the choice is checked against all of them.
    OFFERED = 200

    def __init__(self, *args, themes, comments=None, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        if not themes.exists():
            del self.fields["themes"]
        for name, pool, label in (
            ("comments", comments, lambda c: f"Comment {c.pk}: {Truncator(c.body).words(30)}"),
            ("answers", answers, lambda a: f"Answer {a.pk}: {Truncator(a.display).words(30)}"),
        ):
            if pool is None:
                del self.fields[name]
                continue
            field = self.fields[name]
            field.queryset = pool
            chosen = {int(x) for x in (self.initial.get(name) or []) if str(x).isdigit()}
            offered = list(pool[: self.OFFERED])
            offered += list(pool.filter(pk__in=chosen - {o.pk for o in offered}))
            field.choices = [(o.pk, label(o)) for o in offered]
            if not offered:
                del self.fields[name]


class OutcomeForm(forms.Form):
    outcome_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Summary of the government response"
    )
    outcome_body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Government response",
        help_text="Markdown. The clause-by-clause ledger is published with it.",
    )
