"""Demo comment threads built from real public comment text.

The text comes from a real Polis conversation in ../shared/data/comments/polis (CC BY 4.0, "The
Computational Democracy Project" and the conversation's owner); every demo comment carries that credit in
`source_credit`, shown on its page. The demo bill supports sustainable aviation fuel through a levy, so
only comments about fossil fuels, carbon, emissions, renewable energy and climate change are used, and
none that is mainly about something else (elections, abortion, immigration, health care) or about another
country's tax system. They stand in for what readers of the bill would say.

`load_demo_comments(document)` is idempotent: it does nothing if the document already has demo comments.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from consultations.models import Section
from dhdigital.accounts.models import User
from dhdigital.lib.markdown import COMMENT_TAGS, render_markdown

from .models import Comment, Flag, Reaction

CONVERSATIONS = {
    "march-on.operation-marchin-orders": "March On: Operation Marching Orders",
}
CREDIT = "Polis conversation “{owner}”, The Computational Democracy Project, CC BY 4.0"
# What the demo bill (sustainable aviation fuel: a levy-funded price support for low-carbon fuel) is about:
# a comment is used only if it speaks of one of these, as whole words.
SUBJECT = re.compile(
    r"\b(fuels?|fossil|carbon|emissions?|renewables?|aviation|flights?|flying|planes?|airlines?|petrol|"
    r"diesel|biofuels?|greenhouse|clean energy|climate change)\b",
    re.IGNORECASE,
)
# Comments mainly about something the bill is not about: an election's candidates, other policy fields, or
# another country's tax system.
ELSEWHERE = re.compile(
    r"\b(gst|nz|new zealand|kiwis?|ird|maori|candidates?|vot\w*|elections?|abortion|immigra\w*|"
    r"americans?|epa|trump|president|congress|democrats?|republicans?|gop|dnc|women|guns?|pharma|"
    r"marijuana|health ?care)\b",
    re.IGNORECASE,
)
DEMO_DOMAIN = "demo.example.org"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - demo accounts only


def polis_comments(
    conversation: str = "scoop-hivemind.taxes",
    *,
    limit: int | None = None,
    data_dir: Path | None = None,
    unmoderated: bool = False,
) -> list[dict]:
    """Comments the conversation's own moderators accepted (with `unmoderated`, also those they never
    decided on; never those they rejected), in the order they were written."""
    path = Path(data_dir or settings.DATA_DIR) / "comments" / "polis" / conversation / "comments.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [
            {
                "id": int(r["comment-id"]),
                "author": int(r["author-id"]),
                "agrees": int(r["agrees"] or 0),
                "disagrees": int(r["disagrees"] or 0),
                "body": " ".join(r["comment-body"].split()),
                "conversation": conversation,
            }
            for r in csv.DictReader(fh)
            if (r["moderated"] == "1" or (unmoderated and r["moderated"] == "0"))
            and r["comment-body"].strip()
            and "<" not in r["comment-body"]
        ]
    rows.sort(key=lambda r: r["id"])
    return rows[:limit] if limit else rows


def relevant_polis_comments() -> Iterator[dict]:
    """Comments about fossil fuels, carbon, emissions, renewable energy and climate change (what the demo
    bill is about) from the conversation above, never those its moderators rejected; none mainly about
    another subject or another country's tax system."""
    for conversation in CONVERSATIONS:
        for row in polis_comments(conversation, unmoderated=True):
            body = row["body"]
            if (
                SUBJECT.search(body)
                and not ELSEWHERE.search(body)
                and len(body) <= settings.COMMENT_MAX_LENGTH
            ):
                yield row


def _demo_user(author_id: int, conversation: str):
    tag = hashlib.sha256(conversation.encode()).hexdigest()[:6]
    email = f"polis-{tag}-{author_id}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=f"Polis participant {author_id}"
        )
        user.date_joined = timezone.now() - timedelta(days=90)
        user.save(update_fields=["date_joined"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _save(row: dict, *, document, section, parent, created) -> Comment:
    owner = CONVERSATIONS[row["conversation"]]
    category = (
        Comment.Category.QUESTION
        if row["body"].rstrip().endswith("?")
        else Comment.Category.PRACTICAL_EFFECT
        if parent is None and row["id"] % 3 == 0
        else Comment.Category.DRAFTING
        if parent is None and row["id"] % 3 == 1
        else Comment.Category.GENERAL
    )
    comment = Comment.objects.create(
        consultation=document.consultation,
        document=document,
        section=section,
        parent=parent,
        author=_demo_user(row["author"], row["conversation"]),
        category=category,
        body=row["body"],
        body_html=render_markdown(row["body"], tags=COMMENT_TAGS),
        status=Comment.Status.PUBLISHED,
        depth=parent.depth + 1 if parent else 0,
        published_at=created,
        idempotency_key=f"demo-{row['conversation']}-{row['id']}",
        source_credit=CREDIT.format(owner=owner),
    )
    comment.path = Comment.thread_path(parent, comment.pk)
    Comment.objects.filter(pk=comment.pk).update(path=comment.path, created_at=created)
    return comment


def recount(comments) -> None:
    """Set reply, reaction and flag counts from the rows themselves (repairs any drift)."""
    for c in comments:
        c.reply_count = (
            Comment.objects.filter(path__startswith=c.path, status="published").exclude(pk=c.pk).count()
        )
        agg = Reaction.objects.filter(comment=c).aggregate(
            a=Count("pk", filter=Q(value="agree")), d=Count("pk", filter=Q(value="disagree"))
        )
        c.agree_count, c.disagree_count = agg["a"], agg["d"]
        c.flag_count = Flag.objects.filter(comment=c).values("user").distinct().count()
        Comment.objects.filter(pk=c.pk).update(
            reply_count=c.reply_count,
            agree_count=c.agree_count,
            disagree_count=c.disagree_count,
            flag_count=c.flag_count,
        )


@transaction.atomic
def load_demo_comments(document, *, per_clause: int = 6, clauses: int = 8) -> int:
    """Threads on the first `clauses` clauses (clause 3 the busiest), with real agree/disagree balance.
    Returns the number of comments created (0 when they already exist)."""
    if Comment.objects.filter(document=document).exclude(source_credit="").exists():
        return 0
    sections = list(
        Section.objects.filter(document=document, kind__in=Section.COMMENTABLE).order_by("position")[:clauses]
    )
    # Author 0 is each conversation's facilitator (seed statements): leave those out so that every demo
    # commenter is a distinct real participant.
    rows = iter([r for r in relevant_polis_comments() if r["author"] != 0])
    start = timezone.now() - timedelta(days=10)
    created: list[Comment] = []
    minute = 0
    for n, section in enumerate(sections, start=1):
        count = per_clause * 2 if n == 3 else per_clause
        roots: list[Comment] = []
        for i in range(count):
            row = next(rows, None)
            if row is None:
                break
            minute += 37
            when = start + timedelta(minutes=minute)
            # Every third comment replies to an earlier one; some replies get a reply of their own.
            if roots and i % 3 == 2:
                parent = roots[-1] if i % 2 else roots[0]
                parent = (
                    next((c for c in created if c.parent_id == parent.pk), parent) if i % 4 == 0 else parent
                )
            else:
                parent = None
            if parent is not None and parent._row["author"] == row["author"]:
                parent = None  # nobody replies to themselves in the demo
            c = _save(row, document=document, section=section, parent=parent, created=when)
            c._row = row
            created.append(c)
            if parent is None:
                roots.append(c)
    voters = list({c.author for c in created})
    for c in created:
        row = c._row
        total = row["agrees"] + row["disagrees"]
        share = row["agrees"] / total if total else 0.5
        others = [v for v in voters if v.pk != c.author_id][: min(len(voters) - 1, max(2, total // 10))]
        for k, voter in enumerate(others):
            value = (
                Reaction.Value.AGREE if (k + 0.5) / max(len(others), 1) <= share else Reaction.Value.DISAGREE
            )
            Reaction.objects.get_or_create(comment=c, user=voter, defaults={"value": value})
    recount(created)
    return len(created)


def bulk_threads(*, document, sections, authors, texts: list[str], n: int, seed: int = 7) -> list[Comment]:
    """`n` published comments spread over `sections` in realistic threads (about 40% start a thread, the
    rest reply at depths up to 8), created in a few bulk queries. For benchmarks and query-count tests."""
    import random

    rng = random.Random(seed)
    plan: list[dict] = []
    for i in range(n):
        parent = None
        if plan and rng.random() > 0.4:
            parent = rng.randrange(max(0, i - 40), i)
            while plan[parent]["depth"] >= 8:
                parent = plan[parent]["parent"]
        section = sections[i % len(sections)] if parent is None else plan[parent]["section"]
        depth = 0 if parent is None else plan[parent]["depth"] + 1
        plan.append({"parent": parent, "section": section, "depth": depth, "replies": 0})
    for i in range(n - 1, -1, -1):
        p = plan[i]["parent"]
        if p is not None:
            plan[p]["replies"] += plan[i]["replies"] + 1
    now = timezone.now()
    objs: list[Comment | None] = [None] * n
    for depth in range(0, 9):
        level = [i for i, p in enumerate(plan) if p["depth"] == depth]
        if not level:
            break
        batch = []
        for i in level:
            p = plan[i]
            parent = objs[p["parent"]] if p["parent"] is not None else None
            text = texts[i % len(texts)]
            batch.append(
                Comment(
                    consultation=document.consultation,
                    document=document,
                    section=p["section"],
                    parent=parent,
                    depth=depth,
                    author=authors[i % len(authors)],
                    category=Comment.Category.values[i % 4],
                    body=text,
                    body_html=render_markdown(text, tags=COMMENT_TAGS),
                    status=Comment.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=n - i),
                    reply_count=p["replies"],
                    agree_count=rng.randrange(0, 30),
                    disagree_count=rng.randrange(0, 10),
                )
            )
        created = Comment.objects.bulk_create(batch, batch_size=500)
        for i, obj in zip(level, created, strict=True):
            parent = objs[plan[i]["parent"]] if plan[i]["parent"] is not None else None
            obj.path = Comment.thread_path(parent, obj.pk)
            objs[i] = obj
        Comment.objects.bulk_update(created, ["path"], batch_size=500)
    return [o for o in objs if o is not None]
