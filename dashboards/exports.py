"""Exports of comments, responses, answers, themes and tags as CSV, XLSX or JSON, streamed in keyset
chunks of 2,000 rows so 100k rows never sit in memory. Without personal data, rows carry no emails, no
addresses and no names of people who did not agree to be named."""

from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
from collections.abc import Iterator
from typing import NamedTuple

from django.db.models import TextField
from django.db.models.functions import Cast

from comments.models import Comment
from insights import units
from insights.models import Enrichment, Theme, ThemeAssignment
from responses.models import Answer, Response

from . import closed

CHUNK = 2000
DATASETS = {
    "comments": "Comments on the document",
    "responses": "Responses (one row per respondent)",
    "answers": "Answers to questions",
    "closed": "Closed-question results (counts per option, overall and by group)",
    "units": "Everything analysed, a row each: comments, answers, letters on clauses, event notes, file text",
    "themes": "Themes",
    "assignments": "Tags (responses on themes)",
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _chunks(qs) -> Iterator[list]:
    """Keyset pages by primary key; rows are model instances, or dicts with "pk" from `.values()`."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not batch:
            return
        yield batch
        last = batch[-1]["pk"] if isinstance(batch[-1], dict) else batch[-1].pk


class _Enrichment(NamedTuple):
    stance: str
    evidence_rich: bool
    stance_source: str = "machine"


def _analysis_columns(e: _Enrichment | None, themes: list[str]) -> dict:
    """What the analysis says of one response, in every export: its stance and who set it, whether it is
    evidence-rich, its themes (blank before the response is analysed)."""
    return {
        "stance": e.stance if e else "",
        "stance_by": ("an official" if e.stance_source == "official" else "machine estimate") if e else "",
        "evidence_rich": bool(e and e.evidence_rich),
        "themes": "; ".join(themes),
    }


def _extras(kind: str, ids: list[int]) -> tuple[dict, dict]:
    """The stance, evidence and theme labels of the units of one kind (insights.units) with these ids."""
    ref = f"{units.get(kind).field}_id"
    enrich = {
        uid: _Enrichment(stance, evidence, source)
        for uid, stance, evidence, source in Enrichment.objects.filter(**{f"{ref}__in": ids}).values_list(
            ref, "stance", "evidence_rich", "stance_source"
        )
    }
    tags: dict[int, list[str]] = {}
    for uid, label in ThemeAssignment.objects.filter(**{f"{ref}__in": ids}, rejected=False).values_list(
        ref, "theme__label"
    ):
        tags.setdefault(uid, []).append(label)
    return enrich, tags


# An answer's choices as the database stores them (JSON text): 100k answers hold a few dozen distinct sets,
# so each set is decoded once (_choices_text) rather than every row through the JSON field.
_RAW_CHOICES = "raw_choices"


def _with_raw_choices(qs):
    return qs.annotate(**{_RAW_CHOICES: Cast("choices", TextField())})


@functools.lru_cache(maxsize=4096)
def _choices_text(raw: str | None) -> str:
    """'["Yes", "No"]' -> "Yes; No"."""
    return "; ".join(str(c) for c in json.loads(raw or "[]") or [])


def _response_name(r: dict, personal: bool) -> str:
    """The name a response is published under (or, with personal data, given under)."""
    if personal or r["consent"] == Response.Consent.NAMED:
        if r["respondent_type"] == Response.RespondentType.ORGANISATION and r["organisation_name"]:
            return r["organisation_name"]
        return r["respondent_name"]
    return ""


def comments_rows(consultation, personal: bool) -> Iterator[dict]:
    fields = [
        "pk",
        "section__anchor",
        "parent_id",
        "status",
        "category",
        "created_at",
        "body",
        "agree_count",
        "disagree_count",
    ]
    if personal:
        fields += ["author__display_name", "author__email", "author__organisation"]
    qs = Comment.objects.filter(consultation=consultation).values(*fields)
    for batch in _chunks(qs):
        enrich, tags = _extras("comment", [c["pk"] for c in batch])
        for c in batch:
            e = enrich.get(c["pk"])
            row = {
                "id": c["pk"],
                "clause": c["section__anchor"] or "",
                "parent_id": c["parent_id"] or "",
                "status": c["status"],
                "category": c["category"],
                "created_at": c["created_at"].isoformat(),
                "body": c["body"],
                **_analysis_columns(e, tags.get(c["pk"], [])),
                "agree": c["agree_count"],
                "disagree": c["disagree_count"],
            }
            if personal:
                row["author_name"] = c["author__display_name"] or ""
                row["author_email"] = c["author__email"] or ""
                row["author_organisation"] = c["author__organisation"] or ""
            yield row


RESPONSE_FIELDS = ["pk", "reference", "channel", "respondent_type", "organisation_type", "region", "consent"]
RESPONSE_FIELDS += ["submitted_at", "respondent_name", "organisation_name"]
PERSONAL_RESPONSE_FIELDS = ["email", "address"]


def responses_rows(consultation, personal: bool) -> Iterator[dict]:
    """One row per submitted response with its choices in every closed question (a column each, named by
    the question's number as in the import template: q2, q3 ...). Plain values, as answers_rows."""
    questions = closed.closed_questions(consultation)
    fields = RESPONSE_FIELDS + (PERSONAL_RESPONSE_FIELDS if personal else [])
    qs = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED).values(*fields)
    for batch in _chunks(qs):
        chosen: dict[tuple[int, int], str] = {}
        if questions:
            # The batch's answers by a range of response ids (answers of other responses in the range,
            # drafts, are looked up by no row), without the answers' default ordering by question.
            for rid, qid, raw in (
                _with_raw_choices(
                    Answer.objects.filter(
                        response_id__gte=batch[0]["pk"],
                        response_id__lte=batch[-1]["pk"],
                        question__in=questions,
                    )
                )
                .order_by()
                .values_list("response_id", "question_id", _RAW_CHOICES)
            ):
                chosen[(rid, qid)] = _choices_text(raw)
        for r in batch:
            row = {
                "reference": r["reference"],
                "channel": r["channel"],
                "respondent_type": r["respondent_type"],
                "organisation_type": r["organisation_type"],
                "region": r["region"],
                "consent": r["consent"],
                "submitted_at": r["submitted_at"].isoformat() if r["submitted_at"] else "",
                "name": _response_name(r, personal),
            }
            for q in questions:
                row[q.column] = chosen.get((r["pk"], q.pk), "")
            if personal:
                row.update(
                    {
                        "respondent_name": r["respondent_name"],
                        "organisation_name": r["organisation_name"],
                        "email": r["email"],
                        "address": r["address"],
                    }
                )
            yield row


def closed_rows(consultation, personal: bool) -> Iterator[dict]:
    """Each closed question's counts per option and "not answered": overall (with campaign copies), then
    per group of every breakdown. The team's own figures: small counts are not hidden here, as the team's
    other exports carry every response."""
    for q in closed.question_results(consultation, suppress=False):
        for o in q["options"]:
            yield _closed_row(q, o["label"], "all", "All responses", q["responses"], o["count"], o["copies"])
        for b in q["breakdowns"]:
            for g in b["groups"]:
                for label, cell in zip(b["columns"], g["cells"], strict=True):
                    yield _closed_row(q, label, b["key"], g["label"], g["responses"], cell["count"], None)


def _closed_row(q: dict, option: str, breakdown: str, group: str, base, count, copies) -> dict:
    return {
        "question_id": q["id"],
        "question_number": q["position"],
        "question": q["text"],
        "option": option,
        "breakdown": breakdown,
        "group": group,
        "group_responses": base,
        "count": count,
        "percent": round(100 * count / base, 1) if base else 0.0,
        "campaign_copies": "" if copies is None else copies,
    }


def answers_rows(consultation, personal: bool) -> Iterator[dict]:
    """Plain values, not model instances: building three models a row was most of an export's time."""
    fields = [
        "pk",
        "response__reference",
        "question_id",
        "question__text",
        _RAW_CHOICES,
        "text",
        "response__channel",
        "response__respondent_type",
    ]
    if personal:
        fields += ["response__respondent_name", "response__email"]
    qs = _with_raw_choices(
        Answer.objects.filter(response__consultation=consultation, response__status=Response.Status.SUBMITTED)
    ).values(*fields)
    for batch in _chunks(qs):
        enrich, tags = _extras("answer", [a["pk"] for a in batch])
        for a in batch:
            e = enrich.get(a["pk"])
            row = {
                "id": a["pk"],
                "response": a["response__reference"],
                "question_id": a["question_id"],
                "question": a["question__text"],
                "choices": _choices_text(a[_RAW_CHOICES]),
                "text": a["text"],
                **_analysis_columns(e, tags.get(a["pk"], [])),
                "channel": a["response__channel"],
                "respondent_type": a["response__respondent_type"],
            }
            if personal:
                row.update({"respondent_name": a["response__respondent_name"], "email": a["response__email"]})
            yield row


def themes_rows(consultation, personal: bool) -> Iterator[dict]:
    for t in Theme.objects.filter(consultation=consultation).order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "id": t.pk,
            "scope": t.scope,
            "label": t.label,
            "description": t.description,
            "source": t.source,
            "active": t.is_active,
            "keywords": "; ".join(t.keywords or []),
        }


def assignments_rows(consultation, personal: bool) -> Iterator[dict]:
    qs = ThemeAssignment.objects.filter(theme__consultation=consultation).select_related("theme")
    for batch in _chunks(qs):
        for a in batch:
            yield {
                "id": a.pk,
                "theme_id": a.theme_id,
                "theme": a.theme.label,
                "unit": a.unit_kind,
                "unit_id": a.unit_id,
                "source": a.source,
                "confidence": round(a.confidence, 4),
                "confirmed": a.confirmed,
                "rejected": a.rejected,
            }


def units_rows(consultation, personal: bool) -> Iterator[dict]:
    """Every response unit the analysis reads (insights.units: each kind once, as runs read it), with its
    stance and themes. The text only: who gave it is in the responses and comments datasets."""
    for kind in units.kinds():
        batch: list = []
        for unit in kind.units(consultation.pk):
            batch.append(unit)
            if len(batch) == CHUNK:
                yield from _unit_batch(kind, batch)
                batch = []
        yield from _unit_batch(kind, batch)


def _unit_batch(kind: units.UnitKind, batch: list) -> Iterator[dict]:
    if not batch:
        return
    keys = [units.UnitKey.parse(u.id) for u in batch]
    enrich, tags = _extras(kind.kind, [k.pk for k in keys])
    for key, u in zip(keys, batch, strict=True):
        e = enrich.get(key.pk)
        yield {
            "unit": str(key),
            "kind": kind.label,
            "scope": u.scope,
            "text": u.text,
            **_analysis_columns(e, tags.get(key.pk, [])),
        }


ROWS = {
    "units": units_rows,
    "comments": comments_rows,
    "responses": responses_rows,
    "answers": answers_rows,
    "closed": closed_rows,
    "themes": themes_rows,
    "assignments": assignments_rows,
}


class Counter:
    """Counts rows as they stream so the log gets the real number at the end."""

    def __init__(self, rows: Iterator[dict], on_done):
        self.rows, self.on_done, self.n = rows, on_done, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row
        self.on_done(self.n)


def csv_stream(rows) -> Iterator[str]:
    buf = io.StringIO()
    writer = None
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(row.keys()))
            writer.writeheader()
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _safe_cell(value):
    """Stop spreadsheet formula injection: text starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def json_stream(rows) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
        first = False
    yield "]\n"


def xlsx_file(rows, title: str):
    """A write-only workbook (constant memory) saved to a temporary file, returned open for streaming."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    header = None
    for row in rows:
        if header is None:
            header = list(row.keys())
            ws.append(header)
        ws.append([_safe_cell(v) for v in row.values()])
    if header is None:
        ws.append(["No rows"])
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    wb.save(tmp)
    tmp.seek(0)
    return tmp
