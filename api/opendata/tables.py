"""What the public bulk download contains: each table's columns, their meaning, and its rows.

The data dictionary in the ZIP is generated from these definitions, so it cannot drift from the files.
Only published, public material is read here: published comments, consented responses after closing,
listed ideas; authors appear by their chosen public name only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from comments.models import Comment
from consultations.models import Consultation, Document, Section
from outcomes.models import LedgerEntry
from responses import selectors as response_selectors
from responses.models import Answer, Idea, Question

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Consultation], Iterator[dict]]


def _public_documents(c: Consultation):
    return Document.objects.filter(consultation=c).exclude(state=Document.State.DRAFT)


def consultation_rows(c: Consultation) -> Iterator[dict]:
    outcome = c.outcome_published_at is not None
    yield {
        "slug": c.slug,
        "title": c.title,
        "summary": c.summary,
        "kind": c.kind,
        "state": c.state,
        "phase": c.phase(),
        "department": c.team.department,
        "team": c.team.name,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "response_due": c.response_due_date,
        "outcome_summary": c.outcome_summary if outcome else "",
        "outcome_body": c.outcome_body if outcome else "",
        "outcome_published_at": c.outcome_published_at,
    }


def document_rows(c: Consultation) -> Iterator[dict]:
    yield from (
        _public_documents(c)
        .order_by("position", "slug", "version")
        .values(
            "id",
            "slug",
            "title",
            "long_title",
            "version",
            "state",
            "source_format",
            "published_at",
            "previous_version_id",
        )
    )


def section_rows(c: Consultation) -> Iterator[dict]:
    yield from (
        Section.objects.filter(document__in=_public_documents(c))
        .order_by("document_id", "position")
        .values(
            "id",
            "document_id",
            "parent_id",
            "kind",
            "number",
            "heading",
            "text",
            "position",
            "depth",
            "anchor",
            "lineage_key",
        )
        .iterator(chunk_size=CHUNK)
    )


def _author(row: dict) -> str:
    if row.pop("author_id") is None:
        return "Deleted account"
    return row.pop("author__display_name") or "Anonymous participant"


def comment_rows(c: Consultation) -> Iterator[dict]:
    qs = (
        Comment.objects.public()
        .filter(consultation=c)
        .order_by("id")
        .values(
            "id",
            "document_id",
            "section_id",
            "section__lineage_key",
            "parent_id",
            "author_id",
            "author__display_name",
            "is_official",
            "category",
            "body",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "reply_count",
            "agree_count",
            "disagree_count",
            "published_at",
        )
    )
    for row in qs.iterator(chunk_size=CHUNK):
        author = _author(row)
        row.pop("author__display_name", None)
        row["section_lineage_key"] = row.pop("section__lineage_key")
        row["author"] = author
        yield row


def question_rows(c: Consultation) -> Iterator[dict]:
    for q in Question.objects.filter(consultation=c).order_by("position", "id"):
        yield {
            "id": q.pk,
            "position": q.position,
            "kind": q.kind,
            "text": q.text,
            "options": q.options,
            "required": q.required,
            "section_id": q.section_id,
        }


def response_rows(c: Consultation) -> Iterator[dict]:
    for r in response_selectors.published_responses(c).iterator(chunk_size=CHUNK):
        yield {
            "id": r.pk,
            "label": r.public_label,
            "respondent_type": r.respondent_type,
            "organisation_type": r.organisation_type,
            "submitted_at": r.submitted_at,
        }


def answer_rows(c: Consultation) -> Iterator[dict]:
    published = response_selectors.published_responses(c).values("pk")
    qs = Answer.objects.filter(response__in=published).order_by("response_id", "question__position")
    yield from qs.values("response_id", "question_id", "choices", "text").iterator(chunk_size=CHUNK)


def idea_rows(c: Consultation) -> Iterator[dict]:
    qs = (
        Idea.objects.filter(consultation=c)
        .listed()
        .order_by("id")
        .values(
            "id",
            "title",
            "description",
            "category__name",
            "author_id",
            "author__display_name",
            "status",
            "status_note",
            "up_votes",
            "down_votes",
            "score",
            "created_at",
        )
    )
    for row in qs.iterator(chunk_size=CHUNK):
        row["author"] = _author(row)
        row.pop("author__display_name", None)
        row["category"] = row.pop("category__name") or ""
        yield row


def ledger_rows(c: Consultation) -> Iterator[dict]:
    """'You said, we did': only once the government response is published, as on the outcome page."""
    if c.state != Consultation.State.CONCLUDED or c.outcome_published_at is None:
        return
    entries = (
        LedgerEntry.objects.filter(consultation=c)
        .select_related("section")
        .prefetch_related("themes", Prefetch("comments", queryset=Comment.objects.public().only("id")))
        .order_by("section__position", "question_id", "id")
    )
    for e in entries:
        yield {
            "id": e.pk,
            "lineage_key": e.lineage_key,
            "section_id": e.section_id,
            "question_id": e.question_id,
            "decision": e.decision,
            "you_said": e.you_said,
            "we_did": e.we_did,
            "themes": [t.label for t in e.themes.all()],
            "comment_ids": [m.pk for m in e.comments.all()],
            "updated_at": e.updated_at,
        }


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


ID = ("id", "integer", "Identifier, stable for the life of the portal.")
TABLES: tuple[Table, ...] = (
    Table(
        "consultation",
        "The consultation itself and, once published, the government response.",
        _cols(
            ("slug", "string", "URL name of the consultation."),
            ("title", "string", "Title."),
            ("summary", "string", "One or two sentences."),
            ("kind", "string", "formal, draft_bill, engagement or ideas."),
            ("state", "string", "Recorded state: scheduled, open, closed, concluded or withdrawn."),
            ("phase", "string", "What the public is told, derived from the dates: upcoming, open, closed..."),
            ("department", "string", "Government department."),
            ("team", "string", "Consultation team."),
            ("opens_at", "datetime", "When it opens (ISO 8601, UTC offset)."),
            ("closes_at", "datetime", "When it closes."),
            ("response_due", "date", "When the response is due."),
            ("outcome_summary", "string", "Summary of the government response (empty until published)."),
            ("outcome_body", "string", "The government response, Markdown."),
            ("outcome_published_at", "datetime", "When the response was published."),
        ),
        consultation_rows,
    ),
    Table(
        "documents",
        "Published documents (every version).",
        _cols(
            ID,
            ("slug", "string", "URL name; shared by every version."),
            ("title", "string", "Title."),
            ("long_title", "string", "The bill's long title."),
            ("version", "integer", "Version number, from 1."),
            ("state", "string", "published or superseded."),
            ("source_format", "string", "Format it was imported from (akn, clml, uslm, md, docx)."),
            ("published_at", "datetime", "When it was published."),
            ("previous_version_id", "integer", "The version this one replaces, if any."),
        ),
        document_rows,
    ),
    Table(
        "sections",
        "Every node of every published document, in reading order.",
        _cols(
            ID,
            ("document_id", "integer", "documents.id"),
            ("parent_id", "integer", "sections.id of the parent."),
            ("kind", "string", "part, chapter, crossheading, clause, subsection, paragraph, schedule..."),
            ("number", "string", "Printed number."),
            ("heading", "string", "Heading."),
            ("text", "string", "The node's own words (not its children's)."),
            ("position", "integer", "Order in the document (pre-order)."),
            ("depth", "integer", "0 at the top."),
            ("anchor", "string", "URL fragment of the node on the document page."),
            ("lineage_key", "string", "Stable across versions (Akoma Ntoso eId): join versions on this."),
        ),
        section_rows,
    ),
    Table(
        "comments",
        "Published comments and replies. Pending, rejected, removed and withdrawn ones are never included.",
        _cols(
            ID,
            ("document_id", "integer", "documents.id; empty for a general comment."),
            ("section_id", "integer", "sections.id of the clause or subsection commented on."),
            ("section_lineage_key", "string", "The clause's stable key across versions."),
            ("parent_id", "integer", "comments.id this replies to."),
            ("author", "string", "The name the author chose to show (never an email address)."),
            ("is_official", "boolean", "A reply from the department."),
            ("category", "string", "drafting, practical_effect, general or question."),
            ("body", "string", "The comment as written (plain text or simple Markdown)."),
            ("quote_exact", "string", "Words of the clause the comment is about (W3C TextQuoteSelector)."),
            ("quote_prefix", "string", "Text just before the quote."),
            ("quote_suffix", "string", "Text just after."),
            ("reply_count", "integer", "Published replies at any depth."),
            ("agree_count", "integer", "Readers who agreed."),
            ("disagree_count", "integer", "Readers who disagreed."),
            ("published_at", "datetime", "When it was published."),
        ),
        comment_rows,
    ),
    Table(
        "questions",
        "The consultation's questions.",
        _cols(
            ID,
            ("position", "integer", "Order."),
            ("kind", "string", "text, single, multiple or scale."),
            ("text", "string", "The question."),
            ("options", "list", "Options to choose from (JSON list; '; ' in CSV)."),
            ("required", "boolean", "Whether an answer was required."),
            ("section_id", "integer", "The clause the question is about, if any."),
        ),
        question_rows,
    ),
    Table(
        "responses",
        "Responses whose authors agreed to publication, after the consultation closed.",
        _cols(
            ID,
            ("label", "string", "Name or organisation for named responses; 'Respondent <id>' otherwise."),
            ("respondent_type", "string", "individual or organisation."),
            ("organisation_type", "string", "Kind of organisation, if any."),
            ("submitted_at", "datetime", "When it was submitted."),
        ),
        response_rows,
    ),
    Table(
        "answers",
        "Answers of the published responses.",
        _cols(
            ("response_id", "integer", "responses.id"),
            ("question_id", "integer", "questions.id"),
            ("choices", "list", "Options chosen (JSON list; '; ' in CSV)."),
            ("text", "string", "Free text."),
        ),
        answer_rows,
    ),
    Table(
        "ideas",
        "Ideas (ideas exercises), without hidden or merged ones.",
        _cols(
            ID,
            ("title", "string", "Title."),
            ("description", "string", "The idea."),
            ("category", "string", "Category."),
            ("author", "string", "The author's public name."),
            ("status", "string", "new, under_review, accepted, in_progress, done or declined."),
            ("status_note", "string", "Why it has that status."),
            ("up_votes", "integer", "Votes for."),
            ("down_votes", "integer", "Votes against."),
            ("score", "number", "Lower bound of the Wilson interval of the share of votes for."),
            ("created_at", "datetime", "When it was submitted."),
        ),
        idea_rows,
    ),
    Table(
        "ledger",
        "What the team decided about each clause and question ('you said, we did'), once the government "
        "response is published (empty before).",
        _cols(
            ID,
            ("lineage_key", "string", "The clause's stable key across versions (sections.lineage_key)."),
            ("section_id", "integer", "sections.id of the clause, in the version consulted on."),
            ("question_id", "integer", "questions.id, for an entry about a question."),
            ("decision", "string", "accepted, changed, not_changed or out_of_scope."),
            ("you_said", "string", "A fair summary of what people said."),
            ("we_did", "string", "What the team did and why."),
            ("themes", "list", "Labels of the themes the entry answers (JSON list; '; ' in CSV)."),
            ("comment_ids", "list", "comments.id of the published comments it answers."),
            ("updated_at", "datetime", "When the entry last changed."),
        ),
        ledger_rows,
    ),
)
