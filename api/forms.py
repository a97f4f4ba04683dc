from __future__ import annotations

from django import forms

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example ‘analysis notebook’ or ‘comments app’. Only you see this.",
        max_length=100,
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "What the token is for must be 100 characters or fewer",
        },
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter what the token is for")
        return name


MAX_ACTIVE_TOKENS = 20


def token_limit_reached(user) -> bool:
    return ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS
