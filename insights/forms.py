from __future__ import annotations

import re

from django import forms
from django.utils.translation import ngettext

from .models import AnalysisRun


class RunStartForm(forms.Form):
    engine = forms.ChoiceField(
        label="Analysis engine",
        choices=AnalysisRun.Engine.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the analysis engines listed"},
    )
    scope = forms.ChoiceField(
        label="What to analyse",
        initial="consultation",
        error_messages={"invalid_choice": "Choose what to analyse from the list"},
    )

    def __init__(
        self,
        *args,
        scopes: dict[str, str],
        engines: list[str],
        default: str,
        responses: int,
        to_store: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        names = dict(AnalysisRun.Engine.choices)
        self.fields["engine"].choices = [(e, names[e]) for e in engines]  # type: ignore[attr-defined]
        self.fields["engine"].initial = default if default in engines else engines[0]
        self.fields["engine"].help_text = (
            f"Recommended for this consultation's {responses:,} "
            f"{ngettext('response', 'responses', responses)}: {names.get(default, default)}. "
            + (
                # past the cut-off, while the worker has not stored enough vectors: why, and until when
                f"The worker is still storing its responses' vectors: embeddings will be recommended once "
                f"{to_store:,} more {ngettext('response has', 'responses have', to_store)} one. "
                if to_store
                else ""
            )
            + "Embeddings draft better themes and tags; above 30,000 responses they read the vectors stored "
            "as responses arrive, and basic keeps a run within 10 minutes while too many are still to come."
            + ("" if "llm" in engines else " A language model is offered once an endpoint is configured.")
        )
        choices = [("consultation", "All responses")]
        choices += [(k, v) for k, v in scopes.items() if k != "consultation"]
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]


class ThemeEditForm(forms.Form):
    label = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ThemeMergeForm(forms.Form):
    sources = forms.TypedMultipleChoiceField(
        label="Themes to merge into this one",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one theme to merge into this one"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [(t.pk, t.label) for t in themes]


class ThemeSplitForm(forms.Form):
    label = forms.CharField(label="Name of the new theme", max_length=200)
    tags = forms.TypedMultipleChoiceField(
        label="Responses to move to the new theme",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the responses to move to the new theme"},
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(row["tag"].pk, row["text"][:120] or row["heading"]) for row in tags]


class TagAddForm(forms.Form):
    unit = forms.RegexField(
        label="Response to label with this theme",
        regex=re.compile(r"^\s*(comment|answer|idea)\s*[: ]\s*\d+\s*$", re.IGNORECASE),
        help_text="Its kind and number as the response explorer shows them: for example Comment 123 or "
        "Answer 45",
        error_messages={"invalid": "Enter a response reference like Comment 123, Answer 45 or Idea 6"},
    )

    def clean_unit(self) -> str:
        """ "Comment 123" (as the explorer shows it) or "comment:123" -> the unit key "comment:123"."""
        kind, number = re.findall(r"[a-z]+|\d+", self.cleaned_data["unit"].lower())
        return f"{kind}:{number}"


class TagMoveForm(forms.Form):
    target = forms.TypedChoiceField(label="Move to theme", coerce=int)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t.pk, t.label) for t in themes]
