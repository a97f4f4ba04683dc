from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import teams_where
from dhdigital.lib.forms import DATETIME_FORMAT, GovukDateTimeWidget, GovukDateWidget

from .models import Consultation, Document

DATETIME_HINT = "For example, 27 3 2027 and 17:00. UK time."
DATETIME_INVALID = "Enter a real date and a time, for example 27 3 2027 and 17:00"
# What the minimum digital standard (standard.py) needs before a consultation can be scheduled.
STANDARD_HINT = "Needed before you can schedule the consultation."


def datetime_field(label: str, *, required: bool = True, hint: str = DATETIME_HINT) -> forms.DateTimeField:
    """A date and time entered with the GOV.UK date input pattern (day, month, year, then the time)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=GovukDateTimeWidget(),
        input_formats=[DATETIME_FORMAT],
        help_text=hint,
        error_messages={"invalid": DATETIME_INVALID},
    )


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "title",
            "slug",
            "team",
            "kind",
            "summary",
            "body",
            "topics",
            "opens_at",
            "closes_at",
            "short_period_reason",
            "response_due",
            "moderation_mode",
            "visibility",
            "respond_online",
            "contact_email",
            "contact_phone",
            "postal_address",
            "accessible_formats_email",
            "privacy_notice",
            "how_responses_used",
            "project",
        ]
        widgets = {
            "response_due": GovukDateWidget(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "short_period_reason": forms.Textarea(attrs={"rows": 3}),
            "postal_address": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 5}),
            "how_responses_used": forms.Textarea(attrs={"rows": 4}),
            "kind": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
            "moderation_mode": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }
        labels = {
            "slug": "Web address",
            "opens_at": "Opens at",
            "closes_at": "Closes at",
            "respond_online": "People can respond online",
            "accessible_formats_email": "Email for accessible format requests",
            "project": "Policy project (optional)",
            "topics": "Topics (optional)",
        }
        help_texts = {
            "slug": "Lower case letters, numbers and hyphens, for example care-and-support-bill.",
            "response_due": "For example, 27 3 2027. Leave blank for 12 weeks after closing.",
            "respond_online": "Every consultation must let people respond on this website.",
            "topics": "People who asked for email alerts on a topic hear of the consultation when it opens.",
        }

    opens_at = datetime_field("Opens at", required=False, hint=f"{DATETIME_HINT} {STANDARD_HINT}")
    closes_at = datetime_field("Closes at", required=False, hint=f"{DATETIME_HINT} {STANDARD_HINT}")

    # Fields the standard needs: their hints say so, so the publisher fills them in at the start.
    STANDARD_FIELDS = (
        "summary",
        "privacy_notice",
        "how_responses_used",
        "contact_email",
        "postal_address",
        "accessible_formats_email",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.STANDARD_FIELDS:
            field = self.fields[name]
            field.help_text = f"{field.help_text} {STANDARD_HINT}".strip()
        teams = teams_where(user, Role.PUBLISHER)
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        if self.instance.pk and self.instance.state != Consultation.State.DRAFT:
            # The address of a published consultation is public; changing it would break links.
            self.fields["slug"].disabled = True
        if self.instance.pk and self.instance.phase() not in ("draft", "upcoming"):
            # Once open, the dates change only through "Extend" or "Close early", which ask for a
            # reason and tell the public on the consultation's page.
            for name in ("opens_at", "closes_at"):
                self.fields[name].disabled = True
                self.fields[
                    name
                ].help_text = (
                    "To change this, use “Extend the closing date” or “Close early” on the manage page."
                )
        project_field = self.fields["project"]
        project_field.queryset = project_field.queryset.filter(team__in=teams)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing date must be after the opening date.")
        state = self.instance.state if self.instance.pk else Consultation.State.DRAFT
        if (
            closes
            and state in (Consultation.State.DRAFT, Consultation.State.SCHEDULED)
            and closes <= timezone.now()
        ):
            self.add_error("closes_at", "The closing date must be in the future.")
        return data


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def check_upload_size(upload):
    """Refuse a file over MAX_UPLOAD_BYTES from its size alone, before anything reads it."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            f"The file is too big ({_megabytes(upload.size)}): the limit is {_megabytes(limit)}."
            " Nothing was imported."
        )
    return upload


class DocumentImportForm(forms.Form):
    FORMAT_CHOICES = [("", "Work it out from the file")] + list(Document.SourceFormat.choices)

    file = forms.FileField(
        label="Upload the draft",
        help_text="Akoma Ntoso or CLML XML, USLM XML, Markdown with numbered headings, or a Word .docx file.",
        error_messages={
            "required": "Select the file to import",
            "empty": "The file is empty. Nothing was imported.",
        },
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Format")
    title = forms.CharField(
        max_length=250, required=False, label="Title (optional)", help_text="Taken from the file if blank."
    )

    def clean_file(self):
        return check_upload_size(self.cleaned_data.get("file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Reason",
        help_text="This is shown to the public.",
    )


class ExtendForm(ReasonForm):
    closes_at = datetime_field("New closing date and time")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search consultations")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), ("open", "Open"), ("upcoming", "Upcoming"), ("closed", "Closed")],
    )


class VersionUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the revised draft",
        help_text="The same format as before. Clauses are matched to the previous version by lineage key.",
        error_messages={
            "required": "Select the file to import",
            "empty": "The file is empty. Nothing was imported.",
        },
    )
    format = forms.ChoiceField(choices=DocumentImportForm.FORMAT_CHOICES, required=False, label="Format")

    def clean_file(self):
        return check_upload_size(self.cleaned_data.get("file"))


class SectionNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=10_000,
        label="Explanatory note",
        help_text="In plain English: what this does and why. Markdown: a blank line between paragraphs, "
        "* for a list, [words](https://...) for a link. Leave it empty to remove the note.",
        error_messages={"max_length": "The explanatory note must be 10,000 characters or fewer"},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class InviteCSVForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file of email addresses",
        help_text="One address a row, in a column headed “email” (or the first column). At most 5,000. "
        "If any row is wrong, nobody is invited and every wrong line is listed.",
        error_messages={"required": "Select a CSV file", "empty": "The file is empty. Nobody was invited."},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Why (optional, for the team's record)", required=False, max_length=500)
