from __future__ import annotations

from django import forms

from consultations.models import Topic
from dhdigital.accounts.models import Team

from .models import Preference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        choices=Preference.Email.choices,
        widget=forms.RadioSelect,
        label="How should we tell you about updates?",
        error_messages={"required": "Choose how you want to be told about updates"},
    )


class BulletinForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    subject = forms.ChoiceField(
        label="What do you want to hear about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a department or a topic"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = [
            (f"team-{t.pk}", f"New consultations from {t.department or t.name}") for t in Team.objects.all()
        ]
        topics = [(f"topic-{t.pk}", f"New consultations on {t.name}") for t in Topic.objects.all()]
        self.fields["subject"].choices = teams + topics

    def chosen(self) -> dict:
        kind, _, pk = self.cleaned_data["subject"].partition("-")
        if kind == "team":
            return {"team": Team.objects.get(pk=pk), "topic": None}
        return {"team": None, "topic": Topic.objects.get(pk=pk)}
