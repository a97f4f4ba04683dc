from __future__ import annotations

import uuid

from django import forms
from django.conf import settings

from . import house_rules
from .models import Comment, Flag, Sanction, Subscription
from .moderation import Decision
from .services import clean_body as clean_comment_body

BODY_HINT = (
    "Write in plain text. You can use simple Markdown: *emphasis*, **bold**, lists and links. "
    "Do not include personal information such as addresses or phone numbers."
)


class CommentForm(forms.Form):
    """A new comment on a clause (or a part of it, or a quoted phrase), a document or a consultation.

    The service does the real checks; the form only collects and labels the fields."""

    target = forms.TypedChoiceField(
        label="Which part are you commenting on?", coerce=int, required=False, empty_value=None
    )
    quote_exact = forms.CharField(
        label="The words you are commenting on (optional)",
        required=False,
        max_length=500,
        help_text=(
            "Copy the words from the text. With JavaScript on, selecting words in the text fills this in."
        ),
    )
    quote_prefix = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    quote_suffix = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    category = forms.ChoiceField(
        label="What is your comment about?",
        choices=Comment.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your comment is about"},
    )
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text=BODY_HINT
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(required=False, label="Leave this field empty", max_length=200)

    def __init__(self, *args, targets=None, categories: bool = True, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        if not categories:  # e.g. comments on an idea: there is no drafting to comment on
            self.fields["category"] = forms.ChoiceField(
                choices=Comment.Category.choices,
                required=False,
                widget=forms.HiddenInput,
                initial=Comment.Category.GENERAL,
            )
        body = self.fields["body"]
        body.max_length = settings.COMMENT_MAX_LENGTH  # drives the GOV.UK character count
        body.validators = []  # the service gives the length message, after the whole text is seen
        if targets:
            self.fields["target"].choices = targets
        else:
            del self.fields["target"]
            del self.fields["quote_exact"]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_body(self) -> str:
        # The service checks again; checking here too shows every problem with the form at once.
        return clean_comment_body(self.cleaned_data.get("body", ""))

    def clean_category(self) -> str:
        return self.cleaned_data.get("category") or Comment.Category.GENERAL

    def is_honeypot_filled(self) -> bool:
        return bool(self.data.get("website"))

    def quote(self) -> dict:
        d = self.cleaned_data
        return {
            "exact": d.get("quote_exact", ""),
            "prefix": d.get("quote_prefix", ""),
            "suffix": d.get("quote_suffix", ""),
        }


class ReplyForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category"]
        self.fields["body"].label = "Your reply"

    def clean_body(self) -> str:
        return clean_comment_body(self.cleaned_data.get("body", ""), noun="reply")


class EditForm(forms.Form):
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text=BODY_HINT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = settings.COMMENT_MAX_LENGTH
        self.fields["body"].validators = []

    def clean_body(self) -> str:
        return clean_comment_body(self.cleaned_data.get("body", ""))


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this comment?",
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this comment"},
    )
    note = forms.CharField(
        label="Anything else the moderators should know (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should the moderators look again?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Explain why the decision should change"},
    )


class DecisionForm(forms.Form):
    """A moderator's decision on one comment; `decisions` limits the choices to those its status allows."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reason = forms.ChoiceField(
        label="House rule broken (needed to reject or remove)",
        required=False,
        choices=[("", "Choose a house rule")] + house_rules.CHOICES,
    )
    note = forms.CharField(
        label="Note to the author (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if decisions is not None:
            self.fields["decision"].choices = decisions


class ModerationForm(DecisionForm):
    """The queue's bulk decision on the selected comments."""

    comments = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, required=False, label="Selected comments"
    )
    field_order = ["comments", "decision", "reason", "note"]

    def __init__(self, *args, comment_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].choices = [(pk, str(pk)) for pk in comment_ids]


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Action",
        choices=Sanction.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose suspend, ban or restore"},
    )
    reason = forms.ChoiceField(
        label="House rule broken", required=False, choices=[("", "Choose a house rule")] + house_rules.CHOICES
    )
    days = forms.IntegerField(
        label="Suspend for how many days?",
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Only for a suspension",
    )
    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class FollowForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often should we email you?",
        choices=Subscription.Frequency.choices,
        widget=forms.RadioSelect,
        initial=Subscription.Frequency.IMMEDIATE,
    )
