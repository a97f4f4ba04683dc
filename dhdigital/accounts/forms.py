from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from . import about
from .models import User


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        max_length=80,
        required=False,
        label="Display name (optional)",
        help_text="Shown next to your comments. Leave blank to appear as 'Anonymous participant'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK error messages say what to do next.
        for name, message in (
            ("email", "Enter your email address"),
            ("password1", "Create a password"),
            ("password2", "Enter your password again"),
        ):
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    def save(self, request):
        user = super().save(request)
        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "organisation", "respondent_type", "organisation_type", "region"]
        labels = {
            "display_name": "Display name",
            "organisation": "Organisation (optional)",
            "respondent_type": "Do you usually comment as an individual or for an organisation? (optional)",
            "organisation_type": "Type of organisation (optional)",
            "region": "Where are you based? (optional)",
        }
        help_texts = {
            "display_name": "Shown next to your comments. Never your email address.",
            "respondent_type": "Never shown next to your comments: officials see only how many commenters "
            "were individuals or organisations, from each region.",
        }
        widgets = {"respondent_type": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_said = [("", "Prefer not to say")]
        self.fields["respondent_type"].choices = not_said + list(about.RespondentType.choices)
        self.fields["organisation_type"].choices = [("", "Not an organisation, or prefer not to say")] + list(
            about.OrganisationType.choices
        )
        self.fields["region"].choices = not_said + list(about.Region.choices)

    def clean(self):
        data = super().clean()
        if data.get("respondent_type") != about.RespondentType.ORGANISATION:
            data["organisation_type"] = ""  # a type only for organisations
        return data
