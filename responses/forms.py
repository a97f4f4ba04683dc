from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from consultations.models import Consultation, Section
from dhdigital.lib.forms import GovukDateWidget

from .models import EngagementEvent, Idea, IdeaCategory, IdeaFlag, Question, Response
from .validation import MAX_ANSWER_CHARS, CleanAnswer, clean_answer

R = Response


class AboutYouForm(forms.Form):
    respondent_type = forms.ChoiceField(
        label="Are you responding as an individual or on behalf of an organisation?",
        choices=R.RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you are responding as an individual or for an organisation"
        },
    )
    organisation_name = forms.CharField(
        label="Organisation name",
        required=False,
        max_length=200,
        help_text="Only if you are responding on behalf of an organisation.",
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        required=False,
        choices=[("", "Choose a type (organisations only)")] + list(R.OrganisationType.choices),
    )
    region = forms.ChoiceField(
        label="Where are you based?",
        choices=[("", "Choose a region")] + list(R.Region.choices),
        error_messages={"required": "Select where you are based"},
    )
    consent = forms.ChoiceField(
        label="Can we publish your response?",
        choices=R.Consent.choices,
        widget=forms.RadioSelect,
        help_text="We never publish email or postal addresses. Anonymous responses are shown as "
        "“Respondent” and a number.",
        error_messages={"required": "Select whether we can publish your response"},
    )

    def clean(self):
        data = super().clean()
        if data.get("respondent_type") == R.RespondentType.ORGANISATION and not data.get("organisation_name"):
            self.add_error("organisation_name", "Enter the name of your organisation")
        return data


# The online journey asks about the respondent one thing per page (GOV.UK "one thing per page"): how
# they respond (organisation details revealed under "organisation"), where they are based, and whether
# their response may be published. Officials entering an offline response use AboutYouForm's fields.


class AboutStepForm(forms.Form):
    """One "about you" page. `required=False` for "Save and come back later": nothing is demanded."""

    fields_saved: tuple[str, ...] = ()

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not required:
            for f in self.fields.values():
                f.required = False


class RespondentTypeForm(AboutStepForm):
    fields_saved = ("respondent_type",)

    respondent_type = forms.ChoiceField(
        label="Are you responding as an individual or on behalf of an organisation?",
        choices=R.RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you are responding as an individual or for an organisation"
        },
    )


class OrganisationForm(AboutStepForm):
    """Asked only of respondents who said they respond for an organisation."""

    heading = "About your organisation"
    fields_saved = ("organisation_name", "organisation_type")

    organisation_name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "The name of the organisation must be 200 characters or fewer",
        },
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        choices=R.OrganisationType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of organisation"},
    )


class RegionForm(AboutStepForm):
    fields_saved = ("region",)

    region = forms.ChoiceField(
        label="Where are you based?",
        choices=R.Region.choices,
        widget=forms.RadioSelect,
        help_text="If you are responding for an organisation, where it is based.",
        error_messages={"required": "Select where you are based"},
    )


class ConsentForm(AboutStepForm):
    fields_saved = ("consent",)

    consent = forms.ChoiceField(
        label="Can we publish your response?",
        choices=R.Consent.choices,
        widget=forms.RadioSelect,
        help_text="We publish responses after the consultation closes. We never publish email or postal "
        "addresses.",
        error_messages={"required": "Select whether we can publish your response"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].widget.choice_hints = {
            R.Consent.NAMED: "We publish your answers with your name, or your organisation's name.",
            R.Consent.ANONYMOUS: "We publish your answers as “Respondent” and a number, without your name.",
            R.Consent.NONE: "We read and analyse your answers but do not publish them.",
        }


class AnswerForm(forms.Form):
    """One question on its own page (the GOV.UK "one thing per page" pattern)."""

    def __init__(self, *args, question: Question, enforce_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.enforce_required = enforce_required
        kind = question.kind
        label = question.text
        if kind == Question.Kind.TEXT:
            self.fields["text"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=MAX_ANSWER_CHARS,
                help_text=question.hint,
            )
        elif kind == Question.Kind.MULTIPLE:
            self.fields["choices"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(o, o) for o in question.options],
                help_text=question.hint or "Select all that apply.",
            )
        else:
            self.fields["choice"] = forms.ChoiceField(
                label=label,
                required=False,
                widget=forms.RadioSelect,
                choices=[(o, o) for o in question.options],
                help_text=question.hint,
            )
            if kind == Question.Kind.SCALE and question.ask_why:
                self.fields["why"] = forms.CharField(
                    label="Why? (optional)",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    max_length=MAX_ANSWER_CHARS,
                )

    @property
    def main_field(self):
        return self[next(iter(self.fields))]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        choices = data.get("choices") or ([data["choice"]] if data.get("choice") else [])
        text = data.get("text") or data.get("why") or ""
        q = self.question
        probe = (
            q
            if self.enforce_required
            else Question(kind=q.kind, choices=q.choices, ask_why=q.ask_why, required=False)
        )
        try:
            self.answer = clean_answer(probe, choices=choices, text=text)
        except ValidationError as exc:
            self.add_error(next(iter(self.fields)), exc)
        return data


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Single and multiple choice only: one option on each line.",
    )

    class Meta:
        model = Question
        fields = ["text", "kind", "hint", "required", "ask_why", "section"]
        labels = {
            "text": "Question",
            "kind": "Type of answer",
            "hint": "Hint text (optional)",
            "required": "Respondents must answer this question",
            "ask_why": "Scale questions: also ask “why?” (optional for respondents)",
            "section": "Clause this question is about (optional)",
        }
        widgets = {"kind": forms.RadioSelect, "hint": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"ask_why": "", "text": "As the respondent reads it."}

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = (
            Section.objects.filter(document__consultation=consultation, kind__in=Section.COMMENTABLE)
            .select_related("document")
            .order_by("document__position", "document_id", "position")
        )
        self.fields["section"].empty_label = "Not about a particular clause"
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        options = [c.strip() for c in (data.get("choices_text") or "").splitlines() if c.strip()]
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(options) < 2:
            self.add_error("choices_text", "Give at least two options, one on each line")
        data["choices"] = options
        return data


class OfflineResponseForm(forms.Form):
    """An official typing in a response that arrived by email, post, phone or at an event."""

    channel = forms.ChoiceField(
        label="How did the response arrive?",
        widget=forms.RadioSelect,
        choices=[c for c in R.Channel.choices if c[0] != R.Channel.ONLINE],
        error_messages={"required": "Select how the response arrived"},
    )
    received_at = forms.DateField(
        label="Date received",
        widget=GovukDateWidget(),
        help_text="For example, 27 3 2026",
        error_messages={
            "required": "Enter the date the response was received",
            "invalid": "Enter a real date",
        },
    )
    respondent_name = forms.CharField(label="Respondent's name", required=False, max_length=200)
    email = forms.EmailField(label="Email address (not published)", required=False)
    address = forms.CharField(
        label="Postal address (not published)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    PARTS = 4  # clauses one entry can record (a longer letter is entered again for its other clauses)

    def __init__(self, *args, questions: list[Question], clauses: list[Section] = (), **kwargs):
        super().__init__(*args, **kwargs)
        about = AboutYouForm()
        for name, f in about.fields.items():
            self.fields[name] = f
        self.questions = questions
        self.clauses = {s.pk: s for s in clauses}
        if clauses:
            choices = [("", "Choose a clause")] + [(s.pk, s.label) for s in clauses]
            for i in range(1, self.PARTS + 1):
                self.fields[f"part_{i}_section"] = forms.TypedChoiceField(
                    label="Clause", required=False, choices=choices, coerce=int, empty_value=None
                )
                self.fields[f"part_{i}_text"] = forms.CharField(
                    label="What it says about this clause",
                    required=False,
                    max_length=MAX_ANSWER_CHARS,
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
        for q in questions:
            if q.kind == Question.Kind.TEXT:
                f = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
            elif q.kind == Question.Kind.MULTIPLE:
                f = forms.MultipleChoiceField(
                    required=False, widget=forms.CheckboxSelectMultiple, choices=[(o, o) for o in q.options]
                )
            else:
                f = forms.ChoiceField(
                    required=False, widget=forms.RadioSelect, choices=[(o, o) for o in q.options]
                )
            f.label = f"{q.position}. {q.text}"
            f.help_text = q.hint
            self.fields[f"q_{q.pk}"] = f
            if q.kind == Question.Kind.SCALE and q.ask_why:
                self.fields[f"q_{q.pk}_why"] = forms.CharField(
                    label="Why?", required=False, widget=forms.Textarea(attrs={"rows": 3})
                )

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("q_")]

    def part_fields(self):
        """[(number, clause field, text field)] of the clause slots."""
        if not self.clauses:
            return []
        return [(i, self[f"part_{i}_section"], self[f"part_{i}_text"]) for i in range(1, self.PARTS + 1)]

    def clean(self):
        data = super().clean()
        if data.get("respondent_type") == R.RespondentType.ORGANISATION and not data.get("organisation_name"):
            self.add_error("organisation_name", "Enter the name of the organisation")
        self.parts: list[tuple[Section, str]] = []
        seen: set[int] = set()
        for i, _, _ in self.part_fields():
            sid, text = data.get(f"part_{i}_section"), (data.get(f"part_{i}_text") or "").strip()
            if sid and not text:
                self.add_error(f"part_{i}_text", "Enter what the response says about this clause")
            elif text and not sid:
                self.add_error(f"part_{i}_section", "Choose the clause this part of the response is about")
            elif sid in seen:
                self.add_error(
                    f"part_{i}_section", "This clause is already chosen above: put all it says in one box"
                )
            elif sid:
                seen.add(sid)
                self.parts.append((self.clauses[sid], text))
        self.answers: dict[int, CleanAnswer] = {}
        for q in self.questions:
            raw = data.get(f"q_{q.pk}")
            choices = raw if isinstance(raw, list) else ([raw] if raw else [])
            text = (raw if q.kind == Question.Kind.TEXT else data.get(f"q_{q.pk}_why")) or ""
            try:
                # Officials type in what arrived: a paper response may skip a "required" question.
                probe = Question(kind=q.kind, choices=q.choices, ask_why=q.ask_why, required=False)
                self.answers[q.pk] = clean_answer(probe, choices=choices, text=text)
            except ValidationError as exc:
                self.add_error(f"q_{q.pk}", exc)
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, DOCX or ODT.",
        error_messages={"required": "Select a file to upload"},
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="With the columns of the template, saved as “CSV UTF-8” or UTF-16 “Unicode text”.",
        error_messages={"required": "Select a CSV file"},
    )


class EventForm(forms.ModelForm):
    starts_on = forms.DateField(
        label="Date",
        widget=GovukDateWidget(),
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the event", "invalid": "Enter a real date"},
    )

    class Meta:
        model = EngagementEvent
        fields = ["title", "online", "location", "organiser", "attendees", "description"]
        labels = {
            "title": "Event name",
            "online": "This event is online",
            "location": "Place or online platform",
            "attendees": "Number of attendees (optional)",
            "description": "Description (optional)",
        }
        error_messages = {
            "title": {"required": "Enter the name of the event"},
            "organiser": {"required": "Enter who organised the event"},
        }

    def clean(self):
        data = super().clean()
        if not data.get("online") and not (data.get("location") or "").strip():
            self.add_error("location", "Enter where the event takes place, or say that it is online")
        return data


class EventNoteForm(forms.Form):
    section = forms.ModelChoiceField(
        label="Clause (optional)",
        queryset=Section.objects.none(),
        required=False,
        empty_label="The consultation as a whole",
    )
    question = forms.ModelChoiceField(
        label="Question (optional)",
        queryset=Question.objects.none(),
        required=False,
        empty_label="No question",
        help_text="A note about a question is analysed with its answers. Choose a clause or a question.",
    )
    text = forms.CharField(
        label="Note or feedback",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the note or feedback"},
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(
            document__consultation=consultation, kind__in=Section.COMMENTABLE
        ).order_by("document_id", "position")
        self.fields["question"].queryset = Question.objects.filter(consultation=consultation).order_by(
            "position"
        )
        self.fields["question"].label_from_instance = lambda q: f"{q.position}. {q.text[:90]}"

    def clean(self):
        data = super().clean()
        if data.get("section") and data.get("question"):
            self.add_error("question", "Choose a clause or a question, not both")
        return data


class IdeaForm(forms.Form):
    title = forms.CharField(
        label="Title of your idea", max_length=150, error_messages={"required": "Enter a title for your idea"}
    )
    description = forms.CharField(
        label="Describe your idea",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        error_messages={"required": "Describe your idea"},
    )
    category = forms.ModelChoiceField(
        label="Category",
        queryset=IdeaCategory.objects.none(),
        required=False,
        empty_label="Choose a category",
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IdeaCategory.objects.filter(consultation=consultation)
        if not self.fields["category"].queryset.exists():
            del self.fields["category"]


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[c for c in Idea.Status.choices if c[0] != Idea.Status.MERGED],
    )
    note = forms.CharField(
        label="Public note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to everyone with the idea's status.",
    )


class IdeaMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Merge into",
        queryset=Idea.objects.none(),
        empty_label="Choose the idea to keep",
        error_messages={"required": "Choose the idea to keep"},
    )
    note = forms.CharField(label="Public note (optional)", required=False)

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Idea.objects.filter(consultation_id=idea.consultation_id).listed().exclude(pk=idea.pk)
        )


class IdeaFlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this idea?",
        choices=IdeaFlag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are reporting this idea"},
    )
    note = forms.CharField(
        label="Anything else the moderator should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to 1,000 characters or fewer"},
    )
