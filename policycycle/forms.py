"""Forms for the toolkit, the chooser, projects and the capability self-assessment."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from dhdigital.lib.forms import GovukDateWidget
from responses.forms import EventForm

from .models import (
    Activity,
    Audience,
    CapabilityArea,
    CaseStudy,
    Effort,
    PolicyProject,
    ProjectDecision,
    Stage,
    Technique,
    Testimonial,
)
from .selectors import CAPABILITY_AREA_DESCRIPTIONS, MATURITY_LEVELS

YES_NO = [("yes", "Yes"), ("no", "No")]


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ChooserForm(forms.Form):
    """The toolkit chooser's questions, on one short page."""

    stage = StageChoiceField(
        queryset=Stage.objects.all(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which stage of the policy cycle are you at?",
        error_messages={"required": "Select the stage of the policy cycle you are at"},
    )
    goal = forms.ModelChoiceField(
        queryset=Activity.objects.select_related("stage"),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        label="What do you most need to do next?",
        error_messages={"required": "Select what you most need to do next"},
    )
    audience = forms.ChoiceField(
        choices=[(k, v) for k, v in Audience.choices],
        widget=forms.RadioSelect,
        label="Whose views or help do you most need?",
        error_messages={"required": "Select whose views or help you most need"},
    )
    capacity = forms.ChoiceField(
        choices=Effort.choices,
        widget=forms.RadioSelect,
        label="How much time and budget do you have?",
        error_messages={"required": "Select how much time and budget you have"},
    )
    formal = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Do you need to run a formal public consultation?",
        help_text="For example because the law requires one, or the decision needs a public record of views.",
        error_messages={"required": "Select yes if you need to run a formal public consultation"},
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].widget.choice_hints = {s.slug: s.summary for s in Stage.objects.all()}
        if projects is not None and projects.exists():
            self.fields["project"] = forms.ModelChoiceField(
                queryset=projects,
                to_field_name="slug",
                required=False,
                label="Which project is this for?",
                help_text="Optional. The links to start an activity will attach it to this project.",
                empty_label="Not for a project yet",
            )


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "summary", "description"]


class TechniqueForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Audiences it reaches well",
    )

    class Meta:
        model = Technique
        fields = [
            "name",
            "summary",
            "when_to_use",
            "effort",
            "risks",
            "accessibility",
            "assisted_digital",
            "portal_feature",
            "audiences",
            "is_formal_consultation",
            "stages",
            "activities",
        ]
        widgets = {
            "stages": forms.CheckboxSelectMultiple,
            "activities": forms.CheckboxSelectMultiple,
            "effort": forms.RadioSelect,
        }
        labels = {
            "summary": "What it is",
            "when_to_use": "When to use it",
            "portal_feature": "Which feature of this portal supports it",
            "is_formal_consultation": "It meets the requirements for a formal public consultation",
        }
        help_texts = {"summary": "A sentence or two.", "is_formal_consultation": ""}


class CaseStudyForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "organisation",
            "year",
            "summary",
            "body",
            "source",
            "source_url",
            "techniques",
            "stages",
            "is_published",
        ]
        widgets = {"techniques": forms.CheckboxSelectMultiple, "stages": forms.CheckboxSelectMultiple}
        labels = {"body": "Facts and figures", "source_url": "Source web address"}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["name", "description"]
        labels = {"name": "Activity", "description": "What it involves"}
        error_messages = {"name": {"required": "Enter the name of the activity"}}


class TestimonialForm(forms.ModelForm):
    class Meta:
        model = Testimonial
        fields = ["quote", "person", "role", "source", "source_url"]
        labels = {
            "quote": "Quotation",
            "person": "Who said it",
            "role": "Their role (optional)",
            "source": "Source",
            "source_url": "Source web address",
        }
        help_texts = {
            "quote": "Their exact words, as the source gives them.",
            "source": "Where the quotation was published, as it names itself.",
        }
        error_messages = {
            "quote": {"required": "Enter the quotation"},
            "person": {"required": "Enter who said it"},
            "source": {"required": "Enter where the quotation was published"},
            "source_url": {
                "required": "Enter the web address of the source",
                "invalid": "Enter the web address of the source in the correct format, like https://www.gov.uk",
            },
        }


def with_slug(form_class):
    """The same form for a new row, asking for its web address too."""

    class CreateForm(form_class):
        class Meta(form_class.Meta):
            fields = ["slug", *form_class.Meta.fields]
            labels = {**getattr(form_class.Meta, "labels", {}), "slug": "Web address"}
            help_texts = {
                **getattr(form_class.Meta, "help_texts", {}),
                "slug": "Lower-case letters, numbers and hyphens, for example online-panels.",
            }

    return CreateForm


class CaseStudySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search case studies")
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any stage",
    )
    technique = forms.ModelChoiceField(
        queryset=Technique.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any technique",
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = PolicyProject
        fields = ["team", "title", "slug", "summary", "description", "team_notes", "is_public"]
        labels = {
            "slug": "Web address",
            "is_public": "Show this project on a public page",
            "team_notes": "Notes for the team only",
        }
        help_texts = {"slug": "Lower-case letters, numbers and hyphens, for example care-and-support-reform."}

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["team"]
            del self.fields["slug"]
        else:
            self.fields["team"].queryset = teams
            self.fields["team"].empty_label = None


class StageMoveForm(forms.Form):
    stage = StageChoiceField(
        queryset=Stage.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Move the project to",
        error_messages={"required": "Select a stage"},
    )


class DecisionForm(forms.ModelForm):
    decided_on = forms.DateField(
        widget=GovukDateWidget(),
        label="Date of the decision",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the decision", "invalid": "Enter a real date"},
    )

    class Meta:
        model = ProjectDecision
        fields = ["stage", "title", "body", "decided_on", "is_public"]
        labels = {
            "title": "Decision",
            "body": "What was decided and why",
            "is_public": "Show on the public page",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].empty_label = None
        self.fields["title"].error_messages["required"] = "Enter the decision"

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the decision must be today or in the past")
        return value


class CapabilityForm(forms.Form):
    assessed_on = forms.DateField(
        widget=GovukDateWidget(),
        label="Date of the assessment",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the assessment", "invalid": "Enter a real date"},
    )
    notes = forms.CharField(widget=forms.Textarea, required=False, max_length=4000, label="Notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [(str(n), f"{n}: {name}") for n, (name, _) in MATURITY_LEVELS.items()]
        hints = {str(n): text for n, (_, text) in MATURITY_LEVELS.items()}
        for area, label in CapabilityArea.choices:
            field = forms.ChoiceField(
                choices=levels,
                widget=forms.RadioSelect,
                label=label,
                help_text=CAPABILITY_AREA_DESCRIPTIONS[area],
                error_messages={"required": f"Select a level for {label.lower()}"},
            )
            field.widget.choice_hints = hints
            self.fields[f"area_{area}"] = field

    def levels(self) -> dict[str, int]:
        return {area: int(self.cleaned_data[f"area_{area}"]) for area in CapabilityArea.values}


class ProjectEventForm(EventForm):
    """An engagement event for a project: feeding one of its consultations, or the project as a whole."""

    consultation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Which consultation does it feed? (optional)",
        help_text="What is said at the event is then recorded against that consultation.",
        empty_label="The project as a whole",
    )

    def __init__(self, *args, project: PolicyProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = project.consultations.order_by("title")
        self.fields["title"].error_messages["required"] = "Enter the name of the event"
        self.fields["organiser"].error_messages["required"] = "Enter who is organising the event"
        self.order_fields(["title", "starts_on", "consultation"])
