"""Response units — comments, answers and ideas — as the analysis engine sees them: an id and some text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitText:
    kind: str
    pk: int
    consultation_id: int
    text: str
    clause_text: str | None = None
    scope: str = "consultation"


def load_unit(kind: str, pk: int) -> UnitText | None:
    """The text of one unit, or None when it no longer exists or has nothing to analyse."""
    if kind == "comment":
        from comments.models import Comment

        c = Comment.objects.select_related("section").filter(pk=pk).first()
        if c is None or not c.body.strip():
            return None
        section = c.section
        scope = f"clause:{section.lineage_key}" if section else "consultation"
        return UnitText(kind, pk, c.consultation_id, c.body, section.text if section else None, scope)
    if kind == "answer":
        from responses.models import Answer

        a = Answer.objects.select_related("response", "question__section").filter(pk=pk).first()
        if a is None or not a.text.strip():
            return None
        section = a.question.section
        return UnitText(
            kind,
            pk,
            a.response.consultation_id,
            a.text,
            section.text if section else None,
            f"question:{a.question_id}",
        )
    if kind == "idea":
        from responses.models import Idea

        i = Idea.objects.filter(pk=pk).first()
        if i is None:
            return None
        return UnitText(kind, pk, i.consultation_id, f"{i.title}. {i.description}".strip())
    raise ValueError(f"Unknown unit kind: {kind}")


def unenriched_ids(kind: str, *, limit: int) -> list[int]:
    """Units with text and no enrichment yet: what the periodic sweep catches up on."""
    from .models import Enrichment

    if kind == "comment":
        from comments.models import Comment

        qs = Comment.objects.exclude(status="withdrawn").exclude(body="")
    elif kind == "answer":
        from responses.models import Answer

        qs = Answer.objects.exclude(text="")
    else:
        from responses.models import Idea

        qs = Idea.objects.all()
    done = Enrichment.objects.filter(**{f"{kind}__isnull": False}).values(kind)
    return list(qs.exclude(pk__in=done).order_by("pk").values_list("pk", flat=True)[:limit])
