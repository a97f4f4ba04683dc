"""Real comment texts (Polis, from the shared data) on the `document` fixture's clauses and as answers to a
question, with enrichments, themes and tags, and one respondent whose personal data must not leak."""

from __future__ import annotations

import csv
import itertools

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from comments.models import Comment
from insights.models import Enrichment, Theme, ThemeAssignment
from responses.models import Answer, Question, Response

PRIVATE_EMAIL = "pat.private-respondent@example.org"
PRIVATE_ADDRESS = "12 Fixture Lane, Leeds LS1 4AP"
PRIVATE_NAME = "Patricia Unnamedperson"
STANCES = ["disagree", "agree", "mixed", "unclear"]


def polis_texts(limit: int = 400, name: str = "15-per-hour-seattle") -> list[str]:
    path = settings.DATA_DIR / "comments" / "polis" / name / "comments.csv"
    out = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            body = (row.get("comment-body") or "").strip()
            if len(body.split()) >= 6:
                out.append(body)
            if len(out) == limit:
                break
    return out


def build(consultation, document, author, *, comments: int = 12, answers: int = 8) -> dict:
    """`comments` comments over clauses 1-5 (every other one on clause 5), `answers` submitted responses
    each answering one question. Stance cycles disagree/agree/mixed/unclear; every third is evidence-rich."""
    texts = itertools.cycle(polis_texts())
    clauses = {s.number: s for s in document.sections.filter(kind="clause")}
    now = timezone.now()
    rows = []
    for i in range(comments):
        section = clauses["5"] if i % 2 == 0 else clauses[str(1 + i % 4)]
        rows.append(
            Comment(
                consultation=consultation,
                document=document,
                section=section,
                author=author,
                body=next(texts),
                status=Comment.Status.PUBLISHED,
                published_at=now,
            )
        )
    made = Comment.objects.bulk_create(rows)
    question = Question.objects.create(
        consultation=consultation, position=1, text="What do you think of clause 5?", section=clauses["5"]
    )
    responses = []
    for i in range(answers):
        responses.append(
            Response(
                consultation=consultation,
                status=Response.Status.SUBMITTED,
                submitted_at=now,
                channel=Response.Channel.EMAIL if i % 3 == 0 else Response.Channel.ONLINE,
                respondent_type="individual",
                region="london" if i < answers - 1 else "wales",
                consent="none" if i == 0 else "anonymous",
                respondent_name=PRIVATE_NAME if i == 0 else "",
                email=PRIVATE_EMAIL if i == 0 else f"r{i}@example.net",
                address=PRIVATE_ADDRESS if i == 0 else "",
            )
        )
    responses = Response.objects.bulk_create(responses)
    ans = Answer.objects.bulk_create(
        [Answer(response=r, question=question, text=next(texts)) for r in responses]
    )
    enrich = []
    for i, c in enumerate(made):
        enrich.append(
            Enrichment(
                consultation=consultation,
                comment=c,
                stance=STANCES[i % 4],
                evidence_rich=i % 3 == 0,
                text_hash=str(c.pk),
            )
        )
    for i, a in enumerate(ans):
        enrich.append(
            Enrichment(
                consultation=consultation,
                answer=a,
                stance=STANCES[i % 4],
                evidence_rich=i % 3 == 0,
                text_hash=f"a{a.pk}",
            )
        )
    Enrichment.objects.bulk_create(enrich)
    costs = Theme.objects.create(
        consultation=consultation,
        scope="clause:sec_5",
        section=clauses["5"],
        label="Cost to small businesses",
        quotes=[{"unit": "comment", "id": made[0].pk, "text": made[0].body}],
    )
    fairness = Theme.objects.create(
        consultation=consultation, scope="consultation", label="Fairness for workers"
    )
    ThemeAssignment.objects.bulk_create(
        [ThemeAssignment(theme=costs, comment=c, confidence=0.8) for c in made[:4]]
        + [ThemeAssignment(theme=fairness, answer=a, confidence=0.7) for a in ans[:2]]
    )
    return {
        "comments": made,
        "answers": ans,
        "responses": responses,
        "question": question,
        "costs": costs,
        "fairness": fairness,
        "clause5": clauses["5"],
    }


@pytest.fixture
def data(consultation, document, citizen):
    return build(consultation, document, citizen)


CLOSED_QUESTIONS = [
    {
        "kind": "single",
        "text": "Do the current rules achieve their aims?",
        "choices": ["Yes", "Partly", "No"],
    },
    {
        "kind": "multiple",
        "text": "Who is most affected?",
        "choices": ["Individuals and families", "Small businesses", "Farmers and producers"],
    },
    {"kind": "scale", "text": "The department should prioritise removing outdated rules."},
]
ORG_TYPES = [c for c, _ in Response.OrganisationType.choices]
REGIONS = [c for c, _ in Response.Region.choices]


def closed_choices(question: Question, i: int) -> list[str] | None:
    """Response i's choices for `question`: None (no answer row) every 7th, [] (left blank) every 11th."""
    if i % 7 == 3:
        return None
    if i % 11 == 5:
        return []
    options = question.options
    if question.kind == "multiple":
        return [o for k, o in enumerate(options) if (i >> k) & 1] or [options[0]]
    return [options[(i * 7 + question.position) % len(options)]]


def add_closed_answers(consultation, responses, *, vary_respondents: bool = True) -> list[Question]:
    """Three closed questions (single, multiple, scale) answered by `responses` in a fixed pattern, and,
    with `vary_respondents`, channels, respondent and organisation types and regions spread over them."""
    start = Question.objects.filter(consultation=consultation).count() + 1
    questions = [
        Question.objects.create(consultation=consultation, position=start + k, **q)
        for k, q in enumerate(CLOSED_QUESTIONS)
    ]
    if vary_respondents:
        channels = [c for c, _ in Response.Channel.choices]
        changed = []
        for i, r in enumerate(responses):
            r.channel = channels[i % len(channels)]
            r.respondent_type = "organisation" if i % 3 == 1 else "individual"
            r.organisation_type = ORG_TYPES[i % len(ORG_TYPES)] if i % 3 == 1 else ""
            r.region = REGIONS[(i * 5) % len(REGIONS)] if i % 13 else ""
            changed.append(r)
        Response.objects.bulk_update(
            changed, ["channel", "respondent_type", "organisation_type", "region"], batch_size=2000
        )
    rows = []
    for i, r in enumerate(responses):
        for q in questions:
            choices = closed_choices(q, i)
            if choices is not None:
                rows.append(Answer(response=r, question=q, choices=choices))
    Answer.objects.bulk_create(rows, batch_size=5000)
    return questions


def cached_page_check(client, analyst, consultation, page):
    """For the tests of the dashboard's cache: a check that, after a change, `page(client, consultation)`
    (what the dashboard shows, as plain data) equals what a fresh count shows and differs from what it
    showed before the change (its counts kept in the cache then), or not if `changed=False`."""
    from django.core.cache import cache

    client.force_login(analyst)
    cache.clear()
    last = [page(client, consultation)]
    assert page(client, consultation) == last[0]

    def check_after_change(*, changed: bool = True) -> dict:
        after = page(client, consultation)
        cache.clear()
        assert after == page(client, consultation)
        assert (after != last[0]) == changed
        last[0] = page(client, consultation)  # kept in the cache again
        return after

    return check_after_change


# The results version is moved by PostgreSQL triggers: on SQLite nothing is kept in the cache.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the results version is moved by PostgreSQL triggers"
)
