from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

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
        fields = ["display_name", "organisation"]
        labels = {"display_name": "Display name", "organisation": "Organisation (optional)"}
        help_texts = {"display_name": "Shown next to your comments. Never your email address."}
