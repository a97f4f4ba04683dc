"""What a notice says, per kind of event: a title, a few plain sentences, and links (the consultation,
then the entries about the clauses the person commented on). Built once per event for everyone, then
per person only the links to their own clauses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from . import selectors
from .models import Event


@dataclass
class Content:
    title: str
    body: str
    links: list[dict] = field(default_factory=list)


def for_event(event: Event, user_ids: list[int]) -> Callable[[int], Content]:
    """A function giving each recipient's notice (reads what it needs for all of them up front)."""
    c = event.consultation
    home = {"text": c.title, "url": c.get_absolute_url()}
    if event.kind == Event.Kind.CLOSED:
        due = c.response_due_date
        body = "Thank you for taking part. The consultation is closed to new comments and responses."
        if due:
            body += f" The government response is due by {due:%-d %B %Y}."
        same = Content(f"“{c.title}” has closed", body, [home])
        return lambda user_id: same

    if event.kind == Event.Kind.OUTCOME:
        entries = selectors.ledger_by_lineage(c)
        clauses = selectors.commented_clauses(c, user_ids)
        outcome = {"text": "Read the government response", "url": c.get_absolute_url() + "#outcome"}

        def outcome_for(user_id: int) -> Content:
            links = [outcome]
            for clause in clauses.get(user_id, ()):
                if clause.lineage_key in entries:
                    links.append(
                        {
                            "text": f"You said, we did: {clause.label}",
                            "url": selectors.clause_url(clause, c, "we-did"),
                        }
                    )
            body = "The government has published its response, with what it did about each clause."
            if len(links) > 1:
                body += " It says what was done about the clauses you commented on."
            return Content(f"Government response published: “{c.title}”", body, links)

        return outcome_for

    if event.kind == Event.Kind.VERSION:
        doc = event.document
        new = selectors.new_version_clauses(doc)
        clauses = selectors.commented_clauses(c, user_ids)
        changes = {
            "text": f"See what changed in {doc.title}",
            "url": reverse("consultations:document-changes", kwargs={"slug": c.slug, "doc": doc.slug}),
        }

        def version_for(user_id: int) -> Content:
            links = [changes]
            for clause in clauses.get(user_id, ()):
                now = new.get(clause.lineage_key)
                if now is not None and clause.document_id != doc.pk:
                    links.append({"text": f"Changes to {clause.label}", "url": selectors.clause_url(now, c)})
            return Content(
                f"New version of {doc.title} (version {doc.version})",
                "A new version of the document has been published. Your comments stay with the version "
                "you commented on.",
                links,
            )

        return version_for

    if event.kind == Event.Kind.IDEA_STATUS:
        idea = event.idea
        body = f"Its status is now “{idea.get_status_display()}”."
        if idea.status_note:
            body += f" {idea.status_note}"
        same = Content(
            f"Your idea “{idea.title}”: {idea.get_status_display()}",
            body,
            [{"text": idea.title, "url": idea.get_absolute_url()}],
        )
        return lambda user_id: same
    raise ValueError(f"no notices for {event.kind}")
