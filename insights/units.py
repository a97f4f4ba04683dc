"""The response-unit registry: every kind of response the analysis reads (comments, answers, ideas, ...)
registers here, once, how to read it. Runs, enrichment, the sweep, the analysis pages, the dashboards'
explorer and exports ask the registry rather than naming the kinds.

A unit is referred to by a `UnitKey` ("comment:12"): `UnitKey.parse` reads one (and refuses an unknown
kind), `str(key)` prints it; a key is also the tuple `(kind, pk)`. Rows that point at a unit (enrichment,
theme tags, campaign members: `insights.models.UnitRef`) hold one foreign key per kind, named `field`.

Adding a kind (docs/architecture.md): a subclass of `UnitKind` in this module decorated with `@register`,
its foreign key on `UnitRef`, and `manage.py makemigrations insights`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from consultations.tree import clause_keys
from policycycle.analysis.types import Unit
from responses.models import Answer, EventNote, Idea, LetterPart, Response, ResponseAttachment

CONSULTATION = "consultation"  # the scope of a run over every unit of a consultation
CHUNK = 2_000


class UnitKey(NamedTuple):
    """One response unit: its kind and primary key. Prints and parses as "comment:12"."""

    kind: str
    pk: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"

    @classmethod
    def parse(cls, ref: Any) -> UnitKey:
        """ "comment:12" (or a UnitKey) -> UnitKey; ValueError for anything else, or an unknown kind."""
        if isinstance(ref, UnitKey):
            return ref
        kind, _, pk = str(ref).partition(":")
        if kind not in KINDS or not pk.isdigit():
            raise ValueError(f"not a unit id: {ref!r}")
        return cls(kind, int(pk))

    @classmethod
    def of(cls, row: Any) -> UnitKey:
        """The unit a `UnitRef` row points at: a model instance, or a dict from `.values()` that holds the
        `<field>_id` of every kind."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name, None)
        for k in KINDS.values():
            pk = get(f"{k.field}_id")
            if pk:
                return cls(k.kind, pk)
        raise ValueError("points at no unit")

    @property
    def unit_kind(self) -> UnitKind:
        return KINDS[self.kind]

    def ref(self) -> dict[str, int]:
        """The `UnitRef` foreign key that points at this unit, as keyword arguments."""
        return {f"{KINDS[self.kind].field}_id": self.pk}


@dataclass(frozen=True)
class UnitText:
    """What enrichment reads of one unit."""

    key: UnitKey
    consultation_id: int
    text: str
    clause_text: str | None = None


class UnitKind:
    """How to read one kind of response unit. Subclass it and decorate with `@register`."""

    kind: ClassVar[str]  # in keys ("comment:12") and in UnitReview.kind
    label: ClassVar[str]
    field: ClassVar[str]  # its foreign key on insights.models.UnitRef
    model: ClassVar[type[Model]]
    scopes: ClassVar[
        tuple[str, ...]
    ]  # the run scopes besides "consultation" it belongs to: clause, question, ideas
    consultation_lookup: ClassVar[str] = "consultation"  # from the unit to its consultation
    values_for_text: ClassVar[tuple[str, ...]]  # the columns `text_of` reads

    # The response explorer offers the kinds with an explorer label.
    explorer_label: ClassVar[str] = ""
    noun: ClassVar[tuple[str, str]] = ("response", "responses")  # one, several: "3 letters"
    explorer_related: ClassVar[tuple[str, ...]] = ()
    date_field: ClassVar[str] = "created_at"
    text_field: ClassVar[str] = ""
    # explorer filter name -> the lookup it filters this kind on (a filter the kind lacks is not applied)
    filters: ClassVar[dict[str, str]] = {}

    # --- what a run analyses ---

    def in_scope(self, scope: str) -> bool:
        return scope == CONSULTATION or scope.partition(":")[0] in self.scopes

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        """The analysable rows of the consultation in `scope` (empty when the kind is not in the scope)."""
        raise NotImplementedError

    def units(self, consultation_id: int, scope: str = CONSULTATION) -> Iterator[Unit]:
        """The rows as the engine's Units (id "kind:pk", text, scope), read in chunks."""
        if not self.in_scope(scope):
            return
        qs = self.rows(consultation_id, scope).order_by("pk").values_list("pk", *self.values_for_text)
        for pk, *values in qs.iterator(CHUNK):
            text = self.text_of(*values)
            if text.strip():
                yield Unit(id=str(UnitKey(self.kind, pk)), text=text, scope=self.scope_of(*values))

    def count(self, consultation_id: int, scope: str = CONSULTATION) -> int:
        return self.rows(consultation_id, scope).count() if self.in_scope(scope) else 0

    def text_of(self, *values) -> str:
        """The text to analyse, from the `values_for_text` columns."""
        return values[0]

    def scope_of(self, *values) -> str:
        return CONSULTATION

    # --- one unit, or a few ---

    def in_consultation(self, consultation_id: int) -> QuerySet:
        return self.model.objects.filter(**{f"{self.consultation_lookup}_id": consultation_id})

    def texts(self, pks: Iterable[int]) -> dict[int, str]:
        rows = self.model.objects.filter(pk__in=list(pks)).values_list("pk", *self.values_for_text)
        return {pk: self.text_of(*values) for pk, *values in rows}

    load_related: ClassVar[tuple[str, ...]] = ()  # what `unit_text` reads besides the row

    def unit_text(self, obj) -> UnitText | None:
        """What enrichment reads of a row (loaded with `load_related`), or None when it has nothing to
        analyse."""
        raise NotImplementedError

    def load(self, pk: int) -> UnitText | None:
        """What enrichment reads, or None when the unit no longer exists or has nothing to analyse."""
        return self.load_many([pk]).get(pk)

    def load_many(self, pks: Iterable[int]) -> dict[int, UnitText]:
        """{pk: what enrichment reads} of the units that exist and have something to analyse: one query."""
        rows = self.model.objects.select_related(*self.load_related).filter(pk__in=list(pks))
        return {obj.pk: u for obj in rows if (u := self.unit_text(obj)) is not None}

    def enrichable(self) -> QuerySet:
        """Every row enrichment covers (whatever its consultation or moderation state)."""
        raise NotImplementedError

    def enriched(self, pk: int, enrichment) -> None:
        """What the unit keeps of its enrichment on its own row (nothing, unless the kind says so)."""

    # --- the public side ---

    def is_public(self, obj) -> bool:
        """Whether anyone may read this unit on its own public page (its privacy)."""
        return False

    def public_url(self, obj) -> str:
        """The unit's own public page, or "" when it has none or is not public."""
        return obj.get_absolute_url() if self.is_public(obj) else ""

    # --- the response explorer ---

    def explorer_rows(self, consultation) -> QuerySet:
        return self.in_consultation(consultation.pk).select_related(*self.explorer_related)

    def on_clause(self, qs: QuerySet, clause, sections: QuerySet) -> QuerySet:
        """The rows about `clause` (`sections`: the clause and its subsections in every version)."""
        return qs.none()

    def respondent_key(self, obj) -> str:
        """Who said it, as the respondent page's key ("" when unknown)."""
        return ""

    def by_respondents_of(self, qs: QuerySet, responses: QuerySet) -> QuerySet:
        """The rows given by the people who sent `responses` (the explorer's filter by an option chosen in
        a closed question); none when the kind cannot tell who gave a row."""
        return qs.none()

    def responses_of(self, qs: QuerySet) -> QuerySet | None:
        """The ids of the responses sent by the people who gave these rows (the closed-question counts of
        an explorer selection), or None when the kind cannot tell."""
        return None

    def display_text(self, obj) -> str:
        return getattr(obj, self.text_field)

    def caption(self, obj) -> str:
        """What the explorer says above the text: what it is, about what, from where."""
        return f"{self.label} {obj.pk}"

    def flag(self, obj) -> str:
        """A warning the explorer shows on the row ("needs reading"), or ""."""
        return ""

    # --- the analysis pages: what a person reads for the unit, never its "kind:id" reference ---

    heading_related: ClassVar[tuple[str, ...]] = ()

    def heading(self, obj) -> str:
        """What it is, about what, from whom and when: "Comment on Clause 3 by Sam, 4 Mar 2026"."""
        return self.caption(obj) + _on(obj, self.date_field)

    # --- the dashboard's clause heat map ---

    section_lookup: ClassVar[str] = ""  # from a row to its section, for kinds recorded against clauses

    def clause_rows(self, consultation_id: int) -> QuerySet:
        """The rows the heat map counts on their clause (those of `rows`, unless the kind says so)."""
        return self.rows(consultation_id)


KINDS: dict[str, UnitKind] = {}


def register(cls: type[UnitKind]) -> type[UnitKind]:
    """Class decorator: add a kind to the registry (in the order the kinds are declared)."""
    if cls.kind in KINDS:
        raise ValueError(f"unit kind {cls.kind!r} is registered twice")
    KINDS[cls.kind] = cls()
    return cls


def kinds() -> list[UnitKind]:
    return list(KINDS.values())


def get(kind: str) -> UnitKind:
    """The registered kind; ValueError for an unknown one."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown unit kind: {kind}") from None


def explorer_kinds() -> list[UnitKind]:
    return [k for k in KINDS.values() if k.explorer_label]


# --- the kinds ------------------------------------------------------------------------------------------


@register
class CommentUnit(UnitKind):
    """A published comment on a clause (or a general one); its scope is the clause its section is in."""

    kind = "comment"
    label = "Comment"
    field = "comment"
    model = Comment
    scopes = ("clause",)
    values_for_text = ("body",)
    explorer_label = "Comments on clauses"
    noun = ("comment", "comments")
    explorer_related = ("section", "author")
    text_field = "body"
    filters = {"status": "status"}
    section_lookup = "section"

    def clause_rows(self, consultation_id: int) -> QuerySet:
        """Every comment not withdrawn: the heat of a clause includes what waits for moderation."""
        return Comment.objects.filter(consultation_id=consultation_id).exclude(
            status=Comment.Status.WITHDRAWN
        )

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = Comment.objects.filter(consultation_id=consultation_id, status=Comment.Status.PUBLISHED).exclude(
            body=""
        )
        kind, _, key = scope.partition(":")
        if kind == "clause":
            keys = clause_keys(consultation_id)
            qs = qs.filter(section_id__in=[sid for sid, k in keys.items() if k == key])
        return qs if self.in_scope(scope) else qs.none()

    def units(self, consultation_id: int, scope: str = CONSULTATION) -> Iterator[Unit]:
        if not self.in_scope(scope):
            return
        keys = clause_keys(consultation_id)
        published = Comment.objects.filter(consultation_id=consultation_id, status=Comment.Status.PUBLISHED)
        for pk, body, sid in published.order_by("pk").values_list("pk", "body", "section_id").iterator(CHUNK):
            unit_scope = f"clause:{keys[sid]}" if sid in keys else CONSULTATION
            if body.strip() and (scope == CONSULTATION or unit_scope == scope):
                yield Unit(id=str(UnitKey(self.kind, pk)), text=body, scope=unit_scope)

    load_related = ("section",)

    def unit_text(self, c) -> UnitText | None:
        if not c.body.strip():
            return None
        return UnitText(
            UnitKey(self.kind, c.pk), c.consultation_id, c.body, c.section.text if c.section else None
        )

    def enrichable(self) -> QuerySet:
        return Comment.objects.exclude(status=Comment.Status.WITHDRAWN).exclude(body="")

    def enriched(self, pk: int, enrichment) -> None:
        """Moderation reads the spam and toxicity scores on the comment itself."""
        Comment.objects.filter(pk=pk).update(
            spam_score=enrichment.spam_score, toxicity_score=enrichment.toxicity_score
        )

    def is_public(self, obj) -> bool:
        return obj.status == Comment.Status.PUBLISHED

    def on_clause(self, qs: QuerySet, clause, sections: QuerySet) -> QuerySet:
        return qs.filter(section__in=sections)

    def respondent_key(self, obj) -> str:
        return f"user-{obj.author_id}" if obj.author_id else ""

    heading_related = ("section", "author")

    def heading(self, obj) -> str:
        about = f"on {obj.section.label}" if obj.section_id else "on the document as a whole"
        return f"Comment {about} by {obj.author_name}{_on(obj, self.date_field)}"

    def by_respondents_of(self, qs: QuerySet, responses: QuerySet) -> QuerySet:
        return qs.filter(author_id__in=responses.exclude(respondent=None).values("respondent_id"))

    def responses_of(self, qs: QuerySet) -> QuerySet | None:
        return Response.objects.filter(respondent_id__in=qs.values("author_id")).values("pk")


@register
class AnswerUnit(UnitKind):
    """A submitted answer with text to a consultation question; its scope is the question."""

    kind = "answer"
    label = "Answer to a question"
    field = "answer"
    model = Answer
    scopes = ("question",)
    consultation_lookup = "response__consultation"
    values_for_text = ("text", "question_id")
    explorer_label = "Answers to questions"
    noun = ("answer", "answers")
    explorer_related = ("question", "response")
    date_field = "response__submitted_at"
    text_field = "text"
    filters = {
        "question": "question_id",
        "channel": "response__channel",
        "respondent_type": "response__respondent_type",
        "region": "response__region",
    }

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = Answer.objects.filter(
            response__consultation_id=consultation_id, response__status=Response.Status.SUBMITTED
        ).exclude(text="")
        kind, _, key = scope.partition(":")
        if kind == "question":
            qs = qs.filter(question_id=int(key) if key.isdigit() else -1)
        return qs if self.in_scope(scope) else qs.none()

    def text_of(self, text: str, question_id: int | None = None) -> str:
        return text

    def scope_of(self, text: str, question_id: int) -> str:
        return f"question:{question_id}"

    load_related = ("response", "question__section")

    def unit_text(self, a) -> UnitText | None:
        if not a.text.strip():
            return None
        section = a.question.section
        return UnitText(
            UnitKey(self.kind, a.pk), a.response.consultation_id, a.text, section.text if section else None
        )

    def enrichable(self) -> QuerySet:
        return Answer.objects.exclude(text="")

    def explorer_rows(self, consultation) -> QuerySet:
        return super().explorer_rows(consultation).filter(response__status=Response.Status.SUBMITTED)

    def on_clause(self, qs: QuerySet, clause, sections: QuerySet) -> QuerySet:
        return qs.filter(
            question__section__lineage_key=clause.lineage_key,
            question__section__document__slug=clause.document.slug,
        )

    def respondent_key(self, obj) -> str:
        return obj.response.reference

    def by_respondents_of(self, qs: QuerySet, responses: QuerySet) -> QuerySet:
        return qs.filter(response__in=responses)

    def responses_of(self, qs: QuerySet) -> QuerySet | None:
        return qs.values("response_id")

    def display_text(self, obj) -> str:
        return obj.display

    heading_related = ("question", "response")

    def heading(self, obj) -> str:
        channel = obj.response.get_channel_display().lower()
        return f"Answer to question {obj.question.position} ({channel}){_on(obj, self.date_field)}"


@register
class IdeaUnit(UnitKind):
    """An idea of an ideas consultation that is still listed (not merged away, not hidden)."""

    kind = "idea"
    label = "Idea"
    field = "idea"
    model = Idea
    scopes = ("ideas",)
    values_for_text = ("title", "description")

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = Idea.objects.filter(consultation_id=consultation_id).exclude(
            status__in=[Idea.Status.MERGED, Idea.Status.HIDDEN]
        )
        return qs if self.in_scope(scope) else qs.none()

    def text_of(self, title: str, description: str) -> str:
        return f"{title}. {description}".strip()

    heading_related = ("author", "consultation")

    def heading(self, obj) -> str:
        who = obj.author.public_name if obj.author_id else "a participant"
        return f"Idea by {who}{_on(obj, self.date_field)}"

    def scope_of(self, *values) -> str:
        return "ideas"

    def unit_text(self, i) -> UnitText | None:
        return UnitText(UnitKey(self.kind, i.pk), i.consultation_id, self.text_of(i.title, i.description))

    def enrichable(self) -> QuerySet:
        return Idea.objects.all()

    def is_public(self, obj) -> bool:
        return obj.status not in (Idea.Status.MERGED, Idea.Status.HIDDEN)


def _clause_scope(keys: dict[int, str], section_id: int | None) -> str:
    return f"clause:{keys[section_id]}" if section_id in keys else CONSULTATION


SUBMITTED = Response.Status.SUBMITTED
PUBLISHED_CONSENT = (Response.Consent.NAMED, Response.Consent.ANONYMOUS)


@register
class LetterUnit(UnitKind):
    """What a response received offline (letter, email, phone call) says about one clause (`LetterPart`):
    analysed, counted and themed with that clause's comments; private unless its author consented."""

    kind = "letter"
    label = "Letter on a clause"
    field = "letter"
    model = LetterPart
    scopes = ("clause",)
    consultation_lookup = "response__consultation"
    values_for_text = ("text", "section_id")
    explorer_label = "Letters, emails and calls on clauses"
    noun = ("letter on a clause", "letters on clauses")
    explorer_related = ("section", "response")
    date_field = "response__submitted_at"
    text_field = "text"
    section_lookup = "section"
    filters = {
        "channel": "response__channel",
        "respondent_type": "response__respondent_type",
        "region": "response__region",
    }

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = LetterPart.objects.filter(
            response__consultation_id=consultation_id, response__status=SUBMITTED
        ).exclude(text="")
        kind, _, key = scope.partition(":")
        if kind == "clause":
            keys = clause_keys(consultation_id)
            qs = qs.filter(section_id__in=[sid for sid, k in keys.items() if k == key])
        return qs if self.in_scope(scope) else qs.none()

    def units(self, consultation_id: int, scope: str = CONSULTATION) -> Iterator[Unit]:
        if not self.in_scope(scope):
            return
        keys = clause_keys(consultation_id)
        qs = self.rows(consultation_id).order_by("pk").values_list("pk", "text", "section_id")
        for pk, text, sid in qs.iterator(CHUNK):
            unit_scope = _clause_scope(keys, sid)
            if text.strip() and (scope == CONSULTATION or unit_scope == scope):
                yield Unit(id=str(UnitKey(self.kind, pk)), text=text, scope=unit_scope)

    load_related = ("response", "section")

    def unit_text(self, p) -> UnitText | None:
        if not p.text.strip():
            return None
        return UnitText(UnitKey(self.kind, p.pk), p.response.consultation_id, p.text, p.section.text)

    def enrichable(self) -> QuerySet:
        return LetterPart.objects.filter(response__status=SUBMITTED).exclude(text="")

    def explorer_rows(self, consultation) -> QuerySet:
        return super().explorer_rows(consultation).filter(response__status=SUBMITTED)

    def on_clause(self, qs: QuerySet, clause, sections: QuerySet) -> QuerySet:
        return qs.filter(section__in=sections)

    def respondent_key(self, obj) -> str:
        return obj.response.reference

    def by_respondents_of(self, qs: QuerySet, responses: QuerySet) -> QuerySet:
        return qs.filter(response__in=responses)

    def responses_of(self, qs: QuerySet) -> QuerySet | None:
        return qs.values("response_id")

    def caption(self, obj) -> str:
        return f"{obj.response.get_channel_display()} on {obj.section.label}"

    heading_related = ("section", "response")


@register
class EventNoteUnit(UnitKind):
    """A note or feedback from an engagement event, against the consultation, a clause or a question."""

    kind = "note"
    label = "Note from an event"
    field = "event_note"
    model = EventNote
    scopes = ("clause", "question")
    consultation_lookup = "event__consultation"
    values_for_text = ("text", "section_id", "question_id")
    explorer_label = "Notes from events"
    noun = ("note from an event", "notes from events")
    explorer_related = ("event", "section", "question")
    text_field = "text"
    section_lookup = "section"
    filters = {"question": "question_id"}

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = EventNote.objects.filter(event__consultation_id=consultation_id).exclude(text="")
        kind, _, key = scope.partition(":")
        if kind == "clause":
            keys = clause_keys(consultation_id)
            qs = qs.filter(section_id__in=[sid for sid, k in keys.items() if k == key])
        elif kind == "question":
            qs = qs.filter(question_id=int(key) if key.isdigit() else -1)
        return qs if self.in_scope(scope) else qs.none()

    def units(self, consultation_id: int, scope: str = CONSULTATION) -> Iterator[Unit]:
        if not self.in_scope(scope):
            return
        keys = clause_keys(consultation_id)
        qs = self.rows(consultation_id).order_by("pk").values_list("pk", "text", "section_id", "question_id")
        for pk, text, sid, qid in qs.iterator(CHUNK):
            unit_scope = f"question:{qid}" if qid else _clause_scope(keys, sid)
            if text.strip() and (scope == CONSULTATION or unit_scope == scope):
                yield Unit(id=str(UnitKey(self.kind, pk)), text=text, scope=unit_scope)

    load_related = ("event", "section", "question__section")

    def unit_text(self, n) -> UnitText | None:
        if not n.text.strip() or n.event.consultation_id is None:
            return None
        section = n.section or (n.question.section if n.question else None)
        return UnitText(
            UnitKey(self.kind, n.pk), n.event.consultation_id, n.text, section.text if section else None
        )

    def enrichable(self) -> QuerySet:
        return EventNote.objects.filter(event__consultation__isnull=False).exclude(text="")

    def is_public(self, obj) -> bool:
        """Event notes are listed on the consultation's public events page."""
        return obj.event.consultation_id is not None

    def public_url(self, obj) -> str:
        if not self.is_public(obj):
            return ""
        return (
            reverse("responses:event-list", kwargs={"slug": obj.event.consultation.slug})
            + f"#event-{obj.event_id}"
        )

    def on_clause(self, qs: QuerySet, clause, sections: QuerySet) -> QuerySet:
        return qs.filter(section__in=sections)

    def caption(self, obj) -> str:
        about = (
            obj.section.label
            if obj.section
            else (f"question {obj.question.position}" if obj.question else "the consultation")
        )
        return f"Note from {obj.event.title} ({obj.event.starts_at:%-d %b %Y}) on {about}"

    heading_related = ("event", "section", "question")

    def heading(self, obj) -> str:
        return self.caption(obj)  # the caption has the event's date


@register
class AttachmentUnit(UnitKind):
    """The text read from a file attached to a response (PDF, DOCX, ODT: responses.extraction, in the
    worker). A file with no text to read is listed in the explorer as needing a person to read it."""

    kind = "file"
    label = "Attached file"
    field = "attachment"
    model = ResponseAttachment
    scopes = ()
    consultation_lookup = "response__consultation"
    values_for_text = ("text",)
    explorer_label = "Attached files"
    noun = ("attached file", "attached files")
    explorer_related = ("response",)
    text_field = "text"
    filters = {
        "reading": "extraction",
        "channel": "response__channel",
        "respondent_type": "response__respondent_type",
        "region": "response__region",
    }

    def rows(self, consultation_id: int, scope: str = CONSULTATION) -> QuerySet:
        qs = ResponseAttachment.objects.filter(
            response__consultation_id=consultation_id,
            response__status=SUBMITTED,
            extraction=ResponseAttachment.Extraction.DONE,
        ).exclude(text="")
        return qs if self.in_scope(scope) else qs.none()

    load_related = ("response",)

    def unit_text(self, a) -> UnitText | None:
        if not a.text.strip():
            return None
        return UnitText(UnitKey(self.kind, a.pk), a.response.consultation_id, a.text)

    def enrichable(self) -> QuerySet:
        return ResponseAttachment.objects.filter(
            response__status=SUBMITTED, extraction=ResponseAttachment.Extraction.DONE
        ).exclude(text="")

    def explorer_rows(self, consultation) -> QuerySet:
        return super().explorer_rows(consultation).filter(response__status=SUBMITTED)

    def respondent_key(self, obj) -> str:
        return obj.response.reference

    def by_respondents_of(self, qs: QuerySet, responses: QuerySet) -> QuerySet:
        return qs.filter(response__in=responses)

    def responses_of(self, qs: QuerySet) -> QuerySet | None:
        return qs.values("response_id")

    def display_text(self, obj) -> str:
        return obj.text if obj.text else "No text could be read from this file."

    def caption(self, obj) -> str:
        channel = obj.response.get_channel_display().lower()
        return f"{obj.original_name} ({obj.get_kind_display()}), sent with a response ({channel})"

    heading_related = ("response",)

    def flag(self, obj) -> str:
        return obj.get_extraction_display() if obj.needs_reading else ""


# --- across the kinds -----------------------------------------------------------------------------------


def iter_units(consultation_id: int, scope: str = CONSULTATION) -> Iterator[Unit]:
    """Every kind's analysable units of the consultation in `scope`, kind after kind."""
    for k in KINDS.values():
        yield from k.units(consultation_id, scope)


def units_count(consultation_id: int, scope: str = CONSULTATION) -> int:
    """How many units a run of `scope` reads (the same rows as `iter_units`, counted in the database)."""
    return sum(k.count(consultation_id, scope) for k in KINDS.values())


def texts(keys: Iterable[tuple[str, int]]) -> dict[UnitKey, str]:
    """{key: text} of the units that still exist: one query per kind asked for."""
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    out: dict[UnitKey, str] = {}
    for kind, pks in by_kind.items():
        for pk, text in get(kind).texts(pks).items():
            out[UnitKey(kind, pk)] = text
    return out


def load_many(keys: Iterable[tuple[str, int]]) -> dict[UnitKey, UnitText]:
    """{key: what enrichment reads} of the units that exist and have something to analyse: one query per
    kind asked for (`UnitKind.load_many`)."""
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    return {u.key: u for kind, pks in by_kind.items() for u in get(kind).load_many(pks).values()}


def headings(keys: Iterable[tuple[str, int]]) -> dict[UnitKey, dict[str, str]]:
    """{key: {"heading": what a person reads for the unit, "url": its public page or ""}} of the units
    that still exist (one query per kind asked for): the analysis pages show these, never "comment:12"."""
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    out: dict[UnitKey, dict[str, str]] = {}
    for kind, pks in by_kind.items():
        k = get(kind)
        for obj in k.model.objects.filter(pk__in=pks).select_related(*k.heading_related):
            out[UnitKey(kind, obj.pk)] = {"heading": k.heading(obj), "url": k.public_url(obj)}
    return out


def _on(obj, date_field: str) -> str:
    """The row's date (`date_field`, through related rows) as ", 4 Mar 2026", or "" when it has none."""
    value: Any = obj
    for part in date_field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f", {value:%-d %b %Y}"


def exists_in(consultation_id: int, key: UnitKey) -> bool:
    return get(key.kind).in_consultation(consultation_id).filter(pk=key.pk).exists()


def key_in(consultation_id: int, reference: str) -> UnitKey:
    """The response `reference` ("comment:12") names, when it is one of the consultation's; ValueError
    for a malformed reference or a response of another consultation (or none)."""
    key = UnitKey.parse(reference)
    if not exists_in(consultation_id, key):
        raise ValueError(f"{reference!r} is not a response of consultation {consultation_id}")
    return key
